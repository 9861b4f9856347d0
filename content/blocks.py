"""StreamField blocks for module bodies."""

from wagtail import blocks
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


class VideoBlock(blocks.StructBlock):
    """A reference to an uploaded video asset. The asset model, its chooser and the
    player arrive with the media pipeline; until then the id is kept as is."""

    video_id = blocks.IntegerBlock(min_value=1)
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
    ``javascript:`` links."""
    if isinstance(block, blocks.RichTextBlock):
        if not isinstance(value, str):
            raise ValueError("Rich text must be a string of HTML.")
        converter = block.field.widget.converter
        return converter.to_database_format(converter.from_database_format(value))
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        children = block.child_blocks
        return {
            name: clean_rich_text(children[name], v) if name in children else v
            for name, v in value.items()
        }
    return value
