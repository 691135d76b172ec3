"""Fixtures of the operations tests: the service under gunicorn on a small scenario."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bench.live_service import ORIGIN, LiveService
from integrity_service import create_app, db
from integrity_service.cli import initialise
from integrity_service.models import Candidate
from tests.integrity_service.api.factories import (
    assessment_json,
    bearer,
    levels,
    make_token,
    nip,
    position_json,
)


@dataclass(frozen=True)
class Template:
    """A prepared SQLite service (demo data, key, token) to copy for each test."""

    workdir: Path
    token: str
    pairs: list[tuple[str, str]]


@pytest.fixture(scope="session")
def service_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """Prepare, once per test process, a small scenario through the API.

    Twelve assessed people, two positions, two vacancies with published rankings: all
    a placement check needs, in a second or two (``flask demo`` takes far longer).
    """
    workdir = tmp_path_factory.mktemp("service-template")
    service = LiveService(workdir)
    app = service_app(service)
    try:
        with app.app_context():
            initialise()
        token = make_token(app, name="load")
        client = app.test_client()
        headers = bearer(token)

        def post(path: str, body: object = None) -> dict[str, object]:
            answer = client.post(f"/api/v1{path}", json=body, headers=headers)
            assert answer.status_code == 201, answer.get_data(as_text=True)
            return answer.get_json()

        people = [nip(serial) for serial in range(1, 13)]
        post(
            "/assessments",
            {
                "results": [
                    assessment_json(person, competencies=levels(1 + n % 5, M01=1 + n % 4))
                    for n, person in enumerate(people)
                ]
            },
        )
        for code, candidates in (("DINKES-ADM-01", people[:7]), ("DINKES-ADM-02", people[5:])):
            post("/positions", position_json(code))
            vacancy = post(
                "/vacancies",
                {"position": code, "candidates": candidates, "opened_on": "2025-08-20"},
            )["id"]
            post(f"/vacancies/{vacancy}/ranking")
        # A first check records the rule set, as on any service in use.
        checked = client.post(
            "/api/v1/placements/check",
            headers=headers,
            json={
                "vacancy": vacancy,
                "nip": people[5],
                "decided_on": "2025-09-01",
                "decided_by": "PPK-BUPATI",
                "kind": "promotion",
            },
        )
        assert checked.status_code == 200, checked.get_data(as_text=True)
        assert app.test_cli_runner().invoke(args=["checkpoint"]).exit_code == 0
        with app.app_context(), db.sessions()() as session:
            pairs = session.execute(
                select(Candidate.vacancy_id, Candidate.nip).order_by(Candidate.vacancy_id)
            ).all()
    finally:
        app.extensions["integrity_engine"].dispose()
    return Template(workdir, token, [(v, n) for v, n in pairs])


def copy_service(template: Template, workdir: Path, **config: object) -> LiveService:
    """Return a service on a copy of the template's database and key."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("integrity.db", "integrity.db-wal", "signing.key"):
        if (template.workdir / name).exists():
            shutil.copy2(template.workdir / name, workdir / name)
    service = LiveService(workdir, **config)
    service.token = template.token
    return service


def service_app(service: LiveService) -> Flask:
    """Return an app in this process on the service's database and key (for CLI commands)."""
    app = create_app(
        {
            "DATABASE_URL": service.database_url,
            "KEY_FILE": str(service.key_file),
            "LOG_ORIGIN": ORIGIN,
            "SECRET_KEY": "live-service-secret",
            "REQUEST_LOG": "",
        }
    )
    return app


def cli(service: LiveService, *args: str) -> str:
    """Run a ``flask`` command in this process (as the CLI would) and return its output.

    The same command code as ``flask --app integrity_service ...``, without paying
    for a new interpreter and the app's imports on every call.
    """
    app = service_app(service)
    try:
        result = app.test_cli_runner().invoke(args=list(args))
    finally:
        app.extensions["integrity_engine"].dispose()
    assert result.exit_code == 0, f"flask {' '.join(args)}: {result.output}"
    return result.output


def prepare_in_process(service: LiveService) -> None:
    """Create the service's schema, key and bkpsdm token from this process."""
    app = service_app(service)
    try:
        with app.app_context():
            initialise()
        service.token = make_token(app, name="load")
    finally:
        app.extensions["integrity_engine"].dispose()


@pytest.fixture
def live_services() -> Iterator[list[LiveService]]:
    """Collect the services a test starts, and stop every one of them at its end."""
    started: list[LiveService] = []
    yield started
    for service in started:
        service.stop()


@pytest.fixture
def service(
    service_template: Template, tmp_path: Path, live_services: list[LiveService]
) -> LiveService:
    """A service (not started) on a copy of the template, stopped at the test's end."""
    copied = copy_service(service_template, tmp_path / "svc")
    live_services.append(copied)
    return copied
