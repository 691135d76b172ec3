"""A small, bounded run of bench/api_load.py's load, and the check path it relies on.

Throughput is not asserted (the machine's load varies); what must hold under
concurrent clients is that every request succeeds and the ledger holds exactly
the writes that were acknowledged, verifies, rebuilds and audits clean (the
audit replays every placement check, including those answered from facts read
before the write lock). The last tests pin down when such an early answer
may be used.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from bench import api_load, lean_http
from bench.live_service import LiveService
from integrity_service import db
from integrity_service.checks import check_placement, early_check_holds, evaluate_check_early
from integrity_service.domain.decisions import parse_check_mapping
from integrity_service.rule_state import configured_ruleset
from tests.integrity_service.api.factories import (
    assessment_json,
    bearer,
    make_token,
    nip,
    position_json,
)
from tests.integrity_service.ops.conftest import cli
from tests.integrity_service.ops.writes import ledger_size


@pytest.mark.slow
def test_small_load_run(service: LiveService) -> None:
    service.start(workers=3)
    size_before = ledger_size(service.database_url)
    workload = api_load.read_workload(service.workdir / "integrity.db")
    tally = lean_http.run(
        api_load.drive(
            service.base_url,
            service.token,
            workload,
            api_load.DEFAULT_MIX,
            duration=5,
            clients=6,
            rate=0,
            seed=7,
        )
    )
    service.stop()
    assert not tally.errors, tally.error_samples
    answered = sum(len(latencies) for latencies in tally.latencies.values())
    assert answered > 0 and tally.acknowledged["placement.checked"] > 0
    ledger = api_load.ledger_check(
        service, size_before, tally, cli=lambda *args: cli(service, *args)
    )
    assert ledger["verify_ok"] and ledger["rebuild_ok"] and ledger["audit_ok"], ledger
    assert ledger["exact"], ledger
    assert ledger["receipts_mismatched"] == 0


def _scenario(app: Flask) -> tuple[str, dict[str, str]]:
    """Record assessed people, a vacancy and its ranking; return a token and a check body."""
    token = make_token(app)
    client = app.test_client()
    people = [nip(serial) for serial in range(1, 6)]

    def post(path: str, body: object = None, status: int = 201) -> None:
        answer = client.post(f"/api/v1{path}", json=body, headers=bearer(token))
        assert answer.status_code == status, answer.get_data(as_text=True)

    post("/assessments", {"results": [assessment_json(p) for p in people]})
    post("/positions", position_json("DINKES-ADM-01"))
    post(
        "/vacancies", {"position": "DINKES-ADM-01", "candidates": people, "opened_on": "2025-08-20"}
    )
    post("/vacancies/VAC-00001/ranking")
    check = {
        "vacancy": "VAC-00001",
        "nip": people[0],
        "decided_on": "2025-09-01",
        "decided_by": "PPK-BUPATI",
        "kind": "promotion",
    }
    post("/placements/check", check, status=200)  # activates the rule set
    return token, check


def _decision(check: dict[str, str], **changes: str) -> dict[str, Any]:
    return parse_check_mapping({**check, **changes}, today=date(2026, 1, 1))


def test_early_check_is_used_only_while_it_holds(app: Flask) -> None:
    token, check = _scenario(app)
    client = app.test_client()
    decision = _decision(check)
    with app.app_context():
        early = evaluate_check_early(db.session(), decision, configured_ruleset())
        assert early is not None

        def holds(now: dict[str, Any] = decision) -> bool:
            with db.write_session(db.sessions()) as session:
                return early_check_holds(session, early, now)

        assert holds()
        other = {**check, "nip": nip(2)}
        assert (
            client.post("/api/v1/placements/check", json=other, headers=bearer(token)).status_code
            == 200
        )
        assert holds()  # a check of another pair changes nothing this check rests on
        assert not holds(_decision(check, kind="rotation"))
        assert (
            client.post("/api/v1/placements/check", json=check, headers=bearer(token)).status_code
            == 200
        )
        # Nor does a check of the same pair: the rules read earlier checks only for a
        # recorded decision (MERIT-013), never for a proposed one.
        assert holds()


def test_stale_early_check_is_evaluated_anew(app: Flask) -> None:
    token, check = _scenario(app)
    decision = _decision(check)
    with app.app_context():
        early = evaluate_check_early(db.session(), decision, configured_ruleset())
        assert early is not None
        assert "MERIT-009" not in {f["rule_id"] for f in early.check["findings"]}
        relation = {
            "a": check["nip"],
            "b": "PPK-BUPATI",
            "kind": "family",
            "source": "declaration 2025",
        }
        answer = app.test_client().post("/api/v1/relations", json=relation, headers=bearer(token))
        assert answer.status_code == 201, answer.get_data(as_text=True)
        with db.write_session(db.sessions()) as session:
            recorded = check_placement(session, decision, actor="token:t", early=early)
        assert "MERIT-009" in {f["rule_id"] for f in recorded.result["findings"]}
    assert app.test_cli_runner().invoke(args=["audit"]).exit_code == 0
