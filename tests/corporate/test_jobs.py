"""``GET /api/v1/jobs/{id}``: the creator and admins see a job; anyone else 404."""

import pytest

from portal.jobs.models import Job
from tests.portal.factories import UserFactory

from .conftest import data_of, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(rep_a):
    return Job.objects.create(kind="bulk_enrollment", creator=rep_a, progress_total=4)


class TestJobVisibility:
    def test_creator_sees_it_in_the_contract_shape(self, as_user, rep_a, job):
        data = data_of(as_user(rep_a).get(f"/api/v1/jobs/{job.pk}/"))
        assert set(data) == {
            "id",
            "kind",
            "status",
            "progress",
            "result",
            "error",
            "created_at",
            "finished_at",
        }
        assert data["status"] == "queued"
        assert data["progress"] == {"done": 0, "total": 4}

    def test_admin_sees_it(self, as_user, admin_user, job):
        assert (
            data_of(as_user(admin_user).get(f"/api/v1/jobs/{job.pk}"))["id"] == job.pk
        )

    def test_others_get_404(self, as_user, rep_b, job):
        for user in (rep_b, UserFactory()):
            response = as_user(user).get(f"/api/v1/jobs/{job.pk}")
            assert error_of(response, 404)["code"] == "NOT_FOUND"
        assert error_of(as_user(rep_b).get("/api/v1/jobs/999999"), 404)

    def test_anonymous_gets_401(self, api_client, job):
        assert api_client.get(f"/api/v1/jobs/{job.pk}").status_code == 401

    def test_no_file_no_download(self, as_user, rep_a, job):
        response = as_user(rep_a).get(f"/api/v1/jobs/{job.pk}/download")
        assert error_of(response, 404)["code"] == "NOT_FOUND"
