"""ledger.tree and ledger.proofs against the RFC 6962 reference, on a stored 2,100-leaf log."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
import reference as ref
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ledger_support import BIG_LOG_SIZE, HYPOTHESIS, BuiltLog

from ledger.errors import ProofError, RootMismatchError, StorageError, VerificationError
from ledger.hashing import EMPTY_ROOT
from ledger.proofs import verify_consistency, verify_inclusion
from ledger.store import MemoryNodes, Node
from ledger.tree import Frontier, consistency_proof, inclusion_proof, root_hash

N = BIG_LOG_SIZE
EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 255, 256, 257, 1023, 1024, 1025, 2047, 2048, N]
tree_sizes = st.one_of(st.integers(1, N), st.sampled_from(EDGE_SIZES))
TREE_SETTINGS = settings(HYPOTHESIS, max_examples=120)


def flip_bit(value: bytes, bit: int) -> bytes:
    """Return value with one bit flipped (bit counted over the whole byte string)."""
    raw = bytearray(value)
    raw[bit // 8] ^= 1 << (bit % 8)
    return bytes(raw)


class CountingReader:
    """Wraps a node reader and records every batch it is asked for."""

    def __init__(self, inner: MemoryNodes) -> None:
        self.inner = inner
        self.batches: list[list[Node]] = []

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Record the batch and delegate."""
        self.batches.append(list(nodes))
        return self.inner.read_nodes(nodes)


def draw_size_and_index(data: st.DataObject) -> tuple[int, int]:
    """Draw a tree size and a leaf index inside it, edges included."""
    size = data.draw(tree_sizes, label="size")
    index = data.draw(
        st.one_of(st.integers(0, size - 1), st.sampled_from([0, size - 1])), label="index"
    )
    return size, index


def draw_sizes(data: st.DataObject) -> tuple[int, int]:
    """Draw an old size and a size with 0 < old <= size."""
    size = data.draw(tree_sizes, label="size")
    old = data.draw(
        st.one_of(st.integers(1, size), st.sampled_from([1, size, max(1, size - 1)])),
        label="old",
    )
    return old, size


# --- roots and proofs equal the reference, and verify --------------------------------


@TREE_SETTINGS
@given(size=st.one_of(st.integers(0, N), st.sampled_from([0, *EDGE_SIZES])))
def test_root_hash_equals_reference(big_log: BuiltLog, size: int) -> None:
    assert root_hash(size, big_log.nodes) == ref.mth(big_log.leaves[:size])


def test_empty_root_is_sha256_of_nothing(big_log: BuiltLog) -> None:
    assert root_hash(0, big_log.nodes) == EMPTY_ROOT == hashlib.sha256(b"").digest()


@TREE_SETTINGS
@given(data=st.data())
def test_inclusion_proof_equals_reference_and_verifies(big_log: BuiltLog, data) -> None:
    size, index = draw_size_and_index(data)
    leaves = big_log.leaves[:size]
    proof = inclusion_proof(index, size, big_log.nodes)
    assert proof == ref.path(index, leaves)
    verify_inclusion(
        index=index,
        size=size,
        leaf_hash=ref.leaf_hash(leaves[index]),
        proof=proof,
        root=ref.mth(leaves),
    )


@TREE_SETTINGS
@given(data=st.data())
def test_consistency_proof_equals_reference_and_verifies(big_log: BuiltLog, data) -> None:
    old, size = draw_sizes(data)
    leaves = big_log.leaves[:size]
    proof = consistency_proof(old, size, big_log.nodes)
    assert proof == ref.proof(old, leaves)
    verify_consistency(
        old_size=old, size=size, old_root=ref.mth(leaves[:old]), root=ref.mth(leaves), proof=proof
    )


@settings(HYPOTHESIS, max_examples=60)
@given(data=st.data())
def test_proofs_cost_one_batch_of_logarithmically_many_reads(big_log: BuiltLog, data) -> None:
    size, index = draw_size_and_index(data)
    old = data.draw(st.integers(1, size), label="old")
    bound = 2 * size.bit_length()
    for build in (
        lambda r: root_hash(size, r),
        lambda r: inclusion_proof(index, size, r),
        lambda r: consistency_proof(old, size, r),
    ):
        reader = CountingReader(big_log.nodes)
        build(reader)
        assert len(reader.batches) <= 1
        assert all(len(batch) <= bound for batch in reader.batches)


# --- tampering with an inclusion proof -------------------------------------------------


@TREE_SETTINGS
@given(data=st.data())
def test_inclusion_fails_on_any_flipped_bit(big_log: BuiltLog, data) -> None:
    size, index = draw_size_and_index(data)
    leaves = big_log.leaves[:size]
    good = {
        "leaf_hash": ref.leaf_hash(leaves[index]),
        "proof": ref.path(index, leaves),
        "root": ref.mth(leaves),
    }
    targets = ["leaf_hash", "root"] + (["proof"] if good["proof"] else [])
    target = data.draw(st.sampled_from(targets), label="target")
    bit = data.draw(st.integers(0, 255), label="bit")
    bad = dict(good)
    if target == "proof":
        item = data.draw(st.integers(0, len(good["proof"]) - 1), label="item")
        bad["proof"] = list(good["proof"])
        bad["proof"][item] = flip_bit(good["proof"][item], bit)
    else:
        bad[target] = flip_bit(good[target], bit)
    with pytest.raises(RootMismatchError) as caught:
        verify_inclusion(index=index, size=size, **bad)
    assert caught.value.expected == bad["root"]
    if target == "root":
        assert caught.value.calculated == good["root"]


@TREE_SETTINGS
@given(data=st.data())
def test_inclusion_fails_on_truncated_or_extended_proof(big_log: BuiltLog, data) -> None:
    size, index = draw_size_and_index(data)
    leaves = big_log.leaves[:size]
    proof = ref.path(index, leaves)
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra")
    variants = [[*proof, extra], [extra, *proof], [*proof, ref.mth(leaves)]]
    if proof:
        variants += [proof[:-1], proof[1:], []]
    for variant in variants:
        with pytest.raises(VerificationError):
            verify_inclusion(
                index=index,
                size=size,
                leaf_hash=ref.leaf_hash(leaves[index]),
                proof=variant,
                root=ref.mth(leaves),
            )


@TREE_SETTINGS
@given(data=st.data())
def test_inclusion_fails_at_another_index(big_log: BuiltLog, data) -> None:
    size = data.draw(st.integers(2, N), label="size")
    index, other = data.draw(
        st.lists(st.integers(0, size - 1), min_size=2, max_size=2, unique=True), label="indices"
    )
    leaves = big_log.leaves[:size]
    proof = ref.path(index, leaves)
    with pytest.raises(VerificationError):
        verify_inclusion(
            index=other,
            size=size,
            leaf_hash=ref.leaf_hash(leaves[index]),
            proof=proof,
            root=ref.mth(leaves),
        )


@TREE_SETTINGS
@given(data=st.data())
def test_inclusion_fails_at_another_size(big_log: BuiltLog, data) -> None:
    """A proof for size n does not verify as one for size n' against the root of n'.

    The RFC 9162 algorithm binds the size only through the root: where the two
    sizes give PATH the same shape the proof can be valid for both, so such draws
    are compared by proof equality instead.
    """
    size, index = draw_size_and_index(data)
    nearby = [n for n in (size + 1, size - 1, size * 2, size // 2) if index < n <= N]
    choices = st.integers(index + 1, N)
    if nearby:
        choices = st.one_of(choices, st.sampled_from(nearby))
    other = data.draw(choices, label="other")
    assume(other != size)
    leaves = big_log.leaves
    proof = ref.path(index, leaves[:size])
    claimed = ref.path(index, leaves[:other])
    arguments = {"index": index, "leaf_hash": ref.leaf_hash(leaves[index]), "proof": proof}
    if len(claimed) != len(proof):
        # The wrong size is caught by the proof's length alone, whatever the root.
        for root in (ref.mth(leaves[:size]), ref.mth(leaves[:other])):
            with pytest.raises(ProofError):
                verify_inclusion(size=other, root=root, **arguments)
    assert claimed != proof
    with pytest.raises(VerificationError):
        verify_inclusion(size=other, root=ref.mth(leaves[:other]), **arguments)


# --- tampering with a consistency proof ------------------------------------------------


@TREE_SETTINGS
@given(data=st.data())
def test_consistency_fails_on_any_flipped_bit(big_log: BuiltLog, data) -> None:
    old, size = draw_sizes(data)
    leaves = big_log.leaves[:size]
    good = {
        "old_root": ref.mth(leaves[:old]),
        "root": ref.mth(leaves),
        "proof": ref.proof(old, leaves),
    }
    targets = ["old_root", "root"] + (["proof"] if good["proof"] else [])
    target = data.draw(st.sampled_from(targets), label="target")
    bit = data.draw(st.integers(0, 255), label="bit")
    bad = dict(good)
    if target == "proof":
        item = data.draw(st.integers(0, len(good["proof"]) - 1), label="item")
        bad["proof"] = list(good["proof"])
        bad["proof"][item] = flip_bit(good["proof"][item], bit)
    else:
        bad[target] = flip_bit(good[target], bit)
    with pytest.raises(RootMismatchError):
        verify_consistency(old_size=old, size=size, **bad)


@TREE_SETTINGS
@given(data=st.data())
def test_consistency_fails_on_truncated_or_extended_proof(big_log: BuiltLog, data) -> None:
    old, size = draw_sizes(data)
    leaves = big_log.leaves[:size]
    proof = ref.proof(old, leaves)
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra")
    variants = [[*proof, extra], [extra, *proof], [*proof, ref.mth(leaves[:old])]]
    if proof:
        variants += [proof[:-1], proof[1:], []]
    for variant in variants:
        with pytest.raises(VerificationError):
            verify_consistency(
                old_size=old,
                size=size,
                old_root=ref.mth(leaves[:old]),
                root=ref.mth(leaves),
                proof=variant,
            )


@TREE_SETTINGS
@given(data=st.data())
def test_consistency_fails_at_other_sizes(big_log: BuiltLog, data) -> None:
    """A proof for (m, n) does not verify for other sizes (m', n') against their roots."""
    old, size = draw_sizes(data)
    leaves = big_log.leaves
    proof = ref.proof(old, leaves[:size])
    nudges = st.sampled_from([0, 0, -1, 1, 2, -2])
    other_old = old + data.draw(nudges, label="old nudge")
    other_size = size + data.draw(nudges, label="size nudge")
    if data.draw(st.booleans(), label="far"):
        other_old, other_size = sorted(data.draw(st.tuples(st.integers(1, N), st.integers(1, N))))
    assume(1 <= other_old <= other_size <= N and (other_old, other_size) != (old, size))
    claimed = ref.proof(other_old, leaves[:other_size])
    if old == size and other_old == other_size:
        # Equal sizes: every such pair has the same (empty) proof and it is valid.
        assert claimed == proof == []
        return
    assert claimed != proof
    arguments = {
        "old_size": other_old,
        "size": other_size,
        "old_root": ref.mth(leaves[:other_old]),
        "root": ref.mth(leaves[:other_size]),
        "proof": proof,
    }
    error = ProofError if len(claimed) != len(proof) else VerificationError
    with pytest.raises(error):
        verify_consistency(**arguments)


# --- proof checking: malformed input ---------------------------------------------------


H = bytes(32)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"index": 0, "size": 0, "leaf_hash": H, "proof": [], "root": H}, ProofError),
        ({"index": 1, "size": 1, "leaf_hash": H, "proof": [], "root": H}, ProofError),
        ({"index": -1, "size": 4, "leaf_hash": H, "proof": [H, H], "root": H}, ProofError),
        ({"index": 0, "size": 1, "leaf_hash": H[:31], "proof": [], "root": H}, ProofError),
        ({"index": 0, "size": 1, "leaf_hash": H, "proof": [], "root": H + b"\0"}, ProofError),
        ({"index": 0, "size": 2, "leaf_hash": H, "proof": [H[:16]], "root": H}, ProofError),
        ({"index": 0, "size": 2, "leaf_hash": H, "proof": ["00" * 16], "root": H}, ProofError),
        ({"index": 0, "size": 2, "leaf_hash": "00" * 16, "proof": [H], "root": H}, ProofError),
    ],
)
def test_verify_inclusion_rejects_malformed_input(arguments: dict, error: type) -> None:
    with pytest.raises(error):
        verify_inclusion(**arguments)


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            {"old_size": 0, "size": 0, "old_root": EMPTY_ROOT, "root": EMPTY_ROOT, "proof": []},
            ProofError,
        ),
        ({"old_size": 0, "size": 3, "old_root": EMPTY_ROOT, "root": H, "proof": []}, ProofError),
        ({"old_size": 4, "size": 3, "old_root": H, "root": H, "proof": [H]}, ProofError),
        ({"old_size": 3, "size": 3, "old_root": H, "root": H, "proof": [H]}, ProofError),
        ({"old_size": 2, "size": 3, "old_root": H, "root": H, "proof": []}, ProofError),
        (
            {"old_size": 1, "size": 1, "old_root": H, "root": b"\1" * 32, "proof": []},
            RootMismatchError,
        ),
        ({"old_size": 1, "size": 2, "old_root": H[:5], "root": H, "proof": [H]}, ProofError),
        ({"old_size": 1, "size": 2, "old_root": H, "root": H, "proof": [H * 2]}, ProofError),
    ],
)
def test_verify_consistency_rejects_malformed_input(arguments: dict, error: type) -> None:
    with pytest.raises(error):
        verify_consistency(**arguments)


def test_equal_sizes_with_equal_roots_and_no_proof_verify() -> None:
    verify_consistency(old_size=5, size=5, old_root=H, root=H, proof=[])


# --- proof building: error paths -------------------------------------------------------


def test_proof_builders_refuse_impossible_sizes(big_log: BuiltLog) -> None:
    nodes = big_log.nodes
    for index, size in [(5, 5), (6, 5), (-1, 5), (0, 0)]:
        with pytest.raises(ProofError):
            inclusion_proof(index, size, nodes)
    for old, size in [(0, 5), (0, 0), (6, 5), (-1, 5)]:
        with pytest.raises(ProofError):
            consistency_proof(old, size, nodes)
    with pytest.raises(ProofError):
        root_hash(-1, nodes)
    assert consistency_proof(N, N, nodes) == []


def test_reading_beyond_the_stored_tree_raises_storage_error(big_log: BuiltLog) -> None:
    nodes = big_log.nodes
    with pytest.raises(StorageError):
        root_hash(N + 1, nodes)
    with pytest.raises(StorageError):
        inclusion_proof(0, N + 1, nodes)
    # The last leaf's own proof needs no unstored node; its left neighbour's does.
    assert inclusion_proof(N, N + 1, nodes) == ref.path(N, [*big_log.leaves, bytes(32)])
    with pytest.raises(StorageError):
        inclusion_proof(N - 1, N + 1, nodes)
    with pytest.raises(StorageError):
        consistency_proof(1, N + 3, nodes)
    with pytest.raises(StorageError):
        Frontier.load(N + 1, nodes)
    with pytest.raises(StorageError):
        MemoryNodes().read_nodes([(0, 0)])


def test_a_truncated_stored_blob_raises_storage_error(big_log: BuiltLog) -> None:
    nodes = MemoryNodes()
    nodes.blobs = list(big_log.nodes.blobs[:8])
    nodes.blobs[7] = nodes.blobs[7][:64]  # leaf 7 completes levels 0..3; keep levels 0..1
    assert root_hash(6, nodes) == ref.mth(big_log.leaves[:6])
    with pytest.raises(StorageError):
        root_hash(8, nodes)


# --- the frontier ----------------------------------------------------------------------
