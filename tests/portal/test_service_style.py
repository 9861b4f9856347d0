"""Services take keyword-only, annotated arguments (STYLE.md), so a call reads the
same everywhere and a renamed argument breaks loudly instead of shifting silently."""

import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SERVICE_MODULES = sorted(
    {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for pattern in (
            "*/services/*.py",
            "*/*/services/*.py",
            "*/services/*/*.py",
            "*/services.py",
            "*/*/services.py",
        )
        for path in ROOT.glob(pattern)
        if path.name != "__init__.py" and ".venv" not in path.parts
    }
    | {"content.access", "portal.hooks"}
)

# Signatures fixed by a framework: a decorator takes the function it wraps, and a
# Django system check is called as ``check(app_configs, **kwargs)``.
FRAMEWORK_SIGNATURES = {
    "assessments.services.proctoring.sessions.records_refusals",
    "portal.hooks.required_hooks_check",
}


def _public_functions(module_name):
    module = importlib.import_module(module_name)
    for name, obj in vars(module).items():
        if (
            inspect.isfunction(obj)
            and not name.startswith("_")
            and inspect.unwrap(obj).__module__ == module_name
            and f"{module_name}.{name}" not in FRAMEWORK_SIGNATURES
        ):
            yield name, obj


def _style_problems(function):
    signature = inspect.signature(function)
    problems = [
        f"{p.name} is not keyword-only"
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    problems += [
        f"{p.name} has no annotation"
        for p in signature.parameters.values()
        if p.annotation is p.empty
    ]
    if signature.return_annotation is signature.empty:
        problems.append("no return annotation")
    return problems


class TestServiceStyle:
    def test_the_scan_finds_the_service_modules(self):
        assert "assessments.services.attempts" in SERVICE_MODULES
        assert "learning.services.enrollment" in SERVICE_MODULES
        assert "content.services.videos.upload" in SERVICE_MODULES
        assert "corporate.services.seats" in SERVICE_MODULES

    @pytest.mark.parametrize("module_name", SERVICE_MODULES)
    def test_public_functions_are_keyword_only_and_typed(self, module_name):
        problems = {
            name: found
            for name, function in _public_functions(module_name)
            if (found := _style_problems(function))
        }
        assert problems == {}

    def test_the_check_catches_positional_and_untyped_arguments(self):
        def positional(user, *, course: int) -> None: ...

        def untyped(*, user) -> None: ...

        def no_return(*, user: int): ...

        assert _style_problems(positional) == [
            "user is not keyword-only",
            "user has no annotation",
        ]
        assert _style_problems(untyped) == ["user has no annotation"]
        assert _style_problems(no_return) == ["no return annotation"]
