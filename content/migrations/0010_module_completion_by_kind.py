"""Existing modules (and their latest revision, so that publishing it later keeps the
rule) get their kind's completion rule."""

from django.db import migrations

BY_KIND = {
    "video": "watch",
    "document": "view",
    "text": "view",
    "interactive": "pass",
    "lab": "flag",
}


def fill_completion(apps, schema_editor):
    ModulePage = apps.get_model("content", "ModulePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for kind, rule in BY_KIND.items():
        ModulePage.objects.filter(kind=kind, completion="").update(completion=rule)
    ModulePage.objects.filter(completion="").update(completion="view")
    content_type = ContentType.objects.filter(
        app_label="content", model="modulepage"
    ).first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(
        content_type=content_type
    ).iterator():
        content = revision.content or {}
        if content.get("completion"):
            continue
        content["completion"] = BY_KIND.get(content.get("kind"), "view")
        revision.content = content
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0009_module_completion_rule"),
    ]

    operations = [migrations.RunPython(fill_completion, migrations.RunPython.noop)]
