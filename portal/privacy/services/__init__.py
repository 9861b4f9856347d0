"""Every write of ``portal.privacy``: the consent ledger, personal-data exports and
erasure. Views call these; these never read a request."""

from .consents import consent_record
from .erasure import (
    personal_data_erase,
    personal_data_erase_run,
    personal_data_erase_start,
)
from .export import (
    personal_data_archive_write,
    personal_data_export_run,
    personal_data_export_start,
)

__all__ = [
    "consent_record",
    "personal_data_archive_write",
    "personal_data_erase",
    "personal_data_erase_run",
    "personal_data_erase_start",
    "personal_data_export_run",
    "personal_data_export_start",
]
