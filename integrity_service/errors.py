"""Error handling: problem details for API and machine clients, a page for browsers.

Never a stack trace to a client; unexpected errors are logged and the
request's session rolled back by the app-context teardown.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, Response, current_app, render_template, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from integrity_service import keys
from integrity_service.problems import Problem


def wants_html() -> bool:
    """Return True for a browser asking for a page (not the API, not a machine client)."""
    if request.path.startswith("/api/"):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def answer(problem: Problem) -> Response:
    """Answer a problem as problem+json, or as an error page to a browser."""
    if wants_html():
        html = render_template("error.html", problem=problem)
        return Response(html, status=problem.status, content_type="text/html; charset=utf-8")
    return problem.to_response()


def _problem(error: Problem) -> Response:
    return answer(error)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = answer(Problem(status, error.name, error.description or error.name))
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        original = error.get_response().headers.get(header)
        if original:
            response.headers[header] = original
    return response


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error", exc_info=error)
    return answer(Problem(500, "Internal error", "the server failed; the error was logged"))


def _key_error(error: keys.KeyFileError) -> Response:
    current_app.logger.error("signing key unavailable: %s", error)
    return answer(Problem(503, "Signing key unavailable", "the log's key is not configured"))


# Errors of the database itself, not of the request: it is unreachable, its connection
# was cut, the pool is exhausted, or it is full. The client may retry.
STORAGE_ERRORS = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)
_RETRY = (
    "Retry later with the same Idempotency-Key: a write that was recorded is answered "
    "again, never recorded twice"
)


def is_storage_full(error: BaseException) -> bool:
    """Tell whether a database error says the disk or the database's size cap is full."""
    orig = getattr(error, "orig", error)
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return getattr(orig, "sqlstate", None) == "53100"  # PostgreSQL disk_full


def _storage_error(error: Exception) -> Response:
    orig = getattr(error, "orig", None) or error
    reason = (str(orig).splitlines() or [""])[0][:200]
    current_app.logger.error("storage error %s: %s", type(orig).__name__, reason)
    if is_storage_full(error):
        problem = Problem(
            503,
            "Storage full",
            f"the database has no space left, so nothing new can be recorded now. {_RETRY}",
        )
    else:
        problem = Problem(
            503,
            "Storage unavailable",
            f"the database did not answer or its connection was lost. {_RETRY}",
        )
    response = answer(problem)
    response.headers["Retry-After"] = "1"
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    for storage_error in STORAGE_ERRORS:
        app.register_error_handler(storage_error, _storage_error)
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(keys.KeyFileError, _key_error)
    app.register_error_handler(Exception, _unexpected)
