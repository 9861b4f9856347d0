from rest_framework.response import Response


class ApiResponse(Response):
    """A DRF response that carries extra ``meta`` for the envelope (pagination)."""

    def __init__(self, data=None, *, meta: dict | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.meta = meta or {}
