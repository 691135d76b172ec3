"""Backups restored elsewhere pass ``verify`` and ``rebuild``: SQLite's backup API, pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from tests.conftest import POSTGRES_URL, _postgres_schema_url, make_app
from tests.integrity_service.api.factories import assessment_json, bearer, make_token, nip


def _record(app: Flask, token: str, first: int, count: int) -> None:
    client = app.test_client()
    for serial in range(first, first + count):
        body = {"results": [assessment_json(nip(serial))]}
        answer = client.post("/api/v1/assessments", json=body, headers=bearer(token))
        assert answer.status_code == 201, answer.get_data(as_text=True)


def _checkpoint(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["checkpoint"]).exit_code == 0


def assert_restored_copy_checks_out(app: Flask) -> None:
    """Run ``verify`` and ``rebuild`` on a restored database, as an operator would."""
    runner = app.test_cli_runner()
    verified = runner.invoke(args=["verify"])
    assert verified.exit_code == 0, verified.output
    assert "OK" in verified.output
    rebuilt = runner.invoke(args=["rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "0 difference(s)" in rebuilt.output


def test_sqlite_online_backup_taken_during_writes_restores_elsewhere(
    app: Flask, tmp_path: Path
) -> None:
    """The sqlite3 backup API copies a consistent snapshot even while the service writes."""
    token = make_token(app)
    _record(app, token, 1, 20)
    _checkpoint(app)
    writer = threading.Thread(target=_record, args=(app, token, 100, 40))
    writer.start()
    source_path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    elsewhere = tmp_path / "restored"
    elsewhere.mkdir()
    with sqlite3.connect(source_path) as source, sqlite3.connect(elsewhere / "copy.db") as copy:
        source.backup(copy, pages=16)  # in steps, so the writer interleaves
    writer.join(timeout=120)
    restored = make_app(f"sqlite:///{elsewhere / 'copy.db'}", tmp_path)  # same key file
    try:
        assert_restored_copy_checks_out(restored)
        with restored.app_context(), db.sessions()() as session:
            assert SqlLedger(session).size() >= 20
    finally:
        restored.extensions["integrity_engine"].dispose()


def _libpq_arguments(url: str) -> list[str]:
    parsed = make_url(url)
    return [
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]


@pytest.mark.postgres
def test_pg_dump_restored_into_a_fresh_database_checks_out(tmp_path: Path) -> None:
    """pg_dump of the service's schema, psql into a new database: verify and rebuild pass."""
    if not POSTGRES_URL:
        pytest.skip("INTEGRITY_TEST_POSTGRES_URL is not set: PostgreSQL backup test skipped")
    if not (shutil.which("pg_dump") and shutil.which("psql")):
        pytest.skip("pg_dump or psql is not installed")
    schema_urls = _postgres_schema_url(POSTGRES_URL)
    url = next(schema_urls)
    schema = url.rsplit("search_path%3D", 1)[1]
    restore_db = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    apps: list[Flask] = []
    try:
        app = make_app(url, tmp_path)
        apps.append(app)
        _record(app, make_token(app), 1, 12)
        _checkpoint(app)
        _record(app, make_token(app), 50, 3)  # entries after the last checkpoint too
        dump = tmp_path / "ledger.sql"
        source = make_url(POSTGRES_URL).database or "postgres"
        subprocess.run(
            [
                "pg_dump",
                *_libpq_arguments(POSTGRES_URL),
                "-d",
                source,
                f"--schema={schema}",
                "--no-owner",
                "-f",
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{restore_db}"'))
        subprocess.run(
            [
                "psql",
                *_libpq_arguments(POSTGRES_URL),
                "-d",
                restore_db,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        restored_url = (
            make_url(POSTGRES_URL).set(database=restore_db).render_as_string(hide_password=False)
            + f"?options=-csearch_path%3D{schema}"
        )
        restored = make_app(restored_url, tmp_path)
        apps.append(restored)
        assert_restored_copy_checks_out(restored)
        with restored.app_context(), db.sessions()() as session:
            assert SqlLedger(session).size() == 15
            with pytest.raises(DBAPIError):  # the append-only triggers came along
                session.execute(text("UPDATE ledger_entries SET type = 'x' WHERE seq = 0"))
    finally:
        for each in apps:
            each.extensions["integrity_engine"].dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)'))
        admin.dispose()
        schema_urls.close()
