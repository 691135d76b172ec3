"""Go's sumdb note and tlog (an independent implementation) accept what the real server serves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from gocheck_runner import GoToolchainUnavailableError, run_gocheck

from tests.browser_support import live_server
from tests.conftest import make_app


@pytest.fixture
def served_demo(tmp_path: Path) -> Iterator[str]:
    """Serve the demo ledger on a loopback port and yield its base URL."""
    app: Flask = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    try:
        with live_server(app) as url:
            yield url
    finally:
        app.extensions["integrity_engine"].dispose()


def test_go_verifies_checkpoints_and_proofs_from_the_server(served_demo: str) -> None:
    try:
        result = run_gocheck(served_demo, samples=20, seed=7)
    except GoToolchainUnavailableError as exc:
        pytest.skip(f"Go toolchain unavailable: {exc}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checks passed" in result.stdout
