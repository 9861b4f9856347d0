"""The learner's and the security e-mails carry an HTML part beside the text, with
the same facts, the payload escaped, and the unsubscribe link only where the person
may turn the event off."""

import pytest

from portal.notifications.email import email_render
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

CASES = {
    "learning.enrollment_confirmed": (
        {"course_title": "Network <Defense>", "course_url": "/courses/net/"},
        ["Network &lt;Defense&gt;", "/courses/net/", "Start learning"],
    ),
    "learning.certificate_issued": (
        {
            "course_title": "Linux",
            "number": "WCH-2026-ABCD-EFGH",
            "certificate_url": "/learn/certificates/3/",
            "verification_url": "http://x.test/certificates/verify/WCH-2026-ABCD-EFGH/",
        },
        ["WCH-2026-ABCD-EFGH", "/learn/certificates/3/", "Congratulations Ada"],
    ),
    "learning.certificate_revoked": (
        {"course_title": "Linux", "number": "WCH-1", "reason": "Exam <invalidated>"},
        ["WCH-1", "Reason: Exam &lt;invalidated&gt;"],
    ),
    "accounts.password_changed": (
        {"at": "2026-12-05 01:00 UTC"},
        ["was changed on 2026-12-05 01:00 UTC", "/accounts/password/reset/"],
    ),
    "accounts.new_sign_in": (
        {
            "at": "2026-12-05 01:00 UTC",
            "ip_address": "198.51.100.4",
            "user_agent": "<script>alert(1)</script>",
        },
        ["198.51.100.4", "&lt;script&gt;alert(1)&lt;/script&gt;", "/accounts/profile/"],
    ),
}


@pytest.mark.parametrize("event", sorted(CASES))
def test_the_html_part(event):
    user = UserFactory(first_name="Ada")
    payload, expected = CASES[event]
    message = email_render(user=user, event=event, payload=payload)
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    for text in expected:
        assert text in html, text
    assert "<script>" not in html
    optional = event in {"learning.enrollment_confirmed", "learning.certificate_issued"}
    assert ("Unsubscribe" in html) == optional
