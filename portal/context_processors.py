from django.conf import settings


def site(request) -> dict:
    # One issuer name for certificates: the PDF, the certificate and verify pages.
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "certificate_issuer": settings.CERTIFICATE_ISSUER,
    }
