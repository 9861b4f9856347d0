"""Cache purge when what anonymous readers see changes, and the record of a
moderator's decision on a course review (decoupled concerns)."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.models import WorkflowState
from wagtail.signals import (
    page_published,
    page_unpublished,
    workflow_approved,
    workflow_rejected,
)

from .cache import catalog_cache_bump
from .models import CourseIndexPage, CoursePage, ModulePage
from .services import course_modules_publish, course_review_decision_record
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


# Wagtail's admin e-mails the submitter on approval and rejection (its receivers
# have these dispatch_uids). Ours replace them: one message, from the portal's
# notifications (templated, with the person's preference). ``content`` is ready()
# before ``wagtail.admin``, and Django ignores a second receiver with a
# (dispatch_uid, sender) already connected, so connecting under Wagtail's ids keeps
# its duplicates out.
@receiver(
    workflow_approved,
    sender=WorkflowState,
    dispatch_uid="workflow_state_approved_email_notification",
)
@receiver(
    workflow_rejected,
    sender=WorkflowState,
    dispatch_uid="workflow_state_rejected_email_notification",
)
def record_course_review_decision(sender, instance, user=None, signal=None, **kwargs):
    """Approving or rejecting a course's review, in the editor or through the API
    (``course_publish`` approves the same workflow), is audited and told to the
    instructor."""
    if not str(instance.object_id).isdigit():
        return
    course = CoursePage.objects.filter(pk=int(instance.object_id)).first()
    if course is None:
        return
    task_state = instance.current_task_state
    course_review_decision_record(
        course=course,
        actor=user,
        approved=signal is workflow_approved,
        comment=task_state.comment if task_state is not None else "",
    )
