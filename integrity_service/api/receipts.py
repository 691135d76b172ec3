"""Receipts of ledger entries, for BKPSDM, auditors and administrators."""

from __future__ import annotations

from flask import Response

from integrity_service import db
from integrity_service.api import bp
from integrity_service.api.auth import requires
from integrity_service.api.writes import json_response
from integrity_service.ledger_store import SqlLedger
from integrity_service.problems import Problem
from integrity_service.receipts import UnknownEntryError, build_receipt


@bp.get("/v1/receipts/<int:seq>")
@requires("read")
def show_receipt(seq: int) -> Response:
    """Return the receipt of entry ``seq``, with its proof once a checkpoint covers it."""
    try:
        receipt = build_receipt(SqlLedger(db.session()), seq)
    except UnknownEntryError as exc:
        raise Problem(404, "Not found", str(exc), seq=seq) from None
    return json_response(200, receipt)
