"""Shared by the course and module services: pages validated like the editor does,
unique slugs, and API text turned into rich text."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import Page

from portal.errors import InvalidInput

TREE_FIELDS = ["path", "depth", "numchild", "url_path"]


def _clean_page(page: Page) -> None:
    """Validate a page like the editor would; model errors become InvalidInput."""
    try:
        page.full_clean(exclude=TREE_FIELDS if page.pk is None else None)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(
            " ".join(messages), field=None if field == "__all__" else field
        ) from None


def _unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:60] or "page"
    siblings = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in siblings:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _rich_text(text: str) -> str:
    """API text becomes paragraphs of rich text; markup is not trusted."""
    paragraphs = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
