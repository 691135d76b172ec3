"""ledger.tree's Frontier and range decomposition against the RFC 6962 reference."""

from __future__ import annotations

import pytest
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_support import BIG_LOG_SIZE, HYPOTHESIS, BuiltLog

from ledger.errors import StorageError
from ledger.tree import Frontier, range_nodes

N = BIG_LOG_SIZE
EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 255, 256, 257, 1023, 1024, 1025, 2047, 2048, N]
TREE_SETTINGS = settings(HYPOTHESIS, max_examples=120)
H = bytes(32)


def _stored_blob_reference(leaves: list[bytes], seq: int) -> bytes:
    """Return the leaf hash of ``seq`` and every subtree it completes, from the reference."""
    out = [ref.leaf_hash(leaves[seq])]
    width = 2
    while (seq + 1) % width == 0:
        out.append(ref.mth(leaves[seq + 1 - width : seq + 1]))
        width *= 2
    return b"".join(out)


def test_frontier_root_after_each_append_equals_reference(big_log: BuiltLog) -> None:
    frontier = Frontier()
    assert frontier.root() == ref.mth([])
    for seq, leaf in enumerate(big_log.leaves[:300]):
        frontier.append(leaf)
        assert frontier.size == seq + 1
        assert frontier.root() == ref.mth(big_log.leaves[: seq + 1])


def test_frontier_appends_return_the_stored_hashes_reference_predicts(big_log: BuiltLog) -> None:
    frontier = Frontier()
    for seq, leaf in enumerate(big_log.leaves):
        blob = frontier.append(leaf)
        assert blob == big_log.nodes.blobs[seq]
        assert blob == _stored_blob_reference(big_log.leaves, seq)
    assert frontier.root() == ref.mth(big_log.leaves)


@TREE_SETTINGS
@given(
    size=st.one_of(st.integers(0, N), st.sampled_from([0, *EDGE_SIZES])), more=st.integers(0, 40)
)
def test_frontier_load_equals_frontier_built_by_appending(
    big_log: BuiltLog, size: int, more: int
) -> None:
    appended = Frontier()
    for leaf in big_log.leaves[:size]:
        appended.append(leaf)
    loaded = Frontier.load(size, big_log.nodes)
    assert loaded.size == appended.size == size
    assert loaded.root() == appended.root() == ref.mth(big_log.leaves[:size])
    for seq in range(size, min(size + more, N)):
        assert loaded.append(big_log.leaves[seq]) == appended.append(big_log.leaves[seq])
        assert loaded.root() == appended.root()


def test_frontier_copy_is_independent(big_log: BuiltLog) -> None:
    original = Frontier.load(100, big_log.nodes)
    clone = original.copy()
    clone.append(big_log.leaves[100])
    assert (original.size, clone.size) == (100, 101)
    assert original.root() == ref.mth(big_log.leaves[:100])
    assert clone.root() == ref.mth(big_log.leaves[:101])


def test_frontier_refuses_a_wrong_number_of_hashes() -> None:
    with pytest.raises(StorageError):
        Frontier(3, [H])  # size 3 needs two subtrees: [0, 2) and [2, 3)
    with pytest.raises(StorageError):
        Frontier(4, [H, H])
    assert Frontier(3, [H, b"\1" * 32]).size == 3


# --- range_nodes -----------------------------------------------------------------------


@settings(HYPOTHESIS, max_examples=300)
@given(bounds=st.tuples(st.integers(0, 2**40), st.integers(0, 2**40)).map(sorted))
def test_range_nodes_cover_exactly_with_maximal_aligned_blocks(bounds: list[int]) -> None:
    lo, hi = bounds
    nodes = range_nodes(lo, hi)
    position = lo
    for level, index in nodes:
        start, width = index << level, 1 << level
        assert start == position, "blocks must be contiguous, left to right"
        assert start % width == 0
        parent_start, parent_width = (index >> 1) << (level + 1), width * 2
        assert not (lo <= parent_start and parent_start + parent_width <= hi), "not maximal"
        position += width
    assert position == hi
    assert len(nodes) <= 2 * max(1, (hi - lo).bit_length())


def test_range_nodes_examples() -> None:
    assert range_nodes(5, 5) == []
    assert range_nodes(0, 1) == [(0, 0)]
    assert range_nodes(0, 2100) == [(11, 0), (5, 64), (4, 130), (2, 524)]
    assert range_nodes(3, 9) == [(0, 3), (2, 1), (0, 8)]
