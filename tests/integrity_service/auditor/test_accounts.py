"""Accounts: argon2 hashes only, generic sign-in errors, rate limits, cookies, create-user."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from integrity_service import db
from integrity_service.users import User
from tests.integrity_service.auditor.conftest import PASSWORD, add_user, csrf_token, sign_in

GENERIC = "Nama pengguna atau kata sandi salah"


def _stored(app: Flask) -> dict[str, str]:
    with app.app_context(), db.sessions()() as session:
        return {u.username: u.password_hash for u in session.scalars(select(User))}


def test_passwords_are_stored_only_as_argon2id_hashes(web_app: Flask) -> None:
    stored = _stored(web_app)
    assert set(stored) == {"auditor", "admin", "bkpsdm"}
    for password_hash in stored.values():
        assert password_hash.startswith("$argon2id$")
        assert PASSWORD not in password_hash
        assert PasswordHasher().verify(password_hash, PASSWORD)
    assert len(set(stored.values())) == 3  # salted: same password, different hashes


def test_production_parameters_are_argon2_defaults(app: Flask) -> None:
    add_user(app, "slow", "auditor")
    assert "$m=65536,t=3,p=4$" in _stored(app)["slow"]


def test_sign_in_and_out(web_app: Flask) -> None:
    client = web_app.test_client()
    response = sign_in(client, "Auditor ")  # names are case- and space-insensitive
    assert response.status_code == 302 and response.headers["Location"] == "/audit/"
    assert client.get("/audit/findings").status_code == 200
    token = csrf_token(client, "/audit/")
    assert client.post("/audit/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/audit/findings").status_code == 302


def test_bkpsdm_users_land_on_their_submissions(web_app: Flask) -> None:
    response = sign_in(web_app.test_client(), "bkpsdm")
    assert response.headers["Location"] == "/audit/submissions"


def test_failed_sign_in_does_not_tell_which_part_was_wrong(web_app: Flask) -> None:
    add_user(web_app, "retired", "auditor")
    with web_app.app_context(), db.sessions()() as session, session.begin():
        session.get(User, "retired").active = False
    pages = []
    for username, password in (
        ("auditor", "wrong password!"),
        ("nobody-at-all", "wrong password!"),
        ("nobody-at-all", PASSWORD),
        ("retired", PASSWORD),
    ):
        response = sign_in(web_app.test_client(), username, password)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert GENERIC in page
        typed_back = f'name="username" value="{username}"'
        assert typed_back in page
        pages.append(re.sub(r'value="[^"]*"', 'value=""', page))
    # Apart from the name typed back and the form's token, all four answers are the same page.
    assert len(set(pages)) == 1


def test_deactivated_user_is_signed_out_at_next_request(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    client = signed_in("auditor")
    assert client.get("/audit/").status_code == 200
    with web_app.app_context(), db.sessions()() as session, session.begin():
        session.get(User, "auditor").active = False
    assert client.get("/audit/").status_code == 302


def test_after_sign_in_the_page_asked_for_opens(web_app: Flask) -> None:
    client = web_app.test_client()
    first = client.get("/audit/findings?severity=high")
    assert first.status_code == 302
    target = first.headers["Location"]
    assert target.startswith("/audit/login?next=")
    page = client.get(target).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    nxt = page.split('name="next" value="')[1].split('"')[0]
    response = client.post(
        "/audit/login",
        data={"username": "auditor", "password": PASSWORD, "csrf_token": token, "next": nxt},
    )
    assert response.headers["Location"] == "/audit/findings?severity=high"


@pytest.mark.parametrize(
    "target", ["https://evil.example/audit/", "//evil.example/audit/", "/public/", "/\\evil"]
)
def test_sign_in_never_redirects_elsewhere(web_app: Flask, target: str) -> None:
    client = web_app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/audit/login",
        data={"username": "auditor", "password": PASSWORD, "csrf_token": token, "next": target},
    )
    assert response.headers["Location"] == "/audit/"


def test_sign_in_attempts_are_limited_per_address(web_app: Flask) -> None:
    web_app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = web_app.test_client()
    for _ in range(3):
        assert sign_in(client, "auditor", "wrong password!").status_code == 200
    refused = sign_in(client, "admin", "wrong password!")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan" in refused.get_data(as_text=True)
    # Even the right password waits: the limit counts attempts, not failures.
    assert sign_in(client, "auditor").status_code == 429


def test_sign_in_attempts_are_limited_per_username(web_app: Flask) -> None:
    web_app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        client = web_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert sign_in(client, "auditor", "wrong password!").status_code == 200
    client = web_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    refused = sign_in(client, "AUDITOR", "wrong password!")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert sign_in(client, "admin").status_code == 302  # another name from that address


def _rate_limit_headers(response: TestResponse) -> list[str]:
    return [name for name, _ in response.headers if name == "Retry-After" or "RateLimit" in name]


def test_only_a_refused_sign_in_carries_retry_after(web_app: Flask) -> None:
    web_app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = web_app.test_client()
    assert _rate_limit_headers(client.get("/audit/login")) == []
    failed = sign_in(client, "auditor", "wrong password!")
    assert failed.status_code == 200 and _rate_limit_headers(failed) == []
    signed_in = sign_in(client, "auditor")
    assert signed_in.status_code == 302 and _rate_limit_headers(signed_in) == []
    client = web_app.test_client()
    assert sign_in(client, "auditor", "wrong password!").status_code == 200
    refused = sign_in(client, "auditor", "wrong password!")
    assert refused.status_code == 429
    retry_after = refused.headers["Retry-After"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 60
    assert refused.headers.getlist("Retry-After") == [retry_after]
    json_refused = client.post(
        "/audit/login",
        data={"username": "auditor", "csrf_token": csrf_token(client)},
        headers={"Accept": "application/json"},
    )
    assert json_refused.status_code == 429
    assert json_refused.mimetype == "application/problem+json"
    assert 1 <= int(json_refused.headers["Retry-After"]) <= 60


def test_session_cookie_flags(web_app: Flask) -> None:
    plain = sign_in(web_app.test_client(), "auditor").headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = web_app.test_client().get("/audit/login", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_session_cookie_is_secure_off_loopback_outside_tests(web_app: Flask) -> None:
    web_app.testing = False
    try:
        remote = web_app.test_client().get("/audit/login", base_url="http://audit.kab.example")
        local = web_app.test_client().get("/audit/login", base_url="http://127.0.0.1:5000")
    finally:
        web_app.testing = True
    assert "Secure" in remote.headers["Set-Cookie"]
    assert "Secure" not in local.headers["Set-Cookie"]
    assert "https://" in remote.get_data(as_text=True)  # the page warns why sign-in would fail


def test_create_user_reads_the_password_from_stdin(web_app: Flask) -> None:
    runner = web_app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "--username", "Inspektur.1", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "'inspektur.1'" in result.output
    client = web_app.test_client()
    assert sign_in(client, "inspektur.1", "a long enough password").status_code == 302


def test_create_user_asks_twice_on_a_terminal(web_app: Flask) -> None:
    runner = web_app.test_cli_runner()
    args = ["create-user", "--username", "pemeriksa", "--role", "auditor"]
    result = runner.invoke(
        args=args, input="twelve chars!\ntwelve chars?\ntwelve chars!\ntwelve chars!\n"
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert sign_in(web_app.test_client(), "pemeriksa", "twelve chars!").status_code == 302


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--username", "pendek", "--role", "auditor"], "short\n", "at least 12"),
        (["--username", "auditor", "--role", "auditor"], "long enough pass\n", "already exists"),
        (["--username", "x", "--role", "auditor"], "long enough pass\n", "3-64 lower-case"),
        (["--username", "abc", "--role", "root"], "long enough pass\n", "'root' is not one of"),
    ],
)
def test_create_user_errors_say_what_to_do(
    web_app: Flask, args: list[str], password: str, message: str
) -> None:
    result = web_app.test_cli_runner().invoke(
        args=["create-user", *args, "--password-stdin"], input=password
    )
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
