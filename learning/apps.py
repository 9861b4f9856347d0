from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from content.api import MODULE_STATE_PROVIDERS

        from .selectors import module_completion_state

        if module_completion_state not in MODULE_STATE_PROVIDERS:
            MODULE_STATE_PROVIDERS.append(module_completion_state)
