"""Configuration comes from the environment, and production refuses unsafe defaults."""

import secrets

import pytest
from cryptography.fernet import Fernet

from tests.support import result_of, run_manage, run_python

SHOW = """
import json, django
django.setup()
from django.conf import settings
print("RESULT " + json.dumps({
    "debug": settings.DEBUG,
    "db": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "media": str(settings.MEDIA_ROOT),
    "hosts": settings.ALLOWED_HOSTS,
}))
"""

# What production needs besides a key: a mail backend that delivers, its own URL and
# a key for the encrypted fields.
PRODUCTION_SERVICES = {
    "SITE_URL": "https://portal.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def show(**env: str) -> dict:
    completed = run_python(SHOW, **env)
    assert completed.returncode == 0, completed.stderr
    return result_of(completed.stdout)


class TestSecretKey:
    @pytest.mark.parametrize("module", ["portal.settings.prod", "portal.settings.dev"])
    def test_refuses_to_start_without_secret_key_when_not_debug(self, module):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE=module,
            DEBUG="false",
        )
        assert completed.returncode != 0
        assert "SECRET_KEY must be set" in completed.stderr

    def test_production_starts_with_a_secret_key(self):
        result = show(
            DJANGO_SETTINGS_MODULE="portal.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            **PRODUCTION_SERVICES,
        )
        assert result["debug"] is False


class TestFieldEncryptionKeys:
    def test_production_refuses_to_start_without_one(self):
        services = {**PRODUCTION_SERVICES, "FIELD_ENCRYPTION_KEYS": ""}
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            **services,
        )
        assert completed.returncode != 0
        assert "FIELD_ENCRYPTION_KEYS" in completed.stderr


class TestProductionServices:
    """Production refuses the laptop defaults an operator might forget: mail that goes
    nowhere, certificate links to 127.0.0.1, HSTS preloading nobody asked for."""

    @pytest.mark.parametrize(
        "backend",
        [
            "django.core.mail.backends.console.EmailBackend",
            "django.core.mail.backends.dummy.EmailBackend",
            "django.core.mail.backends.locmem.EmailBackend",
        ],
    )
    def test_refuses_a_mail_backend_that_delivers_nothing(self, backend):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            **{**PRODUCTION_SERVICES, "EMAIL_BACKEND": backend},
        )
        assert completed.returncode != 0
        assert "ImproperlyConfigured" in completed.stderr
        assert "EMAIL_BACKEND must deliver mail" in completed.stderr

    def test_refuses_the_default_mail_backend(self):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            SITE_URL="https://portal.example.org",
        )
        assert completed.returncode != 0
        assert "EMAIL_BACKEND must deliver mail" in completed.stderr

    def test_refuses_to_start_without_site_url(self):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.prod",
            SECRET_KEY=secrets.token_urlsafe(50),
            EMAIL_BACKEND=PRODUCTION_SERVICES["EMAIL_BACKEND"],
        )
        assert completed.returncode != 0
        assert "ImproperlyConfigured" in completed.stderr
        assert "SITE_URL must be set" in completed.stderr

    def test_development_keeps_the_console_and_local_url(self):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
        )
        assert completed.returncode == 0, completed.stderr

    def test_hsts_preload_is_opt_in(self):
        code = (
            "import json, django; django.setup()\n"
            "from django.conf import settings\n"
            "print('RESULT ' + json.dumps([settings.SECURE_HSTS_PRELOAD,"
            " settings.WAGTAILADMIN_BASE_URL]))"
        )
        env = {
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(50),
            **PRODUCTION_SERVICES,
        }
        completed = run_python(code, **env)
        assert completed.returncode == 0, completed.stderr
        assert result_of(completed.stdout) == [False, "https://portal.example.org"]
        completed = run_python(code, SECURE_HSTS_PRELOAD="true", **env)
        assert result_of(completed.stdout)[0] is True


class TestEmbeddedDefault:
    def test_no_variables_means_sqlite_locmem_and_eager_tasks(self):
        result = show(DJANGO_SETTINGS_MODULE="portal.settings.dev")
        assert result["debug"] is True
        assert result["db"] == "django.db.backends.sqlite3"
        assert result["cache"].endswith("LocMemCache")
        assert result["eager"] is True
        assert result["broker"] == ""

    def test_redis_url_switches_cache_and_broker(self):
        result = show(
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            REDIS_URL="redis://127.0.0.1:6379/3",
            DATABASE_URL="postgres://u@db.example:5432/portal",
            MEDIA_ROOT="/srv/media",
            ALLOWED_HOSTS="a.example,b.example",
        )
        assert result["db"] == "portal.postgresql"  # Django's, waiting out restarts
        assert result["cache"] == "django_redis.cache.RedisCache"
        assert result["broker"] == "redis://127.0.0.1:6379/3"
        assert result["eager"] is False
        assert result["media"] == "/srv/media"
        assert result["hosts"] == ["a.example", "b.example"]

    def test_explicit_broker_and_eager_flag_win(self):
        result = show(
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            REDIS_URL="redis://127.0.0.1:6379/3",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/4",
            CELERY_TASK_ALWAYS_EAGER="true",
        )
        assert result["broker"] == "redis://127.0.0.1:6379/4"
        assert result["eager"] is True


class TestPasswordHashSlots:
    def test_default_is_half_the_cores_and_a_half_second_wait(self):
        import os

        completed = run_python(
            "import django; django.setup(); from django.conf import settings;"
            " print('RESULT', settings.PASSWORD_HASH_SLOTS,"
            " settings.PASSWORD_HASH_WAIT_MS)",
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
        )
        assert completed.returncode == 0, completed.stderr
        slots, wait = completed.stdout.split("RESULT ", 1)[1].split()
        assert int(slots) == max(1, len(os.sched_getaffinity(0)) // 2)
        assert int(wait) == 500

    @pytest.mark.parametrize(
        "env", [{"PASSWORD_HASH_SLOTS": "-1"}, {"PASSWORD_HASH_WAIT_MS": "-5"}]
    )
    def test_a_negative_value_stops_the_start(self, env):
        completed = run_python(
            "import django; django.setup()",
            DJANGO_SETTINGS_MODULE="portal.settings.dev",
            **env,
        )
        assert completed.returncode != 0
        assert "ImproperlyConfigured" in completed.stderr
        assert "must not be negative" in completed.stderr


class TestDeployCheck:
    def test_check_deploy_is_clean_under_production_settings(self):
        completed = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DJANGO_SETTINGS_MODULE="portal.settings.prod",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="portal.example.org",
            **PRODUCTION_SERVICES,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert "no issues" in completed.stdout


class TestVendorComponents:
    """Each outside system adds one settings file that stays off until its keys are
    set; ``base.py`` merges every such file without being edited."""

    def test_a_vendor_without_keys_is_off(self, monkeypatch):
        from portal.settings.components.vendors import vendor_settings

        monkeypatch.delenv("ACME_API_KEY", raising=False)
        monkeypatch.delenv("ACME_WEBHOOK_SECRET", raising=False)
        assert vendor_settings("ACME", required=["API_KEY", "WEBHOOK_SECRET"]) is None

    def test_a_vendor_with_its_keys_is_on_with_optional_defaults(self, monkeypatch):
        from portal.settings.components.vendors import vendor_settings

        monkeypatch.setenv("ACME_API_KEY", "key")
        monkeypatch.setenv("ACME_WEBHOOK_SECRET", "whsec")
        monkeypatch.setenv("ACME_REGION", "eu")
        result = vendor_settings(
            "ACME",
            required=["API_KEY", "WEBHOOK_SECRET"],
            optional={"API_BASE": "https://api.acme.test", "REGION": "us"},
        )
        assert result == {
            "API_KEY": "key",
            "WEBHOOK_SECRET": "whsec",
            "API_BASE": "https://api.acme.test",
            "REGION": "eu",
        }

    def test_a_partly_configured_vendor_refuses_to_start(self, monkeypatch):
        from django.core.exceptions import ImproperlyConfigured

        from portal.settings.components.vendors import vendor_settings

        monkeypatch.setenv("ACME_API_KEY", "key")
        monkeypatch.delenv("ACME_WEBHOOK_SECRET", raising=False)
        with pytest.raises(ImproperlyConfigured, match="ACME_WEBHOOK_SECRET"):
            vendor_settings("ACME", required=["API_KEY", "WEBHOOK_SECRET"])

    def test_every_vendor_file_is_merged_upper_case_names_only(
        self, tmp_path, monkeypatch
    ):
        from portal.settings.components.vendors import vendor_components

        package = tmp_path / "fake_vendors"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "acme.py").write_text("ACME = {'API_KEY': 'k'}\nhelper = 1\n")
        (package / "globex.py").write_text("GLOBEX = None\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        assert vendor_components("fake_vendors") == {
            "ACME": {"API_KEY": "k"},
            "GLOBEX": None,
        }

    def test_two_vendors_widen_the_content_security_policy_together(
        self, tmp_path, monkeypatch
    ):
        from portal.settings.components.vendors import vendor_components

        package = tmp_path / "csp_vendors"
        package.mkdir()
        (package / "__init__.py").write_text("")
        base = "{'form-action': ['\\'self\\''], 'img-src': ['\\'self\\'']}"
        (package / "acme.py").write_text(
            f"_B = {base}\nCONTENT_SECURITY_POLICY = {{**_B, "
            "'form-action': ['\\'self\\'', 'https://acme.test']}\n"
        )
        (package / "globex.py").write_text(
            f"_B = {base}\nCONTENT_SECURITY_POLICY = {{**_B, "
            "'form-action': ['\\'self\\'', 'https://globex.test']}\n"
        )
        monkeypatch.syspath_prepend(str(tmp_path))
        policy = vendor_components("csp_vendors")["CONTENT_SECURITY_POLICY"]
        assert policy == {
            "form-action": ["'self'", "https://acme.test", "https://globex.test"],
            "img-src": ["'self'"],
        }


ENTRY_POINT = """
import json, os, {module}
from django.conf import settings
print("RESULT " + json.dumps({{
    "module": settings.SETTINGS_MODULE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "mfa_roles": settings.MFA_REQUIRED_ROLES,
    "trusted_proxies": settings.TRUSTED_PROXIES,
}}))
"""


class TestEntryPoints:
    """Each entry point chooses its own settings; the Celery app, imported by every
    process through ``portal/__init__.py``, chooses none."""

    @pytest.mark.parametrize("module", ["portal.wsgi", "portal.asgi"])
    def test_server_entry_point_without_settings_module_runs_production(self, module):
        completed = run_python(
            ENTRY_POINT.format(module=module),
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="portal.example.org",
            **PRODUCTION_SERVICES,
        )
        assert completed.returncode == 0, completed.stderr
        result = result_of(completed.stdout)

        assert result["module"] == "portal.settings.prod"
        assert result["ssl_redirect"] is True
        assert result["hsts"] > 0
        assert result["secure_cookies"] is True
        assert result["mfa_roles"] == ["admin", "instructor"]
        assert result["trusted_proxies"] == []

    def test_importing_the_celery_app_chooses_no_settings(self):
        completed = run_python(
            "import os, json, portal.celery\n"
            "print('RESULT ' + json.dumps(os.environ.get('DJANGO_SETTINGS_MODULE')))"
        )
        assert completed.returncode == 0, completed.stderr
        assert result_of(completed.stdout) is None

    def test_manage_py_keeps_development(self):
        completed = run_manage(
            "shell",
            "-c",
            "import json; from django.conf import settings; "
            "print('RESULT ' + json.dumps(settings.SETTINGS_MODULE))",
        )
        assert completed.returncode == 0, completed.stderr
        assert result_of(completed.stdout) == "portal.settings.dev"
