"""Cache purge when what anonymous readers see changes (a decoupled concern)."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from .cache import catalog_cache_bump
from .models import CourseIndexPage, CoursePage, ModulePage


@receiver(page_published, dispatch_uid="content.purge_on_publish")
@receiver(page_unpublished, dispatch_uid="content.purge_on_unpublish")
def purge_catalog_cache(sender, instance, **kwargs):
    if isinstance(instance, CoursePage | ModulePage | CourseIndexPage):
        transaction.on_commit(catalog_cache_bump)
