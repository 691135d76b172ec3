"""Vacancies, their candidates, and the rankings published before a decision."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import db, records
from integrity_service.api import bp
from integrity_service.api.auth import current_caller, requires
from integrity_service.api.bodies import json_object, today
from integrity_service.api.writes import json_response, record_problem, run_write
from integrity_service.domain.decisions import parse_vacancy_mapping
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Candidate, Vacancy
from integrity_service.problems import Problem
from integrity_service.receipts import build_receipt, receipt_of_append


def _vacancy_or_404(session: Session, vacancy_id: str) -> Vacancy:
    row = session.get(Vacancy, vacancy_id)
    if row is None:
        raise record_problem(records.not_found("vacancy", vacancy_id))
    return row


@bp.post("/v1/vacancies")
@requires("write")
def open_vacancy() -> Response:
    """Open a vacancy for a defined position with its candidates."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        request = parse_vacancy_mapping(body, today=today())
        recorded = records.open_vacancy(
            session,
            position=request.position,
            candidates=request.candidates,
            opened_on=request.opened_on,
            actor=current_caller().actor,
        )
        return {
            **recorded.result,
            "seq": recorded.entries[0].seq,
            "receipt": receipt_of_append(recorded.entries[0]),
        }

    return run_write(write, body=body)


@bp.get("/v1/vacancies/<vacancy_id>")
@requires("read")
def show_vacancy(vacancy_id: str) -> Response:
    """Return a vacancy, its candidates in the order given, and the receipt of its opening."""
    session = db.session()
    row = _vacancy_or_404(session, vacancy_id)
    candidates = session.scalars(
        select(Candidate.nip).where(Candidate.vacancy_id == vacancy_id).order_by(Candidate.position)
    )
    vacancy = {
        "id": row.id,
        "position": row.position_code,
        "candidates": list(candidates),
        "opened_on": row.opened_on.isoformat(),
        "seq": row.seq,
    }
    return json_response(200, {**vacancy, "receipt": build_receipt(SqlLedger(session), row.seq)})


@bp.post("/v1/vacancies/<vacancy_id>/ranking")
@requires("write")
def publish_ranking(vacancy_id: str) -> Response:
    """Compute the vacancy's ranking from the recorded assessments and publish it."""

    def write(session: Session) -> dict[str, Any]:
        recorded = records.publish_ranking(session, vacancy_id, actor=current_caller().actor)
        entry = recorded.entries[0]
        return {
            **recorded.result,
            "seq": entry.seq,
            "published_at": entry.time,
            "receipt": receipt_of_append(entry),
        }

    return run_write(write)


@bp.get("/v1/vacancies/<vacancy_id>/ranking")
@requires("read")
def show_ranking(vacancy_id: str) -> Response:
    """Return the latest ranking published for the vacancy."""
    session = db.session()
    _vacancy_or_404(session, vacancy_id)
    ranking = records.latest_ranking(session, vacancy_id)
    if ranking is None:
        raise Problem(
            404,
            "No ranking",
            f"no ranking of vacancy {vacancy_id!r} is published yet; "
            f"POST to this address to publish one",
            vacancy=vacancy_id,
        )
    return json_response(
        200,
        {
            "vacancy": vacancy_id,
            "ranking": ranking.entries,
            "seq": ranking.seq,
            "published_at": ranking.published_at,
            "receipt": build_receipt(SqlLedger(session), ranking.seq),
        },
    )
