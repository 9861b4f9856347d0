"""Tasks sent from any thread use the portal's Celery app: gunicorn's gthread
workers serve each request in a thread of its own, where Celery would otherwise
fall back to an unconfigured app (default queue ``celery``, no routes), so tasks
would wait in a queue no worker consumes."""

from tests.support import result_of, run_python

# As under gunicorn: ``portal`` (and so the Celery app) is imported before the
# settings are chosen (``portal/wsgi.py`` chooses them after), and the request runs
# in another thread.
PROBE = """
import json, os, threading
settings_module = os.environ.pop("DJANGO_SETTINGS_MODULE")
import portal
os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
import django
django.setup()
from portal.celery import app
from portal.notifications.tasks import deliver_notification
from portal.privacy.tasks import build_personal_data_export

seen = {}

def request_thread():
    task = build_personal_data_export._get_current_object()
    routed = deliver_notification._get_current_object()
    seen["portal_app"] = task.app is app
    seen["default_queue"] = task.app.conf.task_default_queue
    seen["routed_queue"] = routed.app.amqp.router.route({}, routed.name)["queue"].name

thread = threading.Thread(target=request_thread)
thread.start()
thread.join()
print("RESULT " + json.dumps(seen))
"""


def test_shared_tasks_use_the_portal_app_in_every_thread():
    completed = run_python(PROBE, DJANGO_SETTINGS_MODULE="portal.settings.test")
    assert completed.returncode == 0, completed.stderr
    assert result_of(completed.stdout) == {
        "portal_app": True,
        "default_queue": "default",
        "routed_queue": "notifications",
    }
