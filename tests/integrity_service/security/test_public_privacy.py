"""The public routes serve no personal data, and no error shows a stack trace."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from tests.integrity_service.api.factories import bearer, make_token
from tests.integrity_service.security.policy import (
    PUBLIC,
    Actor,
    Route,
    path_values,
    routes,
    send,
)
from tests.integrity_service.security.world import HAS_USERS, PEOPLE, World

# Machine endpoints take their arguments in the query string: ask for real proofs.
QUERIES = {
    "/public/proof/inclusion": ["index=0&size={size}", "index={last}&size={size}"],
    "/public/proof/consistency": ["old=1&size={size}", "old={last}&size={size}"],
    "/public/history": ["page=1"],
}


def public_urls(world: World) -> Iterator[tuple[Route, str]]:
    """Yield every public route with the URLs to ask it (in both languages)."""
    size = world.checkpoint_size
    for route in routes(world.app, path_values(world)):
        if route.policy != PUBLIC or route.method != "GET":
            continue
        urls = [route.path]
        if route.rule.rule == "/public/tlog/tile/<path:rest>":
            urls = [f"/public/tlog/tile/{t}/000.p/{size}" for t in ("0", "entries")]
        for query in QUERIES.get(route.rule.rule, []):
            urls.append(f"{route.path}?{query.format(size=size, last=size - 1)}")
        for url in urls:
            yield route, url
            yield route, url + ("&" if "?" in url else "?") + "lang=en"


def personal_data(world: World) -> dict[str, bytes]:
    """Return what must never be public, as bytes: NIPs (compact and grouped), names,
    and every entry's canonical bytes (text and base64).
    """
    secrets: dict[str, bytes] = {}
    for number, name in PEOPLE:
        grouped = f"{number[:8]} {number[8:14]} {number[14]} {number[15:]}"
        secrets[f"NIP {number}"] = number.encode()
        secrets[f"NIP {grouped}"] = grouped.encode()
        secrets[f"name {name}"] = name.encode()
        secrets[f"name {name.upper()}"] = name.upper().encode()
        secrets[f"surname {name.split()[-1]}"] = name.split()[-1].encode()
    with world.app.app_context(), db.sessions()() as session:
        ledger = SqlLedger(session)
        for seq in range(ledger.size()):
            entry = ledger.entry(seq)
            assert entry is not None and entry.entry_bytes is not None
            secrets[f"entry {seq} bytes"] = entry.entry_bytes
            secrets[f"entry {seq} base64"] = base64.b64encode(entry.entry_bytes)
    return secrets


def _visitors(world: World) -> list[Actor]:
    visitors = [Actor("anonymous", "none"), Actor("visitor", "none", browser=True)]
    if HAS_USERS:  # a signed-in auditor sees no more on the public pages
        visitors.append(Actor("session:admin", "session", "admin", browser=True))
    return visitors


def test_public_routes_serve_no_personal_data(world: World) -> None:
    secrets = personal_data(world)
    leaks = []
    answered = 0
    for route, url in public_urls(world):
        for actor in _visitors(world):
            response = send(world, actor, Route(route.rule, "GET", url, route.policy))
            assert response.status_code < 500, url
            answered += response.status_code == 200
            body = response.get_data()
            leaks += [f"{url} as {actor.name}: {what}" for what, s in secrets.items() if s in body]
    assert leaks == []
    assert answered >= 20, "too few public answers to mean anything"


def test_the_personal_data_scan_finds_what_it_looks_for(world: World) -> None:
    """The scan above can fail: the same data is found in what the API answers BKPSDM."""
    secrets = personal_data(world)
    client = world.app.test_client()
    token = world.tokens["auditor"]
    answer = client.get(f"/api/v1/vacancies/{world.vacancy}", headers=bearer(token)).get_data()
    assert secrets[f"NIP {PEOPLE[0][0]}"] in answer
    receipt = client.get("/api/v1/receipts/0", headers=bearer(token)).get_data()
    assert secrets["entry 0 base64"] in receipt


def _assert_no_trace(text: str) -> None:
    for sign in ("Traceback", 'File "', ".py", "secret detail", "RuntimeError", "/work/"):
        assert sign not in text, sign


@pytest.mark.parametrize("accept", ["text/html", "application/json", "*/*"])
def test_an_unexpected_error_shows_no_stack_trace(
    boom_app: Flask, accept: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert not boom_app.debug
    client = boom_app.test_client()
    token = make_token(boom_app, "auditor")
    with caplog.at_level(logging.ERROR):
        page = client.get("/public/test-boom", headers={"Accept": accept})
        api = client.get("/api/v1/test-boom", headers={**bearer(token), "Accept": accept})
    assert page.status_code == 500 and api.status_code == 500
    for response in (page, api):
        _assert_no_trace(response.get_data(as_text=True))
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 500
    expected = "text/html" if accept == "text/html" else "application/problem+json"
    assert page.mimetype == expected
    assert any(r.exc_info for r in caplog.records), "the error was not logged"


def test_the_api_documents_its_errors_without_internals(boom_app: Flask) -> None:
    """Error answers of the API (404, 405, 400) name no file, module or exception."""
    client = boom_app.test_client()
    token = make_token(boom_app, "bkpsdm")
    for response in (
        client.get("/api/v1/receipts/99999999999999999999", headers=bearer(token)),
        client.get("/api/v1/positions/%00", headers=bearer(token)),
        client.put("/api/v1/positions", headers=bearer(token)),
        client.post(
            "/api/v1/positions",
            data=b"\xff\xfe",
            headers=bearer(token, **{"Content-Type": "application/json"}),
        ),
    ):
        assert response.status_code < 500
        _assert_no_trace(response.get_data(as_text=True))
