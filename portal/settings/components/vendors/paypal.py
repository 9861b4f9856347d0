"""PayPal Orders v2 and PayPal's webhooks (``integrations/paypal/``, used by
``learning.payments``)."""

from . import vendor_settings

# Off (None) unless PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID are
# set. API_BASE is live PayPal (the sandbox is https://api-m.sandbox.paypal.com).
# Webhook signatures are checked against a certificate PayPal names in each event;
# it is fetched only from CERT_URL_PREFIXES, must chain to CERT_ROOTS (a PEM bundle;
# empty: the certifi bundle) and be issued to CERT_HOST.
PAYPAL = vendor_settings(
    "PAYPAL",
    required=["CLIENT_ID", "CLIENT_SECRET", "WEBHOOK_ID"],
    optional={
        "API_BASE": "https://api-m.paypal.com",
        "CERT_URL_PREFIXES": "https://api.paypal.com/,https://api.sandbox.paypal.com/",
        "CERT_HOST": "messageverificationcerts.paypal.com",
        "CERT_ROOTS": "",
    },
)

if PAYPAL is not None:
    from ..security import CONTENT_SECURITY_POLICY as _POLICY

    # The checkout form is redirected to PayPal's approval page (form-action).
    CONTENT_SECURITY_POLICY = {
        **_POLICY,
        "form-action": [
            *_POLICY["form-action"],
            "https://www.paypal.com",
            "https://www.sandbox.paypal.com",
        ],
    }
