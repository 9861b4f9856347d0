"""DoD SkillBridge records (``corporate.skillbridge``)."""

from . import env

# The commander's approval document (PDF, PNG or JPEG), in bytes.
SKILLBRIDGE_DOCUMENT_MAX_BYTES = env.int(
    "SKILLBRIDGE_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024
)
