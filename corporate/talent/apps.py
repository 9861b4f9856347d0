from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "corporate.talent"
    label = "talent"
    verbose_name = "Talent pipeline"
