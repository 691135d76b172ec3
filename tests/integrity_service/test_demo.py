"""The demo scenario: its numbers, its determinism, its manifest, and the ``demo`` command."""

from __future__ import annotations

import collections
import hashlib
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from sqlalchemy import func, select

from integrity_service import db, keys
from integrity_service.demo import ScenarioDriftError, run_scenario
from integrity_service.demo_records import SCENARIO_TODAY
from integrity_service.demo_scenario import build_scenario
from integrity_service.demo_steps import (
    DecidePlacement,
    DefinePosition,
    OpenVacancy,
    Phase,
    PublishRanking,
    RecordAssessments,
    Scenario,
)
from integrity_service.domain.assessments import AssessmentResult
from integrity_service.domain.decisions import parse_placement_mapping, parse_vacancy_mapping
from integrity_service.domain.nip import parse_nip
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Assessment, Placement, Position, Ranking, Vacancy
from tests.conftest import make_app
from tests.integrity_service.demo_replay import replay

SEED = 7
RULES = [f"MERIT-{n:03d}" for n in range(1, 14)]
CACT = "CACT Kabupaten 2025"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return build_scenario(SEED)


def _digest(seed: int) -> str:
    """Return a hash of the scenario's steps and manifest."""
    built = build_scenario(seed)
    manifest = sorted((placement, sorted(rules)) for placement, rules in built.expected.items())
    return hashlib.sha256(repr((list(built.steps()), manifest)).encode()).hexdigest()


def _cact_results(scenario: Scenario) -> list[AssessmentResult]:
    return [
        result
        for step in scenario.steps()
        if isinstance(step, RecordAssessments)
        for result in step.results
        if result.event == CACT
    ]


def test_people_are_2000_cact_participants_in_five_daily_sessions(scenario: Scenario) -> None:
    results = _cact_results(scenario)
    assert len({r.nip.value for r in results}) == len(results) == 2000
    by_day = collections.Counter((r.assessed_on, r.session) for r in results)
    assert by_day == {(date(2025, 8, 10 + n), n): 400 for n in range(1, 6)}
    for result in results:
        nip = parse_nip(result.nip.value, today=date(2025, 8, 11))
        age = (result.assessed_on - nip.birth_date).days // 365
        assert 22 <= age <= 57 and nip.appointed[0] - nip.birth_date.year >= 18
    categories = collections.Counter(r.potential_category for r in results)
    assert set(categories) == {
        "Sangat Potensial",
        "Potensial",
        "Cukup Potensial",
        "Kurang Potensial",
    }
    ratings = collections.Counter(r.performance_rating for r in results)
    assert ratings["Baik"] + ratings["Sangat Baik"] > 0.8 * len(results)
    assert 0 < ratings[None] < 0.1 * len(results)
    spread = collections.Counter(level for r in results for level in r.levels.values())
    assert spread[3] > spread[2] > spread[4] > spread[1] and spread[5] > 0


def test_counts_and_manifest(scenario: Scenario) -> None:
    counts = scenario.counts()
    assert counts["people"] == 2001  # and one official whose only assessment is from 2023
    assert 38 <= counts["units"] <= 42 and counts["positions"] == 120
    assert counts["placements"] == 120 and counts["vacancies"] >= 120 and counts["corrections"] > 1
    assert list(scenario.planted) == RULES
    assert set(scenario.expected) == {f"PL-{n:05d}" for n in range(1, 121)}
    assert 90 <= len(scenario.follows_ranking) <= 105
    decisions = [s for s in scenario.steps() if isinstance(s, DecidePlacement)]
    assert date(2025, 9, 1) <= min(s.decision.decided_on for s in decisions)
    assert max(s.decision.decided_on for s in decisions) <= date(2026, 6, 30)
    for step in decisions:
        deviates = bool(scenario.expected[step.placement])
        assert bool(step.decision.justification) or not deviates, step
    sizes = [len(s.candidates) for s in scenario.steps() if isinstance(s, OpenVacancy)]
    assert min(sizes) >= 3 and max(sizes) <= 15


def test_vacancies_and_decisions_pass_the_api_validation(scenario: Scenario) -> None:
    for step in scenario.steps():
        if isinstance(step, OpenVacancy):
            body = {
                "position": step.position,
                "candidates": list(step.candidates),
                "opened_on": step.opened_on.isoformat(),
            }
            assert parse_vacancy_mapping(body, today=SCENARIO_TODAY).candidates == step.candidates
        elif isinstance(step, DecidePlacement):
            decision = step.decision.to_json_obj()
            assert parse_placement_mapping(decision, today=SCENARIO_TODAY).to_json_obj() == decision


@pytest.mark.parametrize("seed", [SEED, 2025, 11])
def test_each_planted_rule_fires_exactly_where_the_manifest_says(seed: int) -> None:
    built = build_scenario(seed)
    replayed = replay(built)
    assert {p: set(rules) for p, rules in built.expected.items()} == replayed.fired
    assert {replayed.verdicts[p] for p in built.follows_ranking} == {"compliant"}


def test_same_seed_same_scenario_in_any_process() -> None:
    here = _digest(SEED)
    code = f"from tests.integrity_service.test_demo import _digest; print(_digest({SEED}))"
    for hash_seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == here
    assert _digest(SEED + 1) != here


def _bodies(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    with app.app_context(), db.sessions()() as session:
        entries = [orjson.loads(e.entry_bytes or b"{}") for e in SqlLedger(session).iter_entries()]
    return [(e["type"], e["actor"], e["body"]) for e in entries]


def test_demo_fills_verifies_and_refuses_to_run_twice(app: Flask, scenario: Scenario) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--seed", str(SEED)])
    assert result.exit_code == 0, result.output
    assert all(f"{rule}: " in result.output for rule in RULES)
    with app.app_context(), db.sessions()() as session:
        cact = select(Assessment.assessed_on, Assessment.session, func.count()).where(
            Assessment.event == CACT, Assessment.supersedes.is_(None)
        )
        days = session.execute(cact.group_by(Assessment.assessed_on, Assessment.session)).all()
        assert days == [(date(2025, 8, 10 + n), n, 400) for n in range(1, 6)]
        assert session.scalar(select(func.count()).select_from(Position)) == 120
        assert session.scalar(select(func.count(func.distinct(Position.unit)))) == 40
        placed = set(session.scalars(select(Placement.id)))
        assert placed == set(scenario.expected)
        assert (
            session.scalar(select(func.count()).select_from(Vacancy))
            == (scenario.counts()["vacancies"])
        )
        assert (
            session.scalar(select(func.count()).select_from(Ranking))
            == (scenario.counts()["rankings"])
        )
        size = SqlLedger(session).size()
        assert len(SqlLedger(session).checkpoints()) == len(scenario.phases)
    verified = runner.invoke(args=["verify"])
    assert verified.exit_code == 0 and f"{size} of {size} entries" in verified.output
    again = runner.invoke(args=["demo", "--seed", str(SEED)])
    assert f"database already holds {size} entries" in again.output
    with app.app_context():
        assert SqlLedger(db.session()).size() == size


def test_same_seed_same_ledger_and_the_service_finds_what_was_planted(
    tmp_path: Path, scenario: Scenario
) -> None:
    apps = [make_app(f"sqlite:///{tmp_path / f'{n}.db'}", tmp_path / str(n)) for n in (1, 2)]
    for app in apps:
        assert app.test_cli_runner().invoke(args=["demo", "--seed", str(SEED)]).exit_code == 0
    first, second = (_bodies(app) for app in apps)
    for app in apps:
        app.extensions["integrity_engine"].dispose()
    assert len(first) > 2400 and first == second
    decided = [body for kind, _, body in first if kind == "placement.decided"]
    assert all("findings" in body for body in decided), "decisions recorded without the rules"
    found = {body["id"]: {f["rule_id"] for f in body["findings"]} for body in decided}
    assert found == {placement: set(rules) for placement, rules in scenario.expected.items()}
    assert {body["id"]: body["verdict"] for body in decided} == replay(scenario).verdicts


def test_runner_stops_when_the_service_ranks_differently(app: Flask, scenario: Scenario) -> None:
    steps = list(scenario.steps())
    opened = next(s for s in steps if isinstance(s, OpenVacancy))
    ranking = next(
        s for s in steps if isinstance(s, PublishRanking) and s.vacancy == opened.vacancy
    )
    position = next(
        s for s in steps if isinstance(s, DefinePosition) and s.spec.code == opened.position
    )
    wrong = replace(ranking, expected_order=ranking.expected_order[::-1])
    drifted = replace(
        scenario, phases=(*scenario.phases[:5], Phase("drift", (position, opened, wrong)))
    )
    with app.app_context():
        with pytest.raises(ScenarioDriftError, match=f"ranking of {opened.vacancy}"):
            run_scenario(drifted, db.sessions(), keys.signer())
        assert SqlLedger(db.session()).size() == 2001  # the drifting phase was rolled back
