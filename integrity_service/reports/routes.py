"""PDF downloads for the auditor pages, for signed-in auditors and admins only.

    /audit/reports/audit.pdf?from=2025-01-01&to=2025-12-31&unit=...&lang=id
    /audit/reports/placement/PL-00001.pdf?lang=en

A bad argument is answered as a 400 problem naming it; without ``lang`` the
report is in the page's language.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request
from flask_login import login_required

from integrity_service import db
from integrity_service.auditor.access import READERS, roles_required
from integrity_service.i18n import current_locale
from integrity_service.problems import Problem, bad_parameter
from integrity_service.reports.audit_report import audit_report_pdf
from integrity_service.reports.placement_report import placement_report_pdf
from integrity_service.reports.scope import ReportError, parse_lang, parse_scope

bp = Blueprint("reports", __name__, url_prefix="/audit/reports")


def _pdf(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    # The reports name people: never kept by a shared cache or the browser's.
    response.headers["Cache-Control"] = "no-store"
    return response


def _lang() -> str:
    try:
        return parse_lang(request.args.get("lang") or current_locale())
    except ReportError as exc:
        raise bad_parameter(exc.argument, exc.message) from exc


@bp.get("/audit.pdf")
@login_required
@roles_required(*READERS)
def audit_pdf() -> Response:
    """Download the audit report of ``from``..``to`` (and ``unit``)."""
    lang = _lang()
    # A session of its own: its first statement starts the report's snapshot.
    with db.sessions()() as session:
        try:
            scope = parse_scope(
                session,
                start=request.args.get("from"),
                end=request.args.get("to"),
                unit=request.args.get("unit"),
                lang=lang,
            )
        except ReportError as exc:
            raise bad_parameter(exc.argument, exc.message) from exc
        pdf = audit_report_pdf(session, scope)
    return _pdf(pdf, f"audit-{scope.start}-{scope.end}.pdf")


@bp.get("/placement/<placement_id>.pdf")
@login_required
@roles_required(*READERS)
def placement_pdf(placement_id: str) -> Response:
    """Download the one-page report of a placement."""
    lang = _lang()
    try:
        with db.sessions()() as session:
            pdf = placement_report_pdf(session, placement_id, lang=lang)
    except ReportError as exc:
        raise Problem(404, "Not found", exc.message, placement=placement_id) from exc
    return _pdf(pdf, f"{placement_id}.pdf")
