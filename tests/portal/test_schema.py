"""The OpenAPI document: valid, API paths only, and describing the envelope."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


class TestSchema:
    def test_served_as_json_and_yaml_with_or_without_slash(self, client):
        response = client.get("/api/v1/schema?format=json")
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.")
        response = client.get("/api/v1/schema/")
        assert response.status_code == 200
        assert yaml.safe_load(response.content)["info"]["version"].startswith("v1")

    def test_swagger_ui_is_self_hosted(self, client):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn.jsdelivr" not in html

    def test_schema_is_valid(self, tmp_path):
        target = tmp_path / "schema.yaml"
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(target)
        )
        assert target.stat().st_size > 0

    @pytest.mark.urls("tests.portal.api_test_urls")
    def test_paths_and_envelope(self, client):
        schema = client.get("/api/v1/schema/?format=json").json()
        assert schema["paths"]
        assert all(path.startswith("/api/") for path in schema["paths"])
        assert not any("docs" in p or "schema" in p for p in schema["paths"])
        assert "ErrorEnvelope" in schema["components"]["schemas"]

        echo = schema["paths"]["/api/v1/_test/echo"]["post"]["responses"]
        body = echo["201"]["content"]["application/json"]["schema"]
        assert set(body["required"]) == {"status", "data", "meta", "errors"}
        for code in ("400", "401", "403", "404", "429", "500", "default"):
            assert echo[code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorEnvelope"
            }

        listing = schema["paths"]["/api/v1/_test/users"]["get"]
        ref = listing["responses"]["200"]["content"]["application/json"]["schema"][
            "$ref"
        ]
        paginated = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert "pagination" in paginated["properties"]["meta"]["required"]
        assert {p["name"] for p in listing["parameters"]} >= {"page", "per_page"}
