"""StreamField blocks for module bodies."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

CODE_LANGUAGES = [
    ("text", "Plain text"),
    ("bash", "Shell"),
    ("powershell", "PowerShell"),
    ("python", "Python"),
    ("c", "C"),
    ("javascript", "JavaScript"),
    ("sql", "SQL"),
    ("yaml", "YAML"),
    ("json", "JSON"),
    ("asm", "Assembly"),
]


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="text")
    code = blocks.TextBlock()

    class Meta:
        icon = "code"
        template = "content/blocks/code.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250, help_text="Describe the image for people who cannot see it."
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", "Note"), ("tip", "Tip"), ("warning", "Warning")],
        default="info",
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "code", "ul", "ol"])

    class Meta:
        icon = "help"
        template = "content/blocks/callout.html"


class VideoChooserWidget(BaseChooser):
    """The editor's video picker. It opens the chooser that ``content.cms.videos``
    registers under the ``video_chooser`` URL namespace; declared here, beside the
    block, so that the block (part of the page models) needs nothing from the
    admin's views."""

    choose_one_text = _("Choose a video")
    choose_another_text = _("Choose another video")
    link_to_chosen_text = _("Edit this video")
    chooser_modal_url_name = "video_chooser:choose"
    icon = "media"
    model = "content.VideoAsset"


class VideoChooserBlock(blocks.ChooserBlock):
    """Picks a video in the admin's video chooser, but its value stays the video's
    id (an int), as stored: the API, ``video_usages_sync`` and the player template
    read ``video_id`` as a number, and a missing video is not an error on read."""

    target_model = "content.VideoAsset"

    @cached_property
    def widget(self):
        return VideoChooserWidget()

    @staticmethod
    def _pk(value):
        if value is None or value == "":
            return None
        return value.pk if hasattr(value, "pk") else int(value)

    def to_python(self, value):
        return self._pk(value)

    def bulk_to_python(self, values):
        return [self._pk(value) for value in values]

    def get_prep_value(self, value):
        return self._pk(value)

    def value_from_form(self, value):
        return self._pk(value)

    def clean(self, value):
        # The form field checks that the video exists; the value stays an id.
        return self._pk(super().clean(value))

    def extract_references(self, value):
        if value is not None:
            yield self.model_class, str(value), "", ""

    class Meta:
        icon = "media"


class VideoBlock(blocks.StructBlock):
    """A video asset shown in a module, by id (``video_id``: an int)."""

    video_id = VideoChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "media"
        template = "content/blocks/video.html"


class ModuleBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(
        features=[
            "h2",
            "h3",
            "bold",
            "italic",
            "link",
            "ol",
            "ul",
            "code",
            "blockquote",
        ]
    )
    code = CodeBlock()
    image = ImageBlock()
    document = DocumentChooserBlock()
    embed = EmbedBlock()
    callout = CalloutBlock()
    video = VideoBlock()


def clean_rich_text(block, value):
    """Rich text from the API must be HTML text, and passes the editor's own
    converter, which keeps only the block's features: no scripts, event handlers or
    ``javascript:`` links. Raises ``ValueError`` for HTML the converter cannot read:
    it fails on malformed markup (``<b>x``, ``<p><img></p>``) with assertions and
    type errors of its own, which must reach the client as a 400, not a 500."""
    if isinstance(block, blocks.RichTextBlock):
        if not isinstance(value, str):
            raise ValueError("Rich text must be a string of HTML.")
        converter = block.field.widget.converter
        try:
            return converter.to_database_format(converter.from_database_format(value))
        except Exception as error:  # the converter's own failures, whatever type
            raise ValueError(
                "Rich text must be well-formed HTML (matched tags, no empty "
                "elements the editor cannot hold)."
            ) from error
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        children = block.child_blocks
        return {
            name: clean_rich_text(children[name], v) if name in children else v
            for name, v in value.items()
        }
    return value
