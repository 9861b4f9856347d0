from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from learning.services import completion_guards

        from .services import required_assessment_guard

        if required_assessment_guard not in completion_guards:
            completion_guards.append(required_assessment_guard)

        from learning.analytics import assessment_analytics_provider_register

        from .analytics import provider

        assessment_analytics_provider_register(provider)
