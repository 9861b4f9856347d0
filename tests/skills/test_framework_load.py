"""The shipped NICE Framework file loads with NIST's counts, checksum-verified, and
loading it twice changes nothing; another version loads beside it."""

import json
import shutil

import pytest
from django.core.management import call_command

from learning.skills.models import (
    Category,
    FrameworkVersion,
    Statement,
    WorkRole,
    WorkRoleStatement,
)
from learning.skills.services import nice_framework_load
from learning.skills.services.framework import DEFAULT_MANIFEST, _file_sha256
from portal.audit.models import AuditLog
from portal.errors import InvalidInput

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Category, Statement, WorkRole, WorkRoleStatement)
    }


class TestShippedFile:
    def test_manifest_matches_the_file_nist_publishes(self):
        manifest = json.loads(DEFAULT_MANIFEST.read_text())
        path = DEFAULT_MANIFEST.parent / manifest["file"]
        assert manifest["version"] == "2.1.0"
        assert (
            _file_sha256(path)
            == manifest["sha256"]
            == ("e285e822561d93c497a4a1e0bb615dcf78e07650559428000de66d0e60914bda")
        )
        assert path.stat().st_size == manifest["bytes"]

    def test_loads_with_the_counts_and_twice_changes_nothing(self, capsys):
        call_command("load_nice_framework")
        framework = FrameworkVersion.objects.get()
        assert framework.version == "2.1.0"
        assert framework.current
        assert Category.objects.count() == 5
        assert WorkRole.objects.count() == 41
        assert Statement.objects.filter(kind="task").count() == 946
        assert Statement.objects.filter(kind="knowledge").count() == 662
        assert Statement.objects.filter(kind="skill").count() == 540
        assert WorkRoleStatement.objects.count() == 5334
        # Every row names its framework version.
        assert not Statement.objects.exclude(framework=framework).exists()
        assert not WorkRole.objects.exclude(framework=framework).exists()
        assert WorkRole.objects.get(nice_id="PD-WRL-003").title == "Incident Response"
        before = _snapshot()
        audits = AuditLog.objects.filter(action="skills.framework_loaded").count()
        capsys.readouterr()
        call_command("load_nice_framework")
        assert "already loaded" in capsys.readouterr().out
        assert _snapshot() == before
        assert (
            AuditLog.objects.filter(action="skills.framework_loaded").count() == audits
        )


class TestVerification:
    def _copy(self, tmp_path, *, version=None, sha=None):
        manifest = json.loads(DEFAULT_MANIFEST.read_text())
        data = json.loads((DEFAULT_MANIFEST.parent / manifest["file"]).read_text())
        if version:
            data["response"]["elements"]["documents"][0]["version"] = version
            # Keep it small: one role, its category and three of its statements.
            body = data["response"]["elements"]
            linked = [
                r["dest_element_identifier"]
                for r in body["relationships"]
                if r["source_element_identifier"] == "PD-WRL-003"
            ]
            keep = {"PD", "PD-WRL-003"} | {
                next(i for i in linked if i.startswith(letter)) for letter in "TKS"
            }
            body["elements"] = [
                e for e in body["elements"] if e["element_identifier"] in keep
            ]
            body["relationships"] = [
                r
                for r in body["relationships"]
                if r["source_element_identifier"] in keep
                and r["dest_element_identifier"] in keep
            ]
            manifest["version"] = version
        target = tmp_path / "framework.json"
        target.write_text(json.dumps(data))
        manifest["file"] = target.name
        manifest["sha256"] = sha or _file_sha256(target)
        path = tmp_path / "MANIFEST.json"
        path.write_text(json.dumps(manifest))
        return path

    def test_a_file_whose_checksum_differs_is_refused(self, tmp_path):
        manifest = json.loads(DEFAULT_MANIFEST.read_text())
        shutil.copy(DEFAULT_MANIFEST.parent / manifest["file"], tmp_path)
        manifest["sha256"] = "0" * 64
        path = tmp_path / "MANIFEST.json"
        path.write_text(json.dumps(manifest))
        with pytest.raises(InvalidInput, match="sha256"):
            nice_framework_load(manifest_path=path)
        assert not FrameworkVersion.objects.exists()

    def test_another_version_loads_beside_the_first(self, tmp_path):
        (tmp_path / "a").mkdir()
        first = self._copy(tmp_path / "a", version="9.0.0")
        nice_framework_load(manifest_path=first)
        second_dir = tmp_path / "b"
        second_dir.mkdir()
        second = self._copy(second_dir, version="9.1.0")
        result = nice_framework_load(manifest_path=second, make_current=False)
        assert result.counts["work_role"] == 1
        versions = dict(FrameworkVersion.objects.values_list("version", "current"))
        assert versions == {"9.0.0": True, "9.1.0": False}
        assert Statement.objects.filter(kind="task").count() == 2  # one per version
        nice_framework_load(manifest_path=second)
        assert FrameworkVersion.objects.get(current=True).version == "9.1.0"

    def test_loading_a_version_retires_the_cached_reads(
        self, tmp_path, api_client, django_capture_on_commit_callbacks
    ):
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        with django_capture_on_commit_callbacks(execute=True):
            nice_framework_load(
                manifest_path=self._copy(tmp_path / "a", version="9.0.0")
            )

        def versions(path):
            body = api_client.get(path).json()["data"]
            rows = body if isinstance(body, list) else [body]
            return {row["framework_version"] for row in rows}

        role_id = WorkRole.objects.values_list("nice_id", flat=True).first()
        detail = f"/api/v1/competencies/work-roles/{role_id}"
        assert versions("/api/v1/competencies/work-roles") == {"9.0.0"}
        assert versions(detail) == {"9.0.0"}
        with django_capture_on_commit_callbacks(execute=True):
            nice_framework_load(
                manifest_path=self._copy(tmp_path / "b", version="9.1.0")
            )
        # Both reads were cached for everyone; the load retired them.
        assert versions("/api/v1/competencies/work-roles") == {"9.1.0"}
        assert versions(detail) == {"9.1.0"}
