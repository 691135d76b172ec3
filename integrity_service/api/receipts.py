"""Receipts of ledger entries, for BKPSDM, auditors and administrators."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from integrity_service import db
from integrity_service.api import bp
from integrity_service.api.auth import requires
from integrity_service.api.writes import json_response
from integrity_service.ledger_store import SqlLedger
from integrity_service.problems import Problem, bad_parameter
from integrity_service.receipts import UnknownEntryError, build_receipt
from integrity_service.reports.receipt_pdf import receipt_pdf


def _receipt(seq: int) -> dict[str, Any]:
    try:
        return build_receipt(SqlLedger(db.session()), seq)
    except UnknownEntryError as exc:
        raise Problem(404, "Not found", str(exc), seq=seq) from None


@bp.get("/v1/receipts/<int:seq>")
@requires("read")
def show_receipt(seq: int) -> Response:
    """Return the receipt of entry ``seq``, with its proof once a checkpoint covers it."""
    return json_response(200, _receipt(seq))


@bp.get("/v1/receipts/<int:seq>.pdf")
@requires("read")
def receipt_as_pdf(seq: int) -> Response:
    """Return the receipt of entry ``seq`` as a one-page PDF with a QR code to the checker."""
    lang = request.args.get("lang", "id")
    if lang not in ("id", "en"):
        raise bad_parameter("lang", "must be 'id' or 'en'")
    public_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/public/receipt"
    pdf = receipt_pdf(_receipt(seq), public_url=public_url, lang=lang)
    response = Response(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="receipt-{seq}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
