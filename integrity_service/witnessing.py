"""Asking witnesses to cosign the latest checkpoint, and keeping their cosignatures.

Configuration: ``WITNESSES`` is a list of ``{"url": "<submission prefix>",
"key": "<witness vkey>"}`` (``INTEGRITY_WITNESSES`` as JSON), ``WITNESS_QUORUM``
the number of cosignatures a checkpoint should gather. For each witness that
has not cosigned the latest checkpoint, the service posts a C2SP
``add-checkpoint`` request (:mod:`ledger.witness_protocol`) with ``old`` = the
largest size that witness cosigned before (0 if none) and the consistency
proof from it. A 409 answer names the witness's size: the request is retried
once from that size. A returned line is stored only after it verifies against
the configured key. No network call is made while the ledger's write lock is
held, and a failed witness never loses or blocks the checkpoint.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from integrity_service.ledger_store import SqlLedger
from integrity_service.witness_tables import LedgerCosignature
from ledger.cosignature import CosignatureVerifier
from ledger.entry import utc_now_text
from ledger.errors import FormatError, VerificationError
from ledger.note import split_note
from ledger.verify import StoredCheckpoint
from ledger.witness_protocol import (
    ADD_CHECKPOINT_PATH,
    SIZE_CONTENT_TYPE,
    AddCheckpoint,
    parse_size_body,
)

TIMEOUT_SECONDS = 10.0
_MAX_ANSWER = 64 * 1024


class WitnessConfigError(ValueError):
    """``WITNESSES`` or ``WITNESS_QUORUM`` is malformed."""


@dataclass(frozen=True)
class WitnessConfig:
    """One configured witness: where to submit, and its cosigning key."""

    url: str
    verifier: CosignatureVerifier


@dataclass
class WitnessOutcome:
    """What one witness answered for one checkpoint."""

    witness: str
    url: str
    ok: bool
    message: str
    statuses: list[int] = field(default_factory=list)


def configured_witnesses(app: Flask | None = None) -> list[WitnessConfig]:
    """Return the witnesses of ``WITNESSES``; raise WitnessConfigError when malformed."""
    raw: Any = (app or current_app).config.get("WITNESSES") or []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise WitnessConfigError(f"WITNESSES is not JSON: {exc}") from exc
    if not isinstance(raw, list):
        raise WitnessConfigError("WITNESSES must be a list of {url, key} objects")
    witnesses = []
    for number, item in enumerate(raw):
        url = item.get("url") if isinstance(item, dict) else None
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise WitnessConfigError(f"WITNESSES[{number}] needs an http(s) 'url'")
        try:
            verifier = CosignatureVerifier.from_text(key if isinstance(key, str) else "")
        except FormatError as exc:
            raise WitnessConfigError(f"WITNESSES[{number}] 'key': {exc}") from exc
        witnesses.append(WitnessConfig(url.rstrip("/"), verifier))
    return witnesses


def configured_quorum(app: Flask | None = None) -> int:
    """Return ``WITNESS_QUORUM`` as a non-negative integer."""
    raw = (app or current_app).config.get("WITNESS_QUORUM", 0)
    try:
        quorum = int(raw)
    except (TypeError, ValueError) as exc:
        raise WitnessConfigError(f"WITNESS_QUORUM must be an integer, not {raw!r}") from exc
    if quorum < 0:
        raise WitnessConfigError("WITNESS_QUORUM must not be negative")
    return quorum


def cosignature_lines(session: Session, size: int) -> list[str]:
    """Return the stored cosignature lines of the checkpoint of ``size``, by witness name."""
    rows = session.scalars(
        select(LedgerCosignature.line)
        .where(LedgerCosignature.size == size)
        .order_by(LedgerCosignature.witness, LedgerCosignature.key_id)
    )
    return list(rows)


def cosigned_note(session: Session, stored: StoredCheckpoint) -> str:
    """Return the signed checkpoint with its witnesses' cosignature lines appended."""
    return stored.note + "".join(cosignature_lines(session, stored.size))


def _last_cosigned_size(session: Session, witness: CosignatureVerifier) -> int:
    size = session.scalar(
        select(func.max(LedgerCosignature.size)).where(
            LedgerCosignature.witness == witness.name, LedgerCosignature.key_id == witness.key_id
        )
    )
    return size or 0


def _post(url: str, body: bytes, timeout: float) -> tuple[int, str, bytes]:
    request = urllib.request.Request(
        url + ADD_CHECKPOINT_PATH,
        data=body,
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read(_MAX_ANSWER)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers.get_content_type(), exc.read(_MAX_ANSWER)


def _valid_line(
    stored: StoredCheckpoint, witness: CosignatureVerifier, answer: bytes
) -> tuple[str, int]:
    """Return the first line of the answer that is the witness's valid cosignature."""
    text, _ = split_note(stored.note)
    lines = answer.decode("utf-8").splitlines(keepends=True)
    for line in lines:
        _, [signature] = split_note(text + "\n" + line)
        if witness.matches(signature):
            return line, witness.verify(text, signature)
    raise VerificationError(f"the answer holds no cosignature by {witness.name}")


def _ask(
    factory: sessionmaker[Session], stored: StoredCheckpoint, witness: WitnessConfig, timeout: float
) -> WitnessOutcome:
    outcome = WitnessOutcome(witness.verifier.name, witness.url, False, "")
    with factory() as session:
        old = _last_cosigned_size(session, witness.verifier)
    for _attempt in range(2):
        with factory() as session:
            proof = SqlLedger(session).consistency_proof(old, stored.size) if old else []
        body = AddCheckpoint.build(old, proof, stored.note).to_bytes()
        try:
            status, content_type, answer = _post(witness.url, body, timeout)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            outcome.message = f"unreachable: {exc}"
            return outcome
        outcome.statuses.append(status)
        if status == 200:
            try:
                line, timestamp = _valid_line(stored, witness.verifier, answer)
            except (VerificationError, UnicodeDecodeError, ValueError) as exc:
                outcome.message = f"answered 200 but {exc}"
                return outcome
            _store(factory, stored.size, witness.verifier, timestamp, line)
            outcome.ok, outcome.message = True, f"cosigned size {stored.size}"
            return outcome
        if status == 409 and content_type == SIZE_CONTENT_TYPE:
            try:
                theirs = parse_size_body(answer)
            except FormatError as exc:
                outcome.message = f"409 Conflict with a malformed size: {exc}"
                return outcome
            if theirs > stored.size:
                outcome.message = (
                    f"409 Conflict: the witness cosigned size {theirs}, larger than this "
                    f"log's {stored.size}: this log's history is not the one it witnessed"
                )
                return outcome
            if theirs != old:
                old = theirs
                continue
            outcome.message = f"409 Conflict at size {theirs}: another root for that size"
            return outcome
        snippet = answer[:200].decode("utf-8", "replace").strip()
        outcome.message = f"refused with HTTP {status}: {snippet}"
        return outcome
    outcome.message = f"409 Conflict twice; the witness is at size {old}"
    return outcome


def _store(
    factory: sessionmaker[Session],
    size: int,
    witness: CosignatureVerifier,
    timestamp: int,
    line: str,
) -> None:
    with factory() as session, session.begin():
        key = (size, witness.name, witness.key_id)
        if session.get(LedgerCosignature, key) is None:
            session.add(
                LedgerCosignature(
                    size=size,
                    witness=witness.name,
                    key_id=witness.key_id,
                    timestamp=timestamp,
                    line=line,
                    created_at=utc_now_text(),
                )
            )


def request_cosignatures(
    factory: sessionmaker[Session],
    witnesses: Sequence[WitnessConfig],
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> tuple[StoredCheckpoint | None, list[WitnessOutcome]]:
    """Ask each witness lacking a cosignature on the latest checkpoint to cosign it."""
    with factory() as session:
        stored = SqlLedger(session).latest_checkpoint()
        if stored is None:
            return None, []
        rows = session.execute(
            select(LedgerCosignature.witness, LedgerCosignature.key_id).where(
                LedgerCosignature.size == stored.size
            )
        )
        have = {(witness, key_id) for witness, key_id in rows}
    outcomes = []
    for witness in witnesses:
        if (witness.verifier.name, witness.verifier.key_id) in have:
            outcomes.append(
                WitnessOutcome(witness.verifier.name, witness.url, True, "already cosigned")
            )
            continue
        outcomes.append(_ask(factory, stored, witness, timeout))
    return stored, outcomes
