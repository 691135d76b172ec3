"""Idempotency keys: a retried write answers its first response and appends nothing.

A key is scoped to the token that sent it. It is stored in the same
transaction as the write it belongs to, so a crash can never leave a write
recorded without its key (a retry would append it twice) or a key without its
write. Only successful writes are remembered: a refused write rolled back, so
its retry is simply tried again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from integrity_service.db import Base, driver_rows
from ledger.entry import utc_now_text

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255


class IdempotencyKeyError(Exception):
    """The header's key is malformed; the message says how."""


class KeyReusedError(Exception):
    """The key was already used by this token for a different request."""

    def __init__(self, key: str, first_request: str) -> None:
        super().__init__(f"{HEADER} {key!r} was already used for a different request")
        self.key = key
        self.first_request = first_request


_LOOKUP = (
    "SELECT request_hash, request_line, status, body FROM idempotency_keys"
    " WHERE token_name = ? AND key = ?"
)
_INSERT = (
    "INSERT INTO idempotency_keys"
    " (token_name, key, request_hash, request_line, status, body, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


class IdempotencyRecord(Base):
    """The first response to a write sent with an idempotency key."""

    __tablename__ = "idempotency_keys"

    token_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    request_line: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


@dataclass(frozen=True)
class StoredResponse:
    """A response to answer again: its status and exact body text."""

    status: int
    body: str


def parse_key(header: str) -> str:
    """Return the key of an ``Idempotency-Key`` header (quoted or not) or raise."""
    text = header.strip()
    # The IETF draft sends a structured-field string ("..."); many clients send it bare.
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if not text:
        raise IdempotencyKeyError(f"{HEADER} is empty; send a unique key such as a UUID")
    if len(text) > KEY_MAX_LENGTH:
        raise IdempotencyKeyError(
            f"{HEADER} is {len(text)} characters long; at most {KEY_MAX_LENGTH} are allowed"
        )
    if not all(" " <= char <= "~" for char in text) or '"' in text or "\\" in text:
        raise IdempotencyKeyError(
            f"{HEADER} may hold only printable ASCII characters other than '\"' and '\\'"
        )
    return text


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """Return a hash of what makes two requests the same: method, path and decoded body."""
    canonical = json.dumps(
        [method, path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def replay(
    session: Session, *, token_name: str, key: str, fingerprint: str
) -> StoredResponse | None:
    """Return the stored response of this key, None if unused; raise if used differently."""
    rows = driver_rows(session.connection(), _LOOKUP, (token_name, key))
    if not rows:
        return None
    request_hash, request_line, status, body = rows[0]
    if request_hash != fingerprint:
        raise KeyReusedError(key, request_line)
    return StoredResponse(status, body)


def remember(
    session: Session,
    *,
    token_name: str,
    key: str,
    fingerprint: str,
    request_line: str,
    response: StoredResponse,
) -> None:
    """Store the response of a write under its key, in the write's transaction."""
    # Through the driver, not an ORM object: one of these rides along with most API writes.
    driver_rows(
        session.connection(),
        _INSERT,
        (
            token_name,
            key,
            fingerprint,
            request_line[:300],
            response.status,
            response.body,
            utc_now_text(),
        ),
    )
