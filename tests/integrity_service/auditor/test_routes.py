"""Every /audit/ route: sign-in required, roles enforced, forms refused without a CSRF token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.integrity_service.api.factories import bearer, make_token, position_json
from tests.integrity_service.auditor.conftest import ROLES, csrf_token

# Sample values for URL arguments: a guard answers before anything is looked up.
ARGUMENTS = {
    "finding_id": "F-0000000000000000",
    "vacancy_id": "VAC-00001",
    "nip": "198001012005011001",
    "seq": 0,
    "username": "nobody",
    "name": "nobody",
    "placement_id": "PL-00001",
}
PUBLIC = {"auditor.login"}


def audit_routes(app: Flask) -> Iterator[tuple[Rule, str, str]]:
    """Yield (rule, method, url) of every /audit/ route but the sign-in page."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/audit/") or rule.endpoint in PUBLIC:
            continue
        url = rule.build({name: ARGUMENTS[name] for name in rule.arguments})[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def allowed_roles(app: Flask, rule: Rule) -> frozenset[str]:
    """Return the roles the route's guard admits."""
    roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
    assert roles is not None, f"{rule.rule} has no role guard (use access.roles_required)"
    return roles


def request(client: FlaskClient, method: str, url: str, *, with_token: bool = True) -> Any:
    """Send a GET, or a POST carrying the session's CSRF token (or none)."""
    if method == "GET":
        return client.get(url)
    data = {"csrf_token": csrf_token(client)} if with_token else {}
    return client.post(url, data=data)


def test_there_are_routes_to_check(web_app: Flask) -> None:
    endpoints = {rule.endpoint for rule, _, _ in audit_routes(web_app)}
    assert {"auditor.dashboard", "auditor.change_status", "auditor.admin"} <= endpoints
    assert len(endpoints) >= 15


def test_every_route_sends_strangers_to_sign_in(web_app: Flask) -> None:
    wrong = []
    for rule, method, url in audit_routes(web_app):
        allowed_roles(web_app, rule)
        response = request(web_app.test_client(), method, url)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/audit/login"):
            wrong.append(f"{method} {url}: {response.status_code} {location}")
    assert wrong == []


def test_every_route_refuses_other_roles(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    clients = {role: signed_in(role) for role in ROLES}
    wrong, refused = [], 0
    for rule, method, url in audit_routes(web_app):
        for role in sorted(set(ROLES) - allowed_roles(web_app, rule)):
            response = request(clients[role], method, url)
            refused += 1
            if response.status_code != 403:
                wrong.append(f"{role} {method} {url}: {response.status_code}")
    assert wrong == []
    assert refused >= 20  # bkpsdm is refused the auditor pages, auditors the admin page


def test_allowed_roles_get_their_pages(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    clients = {role: signed_in(role) for role in ROLES}
    wrong = []
    for rule, method, url in audit_routes(web_app):
        if method != "GET":
            continue
        for role in allowed_roles(web_app, rule):
            response = clients[role].get(url, headers={"Accept": "text/html"})
            body = response.get_data(as_text=True)
            # Other blueprints' routes under /audit/ (reports) may ask for parameters (400).
            expected = (200, 404) if rule.endpoint.startswith("auditor.") else (200, 400, 404)
            if response.status_code not in expected or "Traceback" in body:
                wrong.append(f"{role} GET {url}: {response.status_code}")
    assert wrong == []


def test_forms_without_csrf_token_are_refused(
    web_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    clients = {role: signed_in(role) for role in ROLES}
    posts = [(rule, url) for rule, method, url in audit_routes(web_app) if method == "POST"]
    assert len(posts) >= 5
    for rule, url in posts:
        role = sorted(allowed_roles(web_app, rule))[0]
        response = clients[role].post(url, data={}, headers={"Accept": "text/html"})
        assert response.status_code == 400, f"{role} POST {url}"
        assert "Traceback" not in response.get_data(as_text=True)
    login = web_app.test_client().post("/audit/login", data={"username": "auditor"})
    assert login.status_code == 400


def test_csrf_error_page_says_what_to_do(signed_in: Callable[[str], FlaskClient]) -> None:
    response = signed_in("auditor").post("/audit/verify", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "muat ulang halaman" in page  # Indonesian by default: reload the page


def test_json_api_needs_no_csrf_token(web_app: Flask) -> None:
    token = make_token(web_app, "bkpsdm")
    response = web_app.test_client().post(
        "/api/v1/positions", json=position_json(), headers=bearer(token)
    )
    assert response.status_code == 201, response.get_data(as_text=True)
