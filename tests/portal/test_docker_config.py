"""docker/: the compose file (two web replicas behind Nginx, a worker per Celery
queue, migrations once, pg_stat_statements), Prometheus' scrape configuration and
alert rules, checked against the settings and the series the portal really exposes;
``docker compose config`` when the compose plugin is installed."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client

from portal.celery import app
from tests.portal.metrics.conftest import TOKEN, parse

DOCKER = Path(settings.BASE_DIR) / "docker"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def web_replicas(services) -> list[str]:
    return sorted(name for name in services if name.startswith("web-"))


def workers(services) -> dict[str, dict]:
    return {
        name: service
        for name, service in services.items()
        if service.get("command") == ["docker/start-worker.sh"]
    }


class TestCompose:
    def test_two_web_replicas_behind_nginx_migrating_once(self, services):
        replicas = web_replicas(services)
        assert len(replicas) == 2
        for name in replicas:
            web = services[name]
            assert web["command"] == ["docker/start-web.sh"]
            assert web["environment"]["MIGRATE_ON_START"] == "false"
            assert web["depends_on"]["migrate"] == {
                "condition": "service_completed_successfully"
            }
            assert "ports" not in web  # only through Nginx
            assert name in web["environment"]["ALLOWED_HOSTS"]  # Prometheus' Host
        assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
        assert sorted(services["nginx"]["depends_on"]) == replicas
        start = (DOCKER / "start-web.sh").read_text()
        assert 'if [ "${MIGRATE_ON_START:-true}" = true ]' in start

    def test_a_worker_for_each_queue_and_every_route_has_one(self, services):
        queues = {
            service["environment"]["CELERY_QUEUES"]
            for service in workers(services).values()
        }
        assert queues == set(settings.CELERY_QUEUE_NAMES)
        assert settings.CELERY_QUEUE_NAMES[0] == settings.CELERY_TASK_DEFAULT_QUEUE
        routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
        assert routed <= set(settings.CELERY_QUEUE_NAMES)
        app.loader.import_default_modules()
        for task in settings.CELERY_TASK_ROUTES:
            assert task in app.tasks, task
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            assert entry["task"] in app.tasks, entry["task"]
        # One worker for everything (make worker, a bare start-worker.sh) takes all.
        default = re.search(
            r"CELERY_QUEUES:-([\w,]+)", (DOCKER / "start-worker.sh").read_text()
        )
        assert set(default.group(1).split(",")) == set(settings.CELERY_QUEUE_NAMES)

    def test_routes_send_each_kind_of_work_to_its_queue(self):
        route = app.amqp.router.route
        assert route({}, "content.transcode_video")["queue"].name == "media"
        assert route({}, "notifications.deliver")["queue"].name == "notifications"
        assert route({}, "webhooks.deliver")["queue"].name == "integrations"
        assert route({}, "corporate.bulk_enrollment")["queue"].name == "default"

    def test_pg_stat_statements_is_on(self, services):
        conf = (DOCKER / "postgresql.conf").read_text()
        assert re.search(
            r"^shared_preload_libraries = '[^']*pg_stat_statements", conf, re.M
        )
        mounts = services["postgres"]["volumes"]
        assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in mounts
        init = "".join(p.read_text() for p in (DOCKER / "postgres-init").glob("*.sql"))
        assert "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" in init

    def test_backups_have_a_volume(self, compose, services):
        assert "backups" in compose["volumes"]
        assert services["beat"]["environment"]["BACKUP_DIR"] == "/app/var/backups"
        assert "backups:/app/var/backups" in services["beat"]["volumes"]

    @pytest.mark.skipif(shutil.which("docker") is None, reason="no docker here")
    def test_docker_compose_accepts_it(self):
        plugin = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        )
        if plugin.returncode != 0:
            pytest.skip("docker has no compose plugin here")
        env = {
            **os.environ,
            "POSTGRES_PASSWORD": "x",
            "ALLOWED_HOSTS": "portal.example.org",
        }
        if not (DOCKER / ".env").exists():
            pytest.skip("compose reads docker/.env, the operator's own file")
        result = subprocess.run(
            ["docker", "compose", "-f", str(DOCKER / "compose.yaml"), "config", "-q"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())


class TestPrometheus:
    def jobs(self, config) -> dict:
        return {job["job_name"]: job for job in config["scrape_configs"]}

    def test_every_replica_and_worker_is_scraped_with_the_token(self, config, services):
        jobs = self.jobs(config)
        (web,) = jobs["portal-web"]["static_configs"]
        assert web["targets"] == [f"{name}:8000" for name in web_replicas(services)]
        (celery,) = jobs["portal-celery"]["static_configs"]
        worker_services = workers(services)
        ports = {
            s["environment"]["CELERY_METRICS_PORT"] for s in worker_services.values()
        }
        (port,) = ports
        assert sorted(celery["targets"]) == sorted(
            f"{name}:{port}" for name in worker_services
        )
        token_file = "/etc/prometheus-secrets/metrics-token"
        for job in ("portal-web", "portal-celery"):
            assert jobs[job]["authorization"] == {
                "type": "Bearer",
                "credentials_file": token_file,
            }
        assert any(
            mount.endswith(f":{token_file}:ro")
            for mount in services["prometheus"]["volumes"]
        )
        assert config["rule_files"] == ["alerts.yml"]

    @pytest.mark.django_db
    def test_alerts_cover_the_issue_and_name_real_series(self, settings):
        rules = yaml.safe_load((DOCKER / "prometheus" / "alerts.yml").read_text())
        alerts = {
            rule["alert"]: rule["expr"]
            for group in rules["groups"]
            for rule in group["rules"]
        }
        for needed in (
            "PortalHighErrorRate",
            "PortalSlowRequests",
            "PortalCeleryQueueBacklog",
            "PortalDiskAlmostFull",
            "PortalBackupTooOld",
        ):
            assert needed in alerts
        assert "histogram_quantile(0.95" in alerts["PortalSlowRequests"]

        # Every portal_* series an alert reads is one /metrics really answers.
        settings.METRICS_TOKEN = TOKEN
        settings.ROOT_URLCONF = "tests.portal.metrics.urls"
        from portal.celery import ping
        from portal.metrics.registry import scrape_registry

        scrape_registry.cache_clear()
        Client(raise_request_exception=False).get("/boom/")  # a 5xx
        ping.delay()  # a task duration
        response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        exposed = {name for name, _ in parse(response.content.decode())}
        scrape_registry.cache_clear()
        named = {
            name
            for expr in alerts.values()
            for name in re.findall(r"\bportal_[a-z_]+", expr)
        }
        assert named
        assert named <= exposed, named - exposed
