from django.db import migrations, models


class Migration(migrations.Migration):
    """Every entry now has a chain: require it, and number entries per chain."""

    dependencies = [
        ("audit", "0003_move_entries_to_chain_zero"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditlog",
            options={
                "ordering": ["chain", "sequence"],
                "verbose_name": "audit log entry",
                "verbose_name_plural": "audit log entries",
            },
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="chain",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="auditlog",
            constraint=models.UniqueConstraint(
                fields=("chain", "sequence"), name="audit_auditlog_chain_sequence"
            ),
        ),
    ]
