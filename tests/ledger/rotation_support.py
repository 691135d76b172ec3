"""A log built entry by entry whose signing key is rotated: the key-rotation tests' fixture."""

from __future__ import annotations

import base64
from typing import Any

from ledger.append import Draft, LogHead, prepare_entries
from ledger.checkpoint import Checkpoint
from ledger.keyset import KEY_ANNOUNCED, KEY_RETIRED, announcement_body, retirement_body
from ledger.note import NoteSigner
from ledger.store import MemoryNodes
from ledger.tree import Frontier, inclusion_proof
from ledger.verify import StoredCheckpoint, StoredEntry, VerifyReport, verify_log

ORIGIN = "rotation.example/ledger"
TIME = "2026-01-01T00:00:00.000Z"
OLD = NoteSigner.generate(ORIGIN)
NEW = NoteSigner.generate(ORIGIN)
STRANGER = NoteSigner.generate(ORIGIN)


class RotatingLog:
    """A log built entry by entry, with checkpoints signed by whichever keys a test says."""

    def __init__(self) -> None:
        self.head = LogHead(Frontier())
        self.rows: list[StoredEntry] = []
        self.checkpoints: list[StoredCheckpoint] = []

    def add(self, *drafts: Draft) -> int:
        """Append drafts; return the seq of the last."""
        for p in prepare_entries(self.head, drafts, time=TIME):
            self.rows.append(StoredEntry(p.seq, p.entry_bytes, p.commitment, p.tree_hashes))
        return self.rows[-1].seq

    def records(self, count: int) -> int:
        """Append ``count`` ordinary entries."""
        start = len(self.rows)
        return self.add(*(Draft("test.recorded", "t", {"n": start + i}) for i in range(count)))

    def announce(self, new: NoteSigner, previous: NoteSigner) -> int:
        """Append a key announcement."""
        body = announcement_body(new.verifier(), previous.verifier(), TIME)
        return self.add(Draft(KEY_ANNOUNCED, "cli:rotate-key", body))

    def retire(self, old: NoteSigner, successor: NoteSigner) -> int:
        """Append a key retirement."""
        body = retirement_body(old.verifier(), successor.verifier(), TIME)
        return self.add(Draft(KEY_RETIRED, "cli:rotate-key", body))

    def sign(self, *signers: NoteSigner) -> StoredCheckpoint:
        """Sign a checkpoint of the current size with the signers, in order."""
        size, root = self.head.size, self.head.frontier.root()
        stored = StoredCheckpoint(size, root, Checkpoint(ORIGIN, size, root).sign(*signers))
        self.checkpoints.append(stored)
        return stored

    def verify(
        self, key: NoteSigner, checkpoints: list[StoredCheckpoint] | None = None
    ) -> VerifyReport:
        """Verify with ``key`` as the trusted key."""
        chosen = self.checkpoints if checkpoints is None else checkpoints
        return verify_log(iter(self.rows), chosen, key.verifier())

    def receipt(self, seq: int, checkpoint: StoredCheckpoint) -> dict[str, Any]:
        """Return the receipt of ``seq`` proven against ``checkpoint``."""
        nodes = MemoryNodes()
        nodes.blobs = [row.tree_hashes for row in self.rows]
        proof = inclusion_proof(seq, checkpoint.size, nodes)
        return {
            "seq": seq,
            "entry": base64.b64encode(self.rows[seq].entry_bytes or b"").decode(),
            "redacted": False,
            "commitment": base64.b64encode(self.rows[seq].commitment).decode(),
            "log": ORIGIN,
            "checkpoint": checkpoint.note,
            "inclusion_proof": {
                "index": seq,
                "size": checkpoint.size,
                "proof": [base64.b64encode(h).decode() for h in proof],
            },
        }


def rotated() -> RotatingLog:
    """5+3 entries under OLD; NEW announced at seq 8; overlap; OLD retired at seq 11."""
    log = RotatingLog()
    log.records(5)
    log.sign(OLD)  # size 5
    log.records(3)
    log.sign(OLD)  # size 8
    assert log.announce(NEW, OLD) == 8
    log.sign(OLD, NEW)  # size 9: the announcement covered, both keys
    log.records(2)
    log.sign(OLD, NEW)  # size 11
    assert log.retire(OLD, NEW) == 11
    log.sign(NEW)  # size 12
    log.records(3)
    log.sign(NEW)  # size 15
    return log


def windows(report: VerifyReport) -> list[tuple[int | None, int | None]]:
    """Return (first, last) of each key in the report."""
    return [(key.first_size, key.last_size) for key in report.keys]


def problems_at(report: VerifyReport) -> list[tuple[int | None, int | None]]:
    """Return (seq, checkpoint size) of each problem."""
    return [(p.seq, p.checkpoint_size) for p in report.problems]
