"""docker/gunicorn.conf.py: what the master does before it forks its workers."""

import gc
import importlib.util

from django.conf import settings


def load_config():
    spec = importlib.util.spec_from_file_location(
        "gunicorn_conf", settings.BASE_DIR / "docker" / "gunicorn.conf.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_loaded_application_is_frozen_before_the_workers_fork():
    config = load_config()
    assert config.preload_app is True  # else the master holds nothing to freeze
    assert gc.get_freeze_count() == 0
    try:
        config.when_ready(server=None)
        # Everything the loaded application made is out of the collector's reach.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
