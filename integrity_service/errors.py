"""Error handling: problem details for API and machine routes, never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, current_app
from werkzeug.exceptions import HTTPException

from integrity_service import keys
from integrity_service.problems import Problem


def _problem(error: Problem) -> Response:
    return error.to_response()


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return Problem(status, error.name, error.description or error.name).to_response()


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error", exc_info=error)
    return Problem(500, "Internal error", "the server failed; the error was logged").to_response()


def _key_error(error: keys.KeyFileError) -> Response:
    current_app.logger.error("signing key unavailable: %s", error)
    return Problem(503, "Signing key unavailable", "the log's key is not configured").to_response()


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(keys.KeyFileError, _key_error)
    app.register_error_handler(Exception, _unexpected)
