"""A Celery worker's own ``/metrics`` (task durations of its processes), served from
the worker's main process on ``CELERY_METRICS_PORT`` with the web's protection.

Task durations are observed where tasks run. The web's ``/metrics`` sees those of
tasks run eagerly in it; a worker on another host (or container) has its own
processes, so Prometheus scrapes each worker too (docker/prometheus/prometheus.yml).
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import make_server

from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer, _SilentHandler

from .access import metrics_reader_allowed
from .registry import process_registry


def protected_metrics_app(registry=None):
    """A WSGI app answering the metrics of ``registry`` (this process's, or all of
    them in multiprocess mode) to allowed readers, 403 to the others."""
    app = make_wsgi_app(registry if registry is not None else process_registry())

    def metrics_app(environ, start_response):
        if not metrics_reader_allowed(
            authorization=environ.get("HTTP_AUTHORIZATION", ""),
            address=environ.get("REMOTE_ADDR"),
        ):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"Forbidden\n"]
        return app(environ, start_response)

    return metrics_app


# Inside its container the worker must answer Prometheus on the private network; the
# port is not published, and every request passes the token or network check.
def metrics_server_start(*, port: int, address: str = "0.0.0.0"):  # noqa: S104  # nosec B104
    """Serve ``protected_metrics_app`` on ``address:port`` from a daemon thread;
    returns the server (``shutdown()`` stops it)."""
    server = make_server(
        address,
        port,
        protected_metrics_app(),
        ThreadingWSGIServer,
        handler_class=_SilentHandler,
    )
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
