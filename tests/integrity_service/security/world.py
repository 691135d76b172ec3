"""A small recorded world for the security tests: a token and a web user of each role,
known people (NIPs and names), a position, a vacancy with its ranking, placements, a
finding, a declared relation and a signed checkpoint.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from integrity_service import db, keys
from integrity_service.accounts import ROLES
from integrity_service.ledger_store import SqlLedger
from ledger.entry import utc_now_text
from tests.integrity_service.api.factories import (
    assessment_json,
    bearer,
    levels,
    make_token,
    nip,
    placement_json,
    position_json,
)

PASSWORD = "sandi-rahasia-untuk-uji-keamanan"
DECIDER = "196501011990031001"
HAS_USERS = importlib.util.find_spec("integrity_service.users") is not None
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_serial = count(1)
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# Personal data the public pages must never show.
PEOPLE: tuple[tuple[str, str], ...] = (
    (nip(101, born="19790214"), "Sri Wahyuningsih Pratiwi"),
    (nip(102, born="19810509"), "Bambang Hadisusanto"),
    (nip(103, born="19830721"), "Yohana Mardiyanti"),
    (nip(104, born="19850930"), "Agustinus Simanjuntak"),
    (nip(105, born="19870112"), "Ni Luh Ketut Sudarmini"),
)


@dataclass
class World:
    """What was recorded, and the credentials of every role."""

    app: Flask
    tokens: dict[str, str]
    token_names: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    position: str = ""
    vacancy: str = ""
    placements: list[str] = field(default_factory=list)
    finding: str | None = None
    checkpoint_size: int = 0


def api_post(client: FlaskClient, token: str, path: str, body: Any = None) -> dict[str, Any]:
    """POST to ``/api/v1<path>`` and return the JSON answer, asserting it was accepted."""
    response = client.post(f"/api/v1{path}", json=body, headers=bearer(token))
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def csrf_token(page: str) -> str | None:
    """Return the CSRF token of the first form on a page, if it has one."""
    found = _CSRF.search(page)
    return None if found is None else found.group(1)


def add_user(app: Flask, username: str, role: str, *, password: str = PASSWORD) -> None:
    """Create a web user as ``create-user`` does (the users module must exist)."""
    from integrity_service.users import create_user

    with app.app_context(), db.sessions()() as session, session.begin():
        create_user(session, username=username, role=role, password=password)


def add_user_quickly(app: Flask, username: str, role: str) -> None:
    """Create a web user whose password hash is cheap to make (it never signs in by form)."""
    from integrity_service.users import User

    with app.app_context(), db.sessions()() as session, session.begin():
        session.add(
            User(
                username=username,
                role=role,
                password_hash=_CHEAP_HASHER.hash(PASSWORD),
                active=True,
                created_at=utc_now_text(),
            )
        )


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> int:
    """Submit the sign-in form as a browser does; return the answer's status."""
    data = {"username": username, "password": password}
    token = csrf_token(client.get("/audit/login", buffered=True).get_data(as_text=True))
    if token is not None:
        data["csrf_token"] = token
    return client.post("/audit/login", data=data, buffered=True).status_code


def session_cookie(app: Flask, username: str) -> str:
    """Return the value of a session cookie of ``username`` signed in (a web session
    recorded as sign-in records one), without the cost of a password check.
    """
    from integrity_service.users import User
    from integrity_service.web_sessions import start_web_session

    with app.app_context(), db.sessions()() as write, write.begin():
        user = write.get(User, username)
        assert user is not None, f"no user {username!r}"
        session_id = start_web_session(write, user)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def _record(world: World) -> None:
    client = world.app.test_client()
    token = world.tokens["bkpsdm"]
    results = [
        assessment_json(number, name=name, competencies=levels(5 - i))
        for i, (number, name) in enumerate(PEOPLE)
    ]
    api_post(client, token, "/assessments", {"results": results})
    nips = [number for number, _ in PEOPLE]
    relation = {"a": DECIDER, "b": nips[1], "kind": "family", "source": "LHKPN 2024"}
    api_post(client, token, "/relations", relation)
    # The first vacancy goes to the best candidate; the second to the fifth (a finding).
    for serial, appointee in ((1, nips[0]), (2, nips[4])):
        code = api_post(client, token, "/positions", position_json(f"SEC-ADM-0{serial}"))
        opened = {
            "position": code["position"]["code"],
            "candidates": nips,
            "opened_on": "2025-08-20",
        }
        vacancy = api_post(client, token, "/vacancies", opened)["id"]
        api_post(client, token, f"/vacancies/{vacancy}/ranking")
        decision = placement_json(vacancy, appointee, decree_number=f"800/{serial}/BKPSDM/2025")
        decided = api_post(client, token, "/placements", decision)
        world.position = world.position or code["position"]["code"]
        world.vacancy = world.vacancy or vacancy
        world.placements.append(decided["placement"]["id"])
        if decided.get("findings"):
            world.finding = decided["findings"][0]["id"]
    assert world.finding is not None, "the deviating placement raised no finding"
    with world.app.app_context(), db.write_session(db.sessions()) as session:
        stored = SqlLedger(session).sign_checkpoint(keys.signer())
        assert stored is not None
        world.checkpoint_size = stored.size


def build_world(app: Flask, *, record: bool = True) -> World:
    """Issue a token and (if the users module exists) a signed-in user of each role."""
    serial = next(_serial)
    names = {role: f"sec{serial}-{role}" for role in ROLES}
    world = World(
        app=app,
        tokens={role: make_token(app, role, name=names[role]) for role in ROLES},
        token_names=names,
    )
    if HAS_USERS:
        for role in ROLES:
            world.usernames[role] = f"sec-{role}"
            add_user_quickly(app, world.usernames[role], role)
            world.cookies[role] = session_cookie(app, world.usernames[role])
    if record:
        _record(world)
    return world
