"""Offline verification of a whole stored log (an ``fsck``).

Recomputes every commitment from the stored entry bytes, every ``prev`` link,
every stored tree hash, the Merkle root at every signed checkpoint size, and
every checkpoint signature. Streams the entries, so memory stays flat.

The log's key entries (:mod:`ledger.keyset`) are read during the scan; after it,
every checkpoint must carry a valid signature by a key trusted at its size, trust
starting from the verifier key given (:mod:`ledger.key_trust`).
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import orjson

from ledger.entry import GENESIS_PREV
from ledger.errors import VerificationError
from ledger.hashing import commitment as compute_commitment
from ledger.key_trust import NoteToCheck, resolve_trust
from ledger.keyset import KEY_EVENT_TYPES, KeyChain, LogKey, parse_key_event
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
    keys: list[LogKey] = field(default_factory=list)  # the log's keys, the sizes each signs
    key_notes: list[str] = field(default_factory=list)  # how trust went from the given key

    @property
    def ok(self) -> bool:
        """Return True when nothing was found wrong."""
        return not self.problems


def _check_entry(
    row: StoredEntry, expected_prev: str, redacted: Container[int]
) -> str | dict[str, Any] | None:
    """Return what is wrong with one entry's bytes (a str), else the parsed entry.

    None for an entry whose erasure is recorded. One return value, not a tuple:
    this runs once per entry of the log.
    """
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
    return obj


def _key_event(chain: KeyChain, seq: int, obj: dict[str, Any]) -> Problem | None:
    """Apply a key entry to the chain; return what is wrong with it, or None."""
    try:
        problem = chain.add(parse_key_event(seq, obj["type"], obj.get("body")))
    except VerificationError as exc:
        problem = str(exc)
    return None if problem is None else Problem(f"{obj['type']} entry: {problem}", seq)


def _parse_checkpoints(
    checkpoints: Sequence[StoredCheckpoint], report: VerifyReport
) -> list[tuple[StoredCheckpoint, NoteToCheck]]:
    """Parse each stored note (size order); a malformed or mismatched one is a problem."""
    parsed = []
    for stored in sorted(checkpoints, key=lambda c: c.size):
        try:
            note = NoteToCheck.parse(stored.note)
        except VerificationError as exc:
            report.problems.append(Problem(str(exc), checkpoint_size=stored.size))
            continue
        if note.checkpoint.size != stored.size or note.checkpoint.root != stored.root:
            report.problems.append(
                Problem("signed note differs from stored size or root", checkpoint_size=stored.size)
            )
            continue
        parsed.append((stored, note))
    return parsed


def _check_checkpoints(
    parsed: list[tuple[StoredCheckpoint, NoteToCheck]],
    verifier: NoteVerifier,
    chain: KeyChain,
    recomputed: dict[int, bytes],
    report: VerifyReport,
) -> dict[int, bytes]:
    """Check signatures and forks; return the trusted root of each size (for the root check)."""
    notes = [
        replace(note, root_recomputed=recomputed.get(stored.size) == stored.root)
        for stored, note in parsed
    ]
    trust = resolve_trust(verifier, chain, notes)
    report.keys, report.key_notes = trust.keys, trust.notes
    roots: dict[int, bytes] = {}
    for position, (stored, _) in enumerate(parsed):
        if position in trust.problems:
            report.problems.append(Problem(trust.problems[position], checkpoint_size=stored.size))
        elif roots.setdefault(stored.size, stored.root) != stored.root:
            report.problems.append(
                Problem(
                    "another signed checkpoint of this size has a different root (fork)",
                    checkpoint_size=stored.size,
                )
            )
    report.problems.sort(key=lambda problem: problem.checkpoint_size or 0)
    return roots


def verify_log(
    entries: Iterable[StoredEntry],
    checkpoints: Sequence[StoredCheckpoint],
    verifier: NoteVerifier,
    *,
    redacted: Container[int] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify a stored log in seq order; stop the entry scan at the first bad entry.

    ``verifier`` is the key the caller trusts: the log's first key, or a later one that
    the log announced (see :mod:`ledger.key_trust`).
    """
    report = VerifyReport()
    parsed = _parse_checkpoints(checkpoints, report)
    wanted = {stored.size for stored, _ in parsed}
    recomputed: dict[int, bytes] = {}
    chain = KeyChain()
    entry_problems: list[Problem] = []
    frontier = Frontier()
    if 0 in wanted:  # the empty tree has no entry after which to check it
        recomputed[0] = frontier.root()
    expected_prev = GENESIS_PREV
    complete = False
    # The loop runs once per entry of the log: locals, not attribute lookups.
    append, check, to_base64 = frontier.append, _check_entry, binascii.b2a_base64
    checked = 0  # entries fully checked; also the frontier's size before each append
    for row in entries:
        if row.seq != checked:
            entry_problems.insert(0, Problem(f"entry missing (found seq {row.seq} next)", checked))
            break
        obj = check(row, expected_prev, redacted)
        if obj.__class__ is str:
            entry_problems.insert(0, Problem(obj, row.seq))  # type: ignore[arg-type]
            break
        if append(row.commitment) != row.tree_hashes:
            wrong = "stored tree hashes differ from those recomputed (interior hash changed)"
            entry_problems.insert(0, Problem(wrong, row.seq))
            break
        if obj is None:
            report.redacted.append(row.seq)
        elif obj.get("type") in KEY_EVENT_TYPES:  # type: ignore[union-attr]
            problem = _key_event(chain, row.seq, obj)  # type: ignore[arg-type]
            if problem is not None:
                entry_problems.append(problem)
        expected_prev = to_base64(row.commitment, newline=False).decode()
        checked += 1
        if checked in wanted:
            recomputed[checked] = frontier.root()
        if progress is not None and checked % 10000 == 0:
            progress(checked)
    else:
        complete = True
    report.entries_checked = checked
    roots = _check_checkpoints(parsed, verifier, chain, recomputed, report)
    for size in sorted(roots):
        if size in recomputed:
            report.checkpoints_checked += 1
            if recomputed[size] != roots[size]:
                report.problems.append(
                    Problem("root recomputed from entries differs", checkpoint_size=size)
                )
        elif complete and size > frontier.size:
            report.problems.append(
                Problem(f"log holds only {frontier.size} entries", checkpoint_size=size)
            )
    report.problems[:0] = entry_problems
    return report
