from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "learning.mentorship"
    label = "mentorship"
    verbose_name = "Mentorship"
    default_auto_field = "django.db.models.BigAutoField"
