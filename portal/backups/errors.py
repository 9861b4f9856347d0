from portal.errors import DomainError


class BackupError(DomainError):
    """A backup or a restore cannot go on; the message says why and what to do.
    Raised before anything is changed wherever that can be known in advance."""

    code = "BACKUP_FAILED"
    status = 409
