"""Security headers on every route's answers, errors included."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.integrity_service.api.factories import bearer, make_token
from tests.integrity_service.security.policy import (
    ACTORS,
    API_TOKEN,
    WEB_SESSION,
    Actor,
    allowed_roles,
    path_values,
    routes,
    send,
)
from tests.integrity_service.security.world import HAS_USERS, World

REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_SCRIPT_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "data:", "*")


def csp_directives(header: str) -> dict[str, list[str]]:
    """Return a Content-Security-Policy's directives: name -> sources."""
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    return directives


def header_problems(response: TestResponse) -> list[str]:
    """Return what is missing or weak in a response's security headers."""
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy")
    if csp is None:
        return ["no Content-Security-Policy"]
    directives = csp_directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None:
        problems.append("CSP restricts no scripts (no script-src or default-src)")
    else:
        problems += [f"CSP script sources allow {s}" for s in UNSAFE_SCRIPT_SOURCES if s in scripts]
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"CSP frame-ancestors is {directives.get('frame-ancestors')}")
    if directives.get("object-src", directives.get("default-src")) != ["'none'"]:
        problems.append("CSP does not forbid plugins (object-src 'none')")
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("X-Frame-Options", "").upper() != "DENY":
        problems.append(f"X-Frame-Options is {headers.get('X-Frame-Options')!r}, not DENY")
    if headers.get("Referrer-Policy", "").lower() not in REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    return problems


def _allowed_actor(app: Flask, route_policy: str | None, roles: frozenset[str] | None) -> Actor:
    if route_policy == API_TOKEN:
        return next(a for a in ACTORS if a.name == "token:bkpsdm")
    if route_policy == WEB_SESSION and roles and HAS_USERS:
        role = sorted(roles)[0]
        return Actor(f"session:{role}", "session", role, browser=True)
    return ACTORS[0]


def test_every_route_sends_the_security_headers(matrix_world: World) -> None:
    app = matrix_world.app
    wrong = []
    for route in routes(app, path_values(matrix_world)):
        roles = allowed_roles(app, route) if route.policy == WEB_SESSION else None
        callers = {ACTORS[0], ACTORS[1], _allowed_actor(app, route.policy, roles)}
        for actor in sorted(callers, key=lambda a: a.name):
            response = send(matrix_world, actor, route)
            wrong += [
                f"{route.label} as {actor.name} -> {response.status_code}: {problem}"
                for problem in header_problems(response)
            ]
    assert wrong == []


def error_answers(app: Flask, token: str) -> Iterator[tuple[str, TestResponse]]:
    """Yield error answers of each kind (400 to 500), as pages and as problem JSON."""
    client = app.test_client()
    html = {"Accept": "text/html"}
    for accept in ({"Accept": "application/json"}, html):
        kind = accept["Accept"]
        yield f"404 {kind}", client.get("/no/such/page", headers=accept)
        yield f"404 public {kind}", client.get("/public/no-such-page", headers=accept)
        yield f"405 {kind}", client.delete("/public/", headers=accept)
        yield f"500 page {kind}", client.get("/public/test-boom", headers=accept)
        yield f"400 {kind}", client.get("/public/proof/inclusion?index=x", headers=accept)
    yield "404 api", client.get("/api/v1/nothing-here")
    yield "401 api", client.get("/api/v1/findings")
    yield "415 api", client.post("/api/v1/positions", data="x", headers=bearer(token))
    yield (
        "400 api",
        client.post(
            "/api/v1/positions",
            data="{",
            headers=bearer(token, **{"Content-Type": "application/json"}),
        ),
    )
    app.config["MAX_CONTENT_LENGTH"] = 100
    yield "413 api", client.post("/api/v1/positions", json={"x": "y" * 200}, headers=bearer(token))
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    yield "500 api", client.get("/api/v1/test-boom", headers=bearer(token))
    if HAS_USERS:
        yield "400 csrf", client.post("/audit/login", data={"username": "x"}, headers=html)


def test_error_answers_send_the_security_headers(boom_app: Flask) -> None:
    token = make_token(boom_app, "bkpsdm")
    reader = make_token(boom_app, "auditor")
    forbidden = boom_app.test_client().post("/api/v1/positions", json={}, headers=bearer(reader))
    wrong = [f"403 api: {p}" for p in header_problems(forbidden)]
    seen = {forbidden.status_code}
    for what, response in error_answers(boom_app, token):
        seen.add(response.status_code)
        wrong += [f"{what} -> {response.status_code}: {p}" for p in header_problems(response)]
    assert wrong == []
    assert {400, 401, 403, 404, 405, 413, 415, 500} <= seen


def test_the_csp_in_force_forbids_inline_scripts(client: FlaskClient) -> None:
    response = client.get("/public/")
    directives = csp_directives(response.headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_pages_carry_no_inline_script(matrix_world: World) -> None:
    """The CSP forbids inline scripts, so a page with one would be broken: none has one."""
    # A script element with content, other than a JSON data block (never executed).
    inline = re.compile(
        r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))[^>]*>\s*\S", re.IGNORECASE
    )
    handlers = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    app = matrix_world.app
    found = []
    for route in routes(app, path_values(matrix_world)):
        if route.method != "GET":
            continue
        roles = allowed_roles(app, route) if route.policy == WEB_SESSION else None
        response = send(matrix_world, _allowed_actor(app, route.policy, roles), route)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        if inline.search(page) or handlers.search(page):
            found.append(route.label)
    assert found == []


def test_answers_that_need_credentials_are_never_cached(matrix_world: World) -> None:
    """Auditor pages and API answers name people: Cache-Control no-store on each."""
    app = matrix_world.app
    cached = []
    for route in routes(app, path_values(matrix_world)):
        if route.policy not in (API_TOKEN, WEB_SESSION) or route.method != "GET":
            continue
        roles = allowed_roles(app, route) if route.policy == WEB_SESSION else None
        for actor in (ACTORS[0], _allowed_actor(app, route.policy, roles)):
            response = send(matrix_world, actor, route)
            if "no-store" not in response.headers.get("Cache-Control", ""):
                cached.append(f"{route.label} as {actor.name} -> {response.status_code}")
    assert cached == []


def test_answers_over_https_ask_for_https_only(client: FlaskClient) -> None:
    secure = client.get("/public/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1]) >= 15552000
