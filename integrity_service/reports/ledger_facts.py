"""What a report cites from the ledger: the checkpoint it was made against and commitments.

A report is made against the latest signed checkpoint read in the same
transaction as its figures. Entries it cites that the checkpoint does not
cover yet are marked, so a reader knows to ask for a newer checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerEntry
from ledger.entry import b64

_IN_BATCH = 500


@dataclass(frozen=True)
class CheckpointView:
    """A signed checkpoint as a report shows it: origin, tree size, root (base64), note."""

    origin: str
    size: int
    root: str
    note: str

    def covers(self, seq: int) -> bool:
        """Return True if entry ``seq`` is in the tree this checkpoint signs."""
        return 0 <= seq < self.size


@dataclass(frozen=True)
class CitedEntry:
    """A ledger entry a report cites: its seq, type, time and commitment C (base64)."""

    seq: int
    type: str
    time: str
    commitment: str
    covered: bool


def begin_snapshot(session: Session) -> None:
    """Make the session's reads one snapshot, so a report's figures agree with its checkpoint.

    SQLite's deferred BEGIN already reads one snapshot per transaction;
    PostgreSQL needs REPEATABLE READ, which can only be chosen before the
    session's first statement (a session already in a transaction is left as is).
    """
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def latest_checkpoint(session: Session) -> CheckpointView | None:
    """Return the latest signed checkpoint, or None while the log has none."""
    stored = SqlLedger(session).latest_checkpoint()
    if stored is None:
        return None
    origin = stored.note.split("\n", 1)[0]
    return CheckpointView(origin=origin, size=stored.size, root=b64(stored.root), note=stored.note)


def cited_entries(
    session: Session, seqs: Iterable[int], checkpoint: CheckpointView | None
) -> list[CitedEntry]:
    """Return the stored entries with the given seqs, in seq order."""
    wanted = sorted(set(seqs))
    cited: list[CitedEntry] = []
    for start in range(0, len(wanted), _IN_BATCH):
        rows = session.execute(
            select(LedgerEntry.seq, LedgerEntry.type, LedgerEntry.time, LedgerEntry.commitment)
            .where(LedgerEntry.seq.in_(wanted[start : start + _IN_BATCH]))
            .order_by(LedgerEntry.seq)
        )
        cited.extend(
            CitedEntry(
                seq=seq,
                type=kind,
                time=time,
                commitment=b64(commitment),
                covered=checkpoint is not None and checkpoint.covers(seq),
            )
            for seq, kind, time, commitment in rows
        )
    return cited


def public_verification_url() -> str:
    """Return the URL of the public verification page (``PUBLIC_BASE_URL`` + ``/public/``)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/public/"


def verifier_key_text() -> str | None:
    """Return the published verifier key, or None when the key file cannot be read here."""
    try:
        return keys.verifier().to_text()
    except keys.KeyFileError:
        return None
