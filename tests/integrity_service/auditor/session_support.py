"""What the web-session tests share: stored times moved without sleeping, rows, redirects."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from integrity_service import db
from integrity_service.ledger_tables import LedgerEntry
from integrity_service.web_sessions import WebSession
from ledger.entry import utc_text
from tests.integrity_service.auditor.conftest import session_cookie

PAGE = "/audit/findings"


def ago(**delta: float) -> str:
    """Return the stored text of the time ``delta`` ago."""
    return utc_text(datetime.now(UTC) - timedelta(**delta))


def session_id_of(app: Flask, client: FlaskClient) -> str:
    """Return the web session id the client's signed cookie carries."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session_id: str = serializer.loads(session_cookie(app, client))["_user_id"]
    return session_id


def id_hash(session_id: str) -> bytes:
    """Return the hash a web session is stored by."""
    return hashlib.sha256(session_id.encode()).digest()


def stored_row(app: Flask, client: FlaskClient) -> WebSession:
    """Return the stored row of the client's web session."""
    with app.app_context(), db.sessions()() as session:
        row = session.get(WebSession, id_hash(session_id_of(app, client)))
        assert row is not None
        return row


def set_times(app: Flask, client: FlaskClient, **values: Any) -> None:
    """Write a session's stored timestamps (times move without sleeping)."""
    with app.app_context(), db.sessions()() as session, session.begin():
        session.execute(
            update(WebSession)
            .where(WebSession.id_hash == id_hash(session_id_of(app, client)))
            .values(**values)
        )


def sent_to_sign_in(client: FlaskClient) -> bool:
    """Tell whether a page view is sent to the sign-in page."""
    response = client.get(PAGE)
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/audit/login?next="
    )


def ledger_size(app: Flask) -> int:
    """Return the number of ledger entries."""
    with app.app_context(), db.sessions()() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)
