"""Who may use which page: the roles, the guard on every view, and safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext
from flask_login import current_user

from integrity_service.auditor.labels import ROLE_LABELS, label
from integrity_service.problems import Problem
from integrity_service.users import User

F = TypeVar("F", bound=Callable[..., Any])

READERS = ("auditor", "admin")  # read everything, work on findings
ADMINS = ("admin",)  # also manage users and API tokens
SUBMITTERS = ("bkpsdm",)  # see their own submissions and the check results


def roles_required(*roles: str) -> Callable[[F], F]:
    """Let a view run only for a signed-in user of one of ``roles``; else sign-in or 403.

    The roles are kept on the view as ``allowed_roles``, so tests can check every route.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in roles:
                allowed = ", ".join(label(ROLE_LABELS, role) for role in roles)
                raise Problem(
                    403,
                    gettext("Forbidden"),
                    gettext(
                        "Your role (%(role)s) may not use this page; it is for: %(allowed)s.",
                        role=label(ROLE_LABELS, current_user.role),
                        allowed=allowed,
                    ),
                )
            return view(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return cast(F, guarded)

    return decorate


def signed_in_user() -> User:
    """Return the signed-in user (inside a guarded view)."""
    return cast(User, current_user._get_current_object())  # type: ignore[attr-defined]


def home_endpoint(role: str) -> str:
    """Return the endpoint a user of ``role`` lands on after signing in."""
    return "auditor.submissions" if role in SUBMITTERS else "auditor.dashboard"


def safe_next(target: str | None) -> str | None:
    """Return the path of ``target`` if it is a page of these views on this host, else None.

    Flask-Login passes the full URL of the page asked for; anything pointing
    elsewhere (another host, a scheme-relative ``//`` URL) is dropped.
    """
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != request.host):
        return None
    if target.startswith("//") or not parts.path.startswith("/audit/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
