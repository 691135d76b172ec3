"""Receipts (DESIGN.md section 3): what lets anyone check one entry offline.

A receipt holds the entry's seq, its canonical bytes, its commitment C and
the log's origin and, once a signed checkpoint covers the entry, that
checkpoint and the entry's inclusion proof against it. With the receipt and
the published verifier key alone, a person can recompute C from the bytes,
the leaf hash from C, the root from the proof, and check the signature.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from integrity_service.ledger_store import SqlLedger
from integrity_service.witnessing import cosigned_note
from ledger.append import PreparedEntry
from ledger.entry import b64


class UnknownEntryError(LookupError):
    """No entry has the requested seq."""

    def __init__(self, seq: int, size: int) -> None:
        held = f"entries 0-{size - 1}" if size else "no entries yet"
        super().__init__(f"entry {seq} does not exist; the log holds {held}")
        self.seq = seq
        self.size = size


def _origin(origin: str | None) -> str:
    return origin if origin is not None else current_app.config["LOG_ORIGIN"]


def _receipt(
    seq: int,
    entry_bytes: bytes | None,
    commitment: bytes,
    origin: str,
    checkpoint: str | None,
    inclusion_proof: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "entry": None if entry_bytes is None else b64(entry_bytes),
        "redacted": entry_bytes is None,
        "commitment": b64(commitment),
        "log": origin,
        "checkpoint": checkpoint,
        "inclusion_proof": inclusion_proof,
    }


def receipt_of_append(entry: PreparedEntry, *, origin: str | None = None) -> dict[str, Any]:
    """Return the receipt of an entry just appended (no checkpoint can cover it yet)."""
    return _receipt(entry.seq, entry.entry_bytes, entry.commitment, _origin(origin), None, None)


def build_receipt(ledger: SqlLedger, seq: int, *, origin: str | None = None) -> dict[str, Any]:
    """Return the receipt of entry ``seq``, proved against the latest checkpoint covering it.

    Raises `UnknownEntryError` if the log has no entry ``seq``. A redacted
    entry's receipt has ``entry`` None and ``redacted`` True; its commitment,
    and so its proof, stay valid.
    """
    size = ledger.size()
    row = ledger.entry(seq) if 0 <= seq < size else None
    if row is None:
        raise UnknownEntryError(seq, size)
    checkpoint = ledger.latest_checkpoint()
    if checkpoint is None or checkpoint.size <= seq:
        return _receipt(seq, row.entry_bytes, row.commitment, _origin(origin), None, None)
    proof = ledger.inclusion_proof(seq, checkpoint.size)
    return _receipt(
        seq,
        row.entry_bytes,
        row.commitment,
        _origin(origin),
        # With the witnesses' cosignatures, so a verifier can require a quorum offline.
        cosigned_note(ledger.session, checkpoint),
        {"index": seq, "size": checkpoint.size, "proof": [b64(node) for node in proof]},
    )
