"""API tokens: issued once, stored only as a hash, revoked at once; and their CLI commands.

A token is 32 random bytes (``secrets.token_urlsafe``), so a plain SHA-256 of
it is enough to store: there is nothing to brute-force, unlike a password.
Token names are never reused, not even after a revocation, so the ledger's
actor ``token:<name>`` always means one credential.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import NamedTuple

import click
from flask import has_request_context, request
from flask.cli import with_appcontext
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from integrity_service import db
from integrity_service.db import Base
from ledger.entry import utc_now_text

TOKEN_PREFIX = "isv_"
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")

# What each role may do on the API: bkpsdm records, auditor and admin only read
# (an operator does not record placements in the agency's name).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "bkpsdm": frozenset({"read", "write"}),
    "auditor": frozenset({"read"}),
    "admin": frozenset({"read"}),
}
ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)


class TokenError(Exception):
    """A token could not be issued or revoked; the message says why."""


class ApiToken(Base):
    """An API token's name, role and SHA-256 hash (never the token itself)."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32))


@dataclass(frozen=True)
class Caller:
    """Who sent an API request: the token's name and role."""

    name: str
    role: str

    @property
    def actor(self) -> str:
        """Return the actor recorded in ledger entries this caller causes."""
        return f"token:{self.name}"

    def may(self, permission: str) -> bool:
        """Tell whether the caller's role grants ``permission`` ("read" or "write")."""
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())


def token_hash(token: str) -> bytes:
    """Return the SHA-256 digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def issue_token(session: Session, *, name: str, role: str) -> str:
    """Store a new token's hash under ``name`` and return the token (shown only once)."""
    if not NAME_PATTERN.fullmatch(name):
        raise TokenError(f"token name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
    if role not in ROLE_PERMISSIONS:
        raise TokenError(f"role {role!r} is unknown; expected one of {', '.join(ROLES)}")
    existing = session.get(ApiToken, name)
    if existing is not None:
        state = "revoked" if existing.revoked_at else "active"
        raise TokenError(
            f"token name {name!r} is already used ({state}); names are never reused so that "
            "the ledger's actor stays unambiguous: choose another name"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(name=name, role=role, token_hash=token_hash(token), created_at=utc_now_text())
    )
    return token


def revoke_token(session: Session, *, name: str) -> bool:
    """Revoke the named token; return False if it was already revoked."""
    row = session.get(ApiToken, name)
    if row is None:
        raise TokenError(f"no token is named {name!r}")
    if row.revoked_at is not None:
        return False
    row.revoked_at = utc_now_text()
    return True


_MEMO = "integrity.token_rows"
_BY_HASH = "SELECT name, role, token_hash, revoked_at FROM api_tokens WHERE token_hash = ?"


class StoredToken(NamedTuple):
    """What the API needs of a stored token: who it is, its role, and if it was revoked."""

    name: str
    role: str
    token_hash: bytes
    revoked_at: str | None


def find_token(session: Session, token: str) -> StoredToken | None:
    """Return the stored token a presented one hashes to (revoked or not), or None.

    Within one request the answer is looked up once (the rate limiter and the
    guard both ask); each new request reads it again, so a revocation holds at once.
    """
    memo = request.environ.setdefault(_MEMO, {}) if has_request_context() else {}
    if token not in memo:
        memo[token] = _lookup_token(session, token)
    found: StoredToken | None = memo[token]
    return found


def _lookup_token(session: Session, token: str) -> StoredToken | None:
    digest = token_hash(token)
    rows = db.driver_rows(session.connection(), _BY_HASH, (digest,))
    # The lookup already matched; the constant-time comparison keeps the decision
    # itself free of timing differences whatever the database does.
    if not rows or not hmac.compare_digest(bytes(rows[0][2]), digest):
        return None
    name, role, stored_hash, revoked_at = rows[0]
    return StoredToken(name, role, bytes(stored_hash), revoked_at)


@click.command("create-token")
@click.option("--name", required=True, help="Name of the token, recorded as actor token:NAME.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the token may do.")
@with_appcontext
def create_token_command(name: str, role: str) -> None:
    """Create an API token and print it once; only its hash is stored."""
    with db.sessions()() as session, session.begin():
        try:
            token = issue_token(session, name=name, role=role)
        except TokenError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"token {name!r} (role {role}) created; it is shown only this once:", err=True)
    click.echo(token)


@click.command("revoke-token")
@click.option("--name", required=True, help="Name of the token to revoke.")
@with_appcontext
def revoke_token_command(name: str) -> None:
    """Revoke an API token; requests with it are refused from now on."""
    with db.sessions()() as session, session.begin():
        try:
            revoked = revoke_token(session, name=name)
        except TokenError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"token {name!r} {'revoked' if revoked else 'was already revoked'}")
