"""Settings by concern. ``portal/settings/base.py`` composes these modules in order;
each one reads its own environment variables (all listed in ``.env.example``).

Shared here: ``BASE_DIR`` and the one ``env`` reader every component uses.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent.parent

env = environ.Env()
