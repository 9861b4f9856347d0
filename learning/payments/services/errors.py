"""The errors of payments, with the status the contract gives them."""

from portal.errors import DomainError


class PaymentsNotConfigured(DomainError):
    """No key for the chosen provider: the integration is off."""

    code = "PAYMENTS_NOT_CONFIGURED"
    status = 503


class ProviderUnavailable(DomainError):
    """The provider did not answer in time, failed, or its circuit is open; nothing
    was charged and no order was left behind. Try again later."""

    code = "PAYMENT_PROVIDER_UNAVAILABLE"
    status = 503


class ProviderRejected(DomainError):
    """The provider refused the request (our configuration or data is wrong)."""

    code = "PAYMENT_PROVIDER_ERROR"
    status = 502
