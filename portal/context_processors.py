from django.conf import settings


def site(request) -> dict:
    return {"site_name": settings.WAGTAIL_SITE_NAME}
