"""Storage protocols the ledger library reads through, and an in-memory store.

A backend (SQL, files, memory) implements :class:`NodeReader` so that the
library's proof code can fetch the stored interior hashes it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ledger.errors import StorageError
from ledger.hashing import HASH_SIZE

Node = tuple[int, int]
"""A complete subtree ``(level, index)`` over leaves [index * 2**level, (index + 1) * 2**level)."""


class NodeReader(Protocol):
    """Reads stored complete-node hashes in one batch."""

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the 32-byte hash of each node, in order; raise StorageError if absent."""
        ...


def node_from_blob(node: Node, tree_hashes: bytes | None) -> bytes:
    """Extract one node's hash from the ``tree_hashes`` blob of the leaf that completed it."""
    level = node[0]
    start = level * HASH_SIZE
    if tree_hashes is None or len(tree_hashes) < start + HASH_SIZE:
        raise StorageError(f"stored hash of node {node} is missing")
    return tree_hashes[start : start + HASH_SIZE]


class MemoryNodes:
    """An in-memory list of ``tree_hashes`` blobs, one per leaf, readable as nodes."""

    def __init__(self) -> None:
        self.blobs: list[bytes] = []

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the stored hash of each node."""
        out = []
        for level, index in nodes:
            seq = ((index + 1) << level) - 1
            if seq >= len(self.blobs):
                raise StorageError(f"node {(level, index)} is beyond the stored tree")
            out.append(node_from_blob((level, index), self.blobs[seq]))
        return out
