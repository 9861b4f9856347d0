from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "learning.skills"
    label = "skills"
    verbose_name = "Skills (NICE Framework)"
