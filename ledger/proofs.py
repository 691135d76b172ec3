"""Checking RFC 6962 inclusion and consistency proofs (RFC 9162 sections 2.1.3.2, 2.1.4.2).

Every failure raises :class:`~ledger.errors.VerificationError` or a subclass;
all hashes must be exactly 32 bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.errors import ProofError, RootMismatchError
from ledger.hashing import HASH_SIZE, node_hash


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        size = len(value) if isinstance(value, bytes | bytearray) else type(value).__name__
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, not {size}")


def root_from_inclusion_proof(
    *, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Return the root implied by an inclusion proof of ``leaf_hash`` at ``index``."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    _check_hash(leaf_hash, "leaf hash")
    for position, item in enumerate(proof):
        _check_hash(item, f"proof item {position}")
    fn, sn, result = index, size - 1, leaf_hash
    for item in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof has {len(proof)} items, too many for the tree")
        if fn & 1 or fn == sn:
            result = node_hash(item, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof has {len(proof)} items, too few for the tree")
    return result


def verify_inclusion(
    *, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``."""
    _check_hash(root, "root")
    calculated = root_from_inclusion_proof(index=index, size=size, leaf_hash=leaf_hash, proof=proof)
    if calculated != root:
        raise RootMismatchError(root, calculated, f"inclusion of leaf {index} in size {size}")


def verify_consistency(
    *, old_size: int, size: int, old_root: bytes, root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``old_size`` with ``old_root`` is a prefix of ``size``/``root``.

    Precondition: ``1 <= old_size <= size``. A proof from the empty tree proves
    nothing, so ``old_size == 0`` is refused.
    """
    if old_size < 1:
        raise ProofError(f"old size must be at least 1, not {old_size}")
    if old_size > size:
        raise ProofError(f"old size {old_size} is larger than size {size}")
    if old_size == size:
        # Nothing is hashed: a tree is consistent with itself exactly when the roots agree.
        if proof:
            raise ProofError("sizes are equal but the proof is not empty")
        if old_root != root:
            raise RootMismatchError(root, old_root, f"equal sizes {size}")
        return
    _check_hash(old_root, "old root")
    _check_hash(root, "root")
    for position, item in enumerate(proof):
        _check_hash(item, f"proof item {position}")
    if not proof:
        raise ProofError(f"empty consistency proof from {old_size} to {size}")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for item in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof has {len(proof)} items, too many")
        if fn & 1 or fn == sn:
            fr = node_hash(item, fr)
            sr = node_hash(item, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof has {len(proof)} items, too few")
    if fr != old_root:
        raise RootMismatchError(old_root, fr, f"old tree of size {old_size}")
    if sr != root:
        raise RootMismatchError(root, sr, f"tree of size {size}")
