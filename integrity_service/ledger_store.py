"""The SQLAlchemy implementation of the ledger's storage: appends, nodes, proofs, checkpoints.

Appends must run inside :func:`integrity_service.db.write_session`, which
holds the write lock, so the head read here is the head the rows chain onto.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from integrity_service.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerRedaction
from ledger.append import Draft, LogHead, PreparedEntry, prepare_entries
from ledger.checkpoint import Checkpoint
from ledger.entry import utc_now_text
from ledger.errors import StorageError
from ledger.note import NoteSigner
from ledger.store import Node, node_from_blob
from ledger.tree import Frontier, consistency_proof, inclusion_proof, root_hash
from ledger.verify import StoredCheckpoint, StoredEntry

_CHUNK = 5000


class SqlLedger:
    """The ledger as stored in one database, reached through one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading ---------------------------------------------------------------
    def size(self) -> int:
        """Return the number of entries in the log."""
        last = self.session.scalar(select(func.max(LedgerEntry.seq)))
        return 0 if last is None else last + 1

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the stored hash of each complete node (one query for the batch)."""
        leaves = {((index + 1) << level) - 1 for level, index in nodes}
        blobs: dict[int, bytes] = {}
        ordered = sorted(leaves)
        for start in range(0, len(ordered), 500):
            rows = self.session.execute(
                select(LedgerEntry.seq, LedgerEntry.tree_hashes).where(
                    LedgerEntry.seq.in_(ordered[start : start + 500])
                )
            )
            blobs.update({seq: blob for seq, blob in rows})
        return [node_from_blob(node, blobs.get(((node[1] + 1) << node[0]) - 1)) for node in nodes]

    def head(self) -> LogHead:
        """Return the log head (frontier and last commitment) to chain new entries onto."""
        size = self.size()
        head = LogHead(Frontier.load(size, self))
        if size:
            last = self.session.scalar(
                select(LedgerEntry.commitment).where(LedgerEntry.seq == size - 1)
            )
            if last is None:
                raise StorageError(f"entry {size - 1} is missing")
            head.last_commitment = last
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
        columns = (
            LedgerEntry.seq,
            LedgerEntry.entry_bytes,
            LedgerEntry.commitment,
            LedgerEntry.tree_hashes,
        )
        for low in range(start, end, _CHUNK):
            query = (
                select(*columns)
                .where(LedgerEntry.seq >= low, LedgerEntry.seq < min(low + _CHUNK, end))
                .order_by(LedgerEntry.seq)
            )
            for seq, raw, digest, tree in self.session.execute(query):
                yield StoredEntry(seq, raw, digest, tree)

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
            self.session.execute(
                insert(LedgerEntry),
                [
                    {
                        "seq": p.seq,
                        "type": p.type,
                        "time": p.time,
                        "commitment": p.commitment,
                        "tree_hashes": p.tree_hashes,
                        "entry_bytes": p.entry_bytes,
                    }
                    for p in prepared
                ],
            )
        return prepared

    def sign_checkpoint(self, signer: NoteSigner) -> StoredCheckpoint | None:
        """Sign and store a checkpoint for the current size if the tree grew; else None."""
        size = self.size()
        latest = self.latest_checkpoint()
        if size == 0 or (latest is not None and latest.size >= size):
            return None
        root = self.root(size)
        note = Checkpoint(signer.name, size, root).sign(signer)
        row = LedgerCheckpoint(size=size, root=root, note=note, created_at=utc_now_text())
        self.session.add(row)
        self.session.flush()
        return StoredCheckpoint(size, root, note)
