from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """The community's Discord: accounts linked through django-allauth's Discord
    provider, and guild roles that follow a learner's courses (enrolled, completed,
    certified), configured per course by administrators and kept in step by the
    bot (``integrations.discord``) from Celery tasks."""

    name = "learning.community"
    label = "community"
    verbose_name = "Community (Discord)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects allauth's link signals)
