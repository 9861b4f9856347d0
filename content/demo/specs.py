"""The shape of the demo catalog: a course and its modules as plain data, turned
into the bodies the content services take."""

from dataclasses import dataclass, field

from django.utils.text import slugify

PUBLISHED, IN_REVIEW, ARCHIVED = "published", "in_review", "archived"


@dataclass
class Module:
    title: str
    summary: str
    kind: str
    duration: int
    intro: str
    code: tuple[str, str] | None = None
    callout: tuple[str, str] | None = None
    mandatory: bool = True
    video: bool = False

    def body(self, video_id: int | None = None) -> list[dict]:
        blocks = []
        if self.video and video_id:
            blocks.append(
                {
                    "type": "video",
                    "value": {"video_id": video_id, "caption": self.title},
                }
            )
        blocks.append({"type": "rich_text", "value": self.intro})
        if self.code:
            language, code = self.code
            blocks.append(
                {"type": "code", "value": {"language": language, "code": code}}
            )
        if self.callout:
            kind, text = self.callout
            blocks.append(
                {"type": "callout", "value": {"kind": kind, "text": f"<p>{text}</p>"}}
            )
        return blocks


@dataclass
class Course:
    title: str
    category: str
    difficulty_level: str
    estimated_duration: int
    price: str
    description: str
    outcomes: list[str]
    modules: list[Module]
    capacity: int | None = None
    prerequisites: list[str] = field(default_factory=list)
    status: str = PUBLISHED

    @property
    def slug(self) -> str:
        return slugify(self.title)


def paragraphs(*texts: str) -> str:
    """Rich text with one ``<p>`` per argument."""
    return "".join(f"<p>{text}</p>" for text in texts)
