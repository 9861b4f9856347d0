from django.apps import AppConfig
from django.core import checks


class HealthConfig(AppConfig):
    name = "portal.health"
    label = "health"
    verbose_name = "Health"

    def ready(self) -> None:
        from portal.hooks import required_hooks_check

        checks.register(required_hooks_check)
