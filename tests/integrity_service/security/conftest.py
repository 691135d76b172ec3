"""Fixtures of the security tests: a recorded world with a token and a user of each role."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.integrity_service.security.world import World, build_world


@contextmanager
def rate_limited_app(tmp_path: Path, limit: str) -> Iterator[Flask]:
    """Yield an app on a fresh SQLite file whose API accepts ``limit`` per caller."""
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path, API_RATE_LIMIT=limit)
    try:
        yield app
    finally:
        app.extensions["integrity_engine"].dispose()


def _join_background_work() -> None:
    """Let verification runs started by a request end before the database goes away."""
    for thread in threading.enumerate():
        if thread.name.startswith("verify-"):
            thread.join(timeout=30)


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    """The recorded world on the default test app (CSRF protection on)."""
    yield build_world(app)
    _join_background_work()


@pytest.fixture
def matrix_world(tmp_path: Path) -> Iterator[World]:
    """The recorded world on an app without CSRF tokens, so that a form POST reaches the
    view's guard; CSRF protection itself is tested on its own.
    """
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path, WTF_CSRF_ENABLED=False)
    yield build_world(app)
    _join_background_work()
    app.extensions["integrity_engine"].dispose()


def _boom() -> str:
    raise RuntimeError(f"secret detail from {__file__}")


@pytest.fixture
def boom_app(tmp_path: Path) -> Iterator[Flask]:
    """A production-mode app (not TESTING) with test-only routes that fail: a page under
    ``/public/test-boom`` and an API route ``/api/v1/test-boom``.
    """
    app = make_app(f"sqlite:///{tmp_path / 'integrity.db'}", tmp_path, TESTING=False)
    app.add_url_rule("/public/test-boom", "test_boom_page", _boom)
    app.add_url_rule("/api/v1/test-boom", "test_boom_api", _boom)
    yield app
    app.extensions["integrity_engine"].dispose()
