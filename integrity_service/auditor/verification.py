"""The verification page: start a full verification in the background, watch it, read the result."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from integrity_service import db, keys
from integrity_service.auditor import bp
from integrity_service.auditor.access import READERS, roles_required, signed_in_user
from integrity_service.ledger_store import SqlLedger
from integrity_service.problems import Problem
from integrity_service.verification_jobs import VerificationRun, latest_run, start_run


def _run_or_latest(run_id: str | None) -> VerificationRun | None:
    session = db.session()
    if run_id and run_id.isdigit() and len(run_id) < 12:
        return session.get(VerificationRun, int(run_id))
    return latest_run(session)


@bp.get("/verify")
@roles_required(*READERS)
def verify() -> str:
    """Show the latest (or the chosen) verification run and a button to start one."""
    run = _run_or_latest(request.args.get("run"))
    store = SqlLedger(db.session())
    return render_template(
        "auditor/verify.html",
        run=run,
        running=run is not None and run.state == "running" and not run.interrupted,
        size=store.size(),
        checkpoint=store.latest_checkpoint(),
    )


@bp.post("/verify")
@roles_required(*READERS)
def start_verification() -> Response:
    """Start a full verification of the ledger in the background."""
    try:
        verifier = keys.verifier()
    except keys.KeyFileError:
        flash(
            gettext(
                "The log's verifier key is not available, so nothing can be verified. "
                "Ask the operator to check the key file."
            ),
            "error",
        )
        return redirect(url_for("auditor.verify"))
    run_id, started = start_run(db.sessions(), verifier, started_by=signed_in_user().actor)
    if not started:
        flash(gettext("A verification is already running; its progress is shown below."), "info")
    return redirect(url_for("auditor.verify", run=run_id))


@bp.get("/verify/status")
@roles_required(*READERS)
def verification_status() -> Response:
    """Return a run's progress as JSON (for the page's progress bar)."""
    run = _run_or_latest(request.args.get("run"))
    if run is None:
        raise Problem(404, "Not found", "no verification run has been started")
    return jsonify(run.to_json_obj())
