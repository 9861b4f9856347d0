"""Loading the NICE Framework components from NIST's JSON export (CPRT format).

The shipped file is verified against the checksum in its manifest before anything is
read; loading is idempotent (a second load of the same file writes nothing) and keeps
each version's rows apart, so a later version can be loaded beside an earlier one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from portal.audit.services import audit_log_record
from portal.errors import InvalidInput

from ..cache import FRAMEWORK_CACHE
from ..models import (
    Category,
    FrameworkVersion,
    Statement,
    StatementKind,
    WorkRole,
    WorkRoleStatement,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "nice"
DEFAULT_MANIFEST = DATA_DIR / "MANIFEST.json"

_KINDS = {
    "task": StatementKind.TASK,
    "knowledge": StatementKind.KNOWLEDGE,
    "skill": StatementKind.SKILL,
}


@dataclass
class LoadResult:
    version: str
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_read(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidInput(f"Cannot read the manifest {path}: {error}") from None
    for key in ("version", "file", "sha256"):
        if not manifest.get(key):
            raise InvalidInput(f"The manifest {path} has no {key!r}.")
    return manifest


def _elements(data: dict) -> tuple[dict, list[dict], list[dict]]:
    try:
        body = data["response"]["elements"]
        return body["documents"][0], body["elements"], body["relationships"]
    except (KeyError, IndexError, TypeError):
        raise InvalidInput("Not a NIST CPRT export of the NICE Framework.") from None


def _sync(model, framework, wanted: dict[str, dict], result: LoadResult, label: str):
    """Make ``model``'s rows of ``framework`` equal ``wanted`` ({nice_id: fields})
    with as few writes as possible; return {nice_id: row}."""
    existing = {row.nice_id: row for row in model.objects.filter(framework=framework)}
    new_rows, changed = [], []
    fields_changed: set[str] = set()
    for nice_id, values in wanted.items():
        row = existing.get(nice_id)
        if row is None:
            new_rows.append(model(framework=framework, nice_id=nice_id, **values))
            continue
        differs = [
            name
            for name, value in values.items()
            if getattr(row, name if not hasattr(value, "pk") else f"{name}_id")
            != (value.pk if hasattr(value, "pk") else value)
        ]
        if differs:
            for name in differs:
                setattr(row, name, values[name])
            fields_changed.update(differs)
            changed.append(row)
    stale = [nice_id for nice_id in existing if nice_id not in wanted]
    if new_rows:
        model.objects.bulk_create(new_rows, batch_size=500)
        result.created[label] += len(new_rows)
    if changed:
        model.objects.bulk_update(changed, sorted(fields_changed), batch_size=500)
        result.updated[label] += len(changed)
    if stale:
        model.objects.filter(framework=framework, nice_id__in=stale).delete()
        result.deleted[label] += len(stale)
    return {row.nice_id: row for row in model.objects.filter(framework=framework)}


@transaction.atomic
def nice_framework_load(
    *,
    manifest_path: Path = DEFAULT_MANIFEST,
    make_current: bool = True,
    actor: Any = None,
) -> LoadResult:
    """Load the NICE Framework file named by ``manifest_path`` (checksum verified).

    Raises ``InvalidInput`` when the file's sha256 or version differs from the
    manifest's or the file is not a CPRT export. Idempotent: loading the same file
    again changes no row. ``make_current`` makes this version the one coverage is
    measured against.
    """
    manifest = _manifest_read(manifest_path)
    path = manifest_path.parent / manifest["file"]
    if not path.is_file():
        raise InvalidInput(f"The framework file {path} is missing.")
    checksum = _file_sha256(path)
    if checksum != manifest["sha256"]:
        raise InvalidInput(
            f"{path.name}: sha256 {checksum} does not match the manifest's "
            f"{manifest['sha256']}; refusing to load an unverified file."
        )
    document, elements, relationships = _elements(
        json.loads(path.read_text(encoding="utf-8"))
    )
    if document.get("version") != manifest["version"]:
        raise InvalidInput(
            f"{path.name} says version {document.get('version')!r}, the manifest "
            f"{manifest['version']!r}."
        )
    result = LoadResult(version=manifest["version"])

    framework = FrameworkVersion.objects.filter(version=manifest["version"]).first()
    if framework is None:
        framework = FrameworkVersion.objects.create(
            version=manifest["version"],
            document=document.get("doc_identifier", ""),
            source_file=manifest["file"],
            sha256=checksum,
        )
        result.created["framework"] += 1
    elif framework.sha256 != checksum:
        framework.sha256 = checksum
        framework.source_file = manifest["file"]
        framework.save(update_fields=["sha256", "source_file"])
        result.updated["framework"] += 1

    by_type: dict[str, list[dict]] = {}
    for element in elements:
        by_type.setdefault(element.get("element_type", ""), []).append(element)
    kind_of = {e["element_identifier"]: e["element_type"] for e in elements}

    categories = _sync(
        Category,
        framework,
        {
            e["element_identifier"]: {"title": e["title"], "description": e["text"]}
            for e in by_type.get("category", [])
        },
        result,
        "category",
    )
    statements = _sync(
        Statement,
        framework,
        {
            e["element_identifier"]: {
                "kind": _KINDS[e["element_type"]],
                "text": e["text"],
            }
            for kind in _KINDS
            for e in by_type.get(kind, [])
        },
        result,
        "statement",
    )

    role_category: dict[str, str] = {}
    role_opm: dict[str, str] = {}
    role_statements: dict[str, set[str]] = {}
    for link in relationships:
        source = link["source_element_identifier"]
        dest = link["dest_element_identifier"]
        pair = (kind_of.get(source), kind_of.get(dest))
        if pair == ("category", "work_role"):
            role_category[dest] = source
        elif pair == ("work_role", "opm_code"):
            role_opm[source] = dest
        elif pair[0] == "work_role" and pair[1] in _KINDS:
            role_statements.setdefault(source, set()).add(dest)

    roles_wanted = {}
    for e in by_type.get("work_role", []):
        nice_id = e["element_identifier"]
        category_id = role_category.get(nice_id) or nice_id.split("-", 1)[0]
        if category_id not in categories:
            raise InvalidInput(f"Work role {nice_id} names no known category.")
        roles_wanted[nice_id] = {
            "title": e["title"],
            "description": e["text"],
            "category": categories[category_id],
            "opm_code": role_opm.get(nice_id, ""),
        }
    roles = _sync(WorkRole, framework, roles_wanted, result, "work_role")

    wanted_links = {
        (roles[role].pk, statements[statement].pk)
        for role, ids in role_statements.items()
        if role in roles
        for statement in ids
        if statement in statements
    }
    links = WorkRoleStatement.objects.filter(work_role__framework=framework)
    existing_links = {
        (r, s): pk for pk, r, s in links.values_list("pk", "work_role", "statement")
    }
    missing = wanted_links - existing_links.keys()
    stale = [pk for pair, pk in existing_links.items() if pair not in wanted_links]
    if missing:
        WorkRoleStatement.objects.bulk_create(
            [WorkRoleStatement(work_role_id=r, statement_id=s) for r, s in missing],
            batch_size=1000,
        )
        result.created["role_statement"] += len(missing)
    if stale:
        WorkRoleStatement.objects.filter(pk__in=stale).delete()
        result.deleted["role_statement"] += len(stale)

    if make_current and not framework.current:
        FrameworkVersion.objects.filter(current=True).update(current=False)
        framework.current = True
        framework.save(update_fields=["current"])
        result.updated["framework"] += 1

    result.counts = {
        "category": len(categories),
        "work_role": len(roles),
        **{
            kind: sum(1 for s in statements.values() if s.kind == kind)
            for kind in StatementKind.values
        },
        "role_statement": len(wanted_links),
    }
    if result.changed:
        # The work-role reads are cached for everyone: retire them once this commits.
        transaction.on_commit(FRAMEWORK_CACHE.bump)
        audit_log_record(
            action="skills.framework_loaded",
            user=actor,
            resource_type="nice_framework",
            resource_id=framework.pk,
            details={
                "version": framework.version,
                "sha256": checksum,
                "created": dict(result.created),
                "updated": dict(result.updated),
                "deleted": dict(result.deleted),
            },
        )
    return result
