"""The findings list (filters, sorting, pages), a finding's page, and its case work."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity_service import casework, db
from integrity_service.auditor import bp
from integrity_service.auditor.access import READERS, roles_required, signed_in_user
from integrity_service.auditor.finding_query import findings_query, parse_filters
from integrity_service.auditor.labels import RULE_IDS, STATUS_LABELS, label
from integrity_service.auditor.paging import page_number, paginate
from integrity_service.models import Finding, Person, Placement, Vacancy
from integrity_service.problems import Problem
from integrity_service.stats import SEVERITIES

# Every app registers this blueprint, so every replay (rebuild, audit) projects case work.
casework.register_projection()

CASEWORK_ERRORS = {
    "unknown": _l("This finding is not recorded."),
    "status": _l("Choose one of the statuses offered."),
    "note": _l("Write a note saying why the status changes."),
    "long": _l("The note is too long: at most %(limit)s characters."),
    "changed": _l(
        "Someone changed this finding's status meanwhile (it is now “%(current)s”). "
        "Read its history below and try again."
    ),
    "same": _l("The finding already has that status; choose another."),
}


def _finding_or_404(finding_id: str) -> Finding:
    finding = db.session().get(Finding, finding_id)
    if finding is None:
        raise Problem(
            404,
            gettext("Not found"),
            gettext(
                "No finding has the id %(id)s. Look it up in the findings list.", id=finding_id
            ),
        )
    return finding


@bp.get("/findings")
@roles_required(*READERS)
def findings() -> str:
    """List findings with filters by severity, rule, unit, status and period."""
    session = db.session()
    filters = parse_filters(request.args)
    page = paginate(session, findings_query(filters), number=page_number(request.args))
    units = session.scalars(select(Finding.unit).distinct().order_by(Finding.unit)).all()
    return render_template(
        "auditor/findings.html",
        filters=filters,
        page=page,
        severities=SEVERITIES,
        rules=RULE_IDS,
        units=units,
        statuses=casework.STATUSES,
    )


@bp.get("/findings/<finding_id>")
@roles_required(*READERS)
def finding(finding_id: str) -> str:
    """Show a finding: explanation, evidence, the entries it rests on, and its case work."""
    session = db.session()
    row = _finding_or_404(finding_id)
    placement = session.get(Placement, row.placement_id)
    vacancy = session.get(Vacancy, placement.vacancy_id) if placement is not None else None
    person = session.get(Person, placement.nip) if placement is not None else None
    return render_template(
        "auditor/finding.html",
        finding=row,
        placement=placement,
        vacancy=vacancy,
        person=person,
        evidence_seqs=sorted({*row.evidence_seqs, row.seq}),
        history=casework.history(session, finding_id),
        statuses=casework.STATUSES,
        note_limit=casework.MAX_NOTE_LENGTH,
    )


@bp.post("/findings/<finding_id>/status")
@roles_required(*READERS)
def change_status(finding_id: str) -> Response:
    """Record a status change of a finding, with its note, in the ledger."""
    _finding_or_404(finding_id)
    try:
        with db.write_session(db.sessions()) as session:
            entry = casework.change_status(
                session,
                finding_id=finding_id,
                expected=request.form.get("from", ""),
                to=request.form.get("to", ""),
                note=request.form.get("note", ""),
                actor=signed_in_user().actor,
            )
    except casework.CaseworkError as exc:
        params = dict(exc.params)
        if "current" in params:
            params["current"] = label(STATUS_LABELS, params["current"])
        flash(str(CASEWORK_ERRORS[exc.reason]) % params, "error")
        return redirect(url_for("auditor.finding", finding_id=finding_id, _anchor="casework"))
    flash(gettext("Status changed; recorded in the ledger as entry %(seq)s.", seq=entry.seq), "ok")
    return redirect(url_for("auditor.finding", finding_id=finding_id, _anchor="casework"))
