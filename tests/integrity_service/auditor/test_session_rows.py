"""The rows of web sessions: old ended ones are pruned, and init-db adds the columns an
older ``web_sessions`` table lacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import (
    Column,
    ForeignKey,
    LargeBinary,
    MetaData,
    String,
    Table,
    insert,
    inspect,
    select,
    text,
)

from integrity_service import db
from integrity_service.web_sessions import WebSession
from tests.conftest import make_app
from tests.integrity_service.auditor.conftest import (
    FAST_ARGON2,
    add_user,
    signed_in_client,
)
from tests.integrity_service.auditor.session_support import (
    PAGE,
    ago,
    id_hash,
    ledger_size,
    sent_to_sign_in,
    session_id_of,
)


def _add_row(app: Flask, name: str, **times: str | None) -> None:
    with app.app_context(), db.sessions()() as session, session.begin():
        session.add(WebSession(id_hash=id_hash(name), username="auditor", **times))


def test_pruning_deletes_only_sessions_that_ended_longago(web_app: Flask) -> None:
    old, recent = {"days": 100}, {"days": 10}
    rows: dict[str, dict[str, str | None]] = {
        "revoked long ago": {"created_at": ago(**old), "revoked_at": ago(days=99)},
        "idle long ago": {"created_at": ago(**old), "last_seen_at": ago(days=95)},
        "no activity noted": {"created_at": ago(**old), "last_seen_at": None},
        "too old long ago": {"created_at": ago(days=91), "last_seen_at": ago(minutes=1)},
        "revoked recently": {"created_at": ago(**old), "revoked_at": ago(**recent)},
        "idle recently": {"created_at": ago(**recent), "last_seen_at": ago(**recent)},
        "idle just after the cut": {
            "created_at": ago(days=90, hours=11),
            "last_seen_at": ago(days=90, minutes=10),
        },
    }
    for name, times in rows.items():
        _add_row(web_app, name, **times)
    client = signed_in_client(web_app)  # an open session
    entries = ledger_size(web_app)
    runner = web_app.test_cli_runner()
    result = runner.invoke(args=["prune-web-sessions"])
    assert result.exit_code == 0, result.output
    assert "deleted 4 web session(s)" in result.output
    with web_app.app_context(), db.sessions()() as session:
        left = set(session.scalars(select(WebSession.id_hash)))
    expected = {"revoked recently", "idle recently", "idle just after the cut"}
    assert left == {id_hash(name) for name in expected} | {id_hash(session_id_of(web_app, client))}
    assert client.get(PAGE).status_code == 200
    assert ledger_size(web_app) == entries
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
            for name, created in (("recent", ago(minutes=10)), ("idle", ago(minutes=40))):
                connection.execute(
                    insert(old_rows).values(
                        id_hash=id_hash(name), username="auditor", created_at=created
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
        assert sent_to_sign_in(_cookie_client(app, "idle"))
        with app.app_context(), db.sessions()() as session:
            rows = {row.id_hash: row for row in session.scalars(select(WebSession))}
        assert rows[id_hash("recent")].last_seen_at is not None
        assert rows[id_hash("recent")].revoked_at is None
        assert rows[id_hash("idle")].end_reason == "idle"
        assert signed_in_client(app).get(PAGE).status_code == 200
    finally:
        app.extensions["integrity_engine"].dispose()
