"""The authorisation matrix: every route of the URL map, times every kind of caller.

The routes are read from the app when the test runs and each is judged by the policy
of its URL prefix (`policy.POLICIES`): a route added later is covered at once, and a
route under no policy fails until it gets one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask

from integrity_service import db
from integrity_service.accounts import revoke_token
from tests.integrity_service.api.factories import make_token
from tests.integrity_service.security.policy import (
    ACTORS,
    API_TOKEN,
    PUBLIC,
    WEB_SESSION,
    Actor,
    allowed_roles,
    path_values,
    routes,
    send,
    sent_to_sign_in,
    verdict,
)
from tests.integrity_service.security.world import (
    HAS_USERS,
    PASSWORD,
    World,
    add_user,
    build_world,
    csrf_token,
)


def test_every_route_has_a_policy(app: Flask) -> None:
    uncovered = [r.label for r in routes(app, {}) if r.policy is None]
    assert uncovered == [], "routes under no policy prefix; add them to policy.POLICIES"


def test_the_policies_cover_the_api_and_the_public_log(app: Flask) -> None:
    found = {r.policy for r in routes(app, {})}
    assert {API_TOKEN, PUBLIC} <= found
    assert any(r.rule.rule.startswith("/api/v1/") and r.method == "POST" for r in routes(app, {}))


@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.name)
def test_every_route_answers_each_caller_as_its_policy_says(
    matrix_world: World, actor: Actor
) -> None:
    if actor.kind == "session" and not HAS_USERS:
        pytest.skip("no web users yet (integrity_service.users)")
    app = matrix_world.app
    checked = routes(app, path_values(matrix_world))
    wrong = []
    for route in checked:
        response = send(matrix_world, actor, route)
        problem = verdict(app, actor, route, response)
        if problem is not None:
            wrong.append(f"{route.label} ({route.path}) as {actor.name}: {problem}")
    assert wrong == []
    assert len(checked) >= 10


def test_web_sessions_are_refused_by_every_api_route(matrix_world: World) -> None:
    """A cookie never authenticates the API (it is exempt from CSRF, so it must not)."""
    if not HAS_USERS:
        pytest.skip("no web users yet")
    api = [r for r in routes(matrix_world.app, path_values(matrix_world)) if r.policy == API_TOKEN]
    for role in matrix_world.cookies:
        for route in api:
            response = send(matrix_world, Actor(f"session:{role}", "session", role), route)
            assert response.status_code == 401, f"{route.label} as session:{role}"


def test_unknown_malformed_and_revoked_tokens_are_refused_everywhere(world: World) -> None:
    app = world.app
    revoked = make_token(app, "bkpsdm", name="sec-revoked")
    with app.app_context(), db.sessions()() as session, session.begin():
        assert revoke_token(session, name="sec-revoked")
    api = [r for r in routes(app, path_values(world)) if r.policy == API_TOKEN]
    headers = (
        {"Authorization": f"Bearer {revoked}"},
        {"Authorization": "Bearer isv_" + "A" * 43},
        {"Authorization": f"Basic {world.tokens['bkpsdm']}"},
        {"Authorization": f"Bearer {world.tokens['bkpsdm']}x"},
        {"Authorization": "Bearer"},
        {"Authorization": f"bearer  {world.tokens['bkpsdm'][:-1]}"},
    )
    client = app.test_client()
    for route in api:
        for header in headers:
            response = client.open(route.path, method=route.method, headers=header, json={})
            assert response.status_code == 401, f"{route.label} with {header}"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_user_is_signed_out_at_once(matrix_world: World) -> None:
    if not HAS_USERS:
        pytest.skip("no web users yet")
    from integrity_service.users import User

    app = matrix_world.app
    guarded = [
        r
        for r in routes(app, path_values(matrix_world))
        if r.policy == WEB_SESSION
        and r.method == "GET"
        and "auditor" in (allowed_roles(app, r) or ())
    ]
    assert guarded, "no page for auditors to check"
    auditor = Actor("session:auditor", "session", "auditor", browser=True)
    assert not sent_to_sign_in(send(matrix_world, auditor, guarded[0]))
    with app.app_context(), db.sessions()() as session, session.begin():
        user = session.get(User, matrix_world.usernames["auditor"])
        assert user is not None
        user.active = False
    for route in guarded:
        assert sent_to_sign_in(send(matrix_world, auditor, route)), route.label


def test_every_web_form_needs_a_csrf_token(world: World) -> None:
    """With CSRF protection on (the default), a form POST without its token is refused."""
    app = world.app
    posts = [
        r
        for r in routes(app, path_values(world))
        if r.policy == WEB_SESSION and r.method not in ("GET",)
    ]
    if not posts or not HAS_USERS:
        pytest.skip("no web forms yet")
    for route in posts:
        roles = sorted(allowed_roles(app, route) or ())
        assert roles, f"{route.label} has no roles_required guard"
        actor = Actor(f"session:{roles[0]}", "session", roles[0], browser=True)
        response = send(world, actor, route)
        assert response.status_code == 400, f"{route.label} accepted a form without CSRF token"
    login_page = app.test_client().get("/audit/login").get_data(as_text=True)
    assert csrf_token(login_page), "the sign-in form carries no CSRF token"


def test_the_matrix_catches_unguarded_and_unplaced_routes(app: Flask) -> None:
    """Routes added without a guard, or outside every prefix, are reported (the checks can fail)."""

    def open_view() -> str:
        return "open"

    app.add_url_rule("/api/v1/test-open", "test_open_api", open_view)
    app.add_url_rule("/audit/test-open", "test_open_page", open_view)
    app.add_url_rule("/test-elsewhere", "test_elsewhere", open_view)
    world = build_world(app, record=False)
    found = {r.rule.rule: r for r in routes(app, {})}
    anonymous = ACTORS[0]
    for path in ("/api/v1/test-open", "/audit/test-open", "/test-elsewhere"):
        response = send(world, anonymous, found[path])
        assert response.status_code == 200
        assert verdict(app, anonymous, found[path], response) is not None, path
    assert found["/test-elsewhere"].policy is None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/audit/",
        "/\\evil.example",
        "/public/",
        "javascript:x",
    ],
)
def test_signing_in_never_redirects_off_the_auditor_pages(app: Flask, target: str) -> None:
    if not HAS_USERS or "auditor.login" not in app.view_functions:
        pytest.skip("no sign-in yet")
    add_user(app, "sec-next", "auditor")
    client = app.test_client()
    data = {"username": "sec-next", "password": PASSWORD}
    data["csrf_token"] = csrf_token(client.get("/audit/login").get_data(as_text=True)) or ""
    response = client.post("/audit/login", query_string={"next": target}, data=data)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost") and location.path.startswith("/audit/")
