"""Public pages (no login, no personal data)."""

from __future__ import annotations

from flask import render_template

from integrity_service import db
from integrity_service.ledger_store import SqlLedger
from integrity_service.public import bp


@bp.get("/")
def index() -> str:
    """Show the public verification page."""
    return render_template(
        "public/index.html", checkpoint=SqlLedger(db.session()).latest_checkpoint()
    )
