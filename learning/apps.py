from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from content.api import MODULE_STATE_PROVIDERS
        from content.models import COURSE_MEMBER_CHECKS
        from content.video_services import VIDEO_VIEWER_CHECKS

        from .selectors import (
            is_enrolled_in_any,
            is_enrolled_viewer,
            module_completion_state,
        )

        if module_completion_state not in MODULE_STATE_PROVIDERS:
            MODULE_STATE_PROVIDERS.append(module_completion_state)
        if is_enrolled_viewer not in VIDEO_VIEWER_CHECKS:
            VIDEO_VIEWER_CHECKS.append(is_enrolled_viewer)
        if is_enrolled_in_any not in COURSE_MEMBER_CHECKS:
            COURSE_MEMBER_CHECKS.append(is_enrolled_in_any)
