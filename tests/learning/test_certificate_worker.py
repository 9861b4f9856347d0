"""Completion hands the certificate to a real Celery worker through Redis."""

import time

import pytest

from content.models import ModulePage
from learning.models import Certificate
from learning.services import enrollment_create, module_progress_record
from tests.portal.factories import UserFactory
from tests.worker import real_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_certificate_is_issued_by_a_real_worker(make_course):
    course = make_course(title="Worker course", modules=(("Only", True),))
    learner = UserFactory()
    enrollment_create(actor=learner, course_id=course.pk)
    module = ModulePage.objects.child_of(course).live().get()
    with real_worker(queue="default"):
        module_progress_record(
            actor=learner, course_id=course.pk, module_id=module.pk, completed=True
        )
        deadline = time.monotonic() + 60
        certificate = None
        while time.monotonic() < deadline:
            certificate = Certificate.objects.filter(user=learner).first()
            if certificate is not None and certificate.pdf:
                break
            time.sleep(0.3)
    assert certificate is not None, "the worker did not issue the certificate"
    assert certificate.pdf.name.endswith(".pdf")
    assert Certificate.objects.filter(user=learner).count() == 1
