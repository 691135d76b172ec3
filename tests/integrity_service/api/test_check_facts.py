"""The check path's kept facts: always the facts a fresh gathering finds, never stale ones."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask

from integrity_service import check_facts, db
from integrity_service.case_parts import placement_body
from integrity_service.cli import initialise
from integrity_service.gather import build_case
from integrity_service.rule_state import latest_record
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assessment_json,
    levels,
    nip,
    placement_json,
    position_json,
)

DECIDER = "196501011990031001"
CANDIDATES = [nip(serial) for serial in range(1, 6)]


def _seed(api: Api) -> str:
    assert api.post("/positions", position_json()).status_code == 201
    results = [assessment_json(person, potential_category="Potensial") for person in CANDIDATES]
    assert api.post("/assessments", {"results": results}).status_code == 201
    body = {"position": "DINKES-ADM-01", "candidates": CANDIDATES, "opened_on": "2025-08-20"}
    vacancy: str = api.post("/vacancies", body).get_json()["id"]
    assert api.post(f"/vacancies/{vacancy}/ranking").status_code == 201
    return vacancy


def _decision(vacancy: str, person: str) -> dict[str, Any]:
    return {
        "vacancy": vacancy,
        "nip": person,
        "decided_by": DECIDER,
        "decided_on": "2025-09-01",
        "kind": "promotion",
    }


def _kept_and_fresh(app: Flask, decision: dict[str, Any]) -> tuple[Any, Any]:
    """Return (kept facts, the slow reference: everything gathered anew, no cache)."""
    with app.app_context(), db.sessions()() as session:
        position = check_facts.log_position(session)
        facts = check_facts.check_facts(session, decision, position)
        kept = (facts.body, facts.case, facts.ruleset_hash)
        body = placement_body(session, decision)
        case = replace(build_case(session, body, decision_seq=None), checks=())
        latest = latest_record(session)
        fresh = (body, case, None if latest is None else latest.hash)
    return kept, fresh


def test_kept_facts_equal_a_fresh_gathering_after_every_kind_of_write(api: Api, app: Flask) -> None:
    vacancy = _seed(api)
    decision = _decision(vacancy, CANDIDATES[1])
    check = {key: decision[key] for key in ("vacancy", "nip", "decided_by", "decided_on")}
    writes = [
        ("check", lambda: api.post("/placements/check", check)),
        ("check again", lambda: api.post("/placements/check", check)),
        (
            "relation",
            lambda: api.post(
                "/relations",
                {"a": DECIDER, "b": CANDIDATES[1], "kind": "family", "source": "LHKPN"},
            ),
        ),
        ("ranking", lambda: api.post(f"/vacancies/{vacancy}/ranking")),
        (
            "correction",
            lambda: api.post(
                "/assessments/corrections",
                {
                    "supersedes": 2,
                    "reason": "Salah input",
                    "result": assessment_json(CANDIDATES[1], competencies=levels(4)),
                },
            ),
        ),
        (
            "placement",
            lambda: api.post(
                "/placements",
                placement_json(vacancy, CANDIDATES[0], justification="Panel memilih"),
            ),
        ),
    ]
    check_facts.clear()
    for name, write in writes:
        kept, fresh = _kept_and_fresh(app, decision)  # fills the cache before the write
        assert kept == fresh, name
        response = write()
        assert response.status_code in (200, 201), (name, response.get_json())
        kept, fresh = _kept_and_fresh(app, decision)
        assert kept == fresh, f"stale facts after the {name}"


def test_a_relation_declared_after_a_check_changes_the_next_answer(api: Api) -> None:
    vacancy = _seed(api)
    check = {"vacancy": vacancy, "nip": CANDIDATES[0], "decided_by": DECIDER}
    check["decided_on"] = "2025-09-01"
    first = api.post("/placements/check", check).get_json()
    assert first["verdict"] == "compliant"
    relation = {"a": DECIDER, "b": CANDIDATES[0], "kind": "household", "source": "LHKPN"}
    assert api.post("/relations", relation).status_code == 201
    second = api.post("/placements/check", check).get_json()
    assert second["verdict"] == "violation"
    assert [f["rule"] for f in second["findings"]] == ["MERIT-009"]


def test_unknown_vacancy_and_appointee_are_refused_the_same_with_kept_facts(api: Api) -> None:
    vacancy = _seed(api)
    for _ in range(2):  # the second time, the vacancy's facts are kept
        when = {"decided_by": DECIDER, "decided_on": "2025-09-01"}
        unknown = {"vacancy": "VAC-09999", "nip": CANDIDATES[0], **when}
        assert api.post("/placements/check", unknown).status_code == 404
        stranger = {"vacancy": vacancy, "nip": nip(77), **when}
        response = api.post("/placements/check", stranger)
        assert response.status_code == 422
        assert "no recorded assessment" in response.get_data(as_text=True)


def test_the_facts_version_is_one_index_probe_on_sqlite(app: Flask) -> None:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {check_facts._POSITION_SQL}").fetchall()
    assert "USING INDEX ix_ledger_entries_facts" in plan[0][3]


def test_initialise_adds_the_indexes_a_database_from_an_older_version_lacks(
    app: Flask, tmp_path: Path
) -> None:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX ix_ledger_entries_facts")
        conn.execute("DROP INDEX ix_placement_checks_pair")
    with app.app_context():
        initialise()
    with sqlite3.connect(path) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"ix_ledger_entries_facts", "ix_placement_checks_pair"} <= names


def test_a_violating_check_counts_against_its_own_pair_only(api: Api) -> None:
    vacancy = _seed(api)
    fifth = {"vacancy": vacancy, "nip": CANDIDATES[4], "decided_by": DECIDER}
    fifth["decided_on"] = "2025-09-01"
    assert api.post("/placements/check", fifth).get_json()["verdict"] == "violation"
    first = api.post("/placements", placement_json(vacancy, CANDIDATES[0]))
    assert first.status_code == 201 and first.get_json()["verdict"] == "compliant"
    justified = placement_json(vacancy, CANDIDATES[4], justification="Keputusan panel")
    answer = api.post("/placements", justified).get_json()
    assert sorted(f["rule"] for f in answer["findings"]) == ["MERIT-002", "MERIT-013"]
