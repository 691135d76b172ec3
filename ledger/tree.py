"""The Merkle tree over stored interior hashes (RFC 6962 section 2.1 shape).

A node ``(level, index)`` is the hash of the complete subtree over leaves
``[index * 2**level, (index + 1) * 2**level)``. Only complete nodes are stored;
the hash of any other range is folded from at most log2(n) complete nodes, as
Go's sumdb ``tlog`` does. So a root, an inclusion proof or a consistency
proof costs O(log n) node reads, made in one batch through a
:class:`~ledger.store.NodeReader`.

The node completed by leaf ``n`` at level ``L`` is stored with that leaf: the
leaf's ``tree_hashes`` blob holds its leaf hash followed by every node it
completes, lowest level first. Appending costs amortised two hashes.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.errors import ProofError, StorageError
from ledger.hashing import EMPTY_ROOT, leaf_hash, node_hash
from ledger.store import Node, NodeReader


def range_nodes(lo: int, hi: int) -> list[Node]:
    """Return the maximal complete aligned nodes covering leaves [lo, hi), left to right."""
    nodes: list[Node] = []
    while lo < hi:
        level = (lo & -lo).bit_length() - 1 if lo else (hi - lo).bit_length() - 1
        while lo + (1 << level) > hi:
            level -= 1
        nodes.append((level, lo >> level))
        lo += 1 << level
    return nodes


def fold_right(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of adjacent complete nodes into the hash of their range."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Return the leaf ranges whose hashes make up PATH(index, D[size]), leaf upward."""
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, size: int) -> list[tuple[int, int]]:
    """Return the leaf ranges of PROOF(old, D[size]) per RFC 6962 section 2.1.2."""
    ranges: list[tuple[int, int]] = []
    lo, hi, m, complete = 0, size, old, True
    while m != hi - lo:
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    if not complete:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def _range_hashes(ranges: Sequence[tuple[int, int]], reader: NodeReader) -> list[bytes]:
    """Read every node the ranges need in one batch and fold each range's hash."""
    per_range = [range_nodes(lo, hi) for lo, hi in ranges]
    wanted = sorted({node for nodes in per_range for node in nodes})
    found = dict(zip(wanted, reader.read_nodes(wanted), strict=True))
    return [  # most ranges of a proof are one complete node: nothing to fold
        found[nodes[0]] if len(nodes) == 1 else fold_right([found[node] for node in nodes])
        for nodes in per_range
    ]


def root_hash(size: int, reader: NodeReader) -> bytes:
    """Return the Merkle tree hash of the first ``size`` leaves."""
    if size < 0:
        raise ProofError(f"tree size {size} is negative")
    if size == 0:
        return EMPTY_ROOT
    return _range_hashes([(0, size)], reader)[0]


def inclusion_proof(index: int, size: int, reader: NodeReader) -> list[bytes]:
    """Return the RFC 6962 inclusion proof of leaf ``index`` in the tree of ``size`` leaves.

    Precondition: ``0 <= index < size`` and ``size`` leaves are stored.
    """
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    return _range_hashes(_inclusion_ranges(index, size), reader)


def consistency_proof(old: int, size: int, reader: NodeReader) -> list[bytes]:
    """Return the RFC 6962 consistency proof from tree size ``old`` to ``size``.

    Precondition: ``0 < old <= size`` and ``size`` leaves are stored. Equal sizes
    give an empty proof.
    """
    if not 0 < old <= size:
        raise ProofError(f"old size {old} must satisfy 0 < old <= {size}")
    if old == size:
        return []
    return _range_hashes(_consistency_ranges(old, size), reader)


class Frontier:
    """The right edge of the tree: the hashes of the maximal complete subtrees of [0, size).

    Appending a leaf returns the leaf hash and every node it completes, the
    bytes stored with that leaf.
    """

    __slots__ = ("_hashes", "_levels", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        levels = [level for level, _ in range_nodes(0, size)]
        if len(levels) != len(hashes):
            raise StorageError(f"frontier of size {size} needs {len(levels)} hashes")
        self.size = size
        self._levels = levels
        self._hashes = list(hashes)

    @classmethod
    def load(cls, size: int, reader: NodeReader) -> Frontier:
        """Read the frontier of a stored tree of ``size`` leaves."""
        nodes = range_nodes(0, size)
        return cls(size, reader.read_nodes(nodes) if nodes else [])

    def append(self, leaf: bytes) -> bytes:
        """Append one leaf (the commitment C) and return the hashes it completes."""
        current = leaf_hash(leaf)
        levels, hashes = self._levels, self._hashes
        self.size += 1
        if not levels or levels[-1]:
            # Every even leaf completes no node: it only joins the right edge.
            levels.append(0)
            hashes.append(current)
            return current
        completed = [current]
        level = 0
        while levels and levels[-1] == level:
            levels.pop()
            current = node_hash(hashes.pop(), current)
            completed.append(current)
            level += 1
        levels.append(level)
        hashes.append(current)
        return b"".join(completed)

    def root(self) -> bytes:
        """Return the Merkle tree hash of the current size."""
        return fold_right(self._hashes) if self._hashes else EMPTY_ROOT

    def copy(self) -> Frontier:
        """Return an independent copy."""
        clone = Frontier.__new__(Frontier)
        clone.size = self.size
        clone._levels = list(self._levels)
        clone._hashes = list(self._hashes)
        return clone
