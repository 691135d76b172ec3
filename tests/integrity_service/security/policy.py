"""Who may use which route: a policy per URL prefix, the actors, and what each must get.

Routes are read from the app's URL map when a test runs, so a route added later is
checked too; a route no prefix covers fails the tests until it is given a policy here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from integrity_service.accounts import ROLE_PERMISSIONS
from tests.integrity_service.security.world import PEOPLE, World, session_cookie

PUBLIC = "public"  # anyone, no credentials
API_TOKEN = "api-token"  # a bearer token; its role must grant read (GET) or write (others)
WEB_SESSION = "web-session"  # a signed-in user whose role the view's roles_required allows

# Longest matching prefix wins; a prefix without a trailing slash, and "/", match exactly.
POLICIES: tuple[tuple[str, str], ...] = (
    ("/", PUBLIC),  # exactly the site root: a redirect to the public pages
    ("/api/openapi.json", PUBLIC),
    ("/api/v1/", API_TOKEN),
    ("/audit/login", PUBLIC),
    ("/audit/", WEB_SESSION),
    ("/public/", PUBLIC),
    ("/healthz", PUBLIC),
    ("/metrics", PUBLIC),
    ("/static/", PUBLIC),
)
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
READ_METHODS = frozenset({"GET"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Actor:
    """Someone sending requests: nobody, a browser visitor, a token or a signed-in user."""

    name: str
    kind: str  # "none", "token" or "session"
    role: str | None = None
    browser: bool = False


ACTORS: tuple[Actor, ...] = (
    Actor("anonymous", "none"),
    Actor("visitor", "none", browser=True),
    *(Actor(f"token:{role}", "token", role) for role in ROLE_PERMISSIONS),
    *(Actor(f"session:{role}", "session", role, browser=True) for role in ROLE_PERMISSIONS),
)


@dataclass(frozen=True)
class Route:
    """One method of one URL rule, with a concrete path to send."""

    rule: Rule
    method: str
    path: str
    policy: str | None

    @property
    def label(self) -> str:
        """Return ``METHOD /rule`` for messages."""
        return f"{self.method} {self.rule.rule}"


def policy_of(rule: str) -> str | None:
    """Return the policy of a URL rule, or None if no prefix covers it."""
    matches = [
        (prefix, policy)
        for prefix, policy in POLICIES
        if rule == prefix
        or (prefix not in ("/", rule) and prefix.endswith("/") and rule.startswith(prefix))
    ]
    return max(matches, key=lambda match: len(match[0]))[1] if matches else None


def path_values(world: World) -> dict[str, str]:
    """Return plausible values of path parameters by name: recorded ids where they exist.

    Names that would change what other requests see (a token or user to revoke or
    deactivate) get ids that do not exist: a 404 after the guard still tells the guard ran.
    """
    static = Path(world.app.static_folder or "")
    files = sorted(p for p in static.rglob("*") if p.is_file()) if static.is_dir() else []
    return {
        "placement_id": world.placements[0] if world.placements else "PL-00001",
        "vacancy_id": world.vacancy or "VAC-00001",
        "code": world.position or "SEC-ADM-01",
        "seq": "0",
        "nip": PEOPLE[0][0],
        "finding_id": world.finding or "F-0000000000000000",
        "rest": f"0/000.p/{world.checkpoint_size}" if world.checkpoint_size else "0/000",
        "filename": files[0].relative_to(static).as_posix() if files else "none.css",
        "name": "no-such-token",
        "username": "no-such-user",
    }


def routes(app: Flask, values: dict[str, str]) -> list[Route]:
    """Return every routed method of the app with a concrete path (unknown parameters: "1")."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        arguments = {name: values.get(name, "1") for name in rule.arguments}
        built = rule.build(arguments, append_unknown=False)
        assert built is not None, f"cannot build a path for {rule.rule}"
        path = built[1]
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            found.append(Route(rule, method, path, policy_of(rule.rule)))
    return found


def allowed_roles(app: Flask, route: Route) -> frozenset[str] | None:
    """Return the roles a web view's ``roles_required`` guard admits (None: no guard)."""
    roles = getattr(app.view_functions[route.rule.endpoint], "allowed_roles", None)
    return None if roles is None else frozenset(roles)


def send(world: World, actor: Actor, route: Route) -> TestResponse:
    """Send ``route``'s request as ``actor``, each from a fresh client (a fresh browser)."""
    client = world.app.test_client()
    headers = {"Accept": "text/html,application/xhtml+xml" if actor.browser else "*/*"}
    if actor.kind == "token":
        assert actor.role is not None
        headers["Authorization"] = f"Bearer {world.tokens[actor.role]}"
    if actor.kind == "session":
        assert actor.role is not None
        cookie = world.cookies[actor.role]
        if route.rule.endpoint == "auditor.logout":
            # Signing out ends the session for good: sign out of a session of its own.
            cookie = session_cookie(world.app, world.usernames[actor.role])
        client.set_cookie(world.app.config["SESSION_COOKIE_NAME"], cookie)
    body: dict[str, object] = {}
    if route.method not in READ_METHODS:
        body = {"json": {}} if route.path.startswith("/api/") else {"data": {}}
    # buffered: the body is read and the response closed (a static file's too).
    return client.open(route.path, method=route.method, headers=headers, buffered=True, **body)


def sent_to_sign_in(response: TestResponse) -> bool:
    """Tell whether a response is the guard's redirect to the sign-in page.

    Flask-Login's redirect names the page asked for in ``next``; signing out also
    redirects to the sign-in page, but without it.
    """
    location = urlsplit(response.headers.get("Location", ""))
    return (
        response.status_code in REDIRECTS
        and location.path == "/audit/login"
        and "next" in parse_qs(location.query)
    )


def verdict(app: Flask, actor: Actor, route: Route, response: TestResponse) -> str | None:
    """Return what is wrong with ``response`` under the route's policy, or None if nothing."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    refused = status in (401, 403) or sent_to_sign_in(response)
    if route.policy == PUBLIC:
        return f"refused a public route with {status}" if refused else None
    if route.policy == API_TOKEN:
        if actor.kind != "token":
            challenge = response.headers.get("WWW-Authenticate", "")
            ok = status == 401 and challenge.startswith("Bearer")
            return None if ok else f"answered {status} without a token (expected 401 Bearer)"
        assert actor.role is not None
        permission = "read" if route.method in READ_METHODS else "write"
        if permission in ROLE_PERMISSIONS[actor.role]:
            return f"refused a token that may {permission} with {status}" if refused else None
        return None if status == 403 else f"answered {status} to a role that may not {permission}"
    if route.policy == WEB_SESSION:
        roles = allowed_roles(app, route)
        if roles is None:
            return "the view has no roles_required guard (allowed_roles): give it one"
        if actor.kind != "session":
            ok = sent_to_sign_in(response)
            return None if ok else f"answered {status} without a session (expected sign-in)"
        if actor.role in roles:
            return f"refused an allowed role with {status}" if refused else None
        return None if status == 403 else f"answered {status} to a role it does not allow"
    return "no policy covers this route: add its prefix to POLICIES"
