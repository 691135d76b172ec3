"""Fixtures: one app holding the demo scenario, built once and shared by the report tests."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from integrity_service.reports.ledger_facts import CheckpointView, latest_checkpoint
from tests.conftest import make_app

PUBLIC_BASE_URL = "https://verifikasi.kab.example.go.id"


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose database holds the demo scenario (``flask demo``)."""
    folder = tmp_path_factory.mktemp("demo")
    app = make_app(f"sqlite:///{folder / 'integrity.db'}", folder, PUBLIC_BASE_URL=PUBLIC_BASE_URL)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["integrity_engine"].dispose()


@pytest.fixture
def demo_runner(demo_app: Flask) -> FlaskCliRunner:
    """A CLI runner of the demo app."""
    return demo_app.test_cli_runner()


def demo_checkpoint(app: Flask) -> CheckpointView:
    """Return the demo's latest checkpoint, read independently of any report."""
    with app.app_context(), db.sessions()() as session:
        checkpoint = latest_checkpoint(session)
        assert checkpoint is not None
        assert checkpoint.size == SqlLedger(session).size()
        return checkpoint


def render_page_png(pdf: Path, page: int, out: Path) -> Path:
    """Render one page of ``pdf`` to a PNG with Debian's pdftoppm; skip if it is missing."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed: page not rendered")
    prefix = out / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            str(page),
            "-l",
            str(page),
            "-r",
            "150",
            "-png",
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    return prefix.with_suffix(".png")
