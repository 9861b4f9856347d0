"""The notice shown on the sign-in page (``SIGN_IN_NOTICE``), which a person must
accept before signing in: off by default; ``usg`` is the standard DoD Notice and
Consent Banner for U.S. Government information systems (DoDI 8500.01, the
"standard mandatory DoD notice and consent banner"); any other value is the
notice's own text."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

NOTICE_FIELD = "accept_notice"

USG_NOTICE = """\
You are accessing a U.S. Government (USG) Information System (IS) that is provided \
for USG-authorized use only.

By using this IS (which includes any device attached to this IS), you consent to \
the following conditions:

- The USG routinely intercepts and monitors communications on this IS for purposes \
including, but not limited to, penetration testing, COMSEC monitoring, network \
operations and defense, personnel misconduct (PM), law enforcement (LE), and \
counterintelligence (CI) investigations.
- At any time, the USG may inspect and seize data stored on this IS.
- Communications using, or data stored on, this IS are not private, are subject to \
routine monitoring, interception, and search, and may be disclosed or used for any \
USG-authorized purpose.
- This IS includes security measures (e.g., authentication and access controls) to \
protect USG interests--not for your personal benefit or privacy.
- Notwithstanding the above, using this IS does not constitute consent to PM, LE or \
CI investigative searching or monitoring of the content of privileged \
communications, or work product, related to personal representation or services by \
attorneys, psychotherapists, or clergy, and their assistants. Such communications \
and work product are private and confidential. See User Agreement for details."""


def sign_in_notice_text() -> str:
    """The notice's text, empty when there is none."""
    configured = (settings.SIGN_IN_NOTICE or "").strip()
    if configured.lower() == "usg":
        return USG_NOTICE
    return configured


def sign_in_notice_blocks() -> list[dict]:
    """The notice as blocks for a template: ``{"text": paragraph}`` or ``{"list":
    [text, ...]}`` (blank lines separate blocks; lines starting with "- " are list
    items). Empty when there is no notice."""
    blocks: list[dict] = []
    for chunk in sign_in_notice_text().replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append({"list": [line[2:].strip() for line in lines]})
        else:
            blocks.append({"text": " ".join(lines)})
    return blocks


def notice_field() -> forms.BooleanField:
    """The checkbox that accepts the notice (sign-in and sign-up forms)."""
    return forms.BooleanField(
        label=_("I have read the notice above and consent to its terms."),
        required=True,
        error_messages={"required": _("Accept the notice to continue.")},
    )
