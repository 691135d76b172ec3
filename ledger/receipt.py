"""Offline verification of a receipt: the checks every verifier (CLI, browser) performs.

A receipt is the JSON object the service hands out for an entry (a document
``{"receipt": {...}}`` is unwrapped)::

    {"seq": 12, "entry": "<base64 canonical entry bytes>" | null, "redacted": false,
     "commitment": "<base64 C>", "log": "<origin>", "checkpoint": "<signed note>" | null,
     "inclusion_proof": {"index": 12, "size": 70, "proof": ["<base64 hash>", ...]} | null}

It is checked with the log's verifier key (``<name>+<hex id>+<base64(0x01 || key)>``) or
key list (:mod:`ledger.keyset`), and optionally witness keys and a quorum. The checks,
in order, each named (the browser checker uses the same names) and each reported as
``pass``, ``fail`` or ``skip``:

1. ``receipt``: the fields above are present with those types; base64 is
   strict standard base64 with padding; ``commitment`` and every proof hash
   decode to 32 bytes; ``seq``, ``index``, ``size`` are non-negative integers.
   If this fails, nothing else runs.
2. ``commitment``: ``SHA-256(base64-decode(entry)) == base64-decode(commitment)``.
   A redacted entry (``entry`` null and ``redacted`` true) skips this: its body
   was erased and the commitment in the receipt stands for it (and is proved
   below). ``entry`` null without ``redacted`` true, or entry bytes with
   ``redacted`` true, fail.
3. ``entry``: the entry bytes are UTF-8 JSON in RFC 8785 canonical form
   (re-serialising gives the same bytes), with exactly the fields ``type``,
   ``seq``, ``time``, ``prev``, ``salt``, ``actor``, ``body`` in their formats,
   and their ``seq`` equals the receipt's ``seq``. Skipped when redacted.
4. ``key``: each verifier key parses and its key ID is
   ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` (checked when parsed).
5. ``signature``: the checkpoint is a C2SP signed note (text, an empty line,
   signature lines) carrying at least one line ``\u2014 <key name>
   base64(key ID || sig)`` whose name and 4-byte key ID are a given key's, and
   every such line's ``sig`` is a valid Ed25519 signature over the note text
   (everything before the empty line, final newline included). Lines of other
   keys (witnesses) are ignored here. Skipped when ``checkpoint`` is null.
6. ``checkpoint``: a checkpoint covers the entry (``checkpoint`` not null, else
   this fails: ask for the receipt again after the next checkpoint), the
   signed text is ``<origin>\n<size>\n<base64 root>\n`` whose origin equals the key
   name and the receipt's ``log``, and a key that signed it signs that tree size.
7. ``inclusion``: ``inclusion_proof.index == seq``, ``inclusion_proof.size ==``
   the checkpoint size, and the RFC 9162 section 2.1.3.2 root computed from the
   leaf hash ``SHA-256(0x00 || C)`` and the proof equals the checkpoint root
   (interior nodes ``SHA-256(0x01 || left || right)``).
8. ``witnesses`` (only when witness keys or a quorum are given): at least
   ``quorum`` distinct known witnesses have a valid C2SP cosignature/v1 line
   on the checkpoint (see :mod:`ledger.cosignature`); a line by a known key
   that does not verify fails the check. Skipped without witness keys.

A check whose input failed an earlier check is skipped. The receipt verifies
when no check fails and ``inclusion`` passed.

Command line: ``python -m ledger.receipt RECEIPT.json --key KEY [--witness KEY ...]
[--quorum N]`` (a key may be given as text or as a file holding it); exit 0
verified, 1 failed, 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.checkpoint import Checkpoint
from ledger.cosignature import CosignatureVerifier, require_quorum
from ledger.entry import Entry, unb64
from ledger.errors import FormatError, VerificationError
from ledger.hashing import HASH_SIZE, commitment, leaf_hash
from ledger.keyset import LogKey, as_key_list, describe_keys, signing_keys
from ledger.note import NoteVerifier, split_note
from ledger.proofs import verify_inclusion

PASS, FAIL, SKIP = "pass", "fail", "skip"


@dataclass(frozen=True)
class Check:
    """One named check of a receipt and its outcome."""

    name: str
    status: str
    detail: str


@dataclass
class ReceiptReport:
    """Every check run on a receipt, in order."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing failed and the inclusion proof was checked."""
        failed = any(c.status == FAIL for c in self.checks)
        return not failed and any(c.name == "inclusion" and c.status == PASS for c in self.checks)

    def failures(self) -> list[Check]:
        """Return the failed checks."""
        return [c for c in self.checks if c.status == FAIL]

    def add(self, name: str, status: str, detail: str) -> None:
        """Record one check."""
        self.checks.append(Check(name, status, detail))


@dataclass(frozen=True)
class _Parsed:
    seq: int
    entry: bytes | None
    redacted: bool
    commitment: bytes
    log: str
    checkpoint: str | None
    proof: dict[str, Any] | None
    proof_hashes: tuple[bytes, ...]


def _nonneg(value: Any, what: str) -> int:
    if type(value) is not int or value < 0:
        raise FormatError(f"{what} must be a non-negative integer, not {value!r}"[:120])
    return value


def _parse(receipt: Any) -> _Parsed:
    if isinstance(receipt, dict) and "seq" not in receipt and "receipt" in receipt:
        receipt = receipt["receipt"]
    if not isinstance(receipt, dict):
        raise FormatError("receipt must be a JSON object")
    wanted = {"seq", "entry", "redacted", "commitment", "log", "checkpoint", "inclusion_proof"}
    missing = sorted(wanted - set(receipt))
    if missing:
        raise FormatError(f"receipt lacks {', '.join(missing)}")
    entry, note, proof = receipt["entry"], receipt["checkpoint"], receipt["inclusion_proof"]
    if entry is not None and not isinstance(entry, str):
        raise FormatError("entry must be base64 text or null")
    if not isinstance(receipt["redacted"], bool) or not isinstance(receipt["log"], str):
        raise FormatError("redacted must be true or false, and log a string")
    if note is not None and not isinstance(note, str):
        raise FormatError("checkpoint must be the signed note text or null")
    hashes: tuple[bytes, ...] = ()
    if proof is not None:
        if not isinstance(proof, dict) or not isinstance(proof.get("proof"), list):
            raise FormatError("inclusion_proof must be {index, size, proof: [...]} or null")
        _nonneg(proof.get("index"), "inclusion_proof.index")
        _nonneg(proof.get("size"), "inclusion_proof.size")
        hashes = tuple(
            unb64(h, size=HASH_SIZE, what=f"inclusion_proof.proof[{i}]")
            for i, h in enumerate(proof["proof"])
        )
    return _Parsed(
        _nonneg(receipt["seq"], "seq"),
        None if entry is None else unb64(entry, what="entry"),
        receipt["redacted"],
        unb64(receipt["commitment"], size=HASH_SIZE, what="commitment"),
        receipt["log"],
        note,
        proof,
        hashes,
    )


def _check_entry_bytes(report: ReceiptReport, parsed: _Parsed) -> None:
    if parsed.entry is None:
        if not parsed.redacted:
            report.add("commitment", FAIL, "entry is null but the receipt does not say redacted")
        else:
            note = "entry redacted: its body was erased; the receipt's commitment stands for it"
            report.add("commitment", SKIP, note)
        report.add("entry", SKIP, "no entry bytes to check")
        return
    if parsed.redacted:
        report.add("commitment", FAIL, "receipt says redacted but carries entry bytes")
    elif commitment(parsed.entry) != parsed.commitment:
        report.add(
            "commitment",
            FAIL,
            f"SHA-256 of the entry bytes is {commitment(parsed.entry).hex()}, "
            f"the receipt's commitment is {parsed.commitment.hex()}: the entry was changed",
        )
    else:
        report.add("commitment", PASS, f"SHA-256(entry) = commitment {parsed.commitment.hex()}")
    try:
        entry = Entry.from_bytes(parsed.entry)
    except VerificationError as exc:
        report.add("entry", FAIL, f"entry bytes: {exc}")
        return
    if entry.seq != parsed.seq:
        report.add("entry", FAIL, f"entry says seq {entry.seq}, the receipt says {parsed.seq}")
    else:
        report.add("entry", PASS, f"canonical {entry.type} entry of {entry.time}, seq {entry.seq}")


def _check_checkpoint(
    report: ReceiptReport, parsed: _Parsed, keys: Sequence[LogKey]
) -> Checkpoint | None:
    if parsed.checkpoint is None:
        detail = (
            f"no signed checkpoint covers entry {parsed.seq} yet; "
            "fetch the receipt again after the next checkpoint"
        )
        report.add("signature", SKIP, "no checkpoint to check")
        report.add("checkpoint", FAIL, detail)
        return None
    try:
        text, signatures = split_note(parsed.checkpoint)
        signed = signing_keys(text, signatures, keys)
    except VerificationError as exc:
        report.add("signature", FAIL, f"checkpoint: {exc}")
        report.add("checkpoint", SKIP, "the checkpoint's signature did not verify")
        return None
    report.add("signature", PASS, f"checkpoint signed by {', '.join(k.label for k in signed)}")
    try:
        checkpoint = Checkpoint.from_text(text)
    except VerificationError as exc:
        report.add("checkpoint", FAIL, f"signed note is not a checkpoint: {exc}")
        return None
    name = signed[0].verifier.name
    if checkpoint.origin != name or checkpoint.origin != parsed.log:
        report.add(
            "checkpoint",
            FAIL,
            f"checkpoint origin {checkpoint.origin!r}, key name {name!r}, "
            f"receipt log {parsed.log!r} must all be equal",
        )
        return None
    if not any(key.signs(checkpoint.size) for key in signed):
        spans = "; ".join(f"{key.label} signs {key.sizes_text()}" for key in signed)
        report.add("checkpoint", FAIL, f"tree size {checkpoint.size} is outside its keys': {spans}")
        return None
    report.add("checkpoint", PASS, f"log {checkpoint.origin}, tree size {checkpoint.size}")
    return checkpoint


def _check_inclusion(report: ReceiptReport, parsed: _Parsed, checkpoint: Checkpoint) -> None:
    proof = parsed.proof
    if proof is None:
        report.add("inclusion", FAIL, "the receipt has a checkpoint but no inclusion proof")
        return
    if proof["index"] != parsed.seq or proof["size"] != checkpoint.size:
        report.add(
            "inclusion",
            FAIL,
            f"proof is for index {proof['index']} in size {proof['size']}, "
            f"not entry {parsed.seq} in the checkpoint's size {checkpoint.size}",
        )
        return
    try:
        verify_inclusion(
            index=parsed.seq,
            size=checkpoint.size,
            leaf_hash=leaf_hash(parsed.commitment),
            proof=parsed.proof_hashes,
            root=checkpoint.root,
        )
    except VerificationError as exc:
        report.add("inclusion", FAIL, f"inclusion proof: {exc}")
        return
    detail = f"entry {parsed.seq} is in the tree of size {checkpoint.size} (root matches)"
    report.add("inclusion", PASS, detail)


def verify_receipt(
    receipt: Any,
    *,
    log_key: NoteVerifier | Sequence[LogKey],
    witnesses: Sequence[CosignatureVerifier] = (),
    quorum: int | None = None,
) -> ReceiptReport:
    """Run every check on a parsed receipt JSON value; ``quorum`` defaults to all witnesses.

    ``log_key`` is the log's verifier key, or its key list (each key with its tree sizes).
    """
    keys = as_key_list(log_key)
    report = ReceiptReport()
    try:
        parsed = _parse(receipt)
    except VerificationError as exc:
        report.add("receipt", FAIL, str(exc))
        return report
    report.add("receipt", PASS, f"receipt of entry {parsed.seq} in log {parsed.log}")
    _check_entry_bytes(report, parsed)
    report.add("key", PASS, describe_keys(keys))
    checkpoint = _check_checkpoint(report, parsed, keys)
    if checkpoint is None:
        report.add("inclusion", SKIP, "no verified checkpoint to prove inclusion against")
    else:
        _check_inclusion(report, parsed, checkpoint)
    need = len(witnesses) if quorum is None else quorum
    if not witnesses and not need:
        report.add("witnesses", SKIP, "no witness keys given")
    elif checkpoint is None or parsed.checkpoint is None:
        report.add("witnesses", FAIL if need else SKIP, "no verified checkpoint to check")
    else:
        try:
            found = require_quorum(parsed.checkpoint, witnesses, need)
        except VerificationError as exc:
            report.add("witnesses", FAIL, str(exc))
        else:
            names = ", ".join(w.witness.name for w in found) or "none"
            report.add("witnesses", PASS, f"{len(found)} cosigned ({names}); quorum {need}")
    return report


if __name__ == "__main__":
    from ledger.receipt_cli import main

    sys.exit(main())
