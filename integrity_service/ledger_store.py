"""The SQLAlchemy implementation of the ledger's storage: appends, nodes, proofs, checkpoints.

Appends must run inside :func:`integrity_service.db.write_session`, which
holds the write lock, so the head read here is the head the rows chain onto.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from integrity_service.db import driver_rows
from integrity_service.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerRedaction
from ledger.append import Draft, LogHead, PreparedEntry, prepare_entries
from ledger.checkpoint import Checkpoint
from ledger.entry import utc_now_text
from ledger.note import NoteSigner
from ledger.store import Node, node_from_blob
from ledger.tree import Frontier, consistency_proof, inclusion_proof, root_hash
from ledger.verify import StoredCheckpoint, StoredEntry

_CHUNK = 5000
_IN_BATCH = 500
_ENTRY_COLUMNS = "seq, type, time, commitment, tree_hashes, entry_bytes"


@functools.cache
def _nodes_sql(count: int) -> str:
    """Return the query reading ``count`` leaves' tree hashes (``?`` placeholders)."""
    marks = ", ".join(["?"] * count)
    return f"SELECT seq, tree_hashes FROM ledger_entries WHERE seq IN ({marks})"


class SqlLedger:
    """The ledger as stored in one database, reached through one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading ---------------------------------------------------------------
    def size(self) -> int:
        """Return the number of entries in the log."""
        last = self._fetch("SELECT max(seq) FROM ledger_entries", ())[0][0]
        return 0 if last is None else int(last) + 1

    def _connection(self) -> Connection:
        """Return the session's connection, autoflushed first as an ORM query would be."""
        if self.session.autoflush:
            self.session.flush()
        return self.session.connection()

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Run one read (``?`` placeholders) through a plain DB-API cursor; return all rows.

        The hot paths (node reads for proofs, the verify scan) skip the ORM and Core
        layers, which per call and per row cost more than the database does here.
        """
        return driver_rows(self._connection(), sql, params)

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the stored hash of each complete node (one query per 500 nodes)."""
        leaves = [((index + 1) << level) - 1 for level, index in nodes]
        ordered = sorted(set(leaves))
        blobs: dict[int, bytes] = {}
        for start in range(0, len(ordered), _IN_BATCH):
            part = ordered[start : start + _IN_BATCH]
            part += part[-1:] * (-len(part) % 8)  # few distinct texts: the driver caches them
            blobs.update(self._fetch(_nodes_sql(len(part)), part))
        pairs = zip(nodes, leaves, strict=True)
        return [node_from_blob(node, blobs.get(leaf)) for node, leaf in pairs]

    def head(self) -> LogHead:
        """Return the log head (frontier and last commitment) to chain new entries onto."""
        rows = self._fetch(
            "SELECT seq, commitment FROM ledger_entries ORDER BY seq DESC LIMIT 1", ()
        )
        size = int(rows[0][0]) + 1 if rows else 0
        head = LogHead(Frontier.load(size, self))
        if size:
            head.last_commitment = bytes(rows[0][1])
        return head

    def root(self, size: int) -> bytes:
        """Return the Merkle root of the first ``size`` entries."""
        return root_hash(size, self)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Return the inclusion proof of entry ``index`` in the tree of ``size``."""
        return inclusion_proof(index, size, self)

    def consistency_proof(self, old: int, size: int) -> list[bytes]:
        """Return the consistency proof from ``old`` to ``size``."""
        return consistency_proof(old, size, self)

    def leaf_hash(self, seq: int) -> bytes:
        """Return the RFC 6962 leaf hash of entry ``seq``."""
        return self.read_nodes([(0, seq)])[0]

    def entry(self, seq: int) -> LedgerEntry | None:
        """Return the stored row of entry ``seq``."""
        return self.session.get(LedgerEntry, seq)

    def iter_entries(self, start: int = 0, stop: int | None = None) -> Iterator[StoredEntry]:
        """Yield stored entries in seq order, read in chunks (a missing row is simply absent)."""
        end = self.size() if stop is None else stop
        sql = (
            "SELECT seq, entry_bytes, commitment, tree_hashes FROM ledger_entries "
            "WHERE seq >= ? AND seq < ? ORDER BY seq"
        )
        for low in range(start, end, _CHUNK):
            # One query per chunk, all rows fetched at once: the caller may commit between.
            yield from map(StoredEntry._make, self._fetch(sql, (low, min(low + _CHUNK, end))))

    def redacted_seqs(self) -> set[int]:
        """Return the seqs whose erasure is recorded."""
        return set(self.session.scalars(select(LedgerRedaction.seq)))

    def checkpoints(self) -> list[StoredCheckpoint]:
        """Return every stored checkpoint, oldest first."""
        rows = self.session.execute(
            select(LedgerCheckpoint.size, LedgerCheckpoint.root, LedgerCheckpoint.note).order_by(
                LedgerCheckpoint.size
            )
        )
        return [StoredCheckpoint(size, root, note) for size, root, note in rows]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        """Return the checkpoint of the largest tree size, if any."""
        row = self.session.execute(
            select(LedgerCheckpoint.size, LedgerCheckpoint.root, LedgerCheckpoint.note)
            .order_by(LedgerCheckpoint.size.desc())
            .limit(1)
        ).first()
        return None if row is None else StoredCheckpoint(*row)

    # -- writing (inside write_session) ------------------------------------------
    def append(self, drafts: Iterable[Draft]) -> list[PreparedEntry]:
        """Append drafts as entries in the current (locked) transaction and return them."""
        prepared = prepare_entries(self.head(), drafts)
        if prepared:
            # Core's executemany, not the ORM's bulk insert: a third of the per-row cost.
            conn = self._connection()
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            conn.exec_driver_sql(
                f"INSERT INTO ledger_entries ({_ENTRY_COLUMNS}) VALUES ({', '.join([mark] * 6)})",
                [
                    (p.seq, p.type, p.time, p.commitment, p.tree_hashes, p.entry_bytes)
                    for p in prepared
                ],
            )
        return prepared

    def sign_checkpoint(self, signer: NoteSigner, *more: NoteSigner) -> StoredCheckpoint | None:
        """Sign and store a checkpoint for the current size if the tree grew; else None.

        Each signer adds a signature line (``more``: a key rotation's overlap).
        """
        size = self.size()
        latest = self.latest_checkpoint()
        if size == 0 or (latest is not None and latest.size >= size):
            return None
        root = self.root(size)
        note = Checkpoint(signer.name, size, root).sign(signer, *more)
        row = LedgerCheckpoint(size=size, root=root, note=note, created_at=utc_now_text())
        self.session.add(row)
        self.session.flush()
        return StoredCheckpoint(size, root, note)
