"""The stored log as a source of C2SP tiles: hash tiles and entry bundles of the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerEntry
from ledger.errors import StorageError
from ledger.tiles import Tile, read_entry_bundle, read_tile


class SqlCommitments:
    """Reads the commitments C of a range of entries (the log's public leaves)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def read_commitments(self, start: int, stop: int) -> list[bytes]:
        """Return the commitment of each entry in ``[start, stop)``, in seq order."""
        rows = self.session.execute(
            select(LedgerEntry.seq, LedgerEntry.commitment)
            .where(LedgerEntry.seq >= start, LedgerEntry.seq < stop)
            .order_by(LedgerEntry.seq)
        ).all()
        if [seq for seq, _ in rows] != list(range(start, stop)):
            raise StorageError(f"entries {start}-{stop - 1} are not all stored")
        return [digest for _, digest in rows]


def tile_bytes(session: Session, tile: Tile, size: int) -> bytes:
    """Return the bytes of a hash tile or entry bundle of the tree of ``size`` entries."""
    if tile.entries:
        return read_entry_bundle(tile, size, SqlCommitments(session))
    return read_tile(tile, size, SqlLedger(session))
