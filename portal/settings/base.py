"""Settings shared by every environment, read from the environment (12-factor).

Each concern has its own module in ``components/``, which imports what it needs from
the others; this file only composes them. Outside systems each add one file to
``components/vendors/``, merged last and switched on only when their keys are set.
Every variable is documented in ``.env.example``.
"""

from .components import BASE_DIR, env  # noqa: F401  (dev, test and prod use them)
from .components.api import *  # noqa: F403
from .components.auth import *  # noqa: F403
from .components.backups import *  # noqa: F403
from .components.cache import *  # noqa: F403
from .components.celery import *  # noqa: F403
from .components.certificates import *  # noqa: F403
from .components.core import *  # noqa: F403
from .components.crypto import *  # noqa: F403
from .components.database import *  # noqa: F403
from .components.email import *  # noqa: F403
from .components.files import *  # noqa: F403
from .components.health import *  # noqa: F403
from .components.integrations import *  # noqa: F403
from .components.jobs import *  # noqa: F403
from .components.logging import *  # noqa: F403
from .components.mentorship import *  # noqa: F403
from .components.metrics import *  # noqa: F403
from .components.payments import *  # noqa: F403
from .components.privacy import *  # noqa: F403
from .components.scim import *  # noqa: F403
from .components.security import *  # noqa: F403
from .components.security import (  # noqa: F401  (dev and prod)
    require_production_services,
    require_secret_key,
)
from .components.sessions import *  # noqa: F403
from .components.skillbridge import *  # noqa: F403
from .components.throttles import *  # noqa: F403
from .components.vendors import vendor_components
from .components.wagtail import *  # noqa: F403
from .components.webhooks import *  # noqa: F403

globals().update(vendor_components())
