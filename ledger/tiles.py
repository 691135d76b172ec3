"""C2SP tlog-tiles: tile paths, and the bytes of hash tiles and entry bundles.

A tile at level ``L`` holds up to 256 consecutive hashes of tree level ``8*L``
(level 0: leaf hashes): tile ``N`` holds the nodes ``(8*L, N*256 + i)`` for
``i < W``, the hash of leaves ``[(N*256 + i) * 256**L, (N*256 + i + 1) * 256**L)``.
A full tile has ``W = 256`` (8,192 bytes); a partial tile, ``1 <= W <= 255``.
Entry bundle ``N`` holds the log entries of leaves ``[N*256, N*256 + W)``; this
log's entries are the 32-byte commitments C, so a bundle is ``W`` times the
big-endian uint16 ``32`` followed by C.

Paths: ``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``, where ``N`` is
written in zero-padded 3-digit groups, all but the last prefixed ``x``:
1234067 is ``x001/x234/067`` (Go's sumdb ``tlog.Tile.Path`` without its height
element). Parsing accepts only that canonical form, so each tile has one path.

The content of any tile, full or partial, is fixed once its nodes exist: it
depends only on a prefix of the append-only log.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ledger.errors import FormatError, RootMismatchError, StorageError, VerificationError
from ledger.hashing import EMPTY_ROOT, HASH_SIZE, node_hash
from ledger.store import NodeReader
from ledger.tree import fold_right, range_nodes

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
_LEVEL_RE = re.compile(r"(0|[1-9][0-9]?)\Z")
_WIDTH_RE = re.compile(r"[1-9][0-9]{0,2}\Z")
_GROUP_RE = re.compile(r"[0-9]{3}\Z")
_MAX_GROUPS = 8  # 10**24 > 2**64: no tree has more tiles than that


class TileNotInTreeError(VerificationError):
    """The tile asked for does not exist in the tree of the given size."""


class CommitmentReader(Protocol):
    """Reads the log's entries (commitments C) of a range of leaves."""

    def read_commitments(self, start: int, stop: int) -> list[bytes]:
        """Return the commitment of each leaf in ``[start, stop)``, in order."""
        ...


@dataclass(frozen=True, slots=True)
class Tile:
    """A hash tile (``entries`` False) or an entry bundle (``entries`` True; level 0)."""

    level: int
    index: int
    width: int = TILE_WIDTH
    entries: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL or (self.entries and self.level != 0):
            raise FormatError(f"tile level {self.level} is outside 0-{MAX_LEVEL}")
        if self.index < 0 or not 1 <= self.width <= TILE_WIDTH:
            raise FormatError(f"tile index {self.index} or width {self.width} is out of range")

    @property
    def full(self) -> bool:
        """Return True for a full (256-wide) tile."""
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """Return the tile's path, e.g. ``tile/1/x001/234.p/7``."""
        level = "entries" if self.entries else str(self.level)
        partial = "" if self.full else f".p/{self.width}"
        return f"tile/{level}/{encode_index(self.index)}{partial}"

    def leaves_needed(self) -> int:
        """Return the smallest tree size that holds every hash or entry of this tile."""
        return (self.index * TILE_WIDTH + self.width) << (TILE_HEIGHT * self.level)


def encode_index(index: int) -> str:
    """Return a tile index as 3-digit path groups: 1234067 -> ``x001/x234/067``."""
    if index < 0:
        raise FormatError(f"tile index {index} is negative")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]`` in canonical form."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile" or len(parts) > 3 + _MAX_GROUPS:
        raise FormatError(f"tile path {path[:80]!r} is not tile/<L>/<N>[.p/<W>]")
    entries = parts[1] == "entries"
    if not entries and not _LEVEL_RE.match(parts[1]):
        raise FormatError(f"tile level {parts[1][:8]!r} is not a decimal 0-{MAX_LEVEL}")
    groups = parts[2:]
    width = TILE_WIDTH
    if len(groups) >= 2 and groups[-2].endswith(".p"):
        if not _WIDTH_RE.match(groups[-1]) or int(groups[-1]) >= TILE_WIDTH:
            raise FormatError(f"partial tile width {groups[-1][:8]!r} is not 1-255")
        width = int(groups[-1])
        groups = [*groups[:-2], groups[-2][:-2]]
    if len(groups) > _MAX_GROUPS:
        raise FormatError(f"tile index in {path[:80]!r} has more than {_MAX_GROUPS} groups")
    leading, last = groups[:-1], groups[-1]
    if not _GROUP_RE.match(last) or not all(
        g.startswith("x") and _GROUP_RE.match(g[1:]) for g in leading
    ):
        raise FormatError(f"tile index in {path[:80]!r} is not x-prefixed 3-digit groups")
    if leading and leading[0] == "x000":
        raise FormatError("tile index has a leading zero group")
    index = int("".join(g.lstrip("x") for g in groups))
    return Tile(0 if entries else int(parts[1]), index, width, entries)


def tiles_for_size(size: int) -> list[Tile]:
    """Return every full tile and the partial right-edge tiles of a tree of ``size`` leaves.

    Hash tiles of each level come first, level by level, then the entry bundles.
    """
    tiles: list[Tile] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        nodes = size >> (TILE_HEIGHT * level)
        tiles.extend(Tile(level, n) for n in range(nodes // TILE_WIDTH))
        if nodes % TILE_WIDTH:
            tiles.append(Tile(level, nodes // TILE_WIDTH, nodes % TILE_WIDTH))
        level += 1
    bundles = [Tile(0, t.index, t.width, True) for t in tiles if t.level == 0]
    return tiles + bundles


def _check_in_tree(tile: Tile, size: int) -> None:
    if tile.leaves_needed() > size:
        raise TileNotInTreeError(f"{tile.path} is not in the tree of size {size}")


def read_tile(tile: Tile, size: int, reader: NodeReader) -> bytes:
    """Return the bytes of hash tile ``tile`` of the tree of ``size`` leaves (one batch read)."""
    if tile.entries:
        raise FormatError("an entry bundle is read with read_entry_bundle")
    _check_in_tree(tile, size)
    height = TILE_HEIGHT * tile.level
    start = tile.index * TILE_WIDTH
    hashes = reader.read_nodes([(height, start + i) for i in range(tile.width)])
    if any(len(h) != HASH_SIZE for h in hashes):
        raise StorageError(f"a stored hash of {tile.path} is not {HASH_SIZE} bytes")
    return b"".join(hashes)


def read_entry_bundle(tile: Tile, size: int, reader: CommitmentReader) -> bytes:
    """Return the bytes of entry bundle ``tile`` of the tree of ``size`` leaves."""
    if not tile.entries:
        raise FormatError("a hash tile is read with read_tile")
    _check_in_tree(tile, size)
    start = tile.index * TILE_WIDTH
    return encode_entry_bundle(reader.read_commitments(start, start + tile.width))


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Return the entries as a bundle: each a big-endian uint16 length, then its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise FormatError(f"an entry of {len(entry)} bytes does not fit a bundle")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_entry_bundle(data: bytes) -> list[bytes]:
    """Split a bundle into its entries; raise FormatError on a truncated one."""
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise FormatError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(data):
            raise FormatError("entry bundle ends inside an entry")
        entries.append(data[offset : offset + length])
        offset += length
    return entries


def split_hashes(data: bytes, tile: Tile) -> list[bytes]:
    """Split the bytes of a hash tile into its hashes, checking its length."""
    if len(data) != tile.width * HASH_SIZE:
        raise FormatError(f"{tile.path} has {len(data)} bytes, not {tile.width * HASH_SIZE}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def _subtree_hash(hashes: Sequence[bytes]) -> bytes:
    """Hash a power-of-two run of sibling hashes up to their common ancestor."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def root_from_tiles(size: int, fetch: Callable[[Tile], bytes]) -> bytes:
    """Return the Merkle root of a tree of ``size`` leaves, computed from its hash tiles.

    ``fetch`` returns a tile's bytes (for example from a mirror). Each complete
    node ``(height, index)`` the root needs is hashed up from the level
    ``height // 8`` tile that holds its descendants. Compare the result with a
    verified checkpoint's root.
    """
    if size == 0:
        return EMPTY_ROOT
    cache: dict[Tile, list[bytes]] = {}
    hashes = []
    for height, index in range_nodes(0, size):
        level, rise = divmod(height, TILE_HEIGHT)
        first = index << rise
        nodes_at_level = size >> (TILE_HEIGHT * level)
        tile_index = first // TILE_WIDTH
        full = (tile_index + 1) * TILE_WIDTH <= nodes_at_level
        tile = Tile(level, tile_index, TILE_WIDTH if full else nodes_at_level % TILE_WIDTH)
        if tile not in cache:
            cache[tile] = split_hashes(fetch(tile), tile)
        offset = first % TILE_WIDTH
        hashes.append(_subtree_hash(cache[tile][offset : offset + (1 << rise)]))
    return fold_right(hashes)


def verify_root_from_tiles(size: int, root: bytes, fetch: Callable[[Tile], bytes]) -> None:
    """Check that the tiles of a tree of ``size`` leaves hash to ``root``."""
    calculated = root_from_tiles(size, fetch)
    if calculated != root:
        raise RootMismatchError(root, calculated, f"tiles of tree size {size}")
