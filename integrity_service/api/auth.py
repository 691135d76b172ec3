"""Bearer-token authentication and role checks for API routes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, g, request

from integrity_service import db
from integrity_service.accounts import ROLE_PERMISSIONS, Caller, find_token
from integrity_service.problems import Problem

F = TypeVar("F", bound=Callable[..., Any])
REALM = "integrity-service"


class Unauthorized(Problem):
    """A 401 problem carrying the RFC 6750 ``WWW-Authenticate: Bearer`` challenge."""

    def __init__(self, detail: str, *, error: str | None = None) -> None:
        super().__init__(401, "Unauthorized", detail)
        self.challenge = f'Bearer realm="{REALM}"'
        if error is not None:
            self.challenge += f', error="{error}"'

    def to_response(self) -> Response:
        """Return the problem with its challenge header."""
        response = super().to_response()
        response.headers["WWW-Authenticate"] = self.challenge
        return response


def _presented_token() -> str:
    header = request.headers.get("Authorization", "")
    if not header.strip():
        raise Unauthorized("send an API token in the header 'Authorization: Bearer <token>'")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "the Authorization header must be 'Bearer <token>'", error="invalid_request"
        )
    return token.strip()


def authenticate() -> Caller:
    """Return the caller of the current request, or raise a 401 problem."""
    row = find_token(db.session(), _presented_token())
    if row is None:
        raise Unauthorized(
            "the API token is not valid; check that it was copied whole", error="invalid_token"
        )
    if row.revoked_at is not None:
        raise Unauthorized(
            f"the API token {row.name!r} was revoked at {row.revoked_at}; ask for a new one",
            error="invalid_token",
        )
    return Caller(row.name, row.role)


def requires(permission: str) -> Callable[[F], F]:
    """Let a route run only for a valid token whose role grants ``permission``."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            caller = authenticate()
            if not caller.may(permission):
                allowed = sorted(
                    r for r, grants in ROLE_PERMISSIONS.items() if permission in grants
                )
                raise Problem(
                    403,
                    "Forbidden",
                    f"token {caller.name!r} has role {caller.role}, which may not {permission} "
                    f"here; this needs a token of role {' or '.join(allowed)}",
                    role=caller.role,
                )
            g.api_caller = caller
            return view(*args, **kwargs)

        return cast(F, guarded)

    return decorate


def current_caller() -> Caller:
    """Return the caller the `requires` guard admitted."""
    return cast(Caller, g.api_caller)
