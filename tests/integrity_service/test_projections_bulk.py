"""A run of assessment results projected in bulk gives exactly the rows of one-by-one projection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from integrity_service import db
from integrity_service.models import Assessment, Person
from integrity_service.projections import apply_entries, apply_entry
from tests.conftest import make_app

TIME = "2025-08-11T08:00:00.000Z"


def result(nip: str, event: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "nip": nip,
        "name": f"Pegawai {nip[-3:]}",
        "rank": "III/a",
        "unit": "Dinas A",
        "current_position": "Analis",
        "event": event,
        "method": "CACT",
        "assessed_on": "2025-08-11",
        "session": 1,
        "competencies": {"M01": 3, "M02": 4, "SC01": 2},
        "potential_category": "Potensial",
        "performance_rating": None,
    }
    return body | changes


def nip(serial: int) -> str:
    return f"198702152010011{serial:03d}"


# People 1-3 exist before the run; person 2 was placed, so the run keeps their post.
EARLIER = [result(nip(n), "CACT 2024") for n in (1, 2, 3)]
RUN = [
    result(nip(1), "CACT 2025", name="Renamed", rank="III/b", unit="Dinas B"),
    result(nip(4), "CACT 2025", performance_rating="Baik", session=None),
    result(nip(2), "CACT 2025", unit="Dinas C", current_position="Kepala"),
    result(nip(4), "Assessment Centre 2025", name="Later Name", unit="Dinas D"),
    result(nip(5), "CACT 2025"),
    result(nip(1), "Assessment Centre 2025", rank="III/c"),
]


def projected(app: Flask, *, bulk: bool) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    entries = [(seq, "assessment.recorded", TIME, body) for seq, body in enumerate(EARLIER)]
    run = [(seq, "assessment.recorded", TIME, body) for seq, body in enumerate(RUN, start=10)]
    with app.app_context(), db.write_session(db.sessions()) as session:
        apply_entries(session, entries)
        session.flush()
        person = session.get(Person, nip(2))
        assert person is not None
        person.position_code, person.current_position = "P-07", "Kepala Bidang"
        session.flush()
        if bulk:
            apply_entries(session, run)
        else:
            for entry in run:
                apply_entry(session, *entry)
        session.flush()
        people = [
            (p.nip, p.name, p.rank, p.unit, p.current_position, p.position_code, p.seq)
            for p in session.scalars(select(Person).order_by(Person.nip))
        ]
        columns = [column.key for column in Assessment.__table__.columns]
        assessments = [
            tuple(getattr(row, name) for name in columns)
            for row in session.scalars(select(Assessment).order_by(Assessment.seq))
        ]
    return people, assessments


def test_bulk_projection_equals_one_by_one(tmp_path: Path) -> None:
    apps = [make_app(f"sqlite:///{tmp_path / name}.db", tmp_path) for name in ("bulk", "single")]
    try:
        bulk, single = projected(apps[0], bulk=True), projected(apps[1], bulk=False)
        assert bulk == single
        people = {row[0]: row for row in bulk[0]}
        assert people[nip(1)][1:4] == ("Pegawai 001", "III/c", "Dinas A")  # the last result
        assert people[nip(2)][3:6] == ("Dinas A", "Kepala Bidang", "P-07")
        assert people[nip(4)][1] == "Later Name"
        assert len(bulk[1]) == len(EARLIER) + len(RUN)
    finally:
        for app in apps:
            app.extensions["integrity_engine"].dispose()
