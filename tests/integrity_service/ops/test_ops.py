"""Operations: request ids, JSON request logs, /healthz, /metrics, limits, under gunicorn too."""

from __future__ import annotations

import http.client
import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from bench.live_service import LiveService
from integrity_service import keys
from integrity_service.ops import REQUEST_LOGGER
from tests.conftest import make_app
from tests.integrity_service.api.factories import assessment_json, bearer, make_token, nip


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


def test_healthz_checks_the_next_key_during_a_rotation(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "next.key"
    begun = app.test_cli_runner().invoke(args=["rotate-key", "begin", "--new-key-file", str(path)])
    assert begun.exit_code == 0, begun.output
    app.config["NEXT_KEY_FILE"] = str(path)
    body = client.get("/healthz").get_json()
    assert body["next_verifier_key"] != body["verifier_key"]
    os.chmod(path, 0o644)  # readable by others: refused, as the key file would be
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["failures"] == [
        "next signing key: INTEGRITY_NEXT_KEY_FILE does not load; see the server log"
    ]
    assert str(path) not in answer.get_data(as_text=True)


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
def test_under_gunicorn_the_api_rate_limit_counts_once_per_server(service: LiveService) -> None:
    """With preload, the workers and a replacement of a killed one share the API counts."""
    service.config["API_RATE_LIMIT"] = "12 per minute"
    service.start(workers=2)

    def call() -> tuple[int, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
        try:
            connection.request("GET", "/api/v1/findings", headers=bearer(service.token))
            answer = connection.getresponse()
            answer.read()
            return answer.status, answer.getheader("Retry-After")
        finally:
            connection.close()

    answers: list[tuple[int, str | None]] = []

    def calls() -> None:
        answers.extend(call() for _ in range(5))

    threads = [threading.Thread(target=calls) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in answers) == [200] * 12 + [429] * 8
    assert all(retry and retry.isdigit() for status, retry in answers if status == 429)
    service.kill_worker()  # its replacement is forked from the master: the same table
    service.wait_healthy(workers=2)
    assert [call()[0] for _ in range(6)] == [429] * 6


@pytest.mark.slow
def test_under_gunicorn_logs_count_and_limits(service: LiveService) -> None:
    """gunicorn.conf.py: JSON lines on stderr, metrics summed over workers, line limit."""
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
