"""Demo mapping for ``make run``: load the shipped NICE Framework, give each demo
course its primary work role and tag its modules with statements of that role."""

from content.models import CoursePage, ModulePage
from portal.demo import DemoReport

from .models import ModuleStatementTag, StatementKind, WorkRole
from .selectors import framework_current
from .services import course_primary_role_set, module_tag_set, nice_framework_load

# Demo course title -> the NICE work role it primarily prepares for.
DEMO_ROLES = {
    "Security+ Foundations": "PD-WRL-001",  # Defensive Cybersecurity
    "Linux for Defenders": "IO-WRL-005",  # Systems Administration
    "Network Defense Essentials": "PD-WRL-004",  # Infrastructure Support
    "Incident Response Fundamentals": "PD-WRL-003",  # Incident Response
    "Web Application Security": "DD-WRL-005",  # Software Security Assessment
    "Cloud Security Basics": "DD-WRL-001",  # Cybersecurity Architecture
    "Threat Hunting in the SOC": "PD-WRL-006",  # Threat Analysis
    "Windows Server 2012 Hardening": "IO-WRL-005",
}
# Per module: this many statements of each kind of the course's role.
PER_MODULE = {StatementKind.TASK: 3, StatementKind.KNOWLEDGE: 2, StatementKind.SKILL: 1}


def seed_skills(report: DemoReport) -> None:
    result = nice_framework_load()
    counts = result.counts
    report.lines.append(
        f"NICE Framework {result.version}: {counts['work_role']} work roles, "
        f"{counts['task']} tasks, {counts['knowledge']} knowledge and "
        f"{counts['skill']} skill statements (manage.py load_nice_framework)."
    )
    if framework_current() is None:
        return
    roles = {
        r.nice_id: r
        for r in WorkRole.objects.filter(
            framework__current=True, nice_id__in=set(DEMO_ROLES.values())
        ).prefetch_related("statements")
    }
    mapped = 0
    for course in CoursePage.objects.filter(title__in=DEMO_ROLES):
        role = roles.get(DEMO_ROLES[course.title])
        if role is None:
            continue
        if not hasattr(course, "nice_primary"):
            course_primary_role_set(actor=None, course=course, work_role=role)
        mapped += 1
        modules = list(ModulePage.objects.child_of(course))
        if ModuleStatementTag.objects.filter(module__in=modules).exists():
            continue
        by_kind = {
            kind: sorted(
                (s for s in role.statements.all() if s.kind == kind),
                key=lambda s: s.nice_id,
            )
            for kind in PER_MODULE
        }
        for index, module in enumerate(modules):
            for kind, count in PER_MODULE.items():
                pool = by_kind[kind]
                for statement in pool[index * count : (index + 1) * count]:
                    module_tag_set(actor=None, module=module, statement=statement)
    report.lines.append(
        f"Skills: {mapped} demo courses mapped to NICE work roles (Wagtail admin → "
        "NICE Framework); the student's coverage is at /learn/skills/."
    )
