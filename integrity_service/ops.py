"""Operations: a request id, one JSON log line per request, ``/healthz`` and ``/metrics``.

Every request gets an id: a sane incoming ``X-Request-ID`` is kept (so a
reverse proxy's id follows the request), anything else is replaced by a
fresh one; the answer carries it back in ``X-Request-ID``. When the response
is closed, one JSON line is written to the ``integrity_service.requests``
logger: time, request id, method, path (never the query string), route,
status, duration and the actor if one was authenticated. Tokens, passwords,
bodies and query values are never logged.

Metrics are kept with ``prometheus_client``. Under gunicorn each worker is
its own process, so ``gunicorn.conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR``
before any worker starts and every worker writes its counts there; a scrape
of ``/metrics`` (answered by any one worker) sums them all. Without that
variable (``flask run``, tests) the counts are the process's own.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wsgi import ClosingIterator

from integrity_service import db, keys
from integrity_service.problems import Problem
from ledger.entry import parse_utc_text

REQUEST_LOGGER = "integrity_service.requests"
REQUEST_ID_HEADER = "X-Request-ID"
# Printable, no spaces or quotes: safe in a header, a log line and a grep.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
_ENVIRON_ID = "integrity.request_id"
_ENVIRON_ROUTE = "integrity.route"
_ENVIRON_ACTOR = "integrity.actor"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
EXPOSITION_TYPE = "text/plain; version=0.0.4; charset=utf-8"

bp = Blueprint("ops", __name__)


def request_id() -> str | None:
    """Return the id of the current request (None outside the observed app)."""
    return request.environ.get(_ENVIRON_ID)


def _accepted_request_id(incoming: str | None) -> str:
    if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestMetrics:
    """Request counts by method, route and status, and a latency histogram by route."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "integrity_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "integrity_http_request_duration_seconds",
            "Time from receiving a request to closing its response, by route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: str, seconds: float) -> None:
        """Count one answered request and its duration."""
        self.requests.labels(method, route, status).inc()
        self.latency.labels(method, route).observe(seconds)

    def exposition(self) -> bytes:
        """Return the request metrics of every worker (or of this process) as text."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            prometheus_multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


class RequestObserver:
    """WSGI middleware: request id in and out, then a log line and metrics per request."""

    def __init__(self, app: Any, metrics: RequestMetrics, logger: logging.Logger) -> None:
        self.app = app
        self.metrics = metrics
        self.logger = logger

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request through the wrapped app; log it when the server closes it."""
        started = time.perf_counter()
        rid = _accepted_request_id(environ.get("HTTP_X_REQUEST_ID"))
        environ[_ENVIRON_ID] = rid
        status: list[str] = ["500"]

        def observed_start(code: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            status[0] = code.split(" ", 1)[0]
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(code, headers, *exc)

        def finish() -> None:
            self._record(environ, status[0], time.perf_counter() - started)

        try:
            body = self.app(environ, observed_start)
        except BaseException:
            finish()
            raise
        return ClosingIterator(body, finish)

    def _record(self, environ: dict[str, Any], status: str, seconds: float) -> None:
        method = environ.get("REQUEST_METHOD", "")
        route = environ.get(_ENVIRON_ROUTE) or "unmatched"
        try:
            self.metrics.observe(method if method in _METHODS else "OTHER", route, status, seconds)
        except Exception:  # metrics must never fail a request
            self.logger.warning("metrics not recorded", exc_info=True)
        if not self.logger.isEnabledFor(logging.INFO):
            return
        path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))[:300]
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "request_id": environ.get(_ENVIRON_ID),
            "method": method[:16],
            "path": path,
            "route": environ.get(_ENVIRON_ROUTE),
            "status": int(status) if status.isdigit() else status,
            "duration_ms": round(seconds * 1000, 2),
            "actor": environ.get(_ENVIRON_ACTOR),
        }
        self.logger.info(json.dumps(line, ensure_ascii=False))


def _note_route_and_actor(_exc: BaseException | None) -> None:
    """Leave the route template and the actor in the environ for the log line."""
    rule = request.url_rule
    if rule is not None:
        request.environ[_ENVIRON_ROUTE] = (
            "static" if request.endpoint and request.endpoint.endswith("static") else rule.rule
        )
    caller = g.get("api_caller")
    if caller is not None:
        request.environ[_ENVIRON_ACTOR] = caller.actor
        return
    # Flask-Login keeps the user it loaded here; reading it loads nothing new.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        request.environ[_ENVIRON_ACTOR] = getattr(user, "actor", None)


class _StreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler writing to whatever ``sys.stdout``/``sys.stderr`` is when it emits."""

    def __init__(self, stream_name: str) -> None:
        super().__init__()
        self.stream_name = stream_name

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        """Return the current standard stream."""
        return getattr(sys, self.stream_name)

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _request_logger(app: Flask) -> logging.Logger:
    """Return the request logger, given a JSON-lines handler unless REQUEST_LOG is empty."""
    logger = logging.getLogger(REQUEST_LOGGER)
    destination = app.config.get("REQUEST_LOG", "stderr")
    if not destination:  # left to the operator's logging configuration
        return logger
    if destination not in ("stderr", "stdout"):
        raise ValueError(f"REQUEST_LOG: 'stderr', 'stdout' or empty, not {destination!r}")
    if not any(isinstance(h, _StreamHandler) for h in logger.handlers):
        handler = _StreamHandler(destination)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    # Not also through Flask's "integrity_service" logger, which would prefix each line.
    logger.propagate = False
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    return logger


def _database_check() -> tuple[dict[str, Any], str | None]:
    try:
        with db.engine().connect() as conn:
            last = conn.execute(text("SELECT max(seq) FROM ledger_entries")).scalar()
    except SQLAlchemyError as exc:
        current_app.logger.error("healthz: database check failed: %s", exc)
        return {}, f"database: the query failed ({type(exc).__name__}); see the server log"
    return {"ledger_entries": 0 if last is None else last + 1}, None


def _key_check() -> tuple[dict[str, Any], str | None]:
    try:
        signer = keys.load_signer(current_app.config["KEY_FILE"], current_app.config["LOG_ORIGIN"])
    except (keys.KeyFileError, OSError) as exc:
        current_app.logger.error("healthz: signing key check failed: %s", exc)
        return {}, "signing key: it does not load; see the server log"
    verifier = signer.verifier().to_text()
    loaded = current_app.extensions.get("integrity_signer")
    if loaded is not None and loaded.verifier().to_text() != verifier:
        return {}, "signing key: the key file changed since this process loaded it; restart it"
    try:  # during a key rotation's overlap, checkpoints need the next key too
        following = keys.next_signer()
    except (keys.KeyFileError, OSError) as exc:
        current_app.logger.error("healthz: next signing key check failed: %s", exc)
        return {}, "next signing key: INTEGRITY_NEXT_KEY_FILE does not load; see the server log"
    if following is None:
        return {"verifier_key": verifier}, None
    return {"verifier_key": verifier, "next_verifier_key": following.verifier().to_text()}, None


@bp.get("/healthz")
def healthz() -> Response:
    """Answer 200 if the database answers and the signing key loads, else a 503 problem."""
    facts: dict[str, Any] = {}
    failures: list[str] = []
    for check in (_database_check, _key_check):
        found, failure = check()
        facts.update(found)
        if failure:
            failures.append(failure)
    if failures:
        raise Problem(503, "Unhealthy", "; ".join(failures), failures=failures)
    response = jsonify(status="ok", database="ok", signing_key="ok", **facts)
    response.headers["Cache-Control"] = "no-store"
    return response


def _ledger_gauges() -> list[str]:
    """Return the exposition lines of the ledger's size and checkpoint age."""
    lines = [
        "# HELP integrity_database_up 1 if the database answered this scrape's queries.",
        "# TYPE integrity_database_up gauge",
    ]
    try:
        with db.engine().connect() as conn:
            last = conn.execute(text("SELECT max(seq) FROM ledger_entries")).scalar()
            latest = conn.execute(
                text("SELECT size, created_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1")
            ).first()
    except SQLAlchemyError:
        current_app.logger.warning("metrics: the database did not answer", exc_info=True)
        return [*lines, "integrity_database_up 0"]
    size = 0 if last is None else last + 1
    lines += [
        "integrity_database_up 1",
        "# HELP integrity_ledger_entries Entries in the ledger.",
        "# TYPE integrity_ledger_entries gauge",
        f"integrity_ledger_entries {size}",
        "# HELP integrity_ledger_checkpoint_size Tree size of the latest signed checkpoint.",
        "# TYPE integrity_ledger_checkpoint_size gauge",
        f"integrity_ledger_checkpoint_size {0 if latest is None else latest[0]}",
    ]
    if latest is not None:
        signed = parse_utc_text(str(latest[1]))
        age = max(0.0, (datetime.now(UTC) - signed).total_seconds())
        lines += [
            "# HELP integrity_ledger_checkpoint_age_seconds Seconds since the latest checkpoint.",
            "# TYPE integrity_ledger_checkpoint_age_seconds gauge",
            f"integrity_ledger_checkpoint_age_seconds {age:.3f}",
        ]
    return lines


@bp.get("/metrics")
def metrics() -> Response:
    """Answer the Prometheus text exposition: requests, latency, ledger size, checkpoint age."""
    observed: RequestMetrics = current_app.extensions["integrity_metrics"]
    body = observed.exposition().decode("utf-8") + "\n".join(_ledger_gauges()) + "\n"
    response = Response(body, content_type=EXPOSITION_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Wrap the app in the request observer and add ``/healthz`` and ``/metrics``."""
    request_metrics = RequestMetrics()
    app.extensions["integrity_metrics"] = request_metrics
    app.wsgi_app = RequestObserver(  # type: ignore[method-assign]
        app.wsgi_app, request_metrics, _request_logger(app)
    )
    app.teardown_request(_note_route_and_actor)
    app.register_blueprint(bp)
