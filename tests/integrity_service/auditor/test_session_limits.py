"""Web sessions end after an idle time and a maximum age.

Times are moved by writing the stored timestamps, never by sleeping.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from integrity_service import create_app, db, web_sessions
from integrity_service.users import User
from integrity_service.web_sessions import WebSession
from ledger.entry import parse_utc_text
from tests.integrity_service.auditor.conftest import (
    csrf_token,
    signed_in_client,
)
from tests.integrity_service.auditor.session_support import (
    PAGE,
    ago,
    id_hash,
    ledger_size,
    sent_to_sign_in,
    session_id_of,
    set_times,
    stored_row,
)


def test_the_defaults_and_an_environment_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "s"}
    app = create_app(config)
    assert (app.config["WEB_SESSION_IDLE_MINUTES"], app.config["WEB_SESSION_MAX_HOURS"]) == (30, 12)
    app.extensions["integrity_engine"].dispose()
    monkeypatch.setenv("INTEGRITY_WEB_SESSION_IDLE_MINUTES", "45")
    monkeypatch.setenv("INTEGRITY_WEB_SESSION_MAX_HOURS", "8.5")
    app = create_app(config)
    assert (app.config["WEB_SESSION_IDLE_MINUTES"], app.config["WEB_SESSION_MAX_HOURS"]) == (
        45,
        8.5,
    )
    app.extensions["integrity_engine"].dispose()


@pytest.mark.parametrize("value", ["0", "-5", '"soon"', "true"])
def test_a_time_limit_that_is_not_a_positive_number_stops_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("INTEGRITY_WEB_SESSION_MAX_HOURS", value)
    with pytest.raises(ValueError, match="WEB_SESSION_MAX_HOURS"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "s"})


def test_sign_in_notes_the_first_activity(web_app: Flask) -> None:
    row = stored_row(web_app, signed_in_client(web_app))
    assert row.last_seen_at == row.created_at and row.revoked_at is None


def test_an_idle_session_is_refused_and_revoked(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    copy = web_app.test_client()
    cookie = client.get_cookie(web_app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    copy.set_cookie(web_app.config["SESSION_COOKIE_NAME"], cookie.value)
    other = signed_in_client(web_app)
    set_times(web_app, client, last_seen_at=ago(minutes=31))
    assert sent_to_sign_in(client)
    row = stored_row(web_app, client)
    assert row.revoked_at is not None and row.end_reason == "idle"
    assert parse_utc_text(row.revoked_at) > datetime.now(UTC) - timedelta(minutes=1)
    assert sent_to_sign_in(copy)  # a copy of the cookie is refused too
    set_times(web_app, client, last_seen_at=ago(seconds=1))  # revoked stays revoked
    assert sent_to_sign_in(client)
    assert other.get(PAGE).status_code == 200  # the user's other session is not idle


def test_the_idle_limit_follows_the_configuration(web_app: Flask) -> None:
    web_app.config["WEB_SESSION_IDLE_MINUTES"] = 5
    client = signed_in_client(web_app)
    set_times(web_app, client, last_seen_at=ago(minutes=4))
    assert client.get(PAGE).status_code == 200
    set_times(web_app, client, last_seen_at=ago(minutes=6))
    assert sent_to_sign_in(client)


def test_a_session_within_the_idle_limit_works_and_notes_its_activity(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    entries = ledger_size(web_app)
    set_times(web_app, client, last_seen_at=ago(minutes=29))
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    assert client.get(PAGE).status_code == 200
    row = stored_row(web_app, client)
    assert row.last_seen_at is not None and parse_utc_text(row.last_seen_at) >= before
    assert row.revoked_at is None
    assert ledger_size(web_app) == entries  # the activity is not a ledger entry


def test_the_last_activity_moves_forward_only_after_a_minute(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    recent = ago(seconds=59)
    set_times(web_app, client, last_seen_at=recent)
    for _ in range(3):
        assert client.get(PAGE).status_code == 200
    assert stored_row(web_app, client).last_seen_at == recent  # no write per page view
    set_times(web_app, client, last_seen_at=ago(seconds=61))
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    assert client.get(PAGE).status_code == 200
    moved = stored_row(web_app, client).last_seen_at
    assert moved is not None and parse_utc_text(moved) >= before
    assert client.get(PAGE).status_code == 200
    assert stored_row(web_app, client).last_seen_at == moved


def test_a_session_without_a_last_activity_counts_idle_time_from_sign_in(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    set_times(web_app, client, created_at=ago(minutes=10), last_seen_at=None)
    assert client.get(PAGE).status_code == 200
    noted = stored_row(web_app, client).last_seen_at
    assert noted is not None and parse_utc_text(noted) > datetime.now(UTC) - timedelta(minutes=1)
    set_times(web_app, client, created_at=ago(minutes=31), last_seen_at=None)
    assert sent_to_sign_in(client)
    assert stored_row(web_app, client).end_reason == "idle"


def test_the_maximum_age_refuses_even_an_active_session(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    set_times(web_app, client, created_at=ago(hours=11, minutes=59), last_seen_at=ago(seconds=5))
    assert client.get(PAGE).status_code == 200
    set_times(web_app, client, created_at=ago(hours=12, minutes=1), last_seen_at=ago(seconds=5))
    assert sent_to_sign_in(client)
    row = stored_row(web_app, client)
    assert row.revoked_at is not None and row.end_reason == "max-age"
    # Signing in again starts a new session, which works.
    assert signed_in_client(web_app).get(PAGE).status_code == 200


def test_signing_out_records_why_the_session_ended(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    stored = id_hash(session_id_of(web_app, client))
    response = client.post("/audit/logout", data={"csrf_token": csrf_token(client, "/audit/")})
    assert response.status_code == 302
    with web_app.app_context(), db.sessions()() as session:
        row = session.get(WebSession, stored)
    assert row is not None and row.revoked_at is not None and row.end_reason == "signed-out"


def test_a_changed_account_records_why_its_sessions_ended(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    with web_app.app_context(), db.sessions()() as session, session.begin():
        user = session.get(User, "auditor")
        assert user is not None
        user.active = False
    assert stored_row(web_app, client).end_reason == "account-changed"


def _refuse_updates(app: Flask) -> None:
    with app.app_context(), db.engine().begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE UPDATE ON web_sessions "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )


def test_a_refused_activity_write_still_serves_the_page(
    web_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in_client(web_app)
    stale = ago(minutes=2)
    set_times(web_app, client, last_seen_at=stale)
    _refuse_updates(web_app)
    with caplog.at_level(logging.WARNING):
        assert client.get(PAGE).status_code == 200
        assert client.get(PAGE).status_code == 200  # the pooled connection still works
    assert "could not note the last activity" in caplog.text
    assert "refused by the test" in caplog.text
    assert stored_row(web_app, client).last_seen_at == stale


def test_a_refused_revocation_still_refuses_the_expired_session(
    web_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in_client(web_app)
    set_times(web_app, client, last_seen_at=ago(minutes=31))
    _refuse_updates(web_app)
    with caplog.at_level(logging.WARNING):
        assert sent_to_sign_in(client)
    assert "could not end an expired session" in caplog.text
    assert stored_row(web_app, client).revoked_at is None


def test_a_locked_database_delays_the_page_only_briefly(
    web_app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_sessions, "WRITE_WAIT_MS", 50)
    client = signed_in_client(web_app)
    stale = ago(minutes=2)
    set_times(web_app, client, last_seen_at=stale)
    with web_app.app_context():
        path = db.engine().url.database
    assert path is not None
    writer = sqlite3.connect(path, isolation_level=None)  # a long write holds the lock
    try:
        writer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            assert client.get(PAGE).status_code == 200
        assert time.monotonic() - started < 5  # not the usual 60 s wait for the lock
        assert "database is locked" in caplog.text
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert stored_row(web_app, client).last_seen_at == stale
    with web_app.app_context(), db.engine().connect() as a, db.engine().connect() as b:
        for connection in (a, b):  # the pooled connections wait as long as before
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
    assert client.get(PAGE).status_code == 200
    assert stored_row(web_app, client).last_seen_at != stale
