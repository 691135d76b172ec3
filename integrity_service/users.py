"""Web users: accounts with argon2 password hashes, Flask-Login, and ``create-user``.

``init_app`` also sets up what every page's security rests on:

- CSRF tokens on every form (Flask-WTF), except the bearer-token JSON API;
- the session cookie: HttpOnly, SameSite=Lax, and Secure when it matters.
  ``SESSION_COOKIE_SECURE = True`` (``INTEGRITY_SESSION_COOKIE_SECURE=true``)
  always marks it Secure; otherwise it is Secure whenever the request came
  over HTTPS, and also over plain HTTP to any host but a loopback address
  (so a production host behind a TLS proxy is covered even without
  ProxyFix). Only tests, debug mode and ``http://127.0.0.1`` (``make demo``)
  get a cookie without the flag; a plain-HTTP intranet host cannot keep a
  sign-in, and the sign-in page says so: serve the views over HTTPS.
- login attempts rate-limited per client address and per username
  (``LOGIN_RATE_LIMIT``, default 10 per minute; Flask-Limiter with in-memory
  storage, so the limit counts per process; behind a proxy, the address is
  the proxy's unless ProxyFix is configured). Only a refused attempt (429)
  carries ``Retry-After``; no rate-limit headers on other answers.
- a server-side registry of signed-in sessions (`web_sessions`): the cookie
  names a session, which signing out or a change to the account ends at once,
  and which ends after ``WEB_SESSION_IDLE_MINUTES`` idle or
  ``WEB_SESSION_MAX_HOURS`` after sign-in.

Passwords are hashed with argon2id; ``ARGON2_TIME_COST``, ``ARGON2_MEMORY_COST``
and ``ARGON2_PARALLELISM`` default to argon2-cffi's (RFC 9106 low-memory) profile.
"""

from __future__ import annotations

import contextlib
import re
import sys
from typing import Any

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, Response, current_app, request
from flask.cli import with_appcontext
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import Boolean, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from integrity_service import db, errors
from integrity_service.accounts import ROLES
from integrity_service.db import Base
from integrity_service.problems import Problem
from ledger.entry import utc_now_text

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

# argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile); tests set cheaper ones.
ARGON2_DEFAULTS = {"ARGON2_TIME_COST": 3, "ARGON2_MEMORY_COST": 65536, "ARGON2_PARALLELISM": 4}
csrf = CSRFProtect()
# No rate-limit headers: Flask-Limiter would put Retry-After (and X-RateLimit-*) on every
# answer of a limited route, even a successful sign-in; the 429 handler
# (auditor/auth.py) sets Retry-After itself.
limiter = Limiter(get_remote_address, storage_uri="memory://", headers_enabled=False)
login_manager = LoginManager()
_dummy_hashes: dict[tuple[int, int, int], str] = {}


class UserError(Exception):
    """A user could not be created or changed; the message says why and what to do."""


class User(Base):
    """A person who signs in to the web views, with a role and an argon2 password hash."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(32))

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        """Return True: a loaded user has signed in."""
        return True

    @property
    def is_active(self) -> bool:
        """Return whether the account may sign in."""
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        """Return False: this is a real account."""
        return False

    def get_id(self) -> str:
        """Return the id Flask-Login keeps in the cookie: the web session's, not the username.

        Set by `start_web_session` (at sign-in) or by the user loader (on each request).
        """
        session_id: str | None = self.__dict__.get("_web_session_id")
        if session_id is None:
            raise RuntimeError(f"user {self.username!r} has no web session; sign in first")
        return session_id

    @property
    def actor(self) -> str:
        """Return the actor recorded in ledger entries this user causes."""
        return f"user:{self.username}"


class TokenOwner(Base):
    """Which BKPSDM user an API token belongs to (so they see what it submitted)."""

    __tablename__ = "api_token_owners"

    token_name: Mapped[str] = mapped_column(ForeignKey("api_tokens.name"), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)


def password_hasher() -> PasswordHasher:
    """Return the argon2id hasher with the app's parameters (``ARGON2_*`` in the config)."""
    config = current_app.config
    return PasswordHasher(
        time_cost=int(config.get("ARGON2_TIME_COST", ARGON2_DEFAULTS["ARGON2_TIME_COST"])),
        memory_cost=int(config.get("ARGON2_MEMORY_COST", ARGON2_DEFAULTS["ARGON2_MEMORY_COST"])),
        parallelism=int(config.get("ARGON2_PARALLELISM", ARGON2_DEFAULTS["ARGON2_PARALLELISM"])),
    )


def normalise_username(text: str) -> str:
    """Return the username as stored: stripped and lower-case."""
    return text.strip().lower()


def check_password(password: str) -> None:
    """Raise `UserError` unless the password is long enough (and not absurdly long)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH}"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"the password is longer than {MAX_PASSWORD_LENGTH} characters")


def create_user(session: Session, *, username: str, role: str, password: str) -> User:
    """Add a user with an argon2 hash of ``password``; raise `UserError` if not possible."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise UserError(
            f"username {username!r}: use 3-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if role not in ROLES:
        raise UserError(f"role {role!r} is unknown; expected one of {', '.join(ROLES)}")
    check_password(password)
    if session.get(User, name) is not None:
        raise UserError(f"user {name!r} already exists; choose another username")
    user = User(
        username=name,
        role=role,
        password_hash=password_hasher().hash(password),
        active=True,
        created_at=utc_now_text(),
    )
    session.add(user)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user these credentials belong to, or None (same cost either way)."""
    hasher = password_hasher()
    user = session.get(User, normalise_username(username))
    if user is None:
        # Verify against a dummy hash so an unknown name costs as long as a wrong password.
        key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
        if key not in _dummy_hashes:
            _dummy_hashes[key] = hasher.hash("not the password of anyone")
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hashes[key], password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        # An UPDATE statement, not an attribute change: the same password, so the
        # user's other sessions stay open (see _end_sessions_of_changed_accounts).
        session.execute(
            update(User)
            .where(User.username == user.username)
            .values(password_hash=hasher.hash(password))
        )
    return user


def actors_of(session: Session, user: User) -> set[str]:
    """Return the ledger actors that stand for this user: themself and their API tokens."""
    tokens = session.scalars(
        select(TokenOwner.token_name).where(TokenOwner.username == user.username)
    )
    return {user.actor, *(f"token:{name}" for name in tokens)}


def cookie_is_secure(app: Flask) -> bool:
    """Tell whether the current request's session cookie is marked Secure (see the docstring)."""
    if app.config["SESSION_COOKIE_SECURE"] or request.is_secure:
        return True
    if app.testing or app.debug:
        return False
    return request.host.rsplit(":", 1)[0] not in LOOPBACK_HOSTS


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure by `cookie_is_secure`."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookie_is_secure(app)


def _csrf_failed(_error: CSRFError) -> Response:
    return errors.answer(
        Problem(
            400,
            gettext("Form expired"),
            gettext(
                "The form's security token is missing or has expired. Go back, reload the page "
                "and submit the form again."
            ),
        )
    )


def init_app(app: Flask) -> None:
    """Set up sign-in, CSRF protection, the session cookie and the login rate limit."""
    from integrity_service import web_sessions  # it imports User from here
    from integrity_service.api import bp as api_bp

    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("LOGIN_RATE_LIMIT", "10 per minute")
    for name, value in ARGON2_DEFAULTS.items():
        app.config.setdefault(name, value)
    web_sessions.session_limits(app.config)  # a bad time limit fails at start, not per page
    app.session_interface = _SessionInterface()
    csrf.init_app(app)
    csrf.exempt(api_bp)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auditor.login"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(web_sessions.session_user)
    app.register_error_handler(CSRFError, _csrf_failed)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: Any = click.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt="Repeat the password",
    )
    return str(password)


@click.command("create-user")
@click.option("--username", required=True, help="Sign-in name: 3-64 lower-case letters, digits.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking.",
)
@with_appcontext
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Create a web user; the password is asked twice (or read from standard input)."""
    password = _read_password(password_stdin)
    with db.sessions()() as session, session.begin():
        try:
            user = create_user(session, username=username, role=role, password=password)
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
        name = user.username
    click.echo(f"user {name!r} (role {role}) created")
