"""Case work: status changes are ledger entries, projected into the history, replayable."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity_service import casework, db
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Finding
from tests.integrity_service.auditor.conftest import csrf_token
from tests.integrity_service.auditor.scenario import Scenario

NOTE = "Meminta penjelasan tertulis dari PPK atas pengangkatan di luar 3 besar."


def _a_finding(app: Flask, rule: str = "MERIT-002") -> str:
    with app.app_context(), db.sessions()() as session:
        return session.scalars(select(Finding.id).where(Finding.rule_id == rule)).one()


def _last_entry(app: Flask) -> dict:
    with app.app_context(), db.sessions()() as session:
        ledger = SqlLedger(session)
        row = ledger.entry(ledger.size() - 1)
        assert row is not None and row.entry_bytes is not None
        return orjson.loads(row.entry_bytes)


def _change(client: FlaskClient, finding_id: str, **form: str) -> str:
    token = csrf_token(client, f"/audit/findings/{finding_id}")
    response = client.post(
        f"/audit/findings/{finding_id}/status", data={"csrf_token": token, **form}
    )
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_status_change_is_recorded_in_the_ledger_and_shown(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    finding_id = _a_finding(web_app)
    client = signed_in("auditor")
    page = _change(client, finding_id, **{"from": "open", "to": "under_review", "note": NOTE})
    entry = _last_entry(web_app)
    assert entry["type"] == "finding.status_changed"
    assert entry["actor"] == "user:auditor"
    assert entry["body"] == {
        "finding": finding_id,
        "from": "open",
        "to": "under_review",
        "note": NOTE,
    }
    assert f"entri {entry['seq']}" in page  # the flash names the entry
    assert NOTE in page and "Sedang ditelaah" in page and "user:auditor" in page
    with web_app.app_context(), db.sessions()() as session:
        assert session.get(Finding, finding_id).status == "under_review"
        history = casework.history(session, finding_id)
    assert [(h.event.from_status, h.event.to_status, h.actor) for h in history] == [
        ("open", "under_review", "user:auditor")
    ]
    listed = client.get("/audit/findings?status=under_review").get_data(as_text=True)
    assert finding_id in listed


def test_a_second_change_builds_the_history(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    finding_id = _a_finding(web_app)
    client = signed_in("admin")
    _change(client, finding_id, **{"from": "open", "to": "escalated", "note": "Ke Inspektur."})
    page = _change(client, finding_id, **{"from": "escalated", "to": "closed", "note": "Selesai."})
    assert page.index("Selesai.") < page.index("Ke Inspektur.")  # newest first
    with web_app.app_context(), db.sessions()() as session:
        assert [h.event.to_status for h in casework.history(session, finding_id)] == [
            "escalated",
            "closed",
        ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"from": "open", "to": "under_review", "note": "   "}, "Tulis catatan"),
        ({"from": "open", "to": "sold", "note": "x"}, "Pilih salah satu status"),
        ({"from": "open", "to": "open", "note": "x"}, "sudah berstatus itu"),
        ({"from": "closed", "to": "open", "note": "x"}, "diubah orang lain"),
        ({"from": "open", "to": "closed", "note": "x" * 2001}, "paling banyak 2000"),
    ],
)
def test_refused_changes_record_nothing_and_say_why(
    web_app: Flask,
    scenario: Scenario,
    signed_in: Callable[[str], FlaskClient],
    form: dict[str, str],
    message: str,
) -> None:
    finding_id = _a_finding(web_app)
    before = _last_entry(web_app)["seq"]
    page = _change(signed_in("auditor"), finding_id, **form)
    assert message in page
    assert _last_entry(web_app)["seq"] == before
    with web_app.app_context(), db.sessions()() as session:
        assert session.get(Finding, finding_id).status == "open"


def test_unknown_finding_is_a_404_page(signed_in: Callable[[str], FlaskClient]) -> None:
    client = signed_in("auditor")
    response = client.get("/audit/findings/F-nothing", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Tidak ada temuan dengan id F-nothing" in response.get_data(as_text=True)


def test_verify_still_passes_after_case_work(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    finding_id = _a_finding(web_app)
    _change(signed_in("auditor"), finding_id, **{"from": "open", "to": "explained", "note": NOTE})
    runner = web_app.test_cli_runner()
    assert runner.invoke(args=["checkpoint"]).exit_code == 0
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_rebuild_and_audit_replay_case_work(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    finding_id = _a_finding(web_app)
    client = signed_in("auditor")
    _change(client, finding_id, **{"from": "open", "to": "under_review", "note": NOTE})
    _change(client, finding_id, **{"from": "under_review", "to": "closed", "note": "Tuntas."})
    runner = web_app.test_cli_runner()
    rebuilt = runner.invoke(args=["rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "0 difference(s)" in rebuilt.output
    assert runner.invoke(args=["audit"]).exit_code == 0
    # A status edited behind the ledger's back is found by the replay.
    with web_app.app_context(), db.sessions()() as session, session.begin():
        session.get(Finding, finding_id).status = "open"
    tampered = runner.invoke(args=["rebuild"])
    assert tampered.exit_code == 1
    assert "column status is 'open' in the stored projection, 'closed' from the ledger" in (
        tampered.output
    )
