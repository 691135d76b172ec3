"""Background verification: progress in a table, the result on the page, the bad entry named."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from integrity_service import db, keys, verification_jobs
from integrity_service.verification_jobs import VerificationRun, run_verification
from tests.integrity_service.auditor.conftest import csrf_token
from tests.integrity_service.auditor.scenario import Scenario


def _new_run(app: Flask) -> int:
    with app.app_context(), db.sessions()() as session, session.begin():
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        run = VerificationRun(started_by="test", started_at=now, updated_at=now, state="running")
        session.add(run)
        session.flush()
        return run.id


def _run(app: Flask, run_id: int) -> VerificationRun:
    with app.app_context(), db.sessions()() as session:
        run = session.get(VerificationRun, run_id)
        assert run is not None
        return run


def _verify_now(app: Flask) -> VerificationRun:
    run_id = _new_run(app)
    with app.app_context():
        run_verification(db.sessions(), keys.verifier(), run_id)
    return _run(app, run_id)


def _tamper(app: Flask, seq: int) -> None:
    """Change one entry's bytes as someone with file access could (triggers dropped first)."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER ledger_entries_no_update")
    raw = conn.execute("SELECT entry_bytes FROM ledger_entries WHERE seq = ?", (seq,)).fetchone()[0]
    conn.execute(
        "UPDATE ledger_entries SET entry_bytes = ? WHERE seq = ?",
        (raw.replace(b"Rina Wati", b"Rina Watu"), seq),
    )
    conn.commit()
    conn.close()


def test_a_sound_ledger_passes(web_app: Flask, scenario: Scenario) -> None:
    run = _verify_now(web_app)
    assert run.state == "passed" and run.problems == [] and run.first_bad_seq is None
    assert run.checked == run.total == 15
    assert run.checkpoints_checked == 1 and run.checkpoint_size == 15
    assert run.to_json_obj()["finished"] is True


def test_a_changed_entry_is_named(web_app: Flask, scenario: Scenario) -> None:
    _tamper(web_app, 6)
    run = _verify_now(web_app)
    assert run.state == "failed"
    assert run.first_bad_seq == 6
    assert run.checked == 6  # entries 0-5 were good
    assert "entry changed" in run.problems[0]["message"]


def test_a_run_that_stopped_reporting_is_interrupted(web_app: Flask) -> None:
    run_id = _new_run(web_app)
    stale = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with web_app.app_context(), db.sessions()() as session, session.begin():
        session.get(VerificationRun, run_id).updated_at = stale
    run = _run(web_app, run_id)
    assert run.interrupted and run.to_json_obj()["state"] == "interrupted"


def _wait_finished(client: FlaskClient, run_id: str) -> dict:
    for _ in range(200):
        status = client.get(f"/audit/verify/status?run={run_id}").get_json()
        if status["finished"]:
            return status
        time.sleep(0.05)
    raise AssertionError("the verification did not finish within 10 s")


def test_the_page_runs_verification_in_the_background(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    client = signed_in("auditor")
    assert "Belum pernah dijalankan verifikasi." in client.get("/audit/verify").get_data(
        as_text=True
    )
    started = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit/verify")})
    assert started.status_code == 302
    run_id = started.headers["Location"].split("run=")[1]
    status = _wait_finished(client, run_id)
    assert status["state"] == "passed" and status["checked"] == status["total"] == 15
    html = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Tidak ada kesalahan." in html and "user:auditor" in html
    assert "auditor-verify.js" not in html  # no polling once finished
    dashboard = client.get("/audit/").get_data(as_text=True)
    assert "Terverifikasi" in dashboard


def test_the_page_names_the_first_bad_entry(
    web_app: Flask, scenario: Scenario, signed_in: Callable[[str], FlaskClient]
) -> None:
    _tamper(web_app, 6)
    client = signed_in("admin")
    started = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit/verify")})
    _wait_finished(client, started.headers["Location"].split("run=")[1])
    html = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Buku besar tidak lolos verifikasi." in html
    assert 'Entri rusak pertama adalah <a class="mono" href="/audit/ledger/6">#6</a>' in html
    entry = client.get("/audit/ledger/6").get_data(as_text=True)
    assert "tidak cocok dengan bita entri" in entry
    assert "Verifikasi gagal" in client.get("/audit/").get_data(as_text=True)


def test_a_running_verification_shows_progress_with_a_script(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    run_id = _new_run(web_app)
    html = signed_in("auditor").get(f"/audit/verify?run={run_id}").get_data(as_text=True)
    assert '<script src="/static/js/auditor-verify.js" defer></script>' in html
    assert "<progress" in html and f"/audit/verify/status?run={run_id}" in html
    assert 'data-template="{checked} dari {total} entri diperiksa"' in html
    assert '<noscript><meta http-equiv="refresh"' in html
    assert "<script>" not in html  # no inline script (CSP)


def test_only_one_run_at_a_time(web_app: Flask, signed_in: Callable[[str], FlaskClient]) -> None:
    run_id = _new_run(web_app)
    client = signed_in("auditor")
    again = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit/verify")})
    assert again.headers["Location"].endswith(f"run={run_id}")
    assert "sedang berjalan" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_status_of_no_run_is_404(signed_in: Callable[[str], FlaskClient]) -> None:
    response = signed_in("auditor").get("/audit/verify/status")
    assert response.status_code == 404


def test_progress_is_written_while_running(
    web_app: Flask, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _new_run(web_app)
    seen: list[int] = []
    original = verification_jobs._update

    def spy(factory: sessionmaker[Session], run: int, **values: Any) -> None:
        if "checked" in values and "state" not in values:
            seen.append(values["checked"])
        original(factory, run, **values)

    monkeypatch.setattr(verification_jobs, "PROGRESS_INTERVAL", 0.0)
    monkeypatch.setattr(verification_jobs, "_update", spy)
    with web_app.app_context():
        run_verification(db.sessions(), keys.verifier(), run_id)
    assert seen == list(range(1, 16))
