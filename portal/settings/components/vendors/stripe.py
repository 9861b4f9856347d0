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
