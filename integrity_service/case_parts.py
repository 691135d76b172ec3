"""The parts a placement case is gathered from: the vacancy's and the appointee's facts.

Each part is read from the projections as of a seq, so the live paths and the
audit replay build cases from the same facts; `check_facts` keeps parts per
ledger prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, cast, select, text
from sqlalchemy.orm import Session

from integrity_service.models import Assessment, Position, Ranking, Vacancy
from integrity_service.records import RecordError, not_found
from rules.facts import (
    AssessmentFact,
    PersonFact,
    PositionFact,
    RankedCandidate,
    RankingFact,
    VacancyFact,
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


@dataclass(frozen=True)
class VacancyPart:
    """A vacancy's facts as of a seq: the vacancy, its position and its latest ranking."""

    vacancy: VacancyFact
    position: PositionFact
    position_title: str
    ranking: RankingFact | None


@dataclass(frozen=True)
class PersonPart:
    """An appointee's facts: golongan, where they serve now, and every assessment."""

    person: PersonFact
    from_position: str | None
    assessments: tuple[AssessmentFact, ...]


_CANDIDATES = text("SELECT nip FROM candidates WHERE vacancy_id = :vacancy ORDER BY position")


def vacancy_part(session: Session, vacancy_id: str, *, before: int) -> VacancyPart:
    """Return the vacancy's facts as of seq ``before``; 404 for an unknown vacancy."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise not_found("vacancy", vacancy_id)
    position = session.get(Position, vacancy.position_code)
    assert position is not None  # vacancies are only opened for defined positions
    candidates = session.execute(_CANDIDATES, {"vacancy": vacancy.id}).scalars()
    return VacancyPart(
        vacancy=VacancyFact(
            id=vacancy.id,
            position_code=position.code,
            candidates=tuple(candidates),
            opened_on=vacancy.opened_on,
            seq=vacancy.seq,
        ),
        position=PositionFact(
            code=position.code,
            unit=position.unit,
            type=position.type,
            min_rank=position.min_rank,
            standard=position.standard,
            seq=position.seq,
        ),
        position_title=position.title,
        ranking=_latest_ranking(session, vacancy.id, before=before),
    )


_PERSON = text(
    "SELECT nip, rank, seq, position_code, current_position FROM people WHERE nip = :nip"
)


# The fields of an AssessmentFact, by name: rows, not ORM objects.
_ASSESSMENT_FACT_COLUMNS = (
    Assessment.seq,
    Assessment.nip,
    Assessment.assessed_on,
    Assessment.levels,
    Assessment.potential_category,
    Assessment.performance_rating,
    Assessment.supersedes,
)
# Built once: a statement made per call costs more than the query does.
_ASSESSMENTS_OF = select(*_ASSESSMENT_FACT_COLUMNS).where(Assessment.nip == bindparam("nip"))


def person_part(session: Session, nip: str) -> PersonPart:
    """Return the appointee's facts; a 422 error if the NIP has no recorded assessment."""
    row = session.execute(_PERSON, {"nip": nip}).first()
    if row is None:
        raise RecordError(
            422,
            "Unknown appointee",
            f"NIP {nip} has no recorded assessment, so its golongan and scores "
            "are unknown; record the person's assessment result first",
            errors=[{"index": None, "field": "nip", "message": "no recorded assessment"}],
        )
    assessments = session.execute(_ASSESSMENTS_OF, {"nip": nip})
    return PersonPart(
        person=PersonFact(nip=row.nip, rank=row.rank, seq=row.seq),
        from_position=row.position_code or row.current_position,
        assessments=tuple(AssessmentFact(**row._asdict()) for row in assessments),
    )


def placement_body(
    session: Session,
    decision: dict[str, Any],
    *,
    part: VacancyPart | None = None,
    person: PersonPart | None = None,
) -> dict[str, Any]:
    """Complete a validated decision with the facts the ledger records alongside it.

    A 404 error for an unknown vacancy. The appointee need not be known here
    (`build_case` refuses an unknown one), so ``from_position`` is then None.
    """
    if part is None:
        part = vacancy_part(session, decision["vacancy"], before=2**62)
    if person is None:
        try:
            person = person_part(session, decision["nip"])
        except RecordError:
            person = None
    return {
        **decision,
        "position": part.position.code,
        "position_title": part.position_title,
        "unit": part.position.unit,
        "from_position": None if person is None else person.from_position,
    }
