"""Cache purge when what anonymous readers see changes (a decoupled concern)."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from .cache import catalog_cache_bump
from .models import CourseIndexPage, CoursePage, ModulePage
from .services import course_modules_publish
from .services.videos import video_usages_sync, video_viewer_cache_reset_for_course


@receiver(page_published, dispatch_uid="content.purge_on_publish")
@receiver(page_unpublished, dispatch_uid="content.purge_on_unpublish")
def purge_catalog_cache(sender, instance, **kwargs):
    if isinstance(instance, CoursePage | ModulePage | CourseIndexPage):
        transaction.on_commit(catalog_cache_bump)


@receiver(page_published, dispatch_uid="content.publish_course_modules")
def publish_modules_with_their_course(sender, instance, revision=None, **kwargs):
    """Approving a course in the editor publishes its draft modules too, as the API's
    publish does (the review covers the whole course)."""
    if isinstance(instance, CoursePage):
        # The approver is not part of the signal; the publication is logged as a
        # system action (the course's own publication names the approver).
        course_modules_publish(course=instance, actor=None)


@receiver(page_published, dispatch_uid="content.index_module_videos")
@receiver(page_unpublished, dispatch_uid="content.unindex_module_videos")
def index_module_videos(sender, instance, **kwargs):
    """Keep the module → video index (used by access checks) in step with what is
    live."""
    if isinstance(instance, ModulePage):
        video_usages_sync(module=instance)


@receiver(page_published, dispatch_uid="content.reset_course_video_access")
@receiver(page_unpublished, dispatch_uid="content.reset_course_video_access_off")
def reset_course_video_access(sender, instance, **kwargs):
    """Publishing or unpublishing a whole course changes who may watch its videos
    (free previews need a live course): drop the cached answers."""
    if isinstance(instance, CoursePage):
        video_viewer_cache_reset_for_course(course_id=instance.pk)
