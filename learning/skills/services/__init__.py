from .framework import LoadResult, nice_framework_load
from .tags import (
    course_primary_role_set,
    module_tag_delete,
    module_tag_set,
)

__all__ = [
    "LoadResult",
    "course_primary_role_set",
    "module_tag_delete",
    "module_tag_set",
    "nice_framework_load",
]
