"""Signed-in web sessions, recorded on the server so that signing out ends them at once.

Flask-Login's "alternative token" pattern: the signed cookie carries a random
session id, not the username, and a cookie counts only while its session's
row is unrevoked, its user active, and the session neither idle nor too old.
Signing out revokes the row, so a copy of the cookie taken before stops
working at once; deactivating a user, or changing their role or password
hash, revokes all of their sessions. There is no "remember me" cookie.

Time limits: a session ends after ``WEB_SESSION_IDLE_MINUTES`` without a page
view (default 30) and ``WEB_SESSION_MAX_HOURS`` after sign-in (default 12),
whatever its activity. The loader notes the last activity (``last_seen_at``)
at most once a minute per session, in its own short transaction, so the idle
limit is kept to within a minute. ``flask prune-web-sessions``
(`integrity_service.web_sessions_prune`) deletes the rows of sessions that ended
long ago.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Connection,
    ForeignKey,
    LargeBinary,
    String,
    and_,
    event,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from integrity_service import db
from integrity_service.db import Base
from integrity_service.users import User
from ledger.entry import parse_utc_text, utc_now_text, utc_text

# The last activity is written only when the stored one is older than this.
TOUCH_INTERVAL = timedelta(seconds=60)
# How long the loader's own writes wait for a lock before giving up (milliseconds).
WRITE_WAIT_MS = 500
LIMIT_KEYS = ("WEB_SESSION_IDLE_MINUTES", "WEB_SESSION_MAX_HOURS")
# Why a session ended (the ``end_reason`` column).
SIGNED_OUT, ACCOUNT_CHANGED, IDLE, MAX_AGE = "signed-out", "account-changed", "idle", "max-age"


class WebSession(Base):
    """A signed-in browser session, revocable at once; its id is kept only as a hash.

    The id is 32 random bytes (``secrets.token_urlsafe``) carried in the signed
    session cookie; like an API token it has nothing to brute-force, so a plain
    SHA-256 of it is stored. Rows stay after revocation: they say who signed in
    when, and when and why the session ended, until ``prune-web-sessions``.
    Times are `utc_now_text` strings (fixed width, so they sort as text too).
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("users.username", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32))
    # Last page view, noted at most once a minute; NULL (a row from before the column
    # existed): idle since created_at. Nullable, so init-db adds it to an old table.
    last_seen_at: Mapped[str | None] = mapped_column(String(32))
    end_reason: Mapped[str | None] = mapped_column(String(16))


def web_session_hash(session_id: str) -> bytes:
    """Return the SHA-256 digest a web session is stored and looked up by."""
    return hashlib.sha256(session_id.encode("utf-8")).digest()


def session_limits(config: Mapping[str, Any]) -> tuple[timedelta, timedelta]:
    """Return the idle limit and the maximum age; raise ValueError unless both are positive."""
    values = []
    for key in LIMIT_KEYS:
        raw = config[key]
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = float(raw)
        except (TypeError, ValueError):
            value = float("nan")
        if not value > 0:
            raise ValueError(f"{key} (INTEGRITY_{key}) must be a positive number, not {raw!r}")
        values.append(value)
    return timedelta(minutes=values[0]), timedelta(hours=values[1])


def start_web_session(session: Session, user: User) -> str:
    """Record a new web session of ``user`` and return its id (for the cookie only).

    The user object then carries the id, so Flask-Login's ``login_user`` puts it
    in the cookie.
    """
    session_id = secrets.token_urlsafe(32)
    now = utc_now_text()
    session.add(
        WebSession(
            id_hash=web_session_hash(session_id),
            username=user.username,
            created_at=now,
            last_seen_at=now,
        )
    )
    user._web_session_id = session_id
    return session_id


def _revoke(session: Session, which: ColumnElement[bool], reason: str) -> int:
    """Revoke the open web sessions ``which`` selects; return how many were open."""
    result = session.execute(
        update(WebSession)
        .where(which, WebSession.revoked_at.is_(None))
        .values(revoked_at=utc_now_text(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def end_web_session(session: Session, session_id: str) -> bool:
    """Revoke one web session (signing out); return whether it was still open."""
    which = WebSession.id_hash == web_session_hash(session_id)
    return bool(_revoke(session, which, SIGNED_OUT))


def end_web_sessions_of(session: Session, username: str) -> int:
    """Revoke every open web session of a user; return how many were open."""
    return _revoke(session, WebSession.username == username, ACCOUNT_CHANGED)


@event.listens_for(Session, "before_flush")
def _end_sessions_of_changed_accounts(session: Session, _context: Any, _instances: Any) -> None:
    """Revoke a user's web sessions when they are deactivated or their role or password
    hash changes through a `User` object, whoever makes the change (admin page, CLI,
    a script). A bulk ``update(User)`` statement bypasses this: call
    `end_web_sessions_of` with it.

    `authenticate` rehashes a password with an UPDATE statement, not through the
    object, so an argon2 parameter upgrade signs no one out.
    """
    changed = set()
    for obj in session.dirty:
        if not isinstance(obj, User):
            continue
        attrs = inspect(obj).attrs
        if (
            attrs.role.history.has_changes()
            or attrs.password_hash.history.has_changes()
            or (attrs.active.history.has_changes() and not obj.active)
        ):
            changed.add(obj.username)
    for username in sorted(changed):
        end_web_sessions_of(session, username)


def _expiry_reason(row: WebSession, now: datetime) -> str | None:
    """Return why an open session no longer counts (idle, too old), or None if it does."""
    idle, max_age = session_limits(current_app.config)
    created = parse_utc_text(row.created_at)
    if now - created > max_age:
        return MAX_AGE
    if now - parse_utc_text(row.last_seen_at or row.created_at) > idle:
        return IDLE
    return None


def _wait_briefly(connection: Connection) -> int | None:
    """Make this transaction wait at most `WRITE_WAIT_MS` for a lock; return what to restore.

    SQLite's busy timeout belongs to the connection (returned, to be restored);
    PostgreSQL's ``SET LOCAL lock_timeout`` ends with the transaction (None).
    """
    if db.is_sqlite(connection.engine):
        previous = int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one())
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(WRITE_WAIT_MS)}")
        return previous
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(WRITE_WAIT_MS)}")
    return None


def _write_quietly(statement: Any, what: str) -> None:
    """Run one UPDATE in its own short transaction; log a refusal instead of raising.

    The loader runs on every page view: a database that refuses the write (full,
    read-only, locked by a long write such as an import) must neither turn a GET
    into an error nor hold it up; the write waits at most `WRITE_WAIT_MS` for a lock.
    """
    session = db.sessions()()
    try:
        connection = session.connection()
        previous = _wait_briefly(connection)
        try:
            session.execute(statement.execution_options(synchronize_session=False))
        finally:
            if previous is not None:  # SQLite: the pooled connection waits as before
                connection.exec_driver_sql(f"PRAGMA busy_timeout={previous}")
        session.commit()
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        current_app.logger.warning("web session: could not %s: %s", what, reason)
        db.discard(session)
    finally:
        session.close()


def session_user(session_id: str) -> User | None:
    """Return the user of an open web session, or None (the cookie then signs no one in).

    A session idle longer than ``WEB_SESSION_IDLE_MINUTES`` or older than
    ``WEB_SESSION_MAX_HOURS`` is refused and marked revoked. Otherwise its last
    activity is noted if the stored one is older than `TOUCH_INTERVAL`.
    """
    id_hash = web_session_hash(session_id)
    found = (
        db.session()
        .execute(
            select(User, WebSession)
            .join(WebSession, WebSession.username == User.username)
            .where(WebSession.id_hash == id_hash)
            .where(WebSession.revoked_at.is_(None))
            .where(User.active.is_(True))
        )
        .first()
    )
    if found is None:
        return None
    user, row = found
    now = datetime.now(UTC)
    open_row = and_(WebSession.id_hash == id_hash, WebSession.revoked_at.is_(None))
    reason = _expiry_reason(row, now)
    if reason is not None:
        statement = (
            update(WebSession).where(open_row).values(revoked_at=utc_text(now), end_reason=reason)
        )
        _write_quietly(statement, "end an expired session")
        return None
    if now - parse_utc_text(row.last_seen_at or row.created_at) > TOUCH_INTERVAL:
        stale = or_(
            WebSession.last_seen_at.is_(None),
            WebSession.last_seen_at < utc_text(now - TOUCH_INTERVAL),
        )
        statement = update(WebSession).where(open_row, stale).values(last_seen_at=utc_text(now))
        _write_quietly(statement, "note the last activity")
    user._web_session_id = session_id
    return user
