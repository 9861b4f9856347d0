from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Routes match with and without a trailing slash, so no redirect ever drops a
    POST body (API.md)."""

    def __init__(self):
        super().__init__(trailing_slash="/?")
