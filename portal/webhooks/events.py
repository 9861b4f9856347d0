"""The events partners may subscribe to (API.md, "Outgoing webhooks"), in one place.
An emitter names one of these; an endpoint subscribes to some of them."""

EVENTS: dict[str, str] = {
    "enrollment.created": "A learner was enrolled in a course.",
    "enrollment.completed": "A learner completed a course.",
    "certificate.issued": "A certificate was issued.",
    "certificate.revoked": "A certificate was revoked.",
    "order.paid": "An order was paid.",
    "order.refunded": "An order was refunded.",
}
