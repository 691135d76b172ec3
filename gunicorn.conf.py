"""Gunicorn configuration of the integrity service: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Gunicorn reads ``./gunicorn.conf.py`` by itself when started from the
repository root, so ``gunicorn wsgi:app`` is enough there. Every setting can be
changed through the environment (``INTEGRITY_GUNICORN_*`` below, or
``GUNICORN_CMD_ARGS``) without editing this file; see docs/deploy.md.

The request *body* limit is not gunicorn's: it is Flask's ``MAX_CONTENT_LENGTH``
(16 MiB by default, ``INTEGRITY_MAX_CONTENT_LENGTH`` in bytes), answered with
413. Gunicorn limits the request line and the header fields below.
"""

from __future__ import annotations

import gc
import glob
import os
import shutil
import sys
import tempfile
from typing import Any


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "wsgi:app"

# Loopback by default: put a TLS-terminating reverse proxy in front (docs/deploy.md).
bind = [os.environ.get("INTEGRITY_GUNICORN_BIND", "127.0.0.1:8000")]

# Sync workers, one request at a time each. A request is CPU work (Python) with short
# waits (the write turn, one fsync), so one worker per CPU: on 2 CPUs, 2 workers
# answered 285 checks/s where 4 answered 222, at 4.4 instead of 6.1 ms of CPU per
# request (bench/README.md). Default: the CPU count, at most 8.
workers = _env_int("INTEGRITY_GUNICORN_WORKERS", min(os.cpu_count() or 1, 8))
worker_class = os.environ.get("INTEGRITY_GUNICORN_WORKER_CLASS", "sync")
threads = _env_int("INTEGRITY_GUNICORN_THREADS", 1)

# The app is imported once, in the master, and workers are forked from it: a worker that
# died or was recycled is replaced in milliseconds instead of after re-importing the app.
# Each worker then drops the inherited connection pool (post_fork below), and keeps the
# API rate-limit counts the master mapped in shared memory (shared_counts.py). Code changes
# need a restart, not a HUP. INTEGRITY_GUNICORN_PRELOAD=0 imports the app in each worker,
# which then counts the API rate limit on its own.
preload_app = os.environ.get("INTEGRITY_GUNICORN_PRELOAD", "1") != "0"

# A worker silent this long is killed and replaced (a hung request). A PDF report of
# the whole ledger is the slowest request; raise it if a report times out.
timeout = _env_int("INTEGRITY_GUNICORN_TIMEOUT", 60)
# On SIGTERM or a reload, workers finish the requests they hold for up to this long.
graceful_timeout = _env_int("INTEGRITY_GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("INTEGRITY_GUNICORN_KEEPALIVE", 5)

# Request line (method, path and query) and header limits; beyond them gunicorn
# answers 414 (line) or 431 (fields) before the app sees anything.
limit_request_line = _env_int("INTEGRITY_GUNICORN_LIMIT_REQUEST_LINE", 4094)
limit_request_fields = _env_int("INTEGRITY_GUNICORN_LIMIT_REQUEST_FIELDS", 50)
limit_request_field_size = _env_int("INTEGRITY_GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)

# Only the reverse proxy on this host may set X-Forwarded-* (scheme, client address).
forwarded_allow_ips = os.environ.get("INTEGRITY_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The app writes one JSON line per request (logger integrity_service.requests) to
# stderr, so gunicorn's own access log is off; its error log goes to stderr too.
accesslog = os.environ.get("INTEGRITY_GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("INTEGRITY_GUNICORN_LOGLEVEL", "info")

# Gunicorn's runtime control socket (add workers, reload, ...) is off unless a path
# is given: a socket in $HOME is shared by every gunicorn of that user.
_control_socket = os.environ.get("INTEGRITY_GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket

# Each worker process counts its own requests; prometheus_client's multiprocess mode
# sums them at /metrics. It needs a directory shared by the workers, chosen before any
# worker imports the app; stale counts from an earlier run are removed at start.
_created_metrics_dir = False
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="integrity-metrics-")
    _created_metrics_dir = True


def on_starting(server: Any) -> None:
    """Empty the metrics directory of counts left by an earlier server."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for stale in glob.glob(os.path.join(directory, "*.db")):
        os.remove(stale)


def pre_fork(server: Any, worker: Any) -> None:
    """Freeze the preloaded app's objects out of the garbage collector's reach.

    Workers then share those memory pages with the master (a collection would write
    to every object), and a worker's exit does not spend seconds collecting them.
    """
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """Give the new worker its own database connections: none may cross a fork."""
    wsgi = sys.modules.get("wsgi")
    if wsgi is not None:
        wsgi.app.extensions["integrity_engine"].dispose(close=False)


def child_exit(server: Any, worker: Any) -> None:
    """Tell prometheus_client that a worker is gone (its counts stay in the sums)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the metrics directory this configuration created."""
    if _created_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
