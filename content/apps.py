from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache purge on publish)

        post_migrate.connect(
            _setup_catalog, sender=self, dispatch_uid="content.catalog"
        )


def _setup_catalog(sender, using="default", **kwargs) -> None:
    """Every migrated database has the catalog, its review workflow and editor
    permissions (idempotent)."""
    from .services import catalog_setup

    catalog_setup()
