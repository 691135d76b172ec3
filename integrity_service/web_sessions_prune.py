"""``flask prune-web-sessions``: delete the records of web sessions that ended long ago.

The rows of ended sessions (`integrity_service.web_sessions`) say who signed in
when and how the session ended; they are kept for a while as that record, then
pruned. Open sessions are never deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import and_, delete, func, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from integrity_service import db
from integrity_service.cli_support import requires_schema
from integrity_service.web_sessions import WebSession, session_limits
from ledger.entry import utc_text


def prune_web_sessions(session: Session, older_than: timedelta, now: datetime) -> int:
    """Delete the rows of sessions that ended before ``now - older_than``; return how many.

    A session ended when it was revoked, or, if never revoked (its cookie was not
    used again), when it passed the idle limit or the maximum age in force now.
    The timestamps are fixed-width text, so comparing them as text is chronological.
    """
    idle, max_age = session_limits(current_app.config)
    cutoff = now - older_than
    unrevoked_expired = or_(
        WebSession.created_at < utc_text(cutoff - max_age),
        func.coalesce(WebSession.last_seen_at, WebSession.created_at) < utc_text(cutoff - idle),
    )
    result = session.execute(
        delete(WebSession)
        .where(
            or_(
                WebSession.revoked_at < utc_text(cutoff),
                and_(WebSession.revoked_at.is_(None), unrevoked_expired),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


@click.command("prune-web-sessions")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=0),
    default=90,
    show_default=True,
    help="Delete the sessions that ended (signed out, revoked or expired) this long ago.",
)
@with_appcontext
@requires_schema
def prune_web_sessions_command(older_than_days: int) -> None:
    """Delete old rows of ended web sessions; newer ones stay as the sign-in record."""
    try:
        with db.sessions()() as session, session.begin():
            deleted = prune_web_sessions(
                session, timedelta(days=older_than_days), datetime.now(UTC)
            )
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"cannot prune web sessions: {getattr(exc, 'orig', None) or exc}; "
            "after an upgrade run 'flask --app integrity_service init-db' first"
        ) from exc
    click.echo(f"deleted {deleted} web session(s) that ended over {older_than_days} days ago")
