"""Offline verification of a whole stored log (an ``fsck``).

Recomputes every commitment from the stored entry bytes, every ``prev`` link,
every stored tree hash, the Merkle root at every signed checkpoint size, and
every checkpoint signature. Streams the entries, so memory stays flat.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson

from ledger.checkpoint import open_checkpoint
from ledger.entry import GENESIS_PREV
from ledger.errors import VerificationError
from ledger.hashing import commitment as compute_commitment
from ledger.note import NoteVerifier
from ledger.tree import Frontier


class StoredEntry(NamedTuple):
    """One stored log row; ``entry_bytes`` is None once the entry was redacted.

    A named tuple: a verification builds one per entry, a million of them.
    """

    seq: int
    entry_bytes: bytes | None
    commitment: bytes
    tree_hashes: bytes


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """One stored signed checkpoint and the size and root it was stored under."""

    size: int
    root: bytes
    note: str


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing found wrong at an entry or a checkpoint."""

    message: str
    seq: int | None = None
    checkpoint_size: int | None = None

    def __str__(self) -> str:
        if self.seq is not None:
            return f"entry seq {self.seq}: {self.message}"
        return f"checkpoint at size {self.checkpoint_size}: {self.message}"


@dataclass
class VerifyReport:
    """What a verification run checked and what it found."""

    entries_checked: int = 0
    checkpoints_checked: int = 0
    redacted: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return True when nothing was found wrong."""
        return not self.problems


def _check_entry(row: StoredEntry, expected_prev: str, redacted: Container[int]) -> str | None:
    """Return what is wrong with one entry's bytes, or None."""
    if row.entry_bytes is None:
        return None if row.seq in redacted else "entry bytes erased without a recorded redaction"
    if compute_commitment(row.entry_bytes) != row.commitment:
        return "stored commitment does not match the entry bytes (entry changed)"
    try:
        obj = orjson.loads(row.entry_bytes)
    except orjson.JSONDecodeError:
        return "entry bytes are not JSON"
    if not isinstance(obj, dict) or obj.get("seq") != row.seq:
        found = obj.get("seq") if isinstance(obj, dict) else None
        return f"entry says seq {found!r} but is stored at seq {row.seq} (moved or swapped)"
    if obj.get("prev") != expected_prev:
        return "prev does not link to the previous entry's commitment (chain broken)"
    return None


def verify_log(
    entries: Iterable[StoredEntry],
    checkpoints: Sequence[StoredCheckpoint],
    verifier: NoteVerifier,
    *,
    redacted: Container[int] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify a stored log in seq order; stop the entry scan at the first bad entry."""
    report = VerifyReport()
    roots: dict[int, bytes] = {}
    for stored in sorted(checkpoints, key=lambda c: c.size):
        try:
            checkpoint = open_checkpoint(stored.note, verifier)
        except VerificationError as exc:
            report.problems.append(Problem(str(exc), checkpoint_size=stored.size))
            continue
        if checkpoint.size != stored.size or checkpoint.root != stored.root:
            report.problems.append(
                Problem("signed note differs from stored size or root", checkpoint_size=stored.size)
            )
            continue
        if roots.setdefault(stored.size, checkpoint.root) != checkpoint.root:
            report.problems.append(
                Problem(
                    "another signed checkpoint of this size has a different root (fork)",
                    checkpoint_size=stored.size,
                )
            )
    frontier = Frontier()
    if 0 in roots:  # the empty tree has no entry after which to check it
        report.checkpoints_checked += 1
        if frontier.root() != roots[0]:
            report.problems.append(
                Problem("root recomputed from entries differs", checkpoint_size=0)
            )
    expected_prev = GENESIS_PREV
    for row in entries:
        if row.seq != frontier.size:
            missing = frontier.size
            report.problems.insert(0, Problem(f"entry missing (found seq {row.seq} next)", missing))
            break
        wrong = _check_entry(row, expected_prev, redacted)
        if wrong is None and frontier.append(row.commitment) != row.tree_hashes:
            wrong = "stored tree hashes differ from those recomputed (interior hash changed)"
        if wrong is not None:
            report.problems.insert(0, Problem(wrong, row.seq))
            break
        if row.entry_bytes is None:
            report.redacted.append(row.seq)
        expected_prev = binascii.b2a_base64(row.commitment, newline=False).decode()
        report.entries_checked += 1
        root = roots.get(frontier.size)
        if root is not None:
            report.checkpoints_checked += 1
            if frontier.root() != root:
                report.problems.append(
                    Problem("root recomputed from entries differs", checkpoint_size=frontier.size)
                )
        if progress is not None and report.entries_checked % 10000 == 0:
            progress(report.entries_checked)
    else:
        for size in sorted(roots):
            if size > frontier.size:
                report.problems.append(
                    Problem(f"log holds only {frontier.size} entries", checkpoint_size=size)
                )
    return report
