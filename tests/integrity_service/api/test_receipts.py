"""Receipts: verifiable offline with the published key, before and after a checkpoint."""

from __future__ import annotations

from typing import Any

from flask import Flask

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.redaction import redact
from ledger.checkpoint import open_checkpoint
from ledger.entry import Entry
from ledger.hashing import commitment, leaf_hash
from ledger.proofs import verify_inclusion
from tests.conftest import ORIGIN
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    b64d,
    nip,
    position_json,
)

RECEIPT_FIELDS = {
    "seq",
    "entry",
    "redacted",
    "commitment",
    "log",
    "checkpoint",
    "inclusion_proof",
}


def _sign_checkpoint(app: Flask) -> None:
    with app.app_context(), db.write_session(db.sessions()) as session:
        assert SqlLedger(session).sign_checkpoint(keys.signer()) is not None


def _verify(app: Flask, receipt: dict[str, Any]) -> None:
    """Check a receipt as an outsider would: published key, no database."""
    with app.app_context():
        verifier = keys.verifier()
    checkpoint = open_checkpoint(receipt["checkpoint"], verifier)
    proof = receipt["inclusion_proof"]
    assert proof["index"] == receipt["seq"] and proof["size"] == checkpoint.size
    verify_inclusion(
        index=proof["index"],
        size=proof["size"],
        leaf_hash=leaf_hash(b64d(receipt["commitment"])),
        proof=[b64d(node) for node in proof["proof"]],
        root=checkpoint.root,
    )


def test_receipt_without_checkpoint(api: Api) -> None:
    written = api.post("/positions", position_json()).get_json()["receipt"]
    response = api.get("/receipts/0")
    assert response.status_code == 200
    receipt = response.get_json()
    assert set(receipt) == RECEIPT_FIELDS
    assert receipt == written
    assert receipt["log"] == ORIGIN and receipt["redacted"] is False
    assert receipt["checkpoint"] is None and receipt["inclusion_proof"] is None
    raw = b64d(receipt["entry"])
    assert b64d(receipt["commitment"]) == commitment(raw)
    assert Entry.from_bytes(raw).seq == 0


def test_receipts_prove_inclusion_in_the_latest_covering_checkpoint(
    app: Flask, api: Api, auditor: Api
) -> None:
    batch = {"results": [assessment_json(nip(n)) for n in range(1, 8)]}
    assert api.post("/assessments", batch).status_code == 201
    _sign_checkpoint(app)
    assert api.post("/positions", position_json()).status_code == 201  # seq 7, not covered
    for seq in range(7):
        receipt = auditor.get(f"/receipts/{seq}").get_json()
        assert receipt["inclusion_proof"]["size"] == 7
        _verify(app, receipt)
    assert auditor.get("/receipts/7").get_json()["checkpoint"] is None
    _sign_checkpoint(app)
    for seq in (0, 6, 7):
        receipt = auditor.get(f"/receipts/{seq}").get_json()
        assert receipt["inclusion_proof"]["size"] == 8
        _verify(app, receipt)


def test_redacted_entry_keeps_a_verifiable_receipt(app: Flask, api: Api) -> None:
    assert api.post("/assessments", {"results": [assessment_json()]}).status_code == 201
    with app.app_context(), db.write_session(db.sessions()) as session:
        redact(session, 0, reason="UU 27/2022 request", actor="test")
    _sign_checkpoint(app)
    receipt = api.get("/receipts/0").get_json()
    assert receipt["entry"] is None and receipt["redacted"] is True
    _verify(app, receipt)


def test_unknown_seq_is_404(api: Api) -> None:
    assert "no entries yet" in assert_problem(api.get("/receipts/0"), 404)["detail"]
    assert api.post("/positions", position_json()).status_code == 201
    assert "entries 0-0" in assert_problem(api.get("/receipts/1"), 404)["detail"]
    assert_problem(api.get(f"/receipts/{10**30}"), 404)
