"""The NICE framework's reads (work roles, their statements) are the same for every
reader and change only when a framework file is loaded: cached for everyone
(``portal.shared_cache``), retired by ``nice_framework_load``."""

from portal.shared_cache import SharedCache

FRAMEWORK_CACHE = SharedCache("skills:framework")
