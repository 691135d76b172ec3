"""Assessment results: record a batch, correct one."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy.orm import Session

from integrity_service import checks, records
from integrity_service.api import bp
from integrity_service.api.auth import current_caller, requires
from integrity_service.api.bodies import json_object, today
from integrity_service.api.writes import run_write
from integrity_service.domain import parse_assessment_batch
from integrity_service.domain.decisions import parse_correction_mapping
from integrity_service.domain.errors import NO_VALUE, FieldError, Problem, ValidationReport
from integrity_service.receipts import receipt_of_append

MAX_BATCH = 5000


def _results(body: dict[str, Any]) -> list[Any]:
    """Return the body's ``results`` array, or raise a report saying what is wrong."""
    unknown = [key for key in body if key != "results"]
    problems = [
        Problem.from_field_error(FieldError(key, NO_VALUE, "unknown field; expected only results"))
        for key in unknown
    ]
    results = body.get("results")
    if not isinstance(results, list) or not 1 <= len(results) <= MAX_BATCH:
        shown = f"{len(results)} results" if isinstance(results, list) else "no array"
        reason = f"expected an array of 1 to {MAX_BATCH} assessment results, got {shown}"
        problems.append(Problem(reason, field="results"))
    if problems:
        raise ValidationReport(problems)
    return results


@bp.post("/v1/assessments")
@requires("write")
def record_assessments() -> Response:
    """Record a batch of assessment results, all or nothing; answer one receipt each."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        results = parse_assessment_batch(_results(body), today=today())
        entries = records.record_assessments(session, results, actor=current_caller().actor)
        return {"receipts": [receipt_of_append(entry) for entry in entries]}

    return run_write(write, body=body)


@bp.post("/v1/assessments/corrections")
@requires("write")
def correct_assessment() -> Response:
    """Record a corrected result superseding an earlier one, which stays in the ledger."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        correction = parse_correction_mapping(body, today=today())
        entries = checks.correct_assessment(
            session,
            supersedes=correction.supersedes,
            reason=correction.reason,
            result=correction.result,
            actor=current_caller().actor,
        )
        entry = entries[0]
        return {
            "assessment": {
                "seq": entry.seq,
                "supersedes": correction.supersedes,
                "reason": correction.reason,
                "result": correction.result.to_json_obj(),
            },
            "receipt": receipt_of_append(entry),
        }

    return run_write(write, body=body)
