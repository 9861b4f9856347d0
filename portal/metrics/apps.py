from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "portal.metrics"
    label = "metrics"
    verbose_name = "Metrics"

    def ready(self) -> None:
        # Celery's task signals, in every process that may run a task (workers, and
        # the web process when tasks run eagerly).
        from . import signals  # noqa: F401
