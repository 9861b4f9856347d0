from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "corporate.scim"
    label = "corporate_scim"
    verbose_name = "SCIM provisioning"
    default_auto_field = "django.db.models.BigAutoField"
