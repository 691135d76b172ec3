"""Signed-in web sessions, recorded on the server so that signing out ends them at once.

Flask-Login's "alternative token" pattern: the signed cookie carries a random
session id, not the username, and a cookie counts only while its session's
row is unrevoked and its user active. Signing out revokes the row, so a copy
of the cookie taken before stops working at once; deactivating a user, or
changing their role or password hash, revokes all of their sessions. There is
no "remember me" cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    LargeBinary,
    String,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from integrity_service import db
from integrity_service.db import Base
from integrity_service.users import User
from ledger.entry import utc_now_text


class WebSession(Base):
    """A signed-in browser session, revocable at once; its id is kept only as a hash.

    The id is 32 random bytes (``secrets.token_urlsafe``) carried in the signed
    session cookie; like an API token it has nothing to brute-force, so a plain
    SHA-256 of it is stored. Rows stay after revocation: they say who signed in
    when, and when the session ended.
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    username: Mapped[str] = mapped_column(
        ForeignKey("users.username", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32))


def web_session_hash(session_id: str) -> bytes:
    """Return the SHA-256 digest a web session is stored and looked up by."""
    return hashlib.sha256(session_id.encode("utf-8")).digest()


def start_web_session(session: Session, user: User) -> str:
    """Record a new web session of ``user`` and return its id (for the cookie only).

    The user object then carries the id, so Flask-Login's ``login_user`` puts it
    in the cookie.
    """
    session_id = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_hash=web_session_hash(session_id),
            username=user.username,
            created_at=utc_now_text(),
        )
    )
    user._web_session_id = session_id
    return session_id


def _revoke(session: Session, which: ColumnElement[bool]) -> int:
    """Revoke the open web sessions ``which`` selects; return how many were open."""
    result = session.execute(
        update(WebSession)
        .where(which, WebSession.revoked_at.is_(None))
        .values(revoked_at=utc_now_text())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def end_web_session(session: Session, session_id: str) -> bool:
    """Revoke one web session (signing out); return whether it was still open."""
    return bool(_revoke(session, WebSession.id_hash == web_session_hash(session_id)))


def end_web_sessions_of(session: Session, username: str) -> int:
    """Revoke every open web session of a user; return how many were open."""
    return _revoke(session, WebSession.username == username)


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


def session_user(session_id: str) -> User | None:
    """Return the user of an open web session, or None (the cookie then signs no one in)."""
    user = db.session().scalar(
        select(User)
        .join(WebSession, WebSession.username == User.username)
        .where(WebSession.id_hash == web_session_hash(session_id))
        .where(WebSession.revoked_at.is_(None))
        .where(User.active.is_(True))
    )
    if user is not None:
        user._web_session_id = session_id
    return user
