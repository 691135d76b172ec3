"""Web sessions recorded on the server: signing out, deactivating a user or changing their role
or password ends them at once, even for a copy of the cookie taken before.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity_service import db
from integrity_service.users import User
from integrity_service.web_sessions import WebSession
from tests.integrity_service.auditor.conftest import (
    FAST_ARGON2,
    csrf_token,
    session_cookie,
    sign_in,
    signed_in_client,
)

PAGE = "/audit/findings"


def _cookie_session(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """Return what the client's signed session cookie holds."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    data: dict[str, Any] = serializer.loads(session_cookie(app, client))
    return data


def _replay(app: Flask, cookie: str) -> FlaskClient:
    """Return a fresh client (another browser) holding a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return client


def _sent_to_sign_in(client: FlaskClient) -> bool:
    response = client.get(PAGE)
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/audit/login?next="
    )


def _sign_out(client: FlaskClient) -> None:
    token = csrf_token(client, "/audit/")
    response = client.post("/audit/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/audit/login"


def _rows(app: Flask, username: str) -> list[WebSession]:
    with app.app_context(), db.sessions()() as session:
        query = select(WebSession).where(WebSession.username == username)
        return list(session.scalars(query.order_by(WebSession.created_at)))


def test_a_cookie_copied_before_sign_out_is_refused_after(web_app: Flask) -> None:
    client = signed_in_client(web_app, "auditor")
    stolen = session_cookie(web_app, client)
    assert _replay(web_app, stolen).get(PAGE).status_code == 200  # the copy works while open
    _sign_out(client)
    assert _sent_to_sign_in(_replay(web_app, stolen))
    assert _sent_to_sign_in(client)
    (row,) = _rows(web_app, "auditor")
    assert row.revoked_at is not None


def test_a_cookie_copied_before_sign_out_cannot_sign_out_or_post(web_app: Flask) -> None:
    client = signed_in_client(web_app, "admin")
    thief = _replay(web_app, session_cookie(web_app, client))
    token = csrf_token(thief, "/audit/")  # the form's token, taken while the session was open
    _sign_out(client)
    response = thief.post(
        "/audit/admin/tokens", data={"name": "stolen", "role": "bkpsdm", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/audit/login?next=")


def test_signing_out_of_one_session_leaves_the_other_open(web_app: Flask) -> None:
    laptop = signed_in_client(web_app, "auditor")
    phone = signed_in_client(web_app, "auditor")
    assert (
        _cookie_session(web_app, laptop)["_user_id"]
        != (_cookie_session(web_app, phone)["_user_id"])
    )
    _sign_out(laptop)
    assert _sent_to_sign_in(laptop)
    assert phone.get(PAGE).status_code == 200
    assert [row.revoked_at is None for row in _rows(web_app, "auditor")] == [False, True]


def test_deactivating_a_user_ends_all_their_sessions(web_app: Flask) -> None:
    sessions = [signed_in_client(web_app, "auditor") for _ in range(2)]
    copies = [_replay(web_app, session_cookie(web_app, client)) for client in sessions]
    others = signed_in_client(web_app, "bkpsdm")
    admin = signed_in_client(web_app, "admin")
    token = csrf_token(admin, "/audit/admin")
    response = admin.post(
        "/audit/admin/users/auditor/active", data={"active": "0", "csrf_token": token}
    )
    assert response.status_code == 302
    for client in sessions + copies:
        assert _sent_to_sign_in(client)
    assert all(row.revoked_at is not None for row in _rows(web_app, "auditor"))
    assert others.get("/audit/submissions").status_code == 200  # other users stay signed in
    # Reactivated, the user signs in afresh: the sessions that were open stay ended.
    token = csrf_token(admin, "/audit/admin")
    admin.post("/audit/admin/users/auditor/active", data={"active": "1", "csrf_token": token})
    for client in sessions + copies:
        assert _sent_to_sign_in(client)
    assert signed_in_client(web_app, "auditor").get(PAGE).status_code == 200


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("role", "bkpsdm"),
        ("password_hash", "$argon2id$v=19$m=1024,t=1,p=1$changed"),
        ("active", False),
    ],
)
def test_a_changed_role_password_or_activity_ends_the_sessions(
    web_app: Flask, attribute: str, value: object
) -> None:
    client = signed_in_client(web_app, "auditor")
    other = signed_in_client(web_app, "admin")
    with web_app.app_context(), db.sessions()() as session, session.begin():
        user = session.get(User, "auditor")
        assert user is not None
        setattr(user, attribute, value)
    assert all(row.revoked_at is not None for row in _rows(web_app, "auditor"))
    assert _sent_to_sign_in(client)
    assert other.get(PAGE).status_code == 200
    assert [row.revoked_at for row in _rows(web_app, "admin")] == [None]


def test_an_unchanged_account_keeps_its_sessions(web_app: Flask) -> None:
    client = signed_in_client(web_app, "auditor")
    with web_app.app_context(), db.sessions()() as session, session.begin():
        user = session.get(User, "auditor")
        assert user is not None
        user.role, user.active = "auditor", True  # the same values: nothing changed
    assert client.get(PAGE).status_code == 200


def test_a_rehash_at_sign_in_keeps_the_other_sessions(web_app: Flask) -> None:
    first = signed_in_client(web_app, "auditor")
    web_app.config["ARGON2_TIME_COST"] = FAST_ARGON2["ARGON2_TIME_COST"] + 1
    second = signed_in_client(web_app, "auditor")
    with web_app.app_context(), db.sessions()() as session:
        user = session.get(User, "auditor")
        assert user is not None and "$m=1024,t=2,p=1$" in user.password_hash
    assert first.get(PAGE).status_code == 200
    assert second.get(PAGE).status_code == 200


def test_only_a_hash_of_the_session_id_is_stored(web_app: Flask) -> None:
    client = signed_in_client(web_app, "auditor")
    session_id = _cookie_session(web_app, client)["_user_id"]
    assert isinstance(session_id, str) and len(session_id) >= 43  # 32 random bytes
    assert session_id != "auditor"  # the cookie names a session, not the user
    (row,) = _rows(web_app, "auditor")
    assert row.id_hash == hashlib.sha256(session_id.encode()).digest()
    assert session_id.encode() not in row.id_hash
    assert row.created_at and row.revoked_at is None


def test_a_cookie_naming_a_user_signs_no_one_in(web_app: Flask) -> None:
    """A cookie of the old kind (the username as the id), or a made-up id, is refused."""
    for forged in ("auditor", "x" * 43):
        client = web_app.test_client()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = forged
            flask_session["_fresh"] = True
        assert _sent_to_sign_in(client)


def test_sign_in_starts_a_fresh_session(web_app: Flask) -> None:
    client = web_app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by someone else"
        flask_session["lang"] = "en"
    before = session_cookie(web_app, client)
    assert sign_in(client, "auditor").status_code == 302
    held = _cookie_session(web_app, client)
    assert "planted" not in held and held["lang"] == "en"
    assert session_cookie(web_app, client) != before
