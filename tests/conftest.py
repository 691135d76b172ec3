"""Shared fixtures: an app on a fresh database (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from integrity_service import create_app
from integrity_service.cli import initialise

POSTGRES_URL = os.environ.get("INTEGRITY_TEST_POSTGRES_URL")
ORIGIN = "test.kab.example/ledger"


def _postgres_schema_url(base_url: str) -> Iterator[str]:
    """Create a fresh schema for one test and yield a URL whose search_path is that schema."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield a fresh database URL: a SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'integrity.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("INTEGRITY_TEST_POSTGRES_URL is not set: PostgreSQL storage test skipped")
    yield from _postgres_schema_url(POSTGRES_URL)


def make_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    """Create an initialised app (schema and signing key) on the given database."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "KEY_FILE": str(tmp_path / "signing.key"),
        "LOG_ORIGIN": ORIGIN,
        "SECRET_KEY": "test-secret",
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        initialise()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh SQLite database."""
    application = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path)
    yield application
    application.extensions["integrity_engine"].dispose()


@pytest.fixture
def storage_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on each storage engine in turn (SQLite, and PostgreSQL when configured)."""
    application = make_app(database_url, tmp_path)
    yield application
    application.extensions["integrity_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the SQLite app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner of the SQLite app."""
    return app.test_cli_runner()
