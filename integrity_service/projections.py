"""Projecting ledger entries into the relational tables, live and on replay.

``apply_entry`` is the single place that turns an entry into projection
rows. The write path calls it in the same transaction as the append; the
``rebuild`` command calls it while replaying the ledger. So a projection edited
behind the service's back differs from its replay and is found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from integrity_service import projections_rules
from integrity_service.models import (
    Assessment,
    Candidate,
    Person,
    Placement,
    Position,
    Ranking,
    Vacancy,
)
from integrity_service.projections_bulk import (
    Body,
    ProjectedEntry,
    assessment_values,
    assessments_recorded,
    person_from_result,
)

Handler = Callable[[Session, int, str, Body], None]


def _assessment_row(
    seq: int, result: Body, *, supersedes: int | None, reason: str | None
) -> Assessment:
    return Assessment(**assessment_values(seq, result, supersedes=supersedes, reason=reason))


def _assessment_recorded(session: Session, seq: int, _time: str, body: Body) -> None:
    session.add(_assessment_row(seq, body, supersedes=None, reason=None))
    person_from_result(session, seq, body)


def _assessment_corrected(session: Session, seq: int, _time: str, body: Body) -> None:
    original = body["supersedes"]
    session.add(_assessment_row(seq, body["result"], supersedes=original, reason=body["reason"]))
    session.flush()
    session.execute(update(Assessment).where(Assessment.seq == original).values(superseded_by=seq))
    person_from_result(session, seq, body["result"])


def _position_defined(session: Session, seq: int, _time: str, body: Body) -> None:
    session.add(
        Position(
            code=body["code"],
            title=body["title"],
            type=body["type"],
            unit=body["unit"],
            min_rank=body["min_rank"],
            standard=dict(body["standard"]),
            seq=seq,
        )
    )


def _vacancy_opened(session: Session, seq: int, _time: str, body: Body) -> None:
    session.add(
        Vacancy(
            id=body["id"],
            position_code=body["position"],
            opened_on=date.fromisoformat(body["opened_on"]),
            seq=seq,
        )
    )
    session.flush()
    session.add_all(
        Candidate(vacancy_id=body["id"], nip=nip, position=n)
        for n, nip in enumerate(body["candidates"])
    )


def _ranking_published(session: Session, seq: int, time: str, body: Body) -> None:
    session.add(
        Ranking(seq=seq, vacancy_id=body["vacancy"], published_at=time, entries=body["ranking"])
    )


def _placement_decided(session: Session, seq: int, _time: str, body: Body) -> None:
    session.add(
        Placement(
            id=body["id"],
            seq=seq,
            vacancy_id=body["vacancy"],
            nip=body["nip"],
            position_code=body["position"],
            unit=body["unit"],
            from_position=body["from_position"],
            decree_number=body["decree_number"],
            decided_on=date.fromisoformat(body["decided_on"]),
            decided_by=body["decided_by"],
            kind=body["kind"],
            justification=body["justification"],
            approval_reference=body.get("approval_reference"),
            verdict=body.get("verdict"),
            ruleset_hash=body.get("ruleset_hash"),
        )
    )
    session.flush()
    projections_rules.placement_findings(session, seq, body)
    person = session.get(Person, body["nip"])
    if person is not None:
        person.position_code = body["position"]
        person.current_position = body["position_title"]
        person.unit = body["unit"]
        person.seq = seq


HANDLERS: dict[str, Handler] = {
    "assessment.recorded": _assessment_recorded,
    "assessment.corrected": _assessment_corrected,
    "position.defined": _position_defined,
    "vacancy.opened": _vacancy_opened,
    "ranking.published": _ranking_published,
    "placement.decided": _placement_decided,
    **projections_rules.HANDLERS,
}


def register(entry_type: str, handler: Handler) -> None:
    """Add the projection of another entry type (used by the rules and case-work modules)."""
    HANDLERS[entry_type] = handler


def apply_entry(session: Session, seq: int, entry_type: str, time: str, body: Body) -> None:
    """Project one entry; entry types without a projection change nothing."""
    handler = HANDLERS.get(entry_type)
    if handler is not None:
        handler(session, seq, time, body)


def apply_entries(session: Session, entries: Sequence[ProjectedEntry]) -> None:
    """Project entries in order, runs of assessment results in bulk."""
    index = 0
    while index < len(entries):
        end = index
        while end < len(entries) and entries[end][1] == "assessment.recorded":
            end += 1
        if end - index > 1:
            assessments_recorded(session, entries[index:end])
            index = end
            continue
        seq, entry_type, time, body = entries[index]
        apply_entry(session, seq, entry_type, time, body)
        index += 1
