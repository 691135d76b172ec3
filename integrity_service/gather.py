"""Gathering a placement's facts from the projections into a rules ``PlacementCase``.

Used live (the projections hold everything recorded so far) and by ``audit``
while replaying (the projections hold exactly the entries before the one being
re-evaluated), so a decision's findings are recomputed from the same facts.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from integrity_service.facts import assessment_fact
from integrity_service.models import (
    Assessment,
    Candidate,
    Person,
    Placement,
    PlacementCheck,
    Position,
    Ranking,
    Relation,
    Vacancy,
)
from integrity_service.records import RecordError, not_found
from rules.facts import (
    CheckFact,
    PersonFact,
    PlacementCase,
    PlacementFact,
    PositionFact,
    RankedCandidate,
    RankingFact,
    RelationFact,
    VacancyFact,
)

# The longest window any rule looks back over (MERIT-012: 12 months), with margin.
HISTORY_DAYS = 400


def placement_fact(row: Placement) -> PlacementFact:
    """Return the rules' view of a recorded placement."""
    return PlacementFact(
        seq=row.seq,
        vacancy_id=row.vacancy_id,
        nip=row.nip,
        position_code=row.position_code,
        unit=row.unit,
        from_position=row.from_position,
        decided_on=row.decided_on,
        decided_by=row.decided_by,
        kind=row.kind,
        approval_reference=row.approval_reference,
    )


# Parsed rankings by (vacancy, seq, the stored JSON text): a ranking of thousands of
# candidates is parsed once per process, not once per check. The text is part of the
# key, so a hit is exact whatever database (or audit replay) the row comes from.
_RANKINGS: dict[tuple[str, int, str], RankingFact] = {}
_RANKINGS_KEPT = 32


def _latest_ranking(session: Session, vacancy_id: str, *, before: int) -> RankingFact | None:
    """Return the vacancy's latest ranking published before seq ``before``, if any."""
    row = session.execute(
        select(Ranking.seq, cast(Ranking.entries, Text))
        .where(Ranking.vacancy_id == vacancy_id, Ranking.seq < before)
        .order_by(Ranking.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    key = (vacancy_id, row[0], row[1])
    fact = _RANKINGS.get(key)
    if fact is None:
        entries = tuple(RankedCandidate.from_json_obj(entry) for entry in json.loads(row[1]))
        fact = RankingFact(vacancy_id=vacancy_id, entries=entries, seq=row[0])
        if len(_RANKINGS) >= _RANKINGS_KEPT:
            _RANKINGS.clear()
        _RANKINGS[key] = fact
    return fact


# Only the columns the facts need: no ORM objects, and no JSON (a check's findings) parsed.
_PLACEMENT_FACT_COLUMNS = (
    Placement.seq,
    Placement.vacancy_id,
    Placement.nip,
    Placement.position_code,
    Placement.unit,
    Placement.from_position,
    Placement.decided_on,
    Placement.decided_by,
    Placement.kind,
    Placement.approval_reference,
)
_CHECK_FACT_COLUMNS = (
    PlacementCheck.seq,
    PlacementCheck.vacancy_id,
    PlacementCheck.nip,
    PlacementCheck.verdict,
)
_PLACEMENT_FACT_NAMES = tuple(column.key for column in _PLACEMENT_FACT_COLUMNS)
# A check's history is every placement of the last 400 days: the same rows for every
# check, built into facts once. The whole row is the key, so a hit is exact.
_PLACEMENTS: dict[tuple[Any, ...], PlacementFact] = {}
_PLACEMENTS_KEPT = 20_000


def _history_fact(values: tuple[Any, ...]) -> PlacementFact:
    fact = _PLACEMENTS.get(values)
    if fact is None:
        fact = PlacementFact(**dict(zip(_PLACEMENT_FACT_NAMES, values, strict=True)))
        if len(_PLACEMENTS) >= _PLACEMENTS_KEPT:
            _PLACEMENTS.clear()
        _PLACEMENTS[values] = fact
    return fact


def build_case(
    session: Session, decision: dict[str, Any], *, decision_seq: int | None
) -> PlacementCase:
    """Return the case of a proposed (seq None) or recorded decision, as of that decision.

    ``decision`` holds the body fields of a placement (vacancy, nip, decided_on,
    decided_by, kind, approval_reference, from_position).
    """
    vacancy = session.get(Vacancy, decision["vacancy"])
    if vacancy is None:
        raise not_found("vacancy", decision["vacancy"])
    position = session.get(Position, vacancy.position_code)
    assert position is not None  # vacancies are only opened for defined positions
    person = session.get(Person, decision["nip"])
    if person is None:
        raise RecordError(
            422,
            "Unknown appointee",
            f"NIP {decision['nip']} has no recorded assessment, so its golongan and scores "
            "are unknown; record the person's assessment result first",
            errors=[{"index": None, "field": "nip", "message": "no recorded assessment"}],
        )
    before = decision_seq if decision_seq is not None else 2**62
    decided_on = date.fromisoformat(decision["decided_on"])
    candidates = session.scalars(
        select(Candidate.nip).where(Candidate.vacancy_id == vacancy.id).order_by(Candidate.position)
    )
    ranking = _latest_ranking(session, vacancy.id, before=before)
    assessments = session.scalars(select(Assessment).where(Assessment.nip == person.nip))
    relations = session.scalars(select(Relation).where(Relation.seq < before))
    history = session.execute(
        select(*_PLACEMENT_FACT_COLUMNS).where(
            Placement.seq < before,
            Placement.decided_on >= decided_on - timedelta(days=HISTORY_DAYS),
            Placement.decided_on <= decided_on,
        )
    )
    checks = session.execute(
        select(*_CHECK_FACT_COLUMNS).where(
            PlacementCheck.vacancy_id == vacancy.id,
            PlacementCheck.nip == person.nip,
            PlacementCheck.seq < before,
        )
    )
    return PlacementCase(
        decision=PlacementFact(
            seq=decision_seq,
            vacancy_id=vacancy.id,
            nip=person.nip,
            position_code=position.code,
            unit=position.unit,
            from_position=decision.get("from_position"),
            decided_on=decided_on,
            decided_by=decision.get("decided_by"),
            kind=decision["kind"],
            approval_reference=decision.get("approval_reference"),
        ),
        position=PositionFact(
            code=position.code,
            unit=position.unit,
            type=position.type,
            min_rank=position.min_rank,
            standard=position.standard,
            seq=position.seq,
        ),
        vacancy=VacancyFact(
            id=vacancy.id,
            position_code=position.code,
            candidates=tuple(candidates),
            opened_on=vacancy.opened_on,
            seq=vacancy.seq,
        ),
        ranking=ranking,
        assessments=tuple(assessment_fact(row) for row in assessments),
        person=PersonFact(nip=person.nip, rank=person.rank, seq=person.seq),
        relations=tuple(
            RelationFact(seq=row.seq, a=row.a, b=row.b, kind=row.kind) for row in relations
        ),
        history=tuple(_history_fact(tuple(row)) for row in history),
        checks=tuple(
            CheckFact(seq=seq, vacancy_id=vacancy_id, nip=nip, verdict=verdict)
            for seq, vacancy_id, nip, verdict in checks
        ),
    )
