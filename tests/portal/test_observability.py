import json
import logging

import pytest
from django.test import override_settings

from portal.observability import JSONFormatter

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [r for r in caplog.records if r.name == "portal.request"]


class TestRequestLog:
    def test_one_line_per_request_with_fields(self, client, caplog):
        caplog.set_level(logging.INFO, logger="portal.request")
        response = client.get("/api/v1/nothing-here")
        assert response["X-Response-Time"].endswith("ms")
        (record,) = request_records(caplog)
        assert record.levelno == logging.INFO
        assert record.method == "GET"
        assert record.path == "/api/v1/nothing-here"
        assert record.status == 404
        assert record.duration_ms >= 0
        assert record.user_id is None

    def test_user_id_of_a_signed_in_user(self, client, caplog, django_user_model):
        user = django_user_model.objects.create_user(
            "log@example.org", "pw-long-enough-1"
        )
        client.force_login(user)
        caplog.set_level(logging.INFO, logger="portal.request")
        client.get("/")
        (record,) = request_records(caplog)
        assert record.user_id == user.pk

    def test_slow_requests_are_warnings(self, client, caplog):
        caplog.set_level(logging.INFO, logger="portal.request")
        with override_settings(SLOW_REQUEST_SECONDS=0):
            client.get("/api/v1/nothing-here")
        (record,) = request_records(caplog)
        assert record.levelno == logging.WARNING
        assert record.getMessage() == "slow request"


class TestJSONFormatter:
    def test_renders_one_json_object_with_extra_fields(self):
        record = logging.LogRecord(
            "portal.request", logging.INFO, __file__, 1, "request", None, None
        )
        record.status = 200
        record.path = "/x"
        line = JSONFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["level"] == "INFO"
        assert entry["logger"] == "portal.request"
        assert entry["status"] == 200
        assert entry["path"] == "/x"
        assert entry["time"].endswith("+00:00")
