"""The envelope every JSON response under /api/v1/ wears.

Views return plain data; the exception handler returns a list of error objects under
``errors``. Only this renderer builds ``{status, data, meta, errors}``.
"""

from django.utils import timezone
from rest_framework.renderers import JSONRenderer

API_VERSION = "v1"


def envelope_meta(extra: dict | None = None) -> dict:
    meta = {
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "version": API_VERSION,
    }
    meta.update(extra or {})
    return meta


def build_envelope(data, *, status_code: int, meta: dict | None = None) -> dict:
    if status_code >= 400:
        errors = data.get("errors") if isinstance(data, dict) else None
        return {
            "status": "error",
            "data": data.get("data") if isinstance(data, dict) else None,
            "meta": envelope_meta(meta),
            "errors": errors or [{"code": "SERVER_ERROR", "message": "Error."}],
        }
    return {
        "status": "success",
        "data": data,
        "meta": envelope_meta(meta),
        "errors": [],
    }


class EnvelopeJSONRenderer(JSONRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is None:  # rendering outside a view (e.g. tests of the renderer)
            return super().render(data, accepted_media_type, renderer_context)
        envelope = build_envelope(
            data,
            status_code=response.status_code,
            meta=getattr(response, "meta", None),
        )
        return super().render(envelope, accepted_media_type, renderer_context)
