"""Demo content for ``make run``: each app contributes a ``demo.py`` module whose
seeders register here, so the command needs to import no app by name.

Seeders must be idempotent: ``make run`` may run them any number of times.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoReport:
    """What seeders tell the person who ran the command."""

    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


Seeder = Callable[[DemoReport], None]
_seeders: list[tuple[int, str, Seeder]] = []


def seeder(order: int) -> Callable[[Seeder], Seeder]:
    """Register a demo seeder; lower ``order`` runs first."""

    def register(func: Seeder) -> Seeder:
        name = f"{func.__module__}.{func.__qualname__}"
        if all(existing != name for _, existing, _ in _seeders):
            _seeders.append((order, name, func))
        return func

    return register


def run_seeders() -> DemoReport:
    autodiscover_modules("demo")
    report = DemoReport()
    for _, _, func in sorted(_seeders, key=lambda item: (item[0], item[1])):
        func(report)
    return report
