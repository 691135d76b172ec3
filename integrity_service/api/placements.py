"""Placement decisions (SK): record one, show one."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import checks, db, records
from integrity_service.api import bp
from integrity_service.api.auth import current_caller, requires
from integrity_service.api.bodies import json_object, today
from integrity_service.api.rules_routes import OUTCOME_KEYS, finding_json, outcome_json
from integrity_service.api.writes import json_response, run_write
from integrity_service.domain.decisions import parse_placement_mapping
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Finding, Placement, Position
from integrity_service.problems import Problem
from integrity_service.receipts import build_receipt, receipt_of_append


def placement_json(session: Session, row: Placement) -> dict[str, Any]:
    """Return a recorded placement as the API shows it."""
    position = session.get(Position, row.position_code)
    return {
        "id": row.id,
        "seq": row.seq,
        "vacancy": row.vacancy_id,
        "nip": row.nip,
        "position": row.position_code,
        "position_title": None if position is None else position.title,
        "unit": row.unit,
        "from_position": row.from_position,
        "decree_number": row.decree_number,
        "decided_on": row.decided_on.isoformat(),
        "decided_by": row.decided_by,
        "kind": row.kind,
        "justification": row.justification,
        "approval_reference": row.approval_reference,
        "verdict": row.verdict,
    }


def placement_response(session: Session, recorded: records.Recorded) -> dict[str, Any]:
    """Return the answer to a recorded placement: the placement, its receipt, and any verdict."""
    row = session.get(Placement, recorded.result["id"])
    assert row is not None  # projected in the same transaction
    response = {
        "placement": placement_json(session, row),
        "receipt": receipt_of_append(recorded.entries[0]),
    }
    if "verdict" in recorded.result:
        response.update(outcome_json(recorded.result))
    return response


@bp.post("/v1/placements")
@requires("write")
def record_placement() -> Response:
    """Record a placement decision."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        decision = parse_placement_mapping(body, today=today())
        try:
            recorded = checks.decide_placement(
                session, decision.to_json_obj(), actor=current_caller().actor
            )
        except records.RecordError as error:
            if "verdict" in error.extra:  # refused for want of a justification
                others = {k: v for k, v in error.extra.items() if k not in OUTCOME_KEYS}
                error.extra = {**others, **outcome_json(error.extra)}
            raise
        return placement_response(session, recorded)

    return run_write(write, body=body)


@bp.get("/v1/placements/<placement_id>")
@requires("read")
def show_placement(placement_id: str) -> Response:
    """Return a recorded placement and its receipt."""
    session = db.session()
    row = session.get(Placement, placement_id)
    if row is None:
        raise Problem(
            404, "Not found", f"placement {placement_id!r} is not recorded", placement=placement_id
        )
    return json_response(
        200,
        {
            "placement": placement_json(session, row),
            "findings": [
                finding_json(f)
                for f in session.scalars(
                    select(Finding).where(Finding.placement_id == row.id).order_by(Finding.seq)
                )
            ],
            "receipt": build_receipt(SqlLedger(session), row.seq),
        },
    )
