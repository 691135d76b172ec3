"""The ledger entry: its fields, canonical bytes, and strict parsing."""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ledger.canonical import canonicalize, parse_json
from ledger.errors import CanonicalizationError, FormatError
from ledger.hashing import HASH_SIZE, ZERO_HASH, commitment

SALT_SIZE = 16
ENTRY_FIELDS = frozenset({"type", "seq", "time", "prev", "salt", "actor", "body"})
# \Z, not $: $ also matches before a trailing newline. ASCII: \d would match any digit.
_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\Z")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z\Z", re.ASCII)
GENESIS_PREV = base64.b64encode(ZERO_HASH).decode("ascii")


def b64(raw: bytes) -> str:
    """Return standard base64 text of raw bytes."""
    return binascii.b2a_base64(raw, newline=False).decode("ascii")


def unb64(text: str, *, size: int | None = None, what: str = "value") -> bytes:
    """Decode strict standard base64, optionally of an exact byte size, or raise FormatError."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError) as exc:
        raise FormatError(f"{what} is not valid base64") from exc
    if size is not None and len(raw) != size:
        raise FormatError(f"{what} must decode to {size} bytes, not {len(raw)}")
    return raw


def utc_text(moment: datetime) -> str:
    """Return an aware datetime as RFC 3339 UTC with millisecond precision (fixed width)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def utc_now_text() -> str:
    """Return the current time as RFC 3339 UTC with millisecond precision."""
    return utc_text(datetime.now(UTC))


def parse_utc_text(text: str) -> datetime:
    """Return the aware UTC datetime of an RFC 3339 time (``Z`` or an offset); ValueError."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def new_salt() -> str:
    """Return base64 of 16 fresh random bytes."""
    return b64(os.urandom(SALT_SIZE))


def new_salts(count: int) -> list[str]:
    """Return ``count`` salts like `new_salt`'s, from one read of the random source."""
    pool = memoryview(os.urandom(SALT_SIZE * count))
    encode = binascii.b2a_base64
    return [
        encode(pool[start : start + SALT_SIZE], newline=False).decode("ascii")
        for start in range(0, SALT_SIZE * count, SALT_SIZE)
    ]


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry; ``to_bytes`` is its RFC 8785 canonical form."""

    type: str
    seq: int
    time: str
    prev: str
    salt: str
    actor: str
    body: dict[str, Any] = field(default_factory=dict)

    def to_json_obj(self) -> dict[str, Any]:
        """Return the entry as a plain JSON object."""
        return {
            "type": self.type,
            "seq": self.seq,
            "time": self.time,
            "prev": self.prev,
            "salt": self.salt,
            "actor": self.actor,
            "body": self.body,
        }

    def to_bytes(self) -> bytes:
        """Return the canonical entry bytes."""
        return canonicalize(self.to_json_obj())

    @property
    def prev_bytes(self) -> bytes:
        """Return the 32-byte commitment of the previous entry."""
        return unb64(self.prev, size=HASH_SIZE, what="prev")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Entry:
        """Parse canonical entry bytes strictly; raise FormatError on any deviation."""
        try:
            obj = parse_json(raw)
        except CanonicalizationError as exc:
            raise FormatError(f"entry is not valid JSON: {exc}") from exc
        entry = cls.from_json_obj(obj)
        try:
            canonical = entry.to_bytes()
        except CanonicalizationError as exc:
            raise FormatError(f"entry is not canonical: {exc}") from exc
        if canonical != raw:
            raise FormatError("entry bytes are not in RFC 8785 canonical form")
        return entry

    @classmethod
    def from_json_obj(cls, obj: Any) -> Entry:
        """Build an entry from a parsed JSON object, checking every field's type and form."""
        if not isinstance(obj, dict):
            raise FormatError("entry must be a JSON object")
        keys = set(obj)
        if keys != ENTRY_FIELDS:
            missing = sorted(ENTRY_FIELDS - keys)
            extra = sorted(keys - ENTRY_FIELDS)
            raise FormatError(f"entry fields wrong: missing {missing}, unexpected {extra}")
        seq, kind, time = obj["seq"], obj["type"], obj["time"]
        if type(seq) is not int or seq < 0:
            raise FormatError(f"seq must be a non-negative integer, not {seq!r}")
        if not isinstance(kind, str) or not _TYPE_RE.match(kind):
            raise FormatError(f"type must look like 'noun.verb', not {kind!r}")
        if not isinstance(time, str) or not _TIME_RE.match(time):
            raise FormatError(f"time must be RFC 3339 UTC, not {time!r}")
        if not isinstance(obj["actor"], str) or not obj["actor"]:
            raise FormatError("actor must be a non-empty string")
        if not isinstance(obj["body"], dict):
            raise FormatError("body must be a JSON object")
        if not isinstance(obj["prev"], str) or not isinstance(obj["salt"], str):
            raise FormatError("prev and salt must be base64 strings")
        unb64(obj["prev"], size=HASH_SIZE, what="prev")
        unb64(obj["salt"], size=SALT_SIZE, what="salt")
        return cls(kind, seq, time, obj["prev"], obj["salt"], obj["actor"], obj["body"])

    def commitment(self) -> bytes:
        """Return C = SHA-256 of the canonical bytes."""
        return commitment(self.to_bytes())


def check_type(kind: str) -> None:
    """Raise FormatError unless kind is a valid entry type name such as 'placement.decided'."""
    if not isinstance(kind, str) or not _TYPE_RE.match(kind):
        raise FormatError(f"type must look like 'noun.verb', not {kind!r}")
