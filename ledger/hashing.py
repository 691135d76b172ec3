"""RFC 6962 hashing: commitments, leaf hashes and interior node hashes."""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
ZERO_HASH = bytes(HASH_SIZE)
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def commitment(entry_bytes: bytes) -> bytes:
    """Return C = SHA-256(canonical entry bytes), the leaf data of the public log."""
    return _sha256(entry_bytes).digest()


def leaf_hash(leaf: bytes) -> bytes:
    """Return the RFC 6962 leaf hash SHA-256(0x00 || leaf)."""
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior hash SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()
