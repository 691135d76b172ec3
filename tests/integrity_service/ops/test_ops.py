"""Operations: request ids, JSON request logs, /healthz, /metrics, body limits and backups."""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from bench.live_service import LiveService
from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.ops import REQUEST_LOGGER
from tests.conftest import POSTGRES_URL, _postgres_schema_url, make_app
from tests.integrity_service.api.factories import assessment_json, bearer, make_token, nip
from tests.integrity_service.ops.conftest import Template, copy_service


class Lines(logging.Handler):
    """Collects the request log lines, parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, object]] = []
        self.raw: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep one line."""
        self.raw.append(record.getMessage())
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def request_lines() -> Iterator[Lines]:
    """Collect what the request logger writes during the test."""
    handler = Lines()
    logger = logging.getLogger(REQUEST_LOGGER)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_request_id_is_made_and_returned(client: FlaskClient) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("req-2026-11-30.abc:42", True),
        ("f" * 128, True),
        ("f" * 129, False),
        ("two words", False),
        ('quote"d', False),
        ("-leading-dash", False),
        ("", False),
    ],
)
def test_sane_incoming_request_id_is_kept(client: FlaskClient, incoming: str, kept: bool) -> None:
    answered = client.get("/public/key", headers={"X-Request-ID": incoming})
    assert (answered.headers["X-Request-ID"] == incoming) is kept
    assert answered.headers.getlist("X-Request-ID") == [answered.headers["X-Request-ID"]]


def test_one_json_line_per_request_with_actor_and_no_secrets(
    app: Flask, client: FlaskClient, request_lines: Lines
) -> None:
    token = make_token(app, name="simpeg")
    written = client.post(
        "/api/v1/assessments",
        json={"results": [assessment_json(nip(7))]},
        headers=bearer(token, **{"X-Request-ID": "abc-1"}),
    )
    assert written.status_code == 201
    # A WSGI server closes each response; the line is written then.
    written.close()
    client.get("/public/proof/inclusion?index=0&size=1&password=hunter2").close()
    client.get("/api/v1/findings", headers=bearer("isv_wrong-token")).close()
    client.get("/no/such/page").close()
    assert [line["status"] for line in request_lines.lines] == [201, 200, 401, 404]
    write, proof, refused, missing = request_lines.lines
    assert write["request_id"] == "abc-1"
    assert write["method"] == "POST"
    assert write["path"] == write["route"] == "/api/v1/assessments"
    assert write["actor"] == "token:simpeg"
    assert isinstance(write["duration_ms"], float) and write["duration_ms"] >= 0
    assert str(write["time"]).endswith("Z")
    assert proof["path"] == "/public/proof/inclusion" and proof["actor"] is None
    assert refused["actor"] is None
    assert missing["route"] is None
    text = "\n".join(request_lines.raw)
    for secret in (token, "isv_wrong-token", "hunter2", nip(7), "Siti"):
        assert secret not in text


def test_healthz_reports_database_and_key(app: Flask, client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok"
    assert body["ledger_entries"] == 0
    with app.app_context():
        assert body["verifier_key"] == keys.verifier().to_text()


def test_healthz_is_503_when_the_key_does_not_load(app: Flask, client: FlaskClient) -> None:
    os.chmod(app.config["KEY_FILE"], 0o644)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["failures"] == ["signing key: it does not load; see the server log"]
    assert app.config["KEY_FILE"] not in answer.get_data(as_text=True)
    os.remove(app.config["KEY_FILE"])
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path)
    app.extensions["integrity_engine"].dispose()
    os.remove(tmp_path / "integrity.db")
    os.mkdir(tmp_path / "integrity.db")  # the path now is a directory: SQLite cannot open it
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["failures"][0].startswith("database: the query failed")


def test_metrics_count_requests_and_show_the_ledger(app: Flask, client: FlaskClient) -> None:
    token = make_token(app)
    for serial in (1, 2):
        results = {"results": [assessment_json(nip(serial))]}
        client.post("/api/v1/assessments", json=results, headers=bearer(token)).close()
    for _ in range(3):
        client.get("/public/checkpoint").close()  # 404: no checkpoint yet
    assert app.test_cli_runner().invoke(args=["checkpoint"]).exit_code == 0
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.content_type.startswith("text/plain; version=0.0.4")
    families = {f.name: f for f in text_string_to_metric_families(answer.get_data(as_text=True))}
    counted = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in families["integrity_http_requests"].samples
        if s.name.endswith("_total")
    }
    assert counted[("POST", "/api/v1/assessments", "201")] == 2
    assert counted[("GET", "/public/checkpoint", "404")] == 3
    latency = families["integrity_http_request_duration_seconds"].samples
    assert any(s.name.endswith("_count") and s.value == 2 for s in latency)
    gauges = {f.name: f.samples[0].value for f in families.values() if len(f.samples) == 1}
    assert gauges["integrity_ledger_entries"] == 2
    assert gauges["integrity_ledger_checkpoint_size"] == 2
    assert 0 <= gauges["integrity_ledger_checkpoint_age_seconds"] < 60
    assert gauges["integrity_database_up"] == 1
    text = answer.get_data(as_text=True)
    assert nip(1) not in text and token not in text


def test_body_limit_is_flask_max_content_length(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path, MAX_CONTENT_LENGTH=1000)
    token = make_token(app)
    big = {"results": [assessment_json(nip(n)) for n in range(1, 20)]}
    answer = app.test_client().post("/api/v1/assessments", json=big, headers=bearer(token))
    assert answer.status_code == 413
    assert answer.mimetype == "application/problem+json"


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
    return ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432),
            "-U", parsed.username or "postgres"]


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
        subprocess.run(["pg_dump", *_libpq_arguments(POSTGRES_URL), "-d", source,
                        f"--schema={schema}", "--no-owner", "-f", str(dump)],
                       check=True, capture_output=True, timeout=120)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{restore_db}"'))
        subprocess.run(["psql", *_libpq_arguments(POSTGRES_URL), "-d", restore_db, "-q",
                        "-v", "ON_ERROR_STOP=1", "-f", str(dump)],
                       check=True, capture_output=True, timeout=120)
        restored_url = make_url(POSTGRES_URL).set(database=restore_db).render_as_string(
            hide_password=False
        ) + f"?options=-csearch_path%3D{schema}"
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


def _served(service: LiveService, route: str) -> float:
    """Return how many requests of a route /metrics counts, summed over workers."""
    status, body = service.get("/metrics")
    assert status == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == "integrity_http_requests_total" and sample.labels["route"] == route
    )


@pytest.mark.slow
def test_under_gunicorn_logs_count_and_limits(
    service_template: Template, tmp_path: Path, live_services: list[LiveService]
) -> None:
    """gunicorn.conf.py: JSON lines on stderr, metrics summed over workers, line limit."""
    service = copy_service(service_template, tmp_path / "svc")
    live_services.append(service)
    service.start(workers=2)

    def fetch(number: int) -> None:
        request = urllib.request.Request(
            f"{service.base_url}/public/key", headers={"X-Request-ID": f"t-{number}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.headers["X-Request-ID"] == f"t-{number}"

    threads = [threading.Thread(target=fetch, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # A request is counted when its response is closed, just after the client has it.
    deadline = time.monotonic() + 10
    while _served(service, "/public/key") < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    service.kill_worker()  # the counts of a worker that died still count
    service.wait_healthy(workers=2)
    for number in range(12, 20):
        fetch(number)
    deadline = time.monotonic() + 10
    while _served(service, "/public/key") < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _served(service, "/public/key") == 20
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    connection.request("GET", "/public/" + "x" * 5000)
    assert connection.getresponse().status == 414  # limit_request_line, before the app
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    connection.request("GET", "/healthz", headers={f"X-Field-{n}": "1" for n in range(60)})
    assert connection.getresponse().status == 431  # limit_request_fields
    connection.close()
    service.stop()
    lines = [json.loads(line) for line in service.log_text().splitlines() if line.startswith("{")]
    ids = {line["request_id"] for line in lines if line["path"] == "/public/key"}
    assert ids == {f"t-{n}" for n in range(20)}
