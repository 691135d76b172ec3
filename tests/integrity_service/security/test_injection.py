"""SQL metacharacters and markup in every free-text field: kept as data, shown escaped.

Each payload goes into every free-text field the API takes (names, units, positions,
titles, event names, decision makers, decree numbers, justifications, approval
references, relation sources, correction reasons). It must come back unchanged from the
API and in the receipts' entry bytes, leave the schema intact, and appear in HTML pages
only escaped, on the public pages and (once they exist) the auditors' pages.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import inspect

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from tests.integrity_service.api.factories import (
    assessment_json,
    bearer,
    levels,
    make_token,
    nip,
    placement_json,
    position_json,
)
from tests.integrity_service.security.policy import (
    PUBLIC,
    WEB_SESSION,
    Actor,
    Route,
    allowed_roles,
    routes,
    send,
)
from tests.integrity_service.security.world import (
    HAS_USERS,
    World,
    add_user_quickly,
    api_post,
    session_cookie,
)

PAYLOADS = (
    "'; DROP TABLE people; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
)
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
# What a field's value would look like had a layer escaped or quoted it on the way in.
MANGLED = ("&lt;", "&gt;", "&#39;", "&#34;", "&quot;", "&amp;", "\\'", "''")


@dataclass
class Injected:
    """A world whose every free-text field holds the payload."""

    world: World
    payload: str
    seqs: list[int] = field(default_factory=list)
    nips: list[str] = field(default_factory=list)


def strings_in(value: Any) -> Iterator[str]:
    """Yield every string in a JSON value, keys excepted."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for member in value.values():
            yield from strings_in(member)
    elif isinstance(value, list):
        for member in value:
            yield from strings_in(member)


def entry_body(receipt: dict[str, Any]) -> dict[str, Any]:
    """Return the body of the entry a receipt carries."""
    entry: dict[str, Any] = json.loads(base64.b64decode(receipt["entry"]))
    return dict(entry["body"])


def _record(app: Flask, payload: str) -> Injected:
    """Record assessments, a position, a vacancy, a deviating placement, a relation and a
    correction, every free-text field holding ``payload``; check each answer on the way.
    """
    token = make_token(app, "bkpsdm")
    world = World(app, tokens={"bkpsdm": token}, token_names={})
    injected = Injected(world, payload)
    client = app.test_client()
    text = {"name": payload, "unit": payload, "current_position": payload, "event": payload}
    nips = [nip(200 + i) for i in range(4)]
    injected.nips = nips
    results = [assessment_json(n, competencies=levels(5 - i), **text) for i, n in enumerate(nips)]
    recorded = api_post(client, token, "/assessments", {"results": results})
    for receipt in recorded["receipts"]:
        body = entry_body(receipt)
        assert [body[k] for k in text] == [payload] * len(text)
        injected.seqs.append(receipt["seq"])
    position = api_post(
        client, token, "/positions", position_json("INJ-01", title=payload, unit=payload)
    )
    assert (position["position"]["title"], position["position"]["unit"]) == (payload, payload)
    assert entry_body(position["receipt"])["title"] == payload
    world.position = "INJ-01"
    opened = {"position": "INJ-01", "candidates": nips, "opened_on": "2025-08-20"}
    world.vacancy = api_post(client, token, "/vacancies", opened)["id"]
    api_post(client, token, f"/vacancies/{world.vacancy}/ranking")
    free = {
        "decree_number": payload,
        "justification": payload,
        "approval_reference": payload,
        "decided_by": payload,
    }
    decided = api_post(client, token, "/placements", placement_json(world.vacancy, nips[3], **free))
    assert {k: decided["placement"][k] for k in free} == free
    assert {k: entry_body(decided["receipt"]).get(k) for k in free} == free
    world.placements.append(decided["placement"]["id"])
    world.finding = decided["findings"][0]["id"] if decided.get("findings") else None
    relation = {"a": payload, "b": nips[0], "kind": "family", "source": payload}
    declared = api_post(client, token, "/relations", relation)
    assert declared["relation"] == relation
    assert entry_body(declared["receipt"]) == relation
    corrected_result = assessment_json(nips[1], competencies=levels(2), **text)
    correction = {"supersedes": injected.seqs[1], "reason": payload, "result": corrected_result}
    corrected = api_post(client, token, "/assessments/corrections", correction)
    assert corrected["assessment"]["reason"] == payload
    assert payload in strings_in(entry_body(corrected["receipt"]))
    with app.app_context(), db.write_session(db.sessions()) as session:
        stored = SqlLedger(session).sign_checkpoint(keys.signer())
        assert stored is not None
        world.checkpoint_size = stored.size
    if HAS_USERS:
        for role in ("admin", "auditor"):
            world.usernames[role] = f"inj-{role}"
            add_user_quickly(app, world.usernames[role], role)
            world.cookies[role] = session_cookie(app, world.usernames[role])
    return injected


@pytest.fixture(params=PAYLOADS, ids=("sql-drop", "sql-or", "script", "img-onerror"))
def injected(app: Flask, request: pytest.FixtureRequest) -> Injected:
    """The payload recorded in every free-text field."""
    tables = set(inspect(app.extensions["integrity_engine"]).get_table_names())
    recorded = _record(app, request.param)
    assert set(inspect(app.extensions["integrity_engine"]).get_table_names()) == tables
    return recorded


def test_free_text_comes_back_unchanged_from_every_read(injected: Injected) -> None:
    world, payload = injected.world, injected.payload
    client = world.app.test_client()
    token = world.tokens["bkpsdm"]

    def read(path: str) -> dict[str, Any]:
        response = client.get(f"/api/v1{path}", headers=bearer(token))
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        answer: dict[str, Any] = response.get_json()
        return answer

    position = read(f"/positions/{world.position}")["position"]
    assert (position["title"], position["unit"]) == (payload, payload)
    placement = read(f"/placements/{world.placements[0]}")["placement"]
    for name in ("decree_number", "justification", "approval_reference", "decided_by"):
        assert placement[name] == payload, name
    size = world.checkpoint_size
    bodies = [entry_body(read(f"/receipts/{seq}")) for seq in range(size)]
    carried = [body for body in bodies if payload in strings_in(body)]
    assert len(carried) >= len(injected.seqs) + 4  # assessments, position, placement, ...
    for body in bodies:
        for text in strings_in(body):
            assert not any(m in text and m not in payload for m in MANGLED), text


def test_filters_take_sql_metacharacters_as_plain_values(injected: Injected) -> None:
    world = injected.world
    client = world.app.test_client()
    headers = bearer(world.tokens["bkpsdm"])
    every = client.get("/api/v1/findings", headers=headers).get_json()["findings"]
    assert every, "the deviating placement raised no finding"
    for name in ("unit", "rule"):
        for value in (*PAYLOADS, "x' OR '1'='1", "1 OR 1=1"):
            response = client.get(f"/api/v1/findings?{name}={quote(value)}", headers=headers)
            assert response.status_code == 200
            found = response.get_json()["findings"]
            assert all(f[name] == value for f in found), (name, value)
    by_unit = client.get(f"/api/v1/findings?unit={quote(injected.payload)}", headers=headers)
    assert by_unit.get_json()["findings"] == [f for f in every if f["unit"] == injected.payload]


def _pages(injected: Injected) -> Iterator[tuple[Route, Actor, str]]:
    """Yield every HTML page of the public and auditor views, with the path's text."""
    world = injected.world
    values = {
        "placement_id": world.placements[0],
        "vacancy_id": world.vacancy,
        "code": world.position,
        "nip": injected.nips[3],
        "finding_id": world.finding or "F-0",
        "seq": "0",
    }
    admin = Actor("session:admin", "session", "admin", browser=True)
    visitor = Actor("visitor", "none", browser=True)
    for route in routes(world.app, values):
        if route.method != "GET" or route.policy not in (PUBLIC, WEB_SESSION):
            continue
        roles = allowed_roles(world.app, route) or frozenset()
        actor = admin if route.policy == WEB_SESSION else visitor
        if route.policy == WEB_SESSION and ("admin" not in roles or not HAS_USERS):
            continue
        paths = [route.path]
        if route.rule.arguments == {"seq"}:  # every ledger entry
            paths = [route.path[: -len("0")] + str(seq) for seq in range(world.checkpoint_size)]
        for path in paths:
            query = "&".join(f"{n}={quote(injected.payload)}" for n in ("q", "unit", "search"))
            for sent in (path, f"{path}?{query}"):
                yield route, actor, sent


def test_pages_show_free_text_escaped(injected: Injected) -> None:
    world, payload = injected.world, injected.payload
    shown_escaped = []
    for route, actor, path in _pages(injected):
        response = send(world, actor, Route(route.rule, "GET", path, route.policy))
        assert response.status_code < 500, path
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        for markup in MARKUP:
            assert markup not in page, f"{path} shows {markup!r} unescaped"
        if str(escape(payload)) in page:
            shown_escaped.append(path)
    if HAS_USERS and any(p.startswith("/audit/") for _, _, p in _pages(injected)):
        assert any(p.startswith("/audit/") for p in shown_escaped), "no auditor page shows it"
