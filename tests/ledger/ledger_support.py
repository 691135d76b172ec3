"""Helpers shared by the ledger tests: a log built with prepare_entries, hypothesis settings."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import settings

from ledger.append import Draft, LogHead, PreparedEntry, prepare_entries
from ledger.store import MemoryNodes
from ledger.tree import Frontier

BIG_LOG_SIZE = 2100

# Hashing makes example times uneven, so no deadline; no example database, so a
# test run writes nothing outside the test folder (failures print their example).
HYPOTHESIS = settings(deadline=None, database=None)


@dataclass(frozen=True)
class BuiltLog:
    """A log built with ``prepare_entries``: its entries, leaves (commitments) and stored tree."""

    entries: list[PreparedEntry]
    leaves: list[bytes]
    nodes: MemoryNodes


def build_log(size: int, *, batch: int = 97) -> BuiltLog:
    """Append ``size`` small entries in batches and store their tree hashes in memory."""
    head = LogHead(Frontier())
    entries: list[PreparedEntry] = []
    while len(entries) < size:
        count = min(batch, size - len(entries))
        drafts = [Draft("test.appended", "tester", {"n": len(entries) + i}) for i in range(count)]
        entries.extend(prepare_entries(head, drafts))
    nodes = MemoryNodes()
    nodes.blobs = [entry.tree_hashes for entry in entries]
    return BuiltLog(entries, [entry.commitment for entry in entries], nodes)
