from .pipeline import (
    interest_respond,
    interest_send,
    talent_profile_update,
    talent_search_record,
)

__all__ = [
    "interest_respond",
    "interest_send",
    "talent_profile_update",
    "talent_search_record",
]
