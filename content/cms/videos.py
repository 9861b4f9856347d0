"""Videos in the Wagtail admin: upload (through ``video_services.video_upload``, the
same validation as the API), a list with status, errors and durations, a chooser for
the module body's video block, and a dashboard panel of the user's failed and
unfinished transcodes.

Instructors see and edit only their own videos; admins all of them. Nobody deletes
a video here (modules may show it).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, Table, TitleColumn, UpdatedAtColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.accounts.models import Role, User
from portal.accounts.permissions import has_permission, is_admin
from portal.errors import InvalidInput

from ..blocks import VideoChooserWidget
from ..media import VideoAsset, VideoStatus

UPLOAD_PERMISSION = "video:upload"
# Actions an uploader may take on their own videos; deletion is not offered.
ALLOWED_ACTIONS = {"add", "change", "choose", "view"}
PANEL_LIMIT = 10


class VideoPermissionPolicy(BasePermissionPolicy):
    """Roles with ``video:upload`` (instructors, admins) may upload; each changes and
    chooses their own videos, admins every video."""

    def user_has_permission(self, user, action):
        return action in ALLOWED_ACTIONS and has_permission(user, UPLOAD_PERMISSION)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and (
            is_admin(user) or instance.owner_id == user.pk
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            video_admin_queryset(user)
            if self.user_has_any_permission(user, actions)
            else VideoAsset.objects.none()
        )

    def users_with_any_permission(self, actions):
        if not set(actions) & ALLOWED_ACTIONS:
            return User.objects.none()
        return User.objects.filter(
            Q(role__in=[Role.INSTRUCTOR, Role.ADMIN]) | Q(is_superuser=True),
            is_active=True,
        )

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions).filter(
            Q(pk=instance.owner_id) | Q(role=Role.ADMIN) | Q(is_superuser=True)
        )


video_permission_policy = VideoPermissionPolicy(VideoAsset)


def video_admin_queryset(user):
    """The videos ``user`` manages in the admin: their own; admins all."""
    videos = VideoAsset.objects.select_related("owner")
    if is_admin(user):
        return videos
    if not has_permission(user, UPLOAD_PERMISSION):
        return videos.none()
    return videos.filter(owner=user)


# --- Listing, upload, edit ---------------------------------------------------------


class VideoStatusColumn(Column):
    """The status tag; failed transcodes show their error in red."""

    cell_template_name = "content/admin/video_status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["failed"] = instance.status == VideoStatus.FAILED
        context["ready"] = instance.status == VideoStatus.READY
        context["error"] = instance.error
        return context


class VideoTable(Table):
    def get_row_classname(self, instance):
        return "video-failed" if instance.status == VideoStatus.FAILED else ""


def _duration(video) -> str:
    if video.duration is None:
        return "—"
    minutes, seconds = divmod(round(video.duration), 60)
    return f"{minutes}:{seconds:02d}"


class VideoIndexView(generic.IndexView):
    table_class = VideoTable
    default_ordering = "-updated_at"

    def get_base_queryset(self):
        return video_admin_queryset(self.request.user)

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "title",
                label=_("Title"),
                url_name=self.edit_url_name,
                sort_key="title",
            ),
            VideoStatusColumn(
                "status",
                label=_("Status"),
                accessor=lambda video: video.get_status_display(),
                sort_key="status",
            ),
            Column("duration", label=_("Duration"), accessor=_duration),
        ]
        if is_admin(self.request.user):
            columns.append(Column("owner", label=_("Uploaded by")))
        columns.append(UpdatedAtColumn())
        return columns


UPLOAD_PANELS = ObjectList(
    [
        FieldPanel("title"),
        FieldPanel(
            "original",
            heading=_("Video file"),
            help_text=_("It is checked with ffprobe, then transcoded to HLS."),
        ),
    ]
).bind_to_model(VideoAsset)
EDIT_PANELS = ObjectList(
    [
        FieldPanel("title"),
        FieldPanel("status", read_only=True),
        FieldPanel("error", read_only=True),
        FieldPanel("duration", read_only=True),
    ]
).bind_to_model(VideoAsset)


class VideoCreateView(generic.CreateView):
    """Upload through ``video_upload``: a file over the size limit or not a video
    comes back as an error on the file field, and nothing is stored."""

    def save_instance(self):
        from ..services.videos import video_upload

        return video_upload(
            actor=self.request.user,
            title=self.form.cleaned_data["title"],
            file=self.form.cleaned_data["original"],
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except InvalidInput as error:
            form.add_error(
                "original" if error.field == "file" else None, str(error.message)
            )
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class VideoEditView(generic.EditView):
    def get_queryset(self):
        return video_admin_queryset(self.request.user)


class VideoViewSet(ModelViewSet):
    model = VideoAsset
    icon = "media"
    menu_label = _("Videos")
    menu_order = 250
    add_to_admin_menu = True
    name = "videos"
    index_view_class = VideoIndexView
    add_view_class = VideoCreateView
    edit_view_class = VideoEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title"]
    panels = EDIT_PANELS.children

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=UPLOAD_PANELS,
            form_class=UPLOAD_PANELS.get_form_class(),
            **kwargs,
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            panel=EDIT_PANELS, form_class=EDIT_PANELS.get_form_class(), **kwargs
        )


# --- Chooser -------------------------------------------------------------------------


class VideoChooseViewMixin:
    def get_object_list(self):
        return video_admin_queryset(self.request.user).order_by("-created_at")


class VideoChooseView(VideoChooseViewMixin, chooser_views.ChooseView):
    pass


class VideoChooseResultsView(VideoChooseViewMixin, chooser_views.ChooseResultsView):
    pass


class VideoChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return video_admin_queryset(self.request.user).get(pk=pk)


class VideoChooserViewSet(ChooserViewSet):
    model = VideoAsset
    icon = "media"
    choose_one_text = _("Choose a video")
    choose_another_text = _("Choose another video")
    edit_item_text = _("Edit this video")
    choose_view_class = VideoChooseView
    choose_results_view_class = VideoChooseResultsView
    chosen_view_class = VideoChosenView
    # The module body's block declares the same widget (``content.blocks``).
    widget_class = VideoChooserWidget
    # A chooser for foreign keys too would be registered globally; only blocks use it.
    register_widget = False


video_chooser_viewset = VideoChooserViewSet("video_chooser", url_prefix="video-chooser")


# --- Dashboard -----------------------------------------------------------------------


class VideoProblemsPanel(Component):
    """The dashboard's list of the user's videos that failed or are still being
    transcoded (admins: everyone's failures)."""

    name = "video_problems"
    order = 90
    template_name = "content/admin/video_problems_panel.html"

    def __init__(self, request):
        self.request = request
        user = request.user
        videos = VideoAsset.objects.select_related("owner").order_by("-updated_at")
        if is_admin(user):
            videos = videos.filter(
                Q(status=VideoStatus.FAILED)
                | Q(
                    owner=user,
                    status__in=[VideoStatus.UPLOADED, VideoStatus.PROCESSING],
                )
            )
        else:
            videos = videos.filter(
                owner=user,
                status__in=[
                    VideoStatus.FAILED,
                    VideoStatus.UPLOADED,
                    VideoStatus.PROCESSING,
                ],
            )
        self.videos = list(videos[:PANEL_LIMIT])

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["videos"] = self.videos
        context["is_admin"] = is_admin(self.request.user)
        return context
