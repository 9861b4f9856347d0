from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError

# The single head row of the log before it was split into chains.
OLD_HEAD_ID = 1


def move_to_chain_zero(apps, schema_editor):
    """Every existing entry becomes chain 0, whose genesis is the old genesis, so
    their sequences and hashes stay valid; the old head (id 1) becomes chain 0's."""
    AuditLog = apps.get_model("audit", "AuditLog")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditLog.objects.filter(chain__isnull=True).update(chain=0)
    head = AuditChainHead.objects.filter(pk=OLD_HEAD_ID).first()
    if head is not None:
        AuditChainHead.objects.create(
            pk=0, last_sequence=head.last_sequence, last_hash=head.last_hash
        )
        head.delete()


def move_back_to_one_chain(apps, schema_editor):
    """Possible only while chain 0 is the only chain: a single chain is all the
    earlier schema can hold."""
    AuditLog = apps.get_model("audit", "AuditLog")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    if (
        AuditLog.objects.exclude(chain=0).exists()
        or AuditChainHead.objects.exclude(pk=0).exists()
    ):
        raise IrreversibleError(
            "The audit log has entries in chains other than 0; they cannot be put "
            "back into a single chain."
        )
    AuditLog.objects.update(chain=None)
    head = AuditChainHead.objects.filter(pk=0).first()
    if head is not None:
        AuditChainHead.objects.create(
            pk=OLD_HEAD_ID, last_sequence=head.last_sequence, last_hash=head.last_hash
        )
        head.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_split_log_into_chains"),
    ]

    operations = [
        migrations.RunPython(move_to_chain_zero, move_back_to_one_chain),
    ]
