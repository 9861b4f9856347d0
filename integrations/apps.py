from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """One module per outside system; reached only from services and tasks."""

    name = "integrations"
    verbose_name = "Integrations"
