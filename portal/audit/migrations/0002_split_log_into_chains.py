from django.db import migrations, models


class Migration(migrations.Migration):
    """The log becomes several chains: each entry gets a chain id (filled by the next
    migration) and the head table holds one row per chain instead of a single row."""

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="chain",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="sequence",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.RemoveConstraint(
            model_name="auditchainhead",
            name="audit_chainhead_single_row",
        ),
        migrations.AlterField(
            model_name="auditchainhead",
            name="id",
            field=models.PositiveSmallIntegerField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name="auditchainhead",
            name="last_sequence",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="auditchainhead",
            name="last_hash",
            field=models.CharField(max_length=64),
        ),
    ]
