"""Demo content for ``make run``: each app registers its seeder for the
``portal.hooks.DEMO_SEED`` extension point in its ``wagtail_hooks.py``, so the
command needs to import no app by name.

Seeders must be idempotent: ``make run`` may run them any number of times.
"""

from dataclasses import dataclass, field

from portal.hooks import demo_seed_run


@dataclass
class DemoReport:
    """What seeders tell the person who ran the command."""

    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def run_seeders() -> DemoReport:
    report = DemoReport()
    demo_seed_run(report=report)
    return report
