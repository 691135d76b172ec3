"""Running an API write: one locked transaction, idempotency, errors as problems.

Every write runs in one `db.write_session` transaction: the idempotency key
is looked up, the body validated, the write path called and the key stored,
all under the ledger's write lock. Any exception rolls everything back, so a
refused write leaves nothing behind, not even its key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import Response, request
from sqlalchemy.orm import Session

from integrity_service import db, idempotency
from integrity_service.api.auth import current_caller
from integrity_service.domain.errors import ValidationReport
from integrity_service.problems import Problem
from integrity_service.records import RecordError

Write = Callable[[Session], dict[str, Any]]
REPLAYED_HEADER = "Idempotent-Replayed"


def json_response(status: int, payload: Any) -> Response:
    """Return a JSON response from a payload."""
    return _response(status, json.dumps(payload, ensure_ascii=False))


def _response(status: int, body: str, *, replayed: bool = False) -> Response:
    response = Response(body, status=status, content_type="application/json")
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response


def validation_problem(report: ValidationReport) -> Problem:
    """Return the 422 problem listing every problem of a refused body."""
    errors = [
        {
            "index": problem.index,
            "field": problem.field,
            "message": problem.reason,
            **({"value": problem.to_json_obj()["value"]} if problem.has_value else {}),
        }
        for problem in report.problems
    ]
    count = f"{report.total} problem{'s' if report.total != 1 else ''}"
    first = f"; first: {report.problems[0]}" if report.problems else ""
    return Problem(
        422,
        "Invalid body",
        f"the body has {count}, so nothing was recorded{first}",
        errors=errors,
        omitted=report.omitted,
    )


def unindexed(report: ValidationReport) -> ValidationReport:
    """Return a report about a single body: its problems placed by field only, not index."""
    return ValidationReport(
        [replace(problem, index=None) for problem in report.problems], omitted=report.omitted
    )


def record_problem(error: RecordError) -> Problem:
    """Return the problem of a write the write path refused."""
    extra = dict(error.extra)
    if error.status == 422:
        extra.setdefault(
            "errors",
            [
                {
                    "index": extra.pop("index", None),
                    "field": extra.pop("field", None),
                    "message": error.detail,
                }
            ],
        )
    return Problem(error.status, error.title, error.detail, **extra)


def _idempotency_key() -> str | None:
    header = request.headers.get(idempotency.HEADER)
    if header is None:
        return None
    try:
        return idempotency.parse_key(header)
    except idempotency.IdempotencyKeyError as exc:
        raise Problem(400, "Bad idempotency key", str(exc)) from None


def _reuse_problem(error: idempotency.KeyReusedError) -> Problem:
    return Problem(
        422,
        "Idempotency key reused",
        f"{error}: it was first sent with {error.first_request}; nothing was recorded now. "
        "Use a new key for a new request, or resend the first request unchanged",
        key=error.key,
    )


def run_write(write: Write, *, body: Any = None, status: int = 201) -> Response:
    """Run ``write`` in one locked transaction and answer its payload with ``status``.

    With an ``Idempotency-Key`` header a repeated request answers the first
    response again, and the same key with another request is refused.
    """
    caller = current_caller()
    key = _idempotency_key()
    fingerprint = idempotency.request_fingerprint(request.method, request.path, body)
    try:
        with db.write_session(db.sessions()) as session:
            if key is not None:
                stored = idempotency.replay(
                    session, token_name=caller.name, key=key, fingerprint=fingerprint
                )
                if stored is not None:
                    return _response(stored.status, stored.body, replayed=True)
            text = json.dumps(write(session), ensure_ascii=False)
            if key is not None:
                idempotency.remember(
                    session,
                    token_name=caller.name,
                    key=key,
                    fingerprint=fingerprint,
                    request_line=f"{request.method} {request.path}",
                    response=idempotency.StoredResponse(status, text),
                )
    except ValidationReport as report:
        raise validation_problem(report) from None
    except RecordError as error:
        raise record_problem(error) from None
    except idempotency.KeyReusedError as error:
        raise _reuse_problem(error) from None
    return _response(status, text)
