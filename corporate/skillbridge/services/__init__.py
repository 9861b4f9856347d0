from .documents import (
    approval_document_attach,
    approval_document_read,
    approval_documents_reencrypt,
)
from .records import (
    cohort_create,
    participant_create,
    participant_update,
    skillbridge_read_record,
)
from .reports import report_csv, report_pdf, roster_csv, roster_pdf

__all__ = [
    "approval_document_attach",
    "approval_document_read",
    "approval_documents_reencrypt",
    "cohort_create",
    "participant_create",
    "participant_update",
    "report_csv",
    "report_pdf",
    "roster_csv",
    "roster_pdf",
    "skillbridge_read_record",
]
