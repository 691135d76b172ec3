"""The write path: validated facts -> ledger entries -> projections, in one transaction.

Every function here runs inside :func:`integrity_service.db.write_session`
(which holds the ledger write lock) and returns the prepared entries, from
which callers build receipts. A :class:`RecordError` means nothing was
written: the caller's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integrity_service.domain.assessments import AssessmentResult
from integrity_service.domain.gcpause import collector_paused
from integrity_service.domain.positions import PositionSpec
from integrity_service.facts import assessment_fact
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Assessment, Candidate, Position, Ranking, Vacancy
from integrity_service.projections import apply_entries
from ledger.append import Draft, PreparedEntry
from rules.ranking import latest_valid_assessments, rank_candidates


class RecordError(Exception):
    """A write refused for a reason the client can fix; ``status`` is the HTTP status."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra


def not_found(what: str, key: object) -> RecordError:
    """Return the error for an unknown id."""
    return RecordError(404, "Not found", f"{what} {key!r} is not recorded", **{what: key})


@dataclass(frozen=True)
class Recorded:
    """The entries one write appended, and what it created (an id, a ranking, ...)."""

    entries: list[PreparedEntry]
    result: dict[str, Any]


def append(session: Session, drafts: Sequence[Draft]) -> list[PreparedEntry]:
    """Append drafts to the ledger and project each, in the caller's transaction."""
    prepared = SqlLedger(session).append(drafts)
    apply_entries(
        session,
        [(e.seq, e.type, e.time, d.body) for e, d in zip(prepared, drafts, strict=True)],
    )
    session.flush()
    return prepared


def record_assessments(
    session: Session, results: Sequence[AssessmentResult], *, actor: str
) -> list[PreparedEntry]:
    """Record assessment results, one entry each; refuse results already recorded."""
    already = _already_recorded(session, results)
    if already:
        listed = "; ".join(
            f"NIP {nip} in {event!r} (entry {seq})" for nip, event, seq in already[:10]
        )
        more = f" and {len(already) - 10} more" if len(already) > 10 else ""
        raise RecordError(
            409,
            "Already recorded",
            f"{len(already)} result(s) are already recorded: {listed}{more}; "
            "to change a recorded score, record a correction",
        )
    with collector_paused():  # a whole file's entries and rows: see domain.gcpause
        return _append_results(session, results, actor)


def _append_results(
    session: Session, results: Sequence[AssessmentResult], actor: str
) -> list[PreparedEntry]:
    # A function of its own, so that the drafts are freed before the collector resumes.
    return append(session, [Draft("assessment.recorded", actor, r.to_json_obj()) for r in results])


def _already_recorded(
    session: Session, results: Sequence[AssessmentResult]
) -> list[tuple[str, str, int]]:
    """Return (nip, event, seq) of results whose NIP already has a result in that event."""
    found: list[tuple[str, str, int]] = []
    # A first import finds an empty table: no need to look up every NIP in it.
    if session.scalar(select(Assessment.seq).limit(1)) is None:
        return found
    wanted = {(r.nip.value, r.event) for r in results}
    nips = sorted({nip for nip, _ in wanted})
    for start in range(0, len(nips), 500):
        rows = session.execute(
            select(Assessment.nip, Assessment.event, Assessment.seq).where(
                Assessment.nip.in_(nips[start : start + 500]), Assessment.supersedes.is_(None)
            )
        )
        found.extend((nip, event, seq) for nip, event, seq in rows if (nip, event) in wanted)
    return sorted(found, key=lambda row: row[2])


def correct_assessment(
    session: Session, *, supersedes: int, reason: str, result: AssessmentResult, actor: str
) -> list[PreparedEntry]:
    """Record a correction; the original stays and is marked superseded."""
    original = session.get(Assessment, supersedes)
    if original is None:
        raise not_found("assessment", supersedes)
    if original.superseded_by is not None:
        raise RecordError(
            409,
            "Already corrected",
            f"assessment {supersedes} was already corrected by entry {original.superseded_by}; "
            f"correct that one instead",
            superseded_by=original.superseded_by,
        )
    if original.nip != result.nip.value:
        raise RecordError(
            422,
            "Invalid correction",
            f"assessment {supersedes} is of NIP {original.nip}, the correction is of "
            f"{result.nip.value}",
        )
    if not reason.strip():
        raise RecordError(422, "Invalid correction", "a correction needs a reason")
    body = {"supersedes": supersedes, "reason": reason.strip(), "result": result.to_json_obj()}
    return append(session, [Draft("assessment.corrected", actor, body)])


def record_position(session: Session, spec: PositionSpec, *, actor: str) -> list[PreparedEntry]:
    """Define a position with its competency standard."""
    if session.get(Position, spec.code) is not None:
        raise RecordError(409, "Conflict", f"position {spec.code!r} is already defined")
    return append(session, [Draft("position.defined", actor, spec.to_json_obj())])


def _next_id(session: Session, model: Any, prefix: str) -> str:
    count = session.scalar(select(func.count()).select_from(model)) or 0
    return f"{prefix}-{count + 1:05d}"


def open_vacancy(
    session: Session, *, position: str, candidates: Sequence[str], opened_on: date, actor: str
) -> Recorded:
    """Open a vacancy for a defined position with its candidates."""
    if session.get(Position, position) is None:
        raise not_found("position", position)
    if len(set(candidates)) != len(candidates):
        raise RecordError(422, "Invalid vacancy", "a candidate NIP is listed twice")
    vacancy_id = _next_id(session, Vacancy, "VAC")
    body = {
        "id": vacancy_id,
        "position": position,
        "candidates": list(candidates),
        "opened_on": opened_on.isoformat(),
    }
    entries = append(session, [Draft("vacancy.opened", actor, body)])
    return Recorded(entries, {"id": vacancy_id, **body})


def compute_ranking(session: Session, vacancy_id: str) -> list[dict[str, Any]]:
    """Rank a vacancy's candidates from their latest valid assessments (JSON form)."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise not_found("vacancy", vacancy_id)
    position = session.get(Position, vacancy.position_code)
    assert position is not None  # a vacancy is only opened for a defined position
    nips = list(
        session.scalars(
            select(Candidate.nip)
            .where(Candidate.vacancy_id == vacancy_id)
            .order_by(Candidate.position)
        )
    )
    rows = session.scalars(select(Assessment).where(Assessment.nip.in_(nips))) if nips else []
    latest = latest_valid_assessments(assessment_fact(row) for row in rows)
    ranking = rank_candidates(((nip, latest.get(nip)) for nip in nips), position.standard)
    return [line.to_json_obj() for line in ranking]


def publish_ranking(session: Session, vacancy_id: str, *, actor: str) -> Recorded:
    """Compute and publish the vacancy's ranking to the ledger."""
    ranking = compute_ranking(session, vacancy_id)
    entries = append(
        session, [Draft("ranking.published", actor, {"vacancy": vacancy_id, "ranking": ranking})]
    )
    return Recorded(entries, {"vacancy": vacancy_id, "ranking": ranking})


def latest_ranking(session: Session, vacancy_id: str) -> Ranking | None:
    """Return the latest published ranking of a vacancy."""
    return session.scalars(
        select(Ranking)
        .where(Ranking.vacancy_id == vacancy_id)
        .order_by(Ranking.seq.desc())
        .limit(1)
    ).first()


def record_placement(
    session: Session, decision: dict[str, Any], *, actor: str, evaluation: dict[str, Any] | None
) -> Recorded:
    """Record a placement decision, with the rules' verdict and findings when given."""
    from integrity_service.case_parts import placement_body  # it imports this module
    from integrity_service.models import Placement

    body = placement_body(session, decision)
    body["id"] = _next_id(session, Placement, "PL")
    if evaluation is not None:
        body.update(evaluation)
    entries = append(session, [Draft("placement.decided", actor, body)])
    return Recorded(entries, body)


RELATION_KINDS = ("family", "household", "business", "other")


def declare_relation(
    session: Session, *, a: str, b: str, kind: str, source: str, actor: str
) -> list[PreparedEntry]:
    """Record a declared relation between two people (NIPs or decision-maker ids)."""
    if a == b:
        raise RecordError(
            422, "Invalid relation", f"a relation joins two people; both are {a!r}", field="b"
        )
    if kind not in RELATION_KINDS:
        raise RecordError(
            422,
            "Invalid relation",
            f"kind {kind!r} is not one of {', '.join(RELATION_KINDS)}",
            field="kind",
        )
    body = {"a": a, "b": b, "kind": kind, "source": source}
    return append(session, [Draft("relation.declared", actor, body)])
