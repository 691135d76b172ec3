"""A slow, obviously-correct Merkle tree written straight from RFC 6962 section 2.1.

Independent of the ``ledger`` package: only ``hashlib``. The input is the list of
leaves D[n], each a 32-byte commitment C; the hash of a single leaf is
SHA-256(0x00 || C). Functions follow the RFC's recursive definitions literally,
slicing lists, so they cost O(n) per call and must not be used on large trees
in tight loops.
"""

from __future__ import annotations

import hashlib


def sha256(data: bytes) -> bytes:
    """Return the SHA-256 digest of data."""
    return hashlib.sha256(data).digest()


def leaf_hash(leaf: bytes) -> bytes:
    """Return SHA-256(0x00 || leaf)."""
    return sha256(b"\x00" + leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return SHA-256(0x01 || left || right)."""
    return sha256(b"\x01" + left + right)


def split_point(n: int) -> int:
    """Return k, the largest power of two smaller than n (n > 1)."""
    assert n > 1
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    """Return MTH(D[n])."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hash(leaves[0])
    k = split_point(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """Return PATH(m, D[n]), the inclusion proof of leaf m, leaf upward."""
    n = len(leaves)
    assert 0 <= m < n
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


def proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """Return PROOF(m, D[n]), the consistency proof from size m (0 < m <= n)."""
    assert 0 < m <= len(leaves)
    return subproof(m, leaves, True)


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """Return SUBPROOF(m, D[n], b)."""
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split_point(n)
    if m <= k:
        return [*subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]
