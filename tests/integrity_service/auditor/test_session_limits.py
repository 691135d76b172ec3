"""Web sessions end after an idle time and a maximum age; old rows are pruned; init-db adds
the columns an older ``web_sessions`` table lacks.

Times are moved by writing the stored timestamps, never by sleeping.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)

from integrity_service import create_app, db, web_sessions
from integrity_service.ledger_tables import LedgerEntry
from integrity_service.schema_upgrade import SchemaUpgradeError, add_missing_columns
from integrity_service.users import User
from integrity_service.web_sessions import WebSession, parse_time, time_text
from tests.conftest import make_app
from tests.integrity_service.auditor.conftest import (
    FAST_ARGON2,
    add_user,
    csrf_token,
    session_cookie,
    signed_in_client,
)

PAGE = "/audit/findings"


def _ago(**delta: float) -> str:
    return time_text(datetime.now(UTC) - timedelta(**delta))


def _session_id(app: Flask, client: FlaskClient) -> str:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session_id: str = serializer.loads(session_cookie(app, client))["_user_id"]
    return session_id


def _id_hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def _row(app: Flask, client: FlaskClient) -> WebSession:
    with app.app_context(), db.sessions()() as session:
        row = session.get(WebSession, _id_hash(_session_id(app, client)))
        assert row is not None
        return row


def _set(app: Flask, client: FlaskClient, **values: Any) -> None:
    """Write a session's stored timestamps (times move without sleeping)."""
    with app.app_context(), db.sessions()() as session, session.begin():
        session.execute(
            update(WebSession)
            .where(WebSession.id_hash == _id_hash(_session_id(app, client)))
            .values(**values)
        )


def _sent_to_sign_in(client: FlaskClient) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/audit/login?next="
    )


def _ledger_size(app: Flask) -> int:
    with app.app_context(), db.sessions()() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


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
    row = _row(web_app, signed_in_client(web_app))
    assert row.last_seen_at == row.created_at and row.revoked_at is None


def test_an_idle_session_is_refused_and_revoked(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    copy = web_app.test_client()
    cookie = client.get_cookie(web_app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    copy.set_cookie(web_app.config["SESSION_COOKIE_NAME"], cookie.value)
    other = signed_in_client(web_app)
    _set(web_app, client, last_seen_at=_ago(minutes=31))
    assert _sent_to_sign_in(client)
    row = _row(web_app, client)
    assert row.revoked_at is not None and row.end_reason == "idle"
    assert parse_time(row.revoked_at) > datetime.now(UTC) - timedelta(minutes=1)
    assert _sent_to_sign_in(copy)  # a copy of the cookie is refused too
    _set(web_app, client, last_seen_at=_ago(seconds=1))  # revoked stays revoked
    assert _sent_to_sign_in(client)
    assert other.get(PAGE).status_code == 200  # the user's other session is not idle


def test_the_idle_limit_follows_the_configuration(web_app: Flask) -> None:
    web_app.config["WEB_SESSION_IDLE_MINUTES"] = 5
    client = signed_in_client(web_app)
    _set(web_app, client, last_seen_at=_ago(minutes=4))
    assert client.get(PAGE).status_code == 200
    _set(web_app, client, last_seen_at=_ago(minutes=6))
    assert _sent_to_sign_in(client)


def test_a_session_within_the_idle_limit_works_and_notes_its_activity(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    entries = _ledger_size(web_app)
    _set(web_app, client, last_seen_at=_ago(minutes=29))
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    assert client.get(PAGE).status_code == 200
    row = _row(web_app, client)
    assert row.last_seen_at is not None and parse_time(row.last_seen_at) >= before
    assert row.revoked_at is None
    assert _ledger_size(web_app) == entries  # the activity is not a ledger entry


def test_the_last_activity_moves_forward_only_after_a_minute(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    recent = _ago(seconds=59)
    _set(web_app, client, last_seen_at=recent)
    for _ in range(3):
        assert client.get(PAGE).status_code == 200
    assert _row(web_app, client).last_seen_at == recent  # no write per page view
    _set(web_app, client, last_seen_at=_ago(seconds=61))
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    assert client.get(PAGE).status_code == 200
    moved = _row(web_app, client).last_seen_at
    assert moved is not None and parse_time(moved) >= before
    assert client.get(PAGE).status_code == 200
    assert _row(web_app, client).last_seen_at == moved


def test_a_session_without_a_last_activity_counts_idle_time_from_sign_in(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    _set(web_app, client, created_at=_ago(minutes=10), last_seen_at=None)
    assert client.get(PAGE).status_code == 200
    noted = _row(web_app, client).last_seen_at
    assert noted is not None and parse_time(noted) > datetime.now(UTC) - timedelta(minutes=1)
    _set(web_app, client, created_at=_ago(minutes=31), last_seen_at=None)
    assert _sent_to_sign_in(client)
    assert _row(web_app, client).end_reason == "idle"


def test_the_maximum_age_refuses_even_an_active_session(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    _set(web_app, client, created_at=_ago(hours=11, minutes=59), last_seen_at=_ago(seconds=5))
    assert client.get(PAGE).status_code == 200
    _set(web_app, client, created_at=_ago(hours=12, minutes=1), last_seen_at=_ago(seconds=5))
    assert _sent_to_sign_in(client)
    row = _row(web_app, client)
    assert row.revoked_at is not None and row.end_reason == "max-age"
    # Signing in again starts a new session, which works.
    assert signed_in_client(web_app).get(PAGE).status_code == 200


def test_signing_out_records_why_the_session_ended(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    id_hash = _id_hash(_session_id(web_app, client))
    response = client.post("/audit/logout", data={"csrf_token": csrf_token(client, "/audit/")})
    assert response.status_code == 302
    with web_app.app_context(), db.sessions()() as session:
        row = session.get(WebSession, id_hash)
    assert row is not None and row.revoked_at is not None and row.end_reason == "signed-out"


def test_a_changed_account_records_why_its_sessions_ended(web_app: Flask) -> None:
    client = signed_in_client(web_app)
    with web_app.app_context(), db.sessions()() as session, session.begin():
        user = session.get(User, "auditor")
        assert user is not None
        user.active = False
    assert _row(web_app, client).end_reason == "account-changed"


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
    stale = _ago(minutes=2)
    _set(web_app, client, last_seen_at=stale)
    _refuse_updates(web_app)
    with caplog.at_level(logging.WARNING):
        assert client.get(PAGE).status_code == 200
        assert client.get(PAGE).status_code == 200  # the pooled connection still works
    assert "could not note the last activity" in caplog.text
    assert "refused by the test" in caplog.text
    assert _row(web_app, client).last_seen_at == stale


def test_a_refused_revocation_still_refuses_the_expired_session(
    web_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in_client(web_app)
    _set(web_app, client, last_seen_at=_ago(minutes=31))
    _refuse_updates(web_app)
    with caplog.at_level(logging.WARNING):
        assert _sent_to_sign_in(client)
    assert "could not end an expired session" in caplog.text
    assert _row(web_app, client).revoked_at is None


def test_a_locked_database_delays_the_page_only_briefly(
    web_app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_sessions, "WRITE_WAIT_MS", 50)
    client = signed_in_client(web_app)
    stale = _ago(minutes=2)
    _set(web_app, client, last_seen_at=stale)
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
    assert _row(web_app, client).last_seen_at == stale
    with web_app.app_context(), db.engine().connect() as a, db.engine().connect() as b:
        for connection in (a, b):  # the pooled connections wait as long as before
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60000
    assert client.get(PAGE).status_code == 200
    assert _row(web_app, client).last_seen_at != stale


def _add_row(app: Flask, name: str, **times: str | None) -> None:
    with app.app_context(), db.sessions()() as session, session.begin():
        session.add(WebSession(id_hash=_id_hash(name), username="auditor", **times))


def test_pruning_deletes_only_sessions_that_ended_long_ago(web_app: Flask) -> None:
    old, recent = {"days": 100}, {"days": 10}
    rows: dict[str, dict[str, str | None]] = {
        "revoked long ago": {"created_at": _ago(**old), "revoked_at": _ago(days=99)},
        "idle long ago": {"created_at": _ago(**old), "last_seen_at": _ago(days=95)},
        "no activity noted": {"created_at": _ago(**old), "last_seen_at": None},
        "too old long ago": {"created_at": _ago(days=91), "last_seen_at": _ago(minutes=1)},
        "revoked recently": {"created_at": _ago(**old), "revoked_at": _ago(**recent)},
        "idle recently": {"created_at": _ago(**recent), "last_seen_at": _ago(**recent)},
        "idle just after the cut": {
            "created_at": _ago(days=90, hours=11),
            "last_seen_at": _ago(days=90, minutes=10),
        },
    }
    for name, times in rows.items():
        _add_row(web_app, name, **times)
    client = signed_in_client(web_app)  # an open session
    entries = _ledger_size(web_app)
    runner = web_app.test_cli_runner()
    result = runner.invoke(args=["prune-web-sessions"])
    assert result.exit_code == 0, result.output
    assert "deleted 4 web session(s)" in result.output
    with web_app.app_context(), db.sessions()() as session:
        left = set(session.scalars(select(WebSession.id_hash)))
    expected = {"revoked recently", "idle recently", "idle just after the cut"}
    assert left == {_id_hash(name) for name in expected} | {_id_hash(_session_id(web_app, client))}
    assert client.get(PAGE).status_code == 200
    assert _ledger_size(web_app) == entries
    again = runner.invoke(args=["prune-web-sessions", "--older-than-days", "90"])
    assert again.exit_code == 0 and "deleted 0 web session(s)" in again.output
    shorter = runner.invoke(args=["prune-web-sessions", "--older-than-days", "5"])
    assert shorter.exit_code == 0 and "deleted 3 web session(s)" in shorter.output
    assert client.get(PAGE).status_code == 200  # the open session is never pruned


def test_pruning_refuses_a_negative_age(web_app: Flask) -> None:
    result = web_app.test_cli_runner().invoke(
        args=["prune-web-sessions", "--older-than-days", "-1"]
    )
    assert result.exit_code == 2 and "-1" in result.output


def _old_web_sessions(connection: Any) -> None:
    """Replace ``web_sessions`` by the shape it had before the time limits."""
    connection.execute(text("DROP TABLE web_sessions"))
    old = MetaData()
    Table("users", old, autoload_with=connection)
    Table(
        "web_sessions",
        old,
        Column("id_hash", LargeBinary(32), primary_key=True),
        Column("username", ForeignKey("users.username", ondelete="CASCADE"), nullable=False),
        Column("created_at", String(32), nullable=False),
        Column("revoked_at", String(32)),
    ).create(connection)


def _columns(app: Flask) -> set[str]:
    with app.app_context(), db.engine().connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns("web_sessions")}


def _cookie_client(app: Flask, session_id: str) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = session_id
        flask_session["_fresh"] = True
    return client


def test_init_db_adds_the_new_columns_to_an_old_web_sessions_table(
    database_url: str, tmp_path: Path
) -> None:
    app = make_app(database_url, tmp_path, **FAST_ARGON2)
    try:
        add_user(app, "auditor", "auditor")
        with app.app_context(), db.engine().begin() as connection:
            _old_web_sessions(connection)
            old_rows = Table("web_sessions", MetaData(), autoload_with=connection)
            for name, created in (("recent", _ago(minutes=10)), ("idle", _ago(minutes=40))):
                connection.execute(
                    insert(old_rows).values(
                        id_hash=_id_hash(name), username="auditor", created_at=created
                    )
                )
        assert "last_seen_at" not in _columns(app)
        runner = app.test_cli_runner()
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "column added: web_sessions.last_seen_at" in result.output
        assert "column added: web_sessions.end_reason" in result.output
        assert {"last_seen_at", "end_reason"} <= _columns(app)
        again = runner.invoke(args=["init-db"])
        assert again.exit_code == 0 and "column added" not in again.output
        # Sessions from before the upgrade count their idle time from sign-in.
        recent = _cookie_client(app, "recent")
        assert recent.get(PAGE).status_code == 200
        assert _sent_to_sign_in(_cookie_client(app, "idle"))
        with app.app_context(), db.sessions()() as session:
            rows = {row.id_hash: row for row in session.scalars(select(WebSession))}
        assert rows[_id_hash("recent")].last_seen_at is not None
        assert rows[_id_hash("recent")].revoked_at is None
        assert rows[_id_hash("idle")].end_reason == "idle"
        assert signed_in_client(app).get(PAGE).status_code == 200
    finally:
        app.extensions["integrity_engine"].dispose()


def test_missing_nullable_columns_are_added_and_required_ones_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            Table("t", MetaData(), Column("id", Integer, primary_key=True)).create(connection)
            connection.execute(text("INSERT INTO t (id) VALUES (1)"))
        newer = MetaData()
        Table(
            "t",
            newer,
            Column("id", Integer, primary_key=True),
            Column("note", String(20), server_default="50%"),
            Column("required", String(20), nullable=False),
        )
        with pytest.raises(SchemaUpgradeError, match=r"t\.required"), engine.begin() as connection:
            add_missing_columns(connection, newer)
        with engine.connect() as connection:
            assert [c["name"] for c in inspect(connection).get_columns("t")] == ["id"]
        newer.tables["t"].c.required.nullable = True
        with engine.begin() as connection:
            assert add_missing_columns(connection, newer) == ["t.note", "t.required"]
        with engine.begin() as connection:
            assert add_missing_columns(connection, newer) == []
            assert connection.execute(text("SELECT id, note, required FROM t")).all() == [
                (1, "50%", None)
            ]
    finally:
        engine.dispose()
