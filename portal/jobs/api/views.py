"""``GET /api/v1/jobs/{id}`` (API.md, "Long-running work: jobs") and the download of
a job's file."""

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.files import ATTACHMENT, presigned_redirect
from portal.storage import storage_is_local

from ..models import JobStatus
from ..selectors import job_download_get, job_get_visible
from ..services import job_file_claim, job_file_open


def download_url(job) -> str:
    return f"/api/v1/jobs/{job.pk}/download"


class JobProgressOutput(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total")


class JobOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = JobProgressOutput(source="*")
    result = serializers.SerializerMethodField(
        help_text="A per-row report (`rows`, `summary`) or, for a file, "
        "`download_url` and `expires_at` (shown to the job's creator only)."
    )
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_result(self, job) -> dict | None:
        result = dict(job.result) if job.result is not None else None
        viewer = self.context.get("viewer")
        if job.file_is_live() and viewer is not None and viewer.pk == job.creator_id:
            result = result or {}
            result["download_url"] = download_url(job)
            result["expires_at"] = serializers.DateTimeField().to_representation(
                job.file_expires_at
            )
        return result


def job_data(job, *, viewer) -> dict:
    return JobOutput(job, context={"viewer": viewer}).data


class JobDetailView(APIView):
    @extend_schema(
        responses={200: JobOutput},
        tags=["jobs"],
        description="The job's creator and admins; anyone else gets 404.",
    )
    def get(self, request, job_id, *args, **kwargs):
        job = job_get_visible(actor=request.user, job_id=int(job_id))
        return Response(job_data(job, viewer=request.user))


class JobDownloadView(APIView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The job's file (CSV, XLSX…), until it expires "
                "(with media on object storage: 302 to a short-lived presigned URL)."
            )
        },
        tags=["jobs"],
        description="The job's creator only, until `result.expires_at`; then 404. "
        "A single-use file (a personal-data export) is served once; afterwards "
        "404 as well.",
    )
    def get(self, request, job_id, *args, **kwargs):
        job = job_download_get(actor=request.user, job_id=int(job_id))
        job = job_file_claim(job=job)
        # A single-use file (a personal-data export) is sent through here, so that it
        # is gone once sent; a presigned URL would work again until it expired.
        if not job.file_single_use and not storage_is_local(job.file.storage):
            return presigned_redirect(
                storage=job.file.storage,
                name=job.file.name,
                content_type=job.file_content_type or "application/octet-stream",
                disposition=ATTACHMENT,
                filename=job.file_name,
                cache_control="private, no-store",
            )
        return FileResponse(
            job_file_open(job=job),
            as_attachment=True,
            filename=job.file_name,
            content_type=job.file_content_type or "application/octet-stream",
        )
