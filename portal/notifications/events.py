"""Every notification the portal sends, in one place.

An event is a dotted name (``<app>.<what happened>``). Its templates live in
``templates/notifications/<event>/``: ``subject.txt`` (one line), ``body.txt`` and,
optionally, ``body.html``; each is rendered with ``user``, ``payload`` (the JSON the
sender passed), ``site_name``, ``site_url`` and, for optional events,
``unsubscribe_url``.

``optional`` events are ones a person may turn off (a preference per event; the
e-mail carries an unsubscribe link and ``List-Unsubscribe`` headers, RFC 8058).
Transactional and security messages (a password changed, a sign-in from a new
device, a receipt) are not optional: people must get them.

A new event: add it here, add its templates, call
``portal.notifications.services.notify``. ``tests/portal/test_notifications.py``
fails for an event without templates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    label: str
    optional: bool


EVENTS: dict[str, Event] = {
    # accounts
    "accounts.password_changed": Event("Your password was changed", optional=False),
    "accounts.new_sign_in": Event("A sign-in from a new device", optional=False),
    # learning
    "learning.enrollment_confirmed": Event("Enrollment confirmations", optional=True),
    "learning.certificate_issued": Event("Certificates issued", optional=True),
    "learning.certificate_revoked": Event("Certificates revoked", optional=False),
    # mentorship
    "mentorship.assigned": Event("A mentor assigned to you", optional=False),
    "mentorship.session_booked": Event("Mentoring session invitations", optional=False),
    "mentorship.session_updated": Event("Mentoring session changes", optional=False),
    "mentorship.session_cancelled": Event(
        "Mentoring session cancellations", optional=False
    ),
    "mentorship.reminder": Event("Mentoring session reminders", optional=True),
    "mentorship.weekly_digest": Event("Weekly mentoring digest", optional=True),
    "mentorship.review_published": Event("Progress reviews", optional=True),
    # payments (receipts and refunds must reach the buyer)
    "payments.order_paid": Event("Payment receipts", optional=False),
    "payments.order_refunded": Event("Refunds", optional=False),
    # assessments
    "assessments.attempt_graded": Event("Graded essays and exams", optional=True),
    # corporate
    "corporate.member_added": Event("Added to an organization", optional=False),
    "corporate.weekly_report": Event("Weekly organization report", optional=True),
    # talent pipeline (an employer's interest and the learner's answer)
    "talent.interest_received": Event("Employers' interest in you", optional=True),
    "talent.interest_accepted": Event("Candidates accepting", optional=True),
    "talent.interest_declined": Event("Candidates declining", optional=True),
    # content (to instructors)
    "content.course_approved": Event("Course approved for publishing", optional=True),
    "content.course_rejected": Event("Course sent back by a moderator", optional=True),
}


def event_get(name: str) -> Event:
    """The declared event ``name``; a ``KeyError`` for an undeclared one, so a typo
    fails where it is written rather than sending nothing."""
    return EVENTS[name]
