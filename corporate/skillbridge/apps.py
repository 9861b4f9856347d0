from django.apps import AppConfig


class SkillBridgeConfig(AppConfig):
    name = "corporate.skillbridge"
    label = "skillbridge"
    verbose_name = "DoD SkillBridge"
