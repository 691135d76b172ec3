"""Projecting runs of assessment results in bulk, the hot path of an import and a replay.

`assessments_recorded` gives the same rows as projecting the entries one by
one through `integrity_service.projections.apply_entry`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from integrity_service.models import Assessment, Person

Body = Mapping[str, Any]
ProjectedEntry = tuple[int, str, str, Body]
"""(seq, type, time, body) of one entry to project."""


def person_from_result(session: Session, seq: int, result: Body) -> None:
    """Create or update the person an assessment result names."""
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


def assessment_values(
    seq: int, result: Body, *, supersedes: int | None, reason: str | None
) -> dict[str, Any]:
    """Return the assessments row of a result, by column name."""
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


_ASSESSMENT_INSERT = (
    "INSERT INTO assessments (seq, nip, event, method, assessed_on, session, levels, "
    "potential_category, performance_rating, supersedes, superseded_by, correction_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_PERSON_INSERT = (
    "INSERT INTO people (nip, name, rank, unit, current_position, position_code, seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
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


def assessments_recorded(session: Session, run: Sequence[ProjectedEntry]) -> None:
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
            [assessment_values(seq, body, supersedes=None, reason=None) for seq, _, _, body in run],
        )
    # Each person's last result in the run, in the order people first appear.
    last = {b["nip"]: index for index, (_, _, _, b) in enumerate(run)}
    latest = [run[index] for index in last.values()]
    existing: set[str] = set()
    # Loaded people stay in the session's identity map, so `person_from_result` finds them
    # there instead of querying (and flushing) once per person.
    loaded: list[Person] = []
    # An empty people table (a first import, a replay) needs no look-up at all.
    if session.scalar(select(Person.nip).limit(1)) is not None:
        nips = list(last)
        for start in range(0, len(nips), 5000):
            chunk = nips[start : start + 5000]
            loaded.extend(session.scalars(select(Person).where(Person.nip.in_(chunk))))
        existing.update(person.nip for person in loaded)
    if session.get_bind().dialect.name == "sqlite":
        people = [
            (b["nip"], b["name"], b["rank"], b["unit"], b["current_position"], None, seq)
            for seq, _, _, b in latest
            if b["nip"] not in existing
        ]
        if people:
            session.connection().exec_driver_sql(_PERSON_INSERT, people)
    else:
        new_people = [
            {
                "nip": b["nip"],
                "name": b["name"],
                "rank": b["rank"],
                "unit": b["unit"],
                "current_position": b["current_position"],
                "position_code": None,
                "seq": seq,
            }
            for seq, _, _, b in latest
            if b["nip"] not in existing
        ]
        if new_people:
            _insert_many(session, Person, new_people)
    if existing:
        for seq, _, _, body in latest:
            if body["nip"] in existing:
                person_from_result(session, seq, body)
