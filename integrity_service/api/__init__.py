"""The BKPSDM JSON API: bearer tokens, JSON in and out, RFC 9457 problems on errors."""

from flask import Blueprint

from integrity_service import limits

bp = Blueprint("api", __name__, url_prefix="/api")
limits.protect_api(bp)  # per-caller rate limit, 429 problems

from integrity_service.api import (  # noqa: E402, F401
    assessments,
    openapi,
    placements,
    positions,
    receipts,
    rules_routes,
    vacancies,
)
