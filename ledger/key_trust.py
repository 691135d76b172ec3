"""Which checkpoints a verifier trusts, starting from one key it already trusts.

Given the log's key chain (:class:`ledger.keyset.KeyChain`, from its key entries) and its
checkpoints in size order, every checkpoint must carry a valid signature by a key in
force at its size:

- the log's first key is in force from size 0 until the entry that retires it;
- an announced key is in force from the first checkpoint of a tree that holds its
  announcement and that a key already in force validly signed (the old key vouches for
  the new one), until the entry that retires it.

Trust starts from the verifier's anchor key:

- the log's first key: forward, through the announcements;
- a later key: it vouches for the keys before it once it validly signed a checkpoint whose
  tree holds its own announcement (which names the key before it, and so on back) and
  whose root the verifier recomputed from the entries; the whole chain is then checked as
  from the first key. A later key that never did so is trusted alone: checkpoints signed
  only by earlier keys fail, saying why;
- a key that is not in the chain: no checkpoint is trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from ledger.checkpoint import Checkpoint
from ledger.errors import SignatureError
from ledger.keyset import KeyChain, LogKey, key_label, same_key, signed_by
from ledger.note import NoteSignature, NoteVerifier, split_note


@dataclass(frozen=True)
class NoteToCheck:
    """A stored checkpoint note, parsed but not yet trusted; and whether its root is proven."""

    checkpoint: Checkpoint
    text: str
    signatures: tuple[NoteSignature, ...]
    root_recomputed: bool = False

    @classmethod
    def parse(cls, note: str) -> NoteToCheck:
        """Split a signed checkpoint note and parse its text; raise VerificationError."""
        text, signatures = split_note(note)
        return cls(Checkpoint.from_text(text), text, tuple(signatures))


@dataclass
class Trust:
    """The outcome: the keys with the sizes each signs, how trust went, and what failed."""

    keys: list[LogKey] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)  # position of a note -> why


class KeyWindows:
    """The forward pass over checkpoints in size order: which keys are in force at each size."""

    def __init__(self, keys: Sequence[LogKey], start: int = 0) -> None:
        self.start = start
        self.keys = [
            replace(key, first_size=0 if position == start else None)
            for position, key in enumerate(keys)
        ]

    def signers(self, note: NoteToCheck) -> set[int]:
        """Return the positions of the keys that signed the note; raise SignatureError."""
        found = {
            position
            for position, key in enumerate(self.keys)
            if signed_by(key, note.text, note.signatures)
        }
        for position in found:
            name = self.keys[position].verifier.name
            if note.checkpoint.origin != name:
                raise SignatureError(
                    f"checkpoint origin {note.checkpoint.origin!r} differs from key name {name!r}"
                )
        return found

    def observe(self, size: int, signers: set[int]) -> bool:
        """Take the next checkpoint's valid signers; return whether a key in force signed it.

        An announced key comes into force here when its announcement is in this tree
        and another key in force signed it.
        """
        for position in range(self.start + 1, len(self.keys)):
            key = self.keys[position]
            announced = key.announced_seq
            if key.first_size is not None or announced is None or announced >= size:
                continue
            if any(self.keys[s].signs(size) for s in signers if s != position):
                self.keys[position] = replace(key, first_size=size)
        return any(self.keys[s].signs(size) for s in signers)


def key_windows(
    chain: KeyChain, notes_after: Callable[[int], Iterable[NoteToCheck]]
) -> list[LogKey]:
    """Return the chain's keys with the tree sizes each signs, forward from the first key.

    ``notes_after(seq)`` yields the stored checkpoints of trees that hold entry ``seq``
    (size > seq), in size order; for each announced key they are read only up to the one
    that brings it into force, so a long log is not read whole. Notes whose signatures
    do not verify are skipped.
    """
    windows = KeyWindows(chain.keys)
    for position in range(1, len(windows.keys)):
        announced = windows.keys[position].announced_seq
        if announced is None or windows.keys[position].first_size is not None:
            continue
        for note in notes_after(announced):
            try:
                signers = windows.signers(note)
            except SignatureError:
                continue
            windows.observe(note.checkpoint.size, signers)
            if windows.keys[position].first_size is not None:
                break
    return windows.keys


def resolve_trust(anchor: NoteVerifier, chain: KeyChain, notes: Sequence[NoteToCheck]) -> Trust:
    """Decide, for each checkpoint (in size order), whether a key trusted at its size signed it."""
    keys = list(chain.keys) or [LogKey(anchor)]
    at = next((i for i, key in enumerate(keys) if same_key(key.verifier, anchor)), None)
    trust = Trust()
    if at is None:
        return _outside_the_chain(anchor, keys, notes, trust)
    probe = KeyWindows(keys)
    signers: list[set[int]] = []
    for position, note in enumerate(notes):
        try:
            signers.append(probe.signers(note))
        except SignatureError as exc:
            trust.problems[position] = str(exc)
            signers.append(set())
    windows = KeyWindows(keys, _start(at, keys, notes, signers, trust))
    for position, note in enumerate(notes):
        if position in trust.problems:
            continue
        if not windows.observe(note.checkpoint.size, signers[position]):
            trust.problems[position] = _why_untrusted(note, signers[position], windows, keys[at])
    trust.keys = windows.keys
    return trust


def _start(
    at: int,
    keys: Sequence[LogKey],
    notes: Sequence[NoteToCheck],
    signers: list[set[int]],
    trust: Trust,
) -> int:
    """Return the position trust starts from: 0 (the first key) or the anchor's own."""
    anchor = keys[at]
    if at == 0:
        if len(keys) > 1:
            trust.notes.append(
                f"from {anchor.label}, the log's first key, "
                "forward through the log's key announcements"
            )
        return 0
    announced = anchor.announced_seq if anchor.announced_seq is not None else -1
    for position, note in enumerate(notes):
        size = note.checkpoint.size
        if (
            at in signers[position]
            and position not in trust.problems
            and note.root_recomputed
            and size > announced
            and (anchor.last_size is None or size <= anchor.last_size)
        ):
            trust.notes.append(
                f"{anchor.label} signed the checkpoint of tree size {size}, whose tree holds its "
                f"announcement (entry {announced}) naming {keys[at - 1].label} as the key before "
                "it: the log's earlier keys are trusted through it"
            )
            return 0
    earlier = ", ".join(key.label for key in keys[:at])
    trust.notes.append(
        f"{anchor.label} signed no checkpoint whose tree holds its own announcement "
        f"(entry {announced}), so it cannot vouch for the keys before it ({earlier}): "
        "checkpoints signed only by those are not trusted"
    )
    return at


def _why_untrusted(
    note: NoteToCheck, signers: set[int], windows: KeyWindows, anchor: LogKey
) -> str:
    size = note.checkpoint.size
    keys = windows.keys
    if not signers:
        in_force = " or ".join(key.label for key in keys if key.signs(size))
        message = f"note carries no signature by {in_force or 'a key in force at this size'}"
        strangers = sorted({f"{s.name}+{s.key_id.hex()}" for s in note.signatures})
        if strangers and len(keys) > 1:  # a log that rotated its key names every key it had
            message += f"; it is signed by {', '.join(strangers)}, never announced in this log"
        return message
    reasons = []
    for position in sorted(signers):
        key = keys[position]
        if position < windows.start:
            reasons.append(f"{key.label} comes before {anchor.label}, which never vouched for it")
        elif key.first_size is None:
            reasons.append(
                f"{key.label} was announced by entry {key.announced_seq}, but no checkpoint "
                "signed by a key in force covers that entry yet"
            )
        elif key.last_size is not None and size > key.last_size:
            reasons.append(
                f"{key.label} was retired by entry {key.last_size}: it signs tree sizes up to "
                f"{key.last_size} only"
            )
        else:
            reasons.append(f"{key.label} signs {key.sizes_text()} only")
    return "signed only by keys not trusted at this size: " + "; ".join(reasons)


def _outside_the_chain(
    anchor: NoteVerifier, keys: list[LogKey], notes: Sequence[NoteToCheck], trust: Trust
) -> Trust:
    label = key_label(anchor)
    names = ", ".join(key.label for key in keys)
    trust.notes.append(f"the trusted key {label} is not one of the keys this log names ({names})")
    for position, note in enumerate(notes):
        mine = any(s.name == anchor.name and s.key_id == anchor.key_id for s in note.signatures)
        trust.problems[position] = (
            f"signed by {label}, which is not one of the keys this log names ({names})"
            if mine
            else f"note carries no signature by {label}"
        )
    trust.keys = [replace(key, first_size=None) for key in keys]
    return trust
