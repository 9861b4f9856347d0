"""One settings file per outside system: ``stripe.py``, ``paypal.py``, ``discord.py``,
``scim.py``, ``storage.py`` …, each switched on only when its keys are set.

Adding a vendor is adding one file here; ``base.py`` loads every module of this
package (``vendor_components``). A vendor file names one setting after the vendor::

    from . import vendor_settings

    # Off (None) unless STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set.
    STRIPE = vendor_settings(
        "STRIPE",
        required=["SECRET_KEY", "WEBHOOK_SECRET"],
        optional={"API_BASE": "https://api.stripe.com"},
    )

and its client in ``integrations/<vendor>/`` treats ``settings.STRIPE is None`` as
"not configured". A vendor that changes a shared setting (object storage replacing
``STORAGES["default"]``) imports it from its component and assigns the new value
only when switched on. Every key goes into ``.env.example``.
"""

import importlib
import pkgutil
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .. import env


def vendor_settings(
    prefix: str, *, required: list[str], optional: dict[str, str] | None = None
) -> dict[str, str] | None:
    """The vendor's keys read from ``<PREFIX>_<KEY>`` variables, or ``None`` when
    none of them is set (the integration stays off).

    Setting only some of the required keys is a mistake worth failing on at start-up
    rather than at the first outside call, so it raises ``ImproperlyConfigured``.
    """
    values = {key: env.str(f"{prefix}_{key}", default="") for key in required}
    missing = [f"{prefix}_{key}" for key, value in values.items() if not value]
    if len(missing) == len(required):
        return None
    if missing:
        raise ImproperlyConfigured(
            f"{prefix} is partly configured: set {', '.join(missing)} as well "
            "(see .env.example)."
        )
    for key, default in (optional or {}).items():
        values[key] = env.str(f"{prefix}_{key}", default=default)
    return values


def vendor_components(package: str = __name__) -> dict[str, Any]:
    """The upper-case settings of every module in ``package``, for ``base.py`` to
    merge in, so a new vendor needs no line anywhere else."""
    root = importlib.import_module(package)
    found: dict[str, Any] = {}
    # iter_modules lists files in name order, so the result does not depend on the
    # file system.
    for module_info in pkgutil.iter_modules(root.__path__):
        module = importlib.import_module(f"{package}.{module_info.name}")
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            if name == "CONTENT_SECURITY_POLICY" and name in found:
                # Each vendor widens the base policy; two vendors switched on
                # widen it together instead of the last one's winning.
                value = _policy_union(found[name], value)
            found[name] = value
    return found


def _policy_union(first: dict, second: dict) -> dict:
    """Two content security policies as one allowing what either allows."""
    merged = {}
    for directive in [*first, *(d for d in second if d not in first)]:
        sources = [*first.get(directive, []), *second.get(directive, [])]
        merged[directive] = list(dict.fromkeys(sources))
    return merged
