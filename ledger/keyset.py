"""A log's signing keys over time: the key entries, key lists, and the chain of keys.

A log starts with one Ed25519 key. Rotating it appends two entries to the log itself:

- ``log.key_announced`` at seq A, body ``{"key": <new verifier key>, "previous": <the key
  in force>, "announced_at": <RFC 3339 time>}``. The new key signs checkpoints from the
  first checkpoint of a tree that holds entry A (size > A) and that carries a valid
  signature by a key already in force: its authority comes from the old key, never from
  itself (see :mod:`ledger.key_trust`).
- ``log.key_retired`` at seq R, body ``{"key": <old key>, "successor": <new key>,
  "retired_at": <time>}``. The old key signs no checkpoint of a tree that holds entry R:
  the last tree size it signs is R.

Both keys carry the log's origin as their name, so a checkpoint's signature lines are
told apart by key ID. A key list (``/public/keys``) has one key per line, oldest first:
``<verifier key> first=<size> [last=<size>]``, the tree sizes whose checkpoints the key
signs (both bounds included; no ``last``: still in force). A bare verifier key line signs
every tree size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ledger.errors import FormatError, SignatureError
from ledger.note import NoteSignature, NoteVerifier

KEY_ANNOUNCED = "log.key_announced"
KEY_RETIRED = "log.key_retired"
KEY_EVENT_TYPES = frozenset({KEY_ANNOUNCED, KEY_RETIRED})
_FIELDS = {
    KEY_ANNOUNCED: ("key", "previous", "announced_at"),
    KEY_RETIRED: ("key", "successor", "retired_at"),
}
_SIZE_RE = re.compile(r"(0|[1-9][0-9]{0,19})")


def key_label(verifier: NoteVerifier) -> str:
    """Return ``<name>+<hex key ID>``: how messages name a key."""
    return f"{verifier.name}+{verifier.key_id.hex()}"


def same_key(a: NoteVerifier, b: NoteVerifier) -> bool:
    """Return True when both verifiers are the same named public key."""
    return a.name == b.name and a.key_id == b.key_id and bytes(a.verify_key) == bytes(b.verify_key)


@dataclass(frozen=True)
class KeyEvent:
    """A key entry of the log: a key announced (``other``: the previous key) or retired."""

    seq: int
    type: str
    key: NoteVerifier
    other: NoteVerifier  # the previous key of an announcement, the successor of a retirement


def announcement_body(new: NoteVerifier, previous: NoteVerifier, time: str) -> dict[str, str]:
    """Return the body of a ``log.key_announced`` entry."""
    return {"key": new.to_text(), "previous": previous.to_text(), "announced_at": time}


def retirement_body(old: NoteVerifier, successor: NoteVerifier, time: str) -> dict[str, str]:
    """Return the body of a ``log.key_retired`` entry."""
    return {"key": old.to_text(), "successor": successor.to_text(), "retired_at": time}


def parse_key_event(seq: int, entry_type: str, body: Any) -> KeyEvent:
    """Parse the body of a key entry; raise FormatError naming what is wrong."""
    fields = _FIELDS.get(entry_type)
    if fields is None:
        raise FormatError(f"{entry_type!r} is not a key entry type")
    if not isinstance(body, Mapping) or set(body) != set(fields):
        raise FormatError(f"{entry_type} body must hold exactly {', '.join(fields)}")
    if not all(isinstance(body[name], str) for name in fields):
        raise FormatError(f"{entry_type} body fields must be strings")
    key = NoteVerifier.from_text(body[fields[0]])
    other = NoteVerifier.from_text(body[fields[1]])
    if key.name != other.name:
        raise FormatError(f"{entry_type}: both keys must carry the log's name ({other.name!r})")
    if same_key(key, other):
        raise FormatError(f"{entry_type}: {fields[0]} and {fields[1]} are the same key")
    return KeyEvent(seq, entry_type, key, other)


@dataclass(frozen=True)
class LogKey:
    """A key of the log and the tree sizes whose checkpoints it signs.

    ``first_size`` None: announced, but not yet in force (or not trusted).
    ``last_size`` is the seq of the entry that retired it, None while it is in force.
    """

    verifier: NoteVerifier
    first_size: int | None = 0
    last_size: int | None = None
    announced_seq: int | None = None

    @property
    def label(self) -> str:
        """Return ``<name>+<hex key ID>``."""
        return key_label(self.verifier)

    def signs(self, size: int) -> bool:
        """Return True when this key may sign the checkpoint of a tree of ``size`` entries."""
        if self.first_size is None or size < self.first_size:
            return False
        return self.last_size is None or size <= self.last_size

    def sizes_text(self) -> str:
        """Return the tree sizes it signs, in words."""
        if self.first_size is None:
            return "no tree size (not in force)"
        if self.last_size is None:
            return f"tree sizes from {self.first_size}"
        return f"tree sizes {self.first_size} to {self.last_size}"

    def to_line(self) -> str:
        """Return the key-list line ``<verifier key> first=<size> [last=<size>]``."""
        line = f"{self.verifier.to_text()} first={self.first_size or 0}"
        return line if self.last_size is None else f"{line} last={self.last_size}"


def as_key_list(keys: NoteVerifier | Sequence[LogKey]) -> list[LogKey]:
    """Return a key list: a single verifier key signs every tree size."""
    listed = [LogKey(keys)] if isinstance(keys, NoteVerifier) else list(keys)
    if not listed:
        raise ValueError("a key list needs at least one key")
    return listed


def describe_keys(keys: Sequence[LogKey]) -> str:
    """Return ``verifier key <label>``, or each key of a list with the sizes it signs."""
    if len(keys) == 1 and keys[0].first_size == 0 and keys[0].last_size is None:
        return f"verifier key {keys[0].label}"
    return "verifier keys " + ", ".join(f"{k.label} ({k.sizes_text()})" for k in keys)


def parse_key_line(line: str) -> LogKey:
    """Parse one key-list line (a bare verifier key signs every tree size)."""
    words = line.split()
    if not words:
        raise FormatError("a key line must start with a verifier key")
    verifier = NoteVerifier.from_text(words[0])
    bounds: dict[str, int] = {}
    for word in words[1:]:
        name, sep, value = word.partition("=")
        if not sep or name not in ("first", "last") or name in bounds:
            raise FormatError(f"key line option {word[:30]!r}: expected first=<size>, last=<size>")
        if not _SIZE_RE.fullmatch(value):
            raise FormatError(f"key line option {word[:30]!r}: the size is not a decimal number")
        bounds[name] = int(value)
    key = LogKey(verifier, bounds.get("first", 0), bounds.get("last"))
    if key.last_size is not None and key.last_size < (key.first_size or 0):
        raise FormatError(f"key line of {key.label}: last={key.last_size} is before first")
    return key


def parse_key_list(text: str) -> list[LogKey]:
    """Parse a key list: one key per line; empty lines and ``#`` comments are skipped."""
    keys = [
        parse_key_line(line)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not keys:
        raise FormatError("the key list holds no key")
    return keys


def format_key_list(keys: Iterable[LogKey]) -> str:
    """Return the key list of the keys in force at some tree size, one line each."""
    return "".join(key.to_line() + "\n" for key in keys if key.first_size is not None)


def signed_by(key: LogKey, text: str, signatures: Sequence[NoteSignature]) -> bool:
    """Return True when the note carries the key's signature; raise SignatureError if it is bad.

    Every line with the key's name and key ID must verify (a changed one is never ignored).
    """
    verifier = key.verifier
    lines = [s for s in signatures if s.name == verifier.name and s.key_id == verifier.key_id]
    if not all(verifier.verify(text.encode(), line.signature) for line in lines):
        raise SignatureError(f"signature by {key.label} does not verify")
    return bool(lines)


def signing_keys(
    text: str, signatures: Sequence[NoteSignature], keys: Sequence[LogKey]
) -> list[LogKey]:
    """Return the keys that signed a note's text, every line of theirs checked.

    Raises SignatureError when none of the keys signed it, or when a line that carries
    one key's name and key ID does not verify (never ignored: it was changed).
    """
    signed = [key for key in keys if signed_by(key, text, signatures)]
    if not signed:
        wanted = " or ".join(key.label for key in keys)
        raise SignatureError(f"note carries no signature by {wanted}")
    return signed


class KeyChain:
    """The log's keys in the order its key entries name them.

    The first key is the one in force before any announcement: the ``previous`` key of
    the first announcement (or the key given, for a log without key entries).
    """

    def __init__(self, first: NoteVerifier | None = None) -> None:
        self.keys: list[LogKey] = [] if first is None else [LogKey(first)]

    def index(self, verifier: NoteVerifier) -> int | None:
        """Return the position of a key in the chain, or None."""
        for position, key in enumerate(self.keys):
            if same_key(key.verifier, verifier):
                return position
        return None

    def add(self, event: KeyEvent) -> str | None:
        """Apply a key entry in seq order; return what is wrong with it (then ignored), or None."""
        if event.type == KEY_ANNOUNCED:
            return self._announce(event)
        return self._retire(event)

    def _announce(self, event: KeyEvent) -> str | None:
        if not self.keys:
            self.keys.append(LogKey(event.other))
        latest = self.keys[-1]
        if not same_key(latest.verifier, event.other):
            return (
                f"announces {key_label(event.key)} as the successor of "
                f"{key_label(event.other)}, but the log's latest key is {latest.label}"
            )
        if latest.last_size is not None:
            retired = latest.last_size
            return f"names {latest.label} as the key in force, but entry {retired} retired it"
        if self.index(event.key) is not None:
            return f"announces {key_label(event.key)}, which the log announced before"
        self.keys.append(LogKey(event.key, None, None, event.seq))
        return None

    def _retire(self, event: KeyEvent) -> str | None:
        position = self.index(event.key)
        if position is None:
            return f"retires {key_label(event.key)}, which is not one of the log's keys"
        key = self.keys[position]
        if key.last_size is not None:
            return f"retires {key.label}, which entry {key.last_size} retired already"
        following = self.keys[position + 1] if position + 1 < len(self.keys) else None
        if following is None or not same_key(following.verifier, event.other):
            return (
                f"names {key_label(event.other)} as the successor of {key.label}, "
                "but the log announced no such successor"
            )
        self.keys[position] = replace(key, last_size=event.seq)
        return None
