"""Fixtures of the auditor views: users of each role, signed-in clients, a small scenario."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from integrity_service import db
from integrity_service.users import TokenOwner, create_user
from tests.integrity_service.auditor.scenario import Scenario, build_scenario

PASSWORD = "correct horse battery staple"
ROLES = ("auditor", "admin", "bkpsdm")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(app: Flask, username: str, role: str, password: str = PASSWORD) -> None:
    """Create a web user."""
    with app.app_context(), db.sessions()() as session, session.begin():
        create_user(session, username=username, role=role, password=password)


def csrf_token(client: FlaskClient, path: str = "/audit/login") -> str:
    """Return the CSRF token of the form on ``path`` (it belongs to the client's session)."""
    page = client.get(path, follow_redirects=True)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found is not None, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    """Submit the sign-in form as a browser would."""
    token = csrf_token(client)
    return client.post(
        "/audit/login", data={"username": username, "password": password, "csrf_token": token}
    )


def signed_in_client(app: Flask, username: str = "auditor") -> FlaskClient:
    """Return a new client (a browser) signed in as ``username``."""
    client = app.test_client()
    response = sign_in(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def session_cookie(app: Flask, client: FlaskClient) -> str:
    """Return the value of the client's signed session cookie."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


# Cheap argon2id parameters: the tests check hashing, not its cost.
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


@pytest.fixture
def web_app(app: Flask) -> Flask:
    """The test app with one user of each role, named after the role."""
    app.config.update(FAST_ARGON2)
    for role in ROLES:
        add_user(app, role, role)
    return app


@pytest.fixture
def signed_in(web_app: Flask) -> Callable[[str], FlaskClient]:
    """Return a factory of clients signed in as the user of a role."""

    return lambda role: signed_in_client(web_app, role)


@pytest.fixture
def scenario(web_app: Flask) -> Scenario:
    """A small scenario recorded through the API by a token the bkpsdm user owns."""
    built = build_scenario(web_app)
    with web_app.app_context(), db.sessions()() as session, session.begin():
        session.add(TokenOwner(token_name=built.token_name, username="bkpsdm"))
    return built
