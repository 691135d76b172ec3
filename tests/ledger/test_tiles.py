"""C2SP tlog-tiles: paths per the spec, tile bytes, and the root rebuilt from tiles alone."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_support import HYPOTHESIS, BuiltLog, build_log

from ledger.checkpoint import Checkpoint, open_checkpoint
from ledger.errors import FormatError, RootMismatchError
from ledger.note import NoteSigner
from ledger.tiles import (
    Tile,
    TileNotInTreeError,
    decode_entry_bundle,
    encode_index,
    parse_tile_path,
    read_entry_bundle,
    read_tile,
    root_from_tiles,
    tiles_for_size,
    verify_root_from_tiles,
)
from ledger.tree import root_hash

SIZES = [1, 255, 256, 257, 65_536, 65_537]
ORIGIN = "tiles.example/log"


class Commitments:
    """A commitment reader over a list (what a backend's entry table holds)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves

    def read_commitments(self, start: int, stop: int) -> list[bytes]:
        """Return the commitments of ``[start, stop)``."""
        return self.leaves[start:stop]


@pytest.fixture(scope="module")
def log() -> BuiltLog:
    """A 65,537-entry log: its stored tree answers every size up to that."""
    return build_log(max(SIZES), batch=4096)


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _mth(hashes: list[bytes]) -> bytes:
    """RFC 6962 MTH over leaf hashes, written from the RFC (split at the largest power of 2)."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return _sha(b"\x01" + _mth(hashes[:k]) + _mth(hashes[k:]))


def _reference_root(size: int, tiles: dict[str, bytes]) -> bytes:
    """Rebuild the root from the tile files alone, independently of ledger.tiles' own code."""
    level0 = b"".join(data for _, data in sorted_tiles(tiles, "tile/0/"))
    leaves = [level0[i : i + 32] for i in range(0, len(level0), 32)]
    assert len(leaves) == size
    # Each hash of a level L >= 1 tile is the 256-leaf subtree hash of a full tile below.
    for level in sorted({int(path.split("/")[1]) for path in tiles} - {0}):
        below = b"".join(d for _, d in sorted_tiles(tiles, f"tile/{level - 1}/"))
        above = b"".join(d for _, d in sorted_tiles(tiles, f"tile/{level}/"))
        for i in range(len(above) // 32):
            chunk = below[i * 8192 : (i + 1) * 8192]
            subtree = _mth([chunk[j : j + 32] for j in range(0, 8192, 32)])
            assert above[i * 32 : (i + 1) * 32] == subtree, f"level {level} hash {i}"
    return _mth(leaves)


def sorted_tiles(tiles: dict[str, bytes], prefix: str) -> list[tuple[str, bytes]]:
    """Return the tiles under ``prefix`` in index order (full tiles before the partial one)."""
    chosen = [(p, d) for p, d in tiles.items() if p.startswith(prefix)]

    def index(item: tuple[str, bytes]) -> int:
        groups = item[0][len(prefix) :].split(".p/")[0].replace("x", "").split("/")
        return int("".join(groups))

    return sorted(chosen, key=index)


def test_index_paths_follow_the_spec() -> None:
    assert encode_index(0) == "000"
    assert encode_index(7) == "007"
    assert encode_index(999) == "999"
    assert encode_index(1000) == "x001/000"
    assert encode_index(1_234_067) == "x001/x234/067"
    assert Tile(0, 0).path == "tile/0/000"
    assert Tile(1, 1_234_067, 7).path == "tile/1/x001/x234/067.p/7"
    assert Tile(0, 5, 256, entries=True).path == "tile/entries/005"
    assert Tile(0, 1000, 13, entries=True).path == "tile/entries/x001/000.p/13"
    assert parse_tile_path("tile/2/x001/x234/067.p/255") == Tile(2, 1_234_067, 255)
    assert parse_tile_path("tile/entries/x005/000") == Tile(0, 5000, 256, entries=True)


@HYPOTHESIS
@given(
    level=st.integers(0, 63),
    index=st.integers(0, 2**40),
    width=st.integers(1, 256),
    entries=st.booleans(),
)
def test_paths_round_trip(level: int, index: int, width: int, entries: bool) -> None:
    tile = Tile(0 if entries else level, index, width, entries)
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",
        "tile/0/0001",
        "tile/00/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/data/000",
        "tiles/0/000",
        "tile/0",
        "tile/0/x000/001",
        "tile/0/001/002",
        "tile/0/x1/000",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/05",
        "tile/0/000.p/",
        "tile/0/000.p",
        "tile/entries/000.p",
        "tile/0/000/",
        "tile/0/x001/x002/x003/x004/x005/x006/x007/x008/000",
        "tile/0/\u0660\u0660\u0660",
    ],
)
def test_malformed_paths_are_refused(path: str) -> None:
    with pytest.raises(FormatError):
        parse_tile_path(path)


def test_tile_set_matches_the_spec_examples() -> None:
    tiles = tiles_for_size(70_000)
    hashes = [t for t in tiles if not t.entries]
    assert sum(1 for t in hashes if t.level == 0 and t.full) == 273
    assert [t.width for t in hashes if t.level == 0 and not t.full] == [112]
    assert [(t.index, t.width) for t in hashes if t.level == 1] == [(0, 256), (1, 17)]
    assert [(t.index, t.width) for t in hashes if t.level == 2] == [(0, 1)]
    assert len([t for t in tiles if t.entries]) == 274
    assert [t.path for t in tiles_for_size(256)] == [
        "tile/0/000",
        "tile/1/000.p/1",
        "tile/entries/000",
    ]
    assert tiles_for_size(0) == []


@pytest.mark.parametrize("size", SIZES)
def test_root_rebuilt_from_tiles_equals_the_signed_checkpoint(log: BuiltLog, size: int) -> None:
    signer = NoteSigner.generate(ORIGIN)
    note = Checkpoint(ORIGIN, size, root_hash(size, log.nodes)).sign(signer)
    checkpoint = open_checkpoint(note, signer.verifier())
    files = {t.path: read_tile(t, size, log.nodes) for t in tiles_for_size(size) if not t.entries}
    assert _reference_root(size, files) == checkpoint.root
    assert root_from_tiles(size, lambda t: files[t.path]) == checkpoint.root
    verify_root_from_tiles(size, checkpoint.root, lambda t: files[t.path])


def test_a_changed_tile_changes_the_root(log: BuiltLog) -> None:
    size = 300
    files = {t.path: read_tile(t, size, log.nodes) for t in tiles_for_size(size) if not t.entries}
    root = root_hash(size, log.nodes)
    files["tile/0/001.p/44"] = files["tile/0/001.p/44"][:-1] + b"\x00"
    with pytest.raises(RootMismatchError):
        verify_root_from_tiles(size, root, lambda t: files[t.path])
    with pytest.raises(FormatError):
        root_from_tiles(size, lambda t: files[t.path][:-32] if t.width == 44 else files[t.path])


def test_partial_tiles_exist_only_up_to_the_tree_size(log: BuiltLog) -> None:
    full = read_tile(Tile(0, 0), 300, log.nodes)
    assert len(full) == 8192
    assert read_tile(Tile(0, 0, 100), 300, log.nodes) == full[: 100 * 32]
    assert len(read_tile(Tile(0, 1, 44), 300, log.nodes)) == 44 * 32
    assert read_tile(Tile(1, 0, 1), 300, log.nodes) == root_hash(256, log.nodes)
    for tile in (Tile(0, 1, 45), Tile(0, 1), Tile(1, 0, 2), Tile(2, 0, 1), Tile(0, 2, 1)):
        with pytest.raises(TileNotInTreeError):
            read_tile(tile, 300, log.nodes)
    with pytest.raises(TileNotInTreeError):
        read_tile(Tile(0, 0, 6), 5, log.nodes)


def test_entry_bundles_hold_exactly_the_commitments(log: BuiltLog) -> None:
    reader = Commitments(log.leaves)
    size = 300
    bundle = read_entry_bundle(Tile(0, 0, entries=True), size, reader)
    assert bundle == b"".join(b"\x00\x20" + c for c in log.leaves[:256])
    assert decode_entry_bundle(bundle) == log.leaves[:256]
    partial = read_entry_bundle(Tile(0, 1, 44, entries=True), size, reader)
    entries = decode_entry_bundle(partial)
    assert entries == log.leaves[256:300]
    level0 = read_tile(Tile(0, 1, 44), size, log.nodes)
    assert [_sha(b"\x00" + c) for c in entries] == [
        level0[i : i + 32] for i in range(0, len(level0), 32)
    ]
    assert all(entry.entry_bytes not in partial for entry in log.entries[256:300])
    with pytest.raises(TileNotInTreeError):
        read_entry_bundle(Tile(0, 1, 45, entries=True), size, reader)


@pytest.mark.parametrize("data", [b"\x00", b"\x00\x20" + bytes(31), b"\x00\x01"])
def test_truncated_bundles_are_refused(data: bytes) -> None:
    with pytest.raises(FormatError):
        decode_entry_bundle(data)
