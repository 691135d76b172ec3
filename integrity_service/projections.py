"""Projecting ledger entries into the relational tables, live and on replay.

``apply_entry`` is the single place that turns an entry into projection
rows. The write path calls it in the same transaction as the append; the
``rebuild`` command calls it while replaying the ledger. So a projection edited
behind the service's back differs from its replay and is found.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import insert, select, update
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

Body = Mapping[str, Any]
Handler = Callable[[Session, int, str, Body], None]


def _person_from_result(session: Session, seq: int, result: Body) -> None:
    person = session.get(Person, result["nip"])
    if person is None:
        session.add(
            Person(
                nip=result["nip"],
                name=result["name"],
                rank=result["rank"],
                unit=result["unit"],
                current_position=result["current_position"],
                position_code=None,
                seq=seq,
            )
        )
        return
    person.name = result["name"]
    person.rank = result["rank"]
    if person.position_code is None:  # a placement, once recorded, says where they are
        person.unit = result["unit"]
        person.current_position = result["current_position"]
    person.seq = seq


def _assessment_values(
    seq: int, result: Body, *, supersedes: int | None, reason: str | None
) -> dict[str, Any]:
    return {
        "seq": seq,
        "nip": result["nip"],
        "event": result["event"],
        "method": result["method"],
        "assessed_on": date.fromisoformat(result["assessed_on"]),
        "session": result["session"],
        "levels": dict(result["competencies"]),
        "potential_category": result["potential_category"],
        "performance_rating": result["performance_rating"],
        "supersedes": supersedes,
        "superseded_by": None,
        "correction_reason": reason,
    }


def _assessment_row(
    seq: int, result: Body, *, supersedes: int | None, reason: str | None
) -> Assessment:
    return Assessment(**_assessment_values(seq, result, supersedes=supersedes, reason=reason))


def _assessment_recorded(session: Session, seq: int, _time: str, body: Body) -> None:
    session.add(_assessment_row(seq, body, supersedes=None, reason=None))
    _person_from_result(session, seq, body)


def _assessment_corrected(session: Session, seq: int, _time: str, body: Body) -> None:
    original = body["supersedes"]
    session.add(_assessment_row(seq, body["result"], supersedes=original, reason=body["reason"]))
    session.flush()
    session.execute(update(Assessment).where(Assessment.seq == original).values(superseded_by=seq))
    _person_from_result(session, seq, body["result"])


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


ProjectedEntry = tuple[int, str, str, Body]
"""(seq, type, time, body) of one entry to project."""


_ASSESSMENT_INSERT = (
    "INSERT INTO assessments (seq, nip, event, method, assessed_on, session, levels, "
    "potential_category, performance_rating, supersedes, superseded_by, correction_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_many(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows with one executemany.

    On SQLite the rows go to the driver directly (dates as ISO text and JSON as
    text, exactly as SQLAlchemy stores them there), skipping the per-row
    parameter processing that made imports spend more time here than in SQLite.
    """
    table = model.__table__
    if session.get_bind().dialect.name != "sqlite":
        session.execute(insert(table), list(rows))
        return
    columns = [column.name for column in table.columns]
    encoded = [tuple(_sqlite_value(row[name]) for name in columns) for row in rows]
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    session.connection().exec_driver_sql(sql, encoded)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def _assessments_recorded(session: Session, run: Sequence[ProjectedEntry]) -> None:
    """Project a run of assessment.recorded entries with bulk statements.

    Same result as applying them one by one (the last result of a person sets
    their identity), at a fraction of the per-row cost of the unit of work.
    """
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        # The hot path of an import: tuples straight to the driver, in column order.
        dumps = orjson.dumps
        rows = [
            (
                seq,
                b["nip"],
                b["event"],
                b["method"],
                b["assessed_on"],
                b["session"],
                dumps(b["competencies"]).decode(),
                b["potential_category"],
                b["performance_rating"],
                None,
                None,
                None,
            )
            for seq, _, _, b in run
        ]
        session.connection().exec_driver_sql(_ASSESSMENT_INSERT, rows)
    else:
        _insert_many(
            session,
            Assessment,
            [
                _assessment_values(seq, body, supersedes=None, reason=None)
                for seq, _, _, body in run
            ],
        )
    latest: dict[str, tuple[int, Body]] = {}
    for seq, _, _, body in run:
        latest[body["nip"]] = (seq, body)
    nips = list(latest)
    existing: set[str] = set()
    # An empty people table (a first import, a replay) needs no look-up at all.
    if session.scalar(select(Person.nip).limit(1)) is not None:
        for start in range(0, len(nips), 5000):
            chunk = nips[start : start + 5000]
            existing.update(session.scalars(select(Person.nip).where(Person.nip.in_(chunk))))
    new_people = [
        {
            "nip": nip,
            "name": body["name"],
            "rank": body["rank"],
            "unit": body["unit"],
            "current_position": body["current_position"],
            "position_code": None,
            "seq": seq,
        }
        for nip, (seq, body) in latest.items()
        if nip not in existing
    ]
    if new_people:
        _insert_many(session, Person, new_people)
    for nip in existing:
        seq, body = latest[nip]
        _person_from_result(session, seq, body)


def apply_entries(session: Session, entries: Sequence[ProjectedEntry]) -> None:
    """Project entries in order, runs of assessment results in bulk."""
    index = 0
    while index < len(entries):
        end = index
        while end < len(entries) and entries[end][1] == "assessment.recorded":
            end += 1
        if end - index > 1:
            _assessments_recorded(session, entries[index:end])
            index = end
            continue
        seq, entry_type, time, body = entries[index]
        apply_entry(session, seq, entry_type, time, body)
        index += 1
