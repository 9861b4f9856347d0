"""Stripe Checkout and Stripe's webhooks (``integrations/stripe/``, used by
``learning.payments``)."""

from . import vendor_settings

# Off (None) unless STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set. API_BASE is
# Stripe's API unless a test (or a mock server in development) points it elsewhere.
STRIPE = vendor_settings(
    "STRIPE",
    required=["SECRET_KEY", "WEBHOOK_SECRET"],
    optional={"API_BASE": "https://api.stripe.com"},
)

if STRIPE is not None:
    from ..security import CONTENT_SECURITY_POLICY as _POLICY

    # The checkout form posts here and is redirected to Stripe's hosted page;
    # browsers hold that redirect to the page's form-action.
    CONTENT_SECURITY_POLICY = {
        **_POLICY,
        "form-action": [*_POLICY["form-action"], "https://checkout.stripe.com"],
    }
