"""The Inspektorat's web views: findings, rankings against appointments, people, the ledger."""

from flask import Blueprint

bp = Blueprint("auditor", __name__, url_prefix="/audit")

from integrity_service.auditor import (  # noqa: E402, F401
    admin,
    auth,
    dashboard,
    findings,
    formatting,
    ledger_views,
    people,
    submissions,
    vacancies,
    verification,
)
