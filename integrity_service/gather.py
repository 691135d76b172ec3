"""Gathering a placement's facts from the projections into a rules ``PlacementCase``.

Used live (the projections hold everything recorded so far) and by ``audit``
while replaying (the projections hold exactly the entries before the one being
re-evaluated), so a decision's findings are recomputed from the same facts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from integrity_service.case_parts import PersonPart, VacancyPart, person_part, vacancy_part
from integrity_service.models import Placement, Relation
from rules.facts import CheckFact, PlacementCase, PlacementFact, RelationFact

# The longest window any rule looks back over (MERIT-012: 12 months), with margin.
HISTORY_DAYS = 400


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
_PAIR_CHECKS = text(
    "SELECT seq, verdict FROM placement_checks"
    " WHERE vacancy_id = :vacancy AND nip = :nip AND seq < :before ORDER BY seq"
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
    session: Session,
    decision: dict[str, Any],
    *,
    decision_seq: int | None,
    with_checks: bool = True,
    part: VacancyPart | None = None,
    person: PersonPart | None = None,
    relations: tuple[RelationFact, ...] | None = None,
    history: tuple[PlacementFact, ...] | None = None,
) -> PlacementCase:
    """Return the case of a proposed (seq None) or recorded decision, as of that decision.

    ``decision`` holds the body fields of a placement (vacancy, nip, decided_on,
    decided_by, kind, approval_reference, from_position). ``part`` is the
    vacancy's `vacancy_part` as of the decision, ``person`` the appointee's
    `person_part`, ``relations`` its
    `relations_before` and ``history`` its `history_before`, if the caller has
    them. Without ``with_checks`` the case's earlier checks are left empty
    (`pair_checks`).
    """
    before = decision_seq if decision_seq is not None else 2**62
    if part is None:
        part = vacancy_part(session, decision["vacancy"], before=before)
    vacancy, position = part.vacancy, part.position
    if person is None:
        person = person_part(session, decision["nip"])
    decided_on = date.fromisoformat(decision["decided_on"])
    decision_nip = person.person.nip
    if relations is None:
        relations = relations_before(session, before=before)
    if history is None:
        history = history_before(session, decided_on, before=before)
    return PlacementCase(
        decision=PlacementFact(
            seq=decision_seq,
            vacancy_id=vacancy.id,
            nip=decision_nip,
            position_code=position.code,
            unit=position.unit,
            from_position=decision.get("from_position"),
            decided_on=decided_on,
            decided_by=decision.get("decided_by"),
            kind=decision["kind"],
            approval_reference=decision.get("approval_reference"),
        ),
        position=position,
        vacancy=vacancy,
        ranking=part.ranking,
        assessments=person.assessments,
        person=person.person,
        relations=relations,
        history=history,
        checks=(
            pair_checks(session, vacancy.id, person.person.nip, before=before)
            if with_checks
            else ()
        ),
    )


def relations_before(session: Session, *, before: int) -> tuple[RelationFact, ...]:
    """Return every relation declared before seq ``before``."""
    rows = session.execute(
        select(Relation.seq, Relation.a, Relation.b, Relation.kind)
        .where(Relation.seq < before)
        .order_by(Relation.seq)
    )
    return tuple(RelationFact(seq=seq, a=a, b=b, kind=kind) for seq, a, b, kind in rows)


def history_before(session: Session, decided_on: date, *, before: int) -> tuple[PlacementFact, ...]:
    """Return the placements recorded before seq ``before`` in the rules' look-back window."""
    rows = session.execute(
        select(*_PLACEMENT_FACT_COLUMNS).where(
            Placement.seq < before,
            Placement.decided_on >= decided_on - timedelta(days=HISTORY_DAYS),
            Placement.decided_on <= decided_on,
        )
    )
    return tuple(_history_fact(tuple(row)) for row in rows)


def pair_checks(
    session: Session, vacancy_id: str, nip: str, *, before: int
) -> tuple[CheckFact, ...]:
    """Return the recorded checks of one vacancy and appointee before seq ``before``."""
    rows = session.execute(_PAIR_CHECKS, {"vacancy": vacancy_id, "nip": nip, "before": before})
    return tuple(
        CheckFact(seq=seq, vacancy_id=vacancy_id, nip=nip, verdict=verdict) for seq, verdict in rows
    )
