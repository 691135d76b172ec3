"""What the public pages show of checkpoints: parsed for display, never for trust.

A page shows the signed note as stored, its origin, size and root, and its
signature lines: the log's own and any witness cosignatures (C2SP
tlog-cosignature), told apart by the log's verifier keys (all of them: during a
key rotation a checkpoint carries the old and the new key's lines). Verifying is left to
the reader, in the browser or with the tools on the verify-howto page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integrity_service.ledger_tables import LedgerCheckpoint
from integrity_service.witnessing import cosignature_lines
from ledger.entry import parse_utc_text
from ledger.errors import FormatError
from ledger.note import NoteVerifier, split_note

# A cosignature line carries key ID (4) || big-endian timestamp (8) || Ed25519 signature (64).
_COSIGNATURE_SIZE = 4 + 8 + 64
PAGE_SIZE = 20


@dataclass(frozen=True)
class SignatureLine:
    """One signature line of a checkpoint note, as shown."""

    line: str
    name: str
    key_id: str
    is_log: bool
    cosigned_at: datetime | None


@dataclass(frozen=True)
class CheckpointView:
    """A stored checkpoint, ready for a template."""

    origin: str
    size: int
    root: str
    root_hex: str
    note: str
    signed_at: datetime | None
    signatures: tuple[SignatureLine, ...]

    @property
    def witnesses(self) -> tuple[SignatureLine, ...]:
        """Return the signature lines other than the log's own (witness cosignatures)."""
        return tuple(line for line in self.signatures if not line.is_log)


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_utc_text(text)
    except ValueError:
        return None


LogKeys = NoteVerifier | Sequence[NoteVerifier]


def _signature_lines(note: str, verifier: LogKeys) -> tuple[SignatureLine, ...]:
    try:
        _, signatures = split_note(note)
    except FormatError:
        return ()
    mine = {
        (v.name, v.key_id) for v in ([verifier] if isinstance(verifier, NoteVerifier) else verifier)
    }
    lines = note[note.rfind("\n\n") + 2 :].splitlines()
    shown = []
    for line, signature in zip(lines, signatures, strict=False):
        is_log = (signature.name, signature.key_id) in mine
        cosigned_at = None
        if not is_log:
            try:
                raw = base64.b64decode(line.rsplit(" ", 1)[-1], validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) == _COSIGNATURE_SIZE:
                cosigned_at = datetime.fromtimestamp(int.from_bytes(raw[4:12], "big"), UTC)
        shown.append(
            SignatureLine(line, signature.name, signature.key_id.hex(), is_log, cosigned_at)
        )
    return tuple(shown)


def checkpoint_view(
    session: Session,
    size: int,
    root: bytes,
    note: str,
    created_at: str | None,
    *,
    verifier: LogKeys,
) -> CheckpointView:
    """Return the display form of a stored checkpoint, with its witnesses' cosignatures."""
    note += "".join(cosignature_lines(session, size))
    return CheckpointView(
        origin=note.split("\n", 1)[0],
        size=size,
        root=base64.b64encode(root).decode("ascii"),
        root_hex=root.hex(),
        note=note,
        signed_at=_parse_time(created_at),
        signatures=_signature_lines(note, verifier),
    )


_COLUMNS = (
    LedgerCheckpoint.size,
    LedgerCheckpoint.root,
    LedgerCheckpoint.note,
    LedgerCheckpoint.created_at,
)


def latest_checkpoint(session: Session, verifier: LogKeys) -> CheckpointView | None:
    """Return the checkpoint of the largest tree size, if any."""
    row = session.execute(select(*_COLUMNS).order_by(LedgerCheckpoint.size.desc()).limit(1)).first()
    return None if row is None else checkpoint_view(session, *row, verifier=verifier)


@dataclass(frozen=True)
class HistoryPage:
    """One page of the checkpoint history, newest first."""

    checkpoints: tuple[CheckpointView, ...]
    previous_sizes: tuple[int | None, ...]
    page: int
    pages: int
    total: int


def history_page(session: Session, verifier: LogKeys, page: int) -> HistoryPage:
    """Return page ``page`` (from 1) of the checkpoints, each with the size signed before it."""
    total = session.scalar(select(func.count()).select_from(LedgerCheckpoint)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    rows = session.execute(
        select(*_COLUMNS)
        .order_by(LedgerCheckpoint.size.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)  # one more: the previous checkpoint of this page's oldest
    ).all()
    shown = [checkpoint_view(session, *row, verifier=verifier) for row in rows[:PAGE_SIZE]]
    sizes = [row[0] for row in rows]
    previous = tuple(sizes[i + 1] if i + 1 < len(sizes) else None for i in range(len(shown)))
    return HistoryPage(tuple(shown), previous, page, pages, total)
