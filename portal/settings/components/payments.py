"""Orders and checkout (``learning.payments``). The providers' own keys live in
``vendors/stripe.py`` and ``vendors/paypal.py``; payments are off until one of them is
configured."""

from . import env

# The one currency course prices are in (ISO 4217, lower case as Stripe writes it).
PAYMENTS_CURRENCY = env.str("PAYMENTS_CURRENCY", default="usd").lower()
# How long a checkout page at the provider stays open (Stripe allows 30 min - 24 h);
# a pending order older than this is failed and a new checkout starts.
PAYMENTS_CHECKOUT_MINUTES = env.int("PAYMENTS_CHECKOUT_MINUTES", default=60)
