"""Tokens, passwords and the signing key: stored as hashes, never logged, refused when unsafe."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from integrity_service import db, keys
from integrity_service.accounts import ApiToken
from tests.integrity_service.api.factories import bearer
from tests.integrity_service.security.world import (
    HAS_USERS,
    PASSWORD,
    csrf_token,
    sign_in,
)

_TOKEN = re.compile(r"isv_[A-Za-z0-9_-]{43}")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Collect every log record, at every level, of every logger (those that do not
    propagate to the root included), formatted with its traceback if it has one.
    """
    collector = _Collector()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collector)
        logger.setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(collector)
            logger.setLevel(level)


def database_bytes(app: Flask) -> bytes:
    """Return the raw bytes of the SQLite database file and its journal."""
    app.extensions["integrity_engine"].dispose()
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    stored = b""
    for suffix in ("", "-wal", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            stored += part.read_bytes()
    assert stored, "no database file"
    return stored


def test_api_tokens_are_stored_only_as_hashes_and_never_logged(app: Flask) -> None:
    runner = app.test_cli_runner()
    with every_log_line() as lines:
        created = runner.invoke(args=["create-token", "--name", "sec-cli", "--role", "bkpsdm"])
        assert created.exit_code == 0, created.output
        token = _TOKEN.search(created.stdout)
        assert token is not None, created.output
        secret = token.group()
        client = app.test_client()
        response = client.get("/api/v1/findings", headers=bearer(secret), buffered=True)
        assert response.status_code == 200
        response = client.post("/api/v1/positions", json={}, headers=bearer(secret), buffered=True)
        assert response.status_code == 422
        wrong = client.get("/api/v1/findings", headers=bearer(secret[:-1] + "x"), buffered=True)
        assert wrong.status_code == 401
        assert secret not in wrong.get_data(as_text=True)
    assert lines, "nothing was logged: the capture is not working"
    assert not any(secret in line or secret[4:] in line for line in lines)
    with app.app_context(), db.sessions()() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == "sec-cli")).one()
        assert row.token_hash == hashlib.sha256(secret.encode()).digest()
    assert secret[4:].encode() not in database_bytes(app)


def test_a_revoked_token_stops_working_at_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["create-token", "--name", "sec-gone", "--role", "bkpsdm"])
    token = created.stdout.strip().splitlines()[-1]
    client = app.test_client()  # one client: any state it keeps must not help
    assert client.get("/api/v1/findings", headers=bearer(token)).status_code == 200
    assert runner.invoke(args=["revoke-token", "--name", "sec-gone"]).exit_code == 0
    for method, path in (("GET", "/api/v1/findings"), ("POST", "/api/v1/positions")):
        response = client.open(path, method=method, headers=bearer(token), json={})
        assert response.status_code == 401
        assert "revoked" in response.get_json()["detail"]


@pytest.mark.skipif(not HAS_USERS, reason="no web users yet")
def test_passwords_are_stored_as_argon2_and_never_logged(app: Flask) -> None:
    from integrity_service.users import User

    runner = app.test_cli_runner()
    wrong = PASSWORD + "-salah"
    with every_log_line() as lines:
        created = runner.invoke(
            args=["create-user", "--username", "sec-pw", "--role", "auditor", "--password-stdin"],
            input=PASSWORD + "\n",
        )
        assert created.exit_code == 0, created.output
        assert PASSWORD not in created.output
        assert sign_in(app.test_client(), "sec-pw", wrong) != 302
        assert sign_in(app.test_client(), "no-such-user", PASSWORD) != 302
        assert sign_in(app.test_client(), "sec-pw") == 302
    assert lines, "nothing was logged: the capture is not working"
    assert not any(PASSWORD in line or wrong in line for line in lines)
    with app.app_context(), db.sessions()() as session:
        user = session.get(User, "sec-pw")
        assert user is not None and user.password_hash.startswith("$argon2id$")
    assert PASSWORD.encode() not in database_bytes(app)


@pytest.mark.skipif(not HAS_USERS, reason="no web users yet")
def test_web_session_ids_are_stored_only_as_hashes_and_never_logged(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(
        args=["create-user", "--username", "sec-web", "--role", "auditor", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    client = app.test_client()
    with every_log_line() as lines:
        assert sign_in(client, "sec-web") == 302
        assert client.get("/audit/findings", buffered=True).status_code == 200
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session_id = serializer.loads(cookie.value)["_user_id"]
    assert session_id != "sec-web"
    assert not any(session_id in line or cookie.value in line for line in lines)
    stored = database_bytes(app)
    assert session_id.encode() not in stored
    assert hashlib.sha256(session_id.encode()).digest() in stored


@pytest.mark.skipif(not HAS_USERS, reason="no web users yet")
def test_tokens_made_and_revoked_on_the_admin_page(app: Flask) -> None:
    if "auditor.create_token" not in app.view_functions:
        pytest.skip("no admin page for tokens yet")
    runner = app.test_cli_runner()
    runner.invoke(
        args=["create-user", "--username", "sec-admin", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    admin = app.test_client()
    assert sign_in(admin, "sec-admin") == 302
    with every_log_line() as lines:
        form = {"name": "sec-web", "role": "auditor"}
        form["csrf_token"] = (
            csrf_token(admin.get("/audit/admin", buffered=True).get_data(as_text=True)) or ""
        )
        page = admin.post("/audit/admin/tokens", data=form, follow_redirects=True, buffered=True)
        found = _TOKEN.search(page.get_data(as_text=True))
        assert found is not None, "the new token is not shown"
        token = found.group()
        assert page.headers.get("Cache-Control") == "no-store"
        api = app.test_client()
        assert api.get("/api/v1/findings", headers=bearer(token), buffered=True).status_code == 200
        revoke = {
            "csrf_token": csrf_token(
                admin.get("/audit/admin", buffered=True).get_data(as_text=True)
            )
            or ""
        }
        admin.post("/audit/admin/tokens/sec-web/revoke", data=revoke, buffered=True)
        assert api.get("/api/v1/findings", headers=bearer(token), buffered=True).status_code == 401
        assert token not in admin.get("/audit/admin", buffered=True).get_data(as_text=True)
    assert not any(token in line or token[4:] in line for line in lines)
    assert token[4:].encode() not in database_bytes(app)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_key_file_readable_by_others_is_refused(app: Flask, mode: int) -> None:
    path = app.config["KEY_FILE"]
    os.chmod(path, mode)
    app.extensions.pop("integrity_signer", None)
    with pytest.raises(keys.KeyFileError, match="chmod 600"):
        keys.load_signer(path, app.config["LOG_ORIGIN"])
    client = app.test_client()
    checked = ["/public/key", "/public/"]
    if "ops.healthz" in app.view_functions:
        checked.append("/healthz")
    for url in checked:
        for accept in ("application/json", "text/html"):
            response = client.get(url, headers={"Accept": accept})
            assert response.status_code == 503, f"{url} ({accept})"
            text = response.get_data(as_text=True)
            assert "Traceback" not in text and path not in text
            if accept == "application/json":
                assert response.mimetype == "application/problem+json"
    os.chmod(path, 0o600)
    assert client.get("/public/key").status_code == 200
