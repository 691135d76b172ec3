"""Error handling: problem details for API and machine clients, a page for browsers.

Never a stack trace to a client; unexpected errors are logged and the
request's session rolled back by the app-context teardown.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
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


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(keys.KeyFileError, _key_error)
    app.register_error_handler(Exception, _unexpected)
