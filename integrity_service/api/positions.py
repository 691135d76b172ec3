"""Positions and their competency standards (SKJ)."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy.orm import Session

from integrity_service import db, records
from integrity_service.api import bp
from integrity_service.api.auth import current_caller, requires
from integrity_service.api.bodies import json_object
from integrity_service.api.writes import json_response, run_write, unindexed
from integrity_service.domain import ValidationReport, parse_position_mapping
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Position
from integrity_service.problems import Problem
from integrity_service.receipts import build_receipt, receipt_of_append


def position_json(row: Position) -> dict[str, Any]:
    """Return a position as the API shows it."""
    return {
        "code": row.code,
        "title": row.title,
        "type": row.type,
        "unit": row.unit,
        "min_rank": row.min_rank,
        "standard": dict(row.standard),
        "seq": row.seq,
    }


@bp.post("/v1/positions")
@requires("write")
def define_position() -> Response:
    """Define a position with its competency standard."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        try:
            spec = parse_position_mapping(body, index=0)
        except ValidationReport as report:
            raise unindexed(report) from None
        entry = records.record_position(session, spec, actor=current_caller().actor)[0]
        return {
            "position": {**spec.to_json_obj(), "seq": entry.seq},
            "receipt": receipt_of_append(entry),
        }

    return run_write(write, body=body)


@bp.get("/v1/positions/<code>")
@requires("read")
def show_position(code: str) -> Response:
    """Return a defined position and the receipt of its definition."""
    session = db.session()
    row = session.get(Position, code)
    if row is None:
        raise Problem(404, "Not found", f"position {code!r} is not defined", position=code)
    receipt = build_receipt(SqlLedger(session), row.seq)
    return json_response(200, {"position": position_json(row), "receipt": receipt})
