"""Preparing appends: entries chained, hashed and placed in the tree, ready to store.

The storage backend holds the lock and persists the rows; this module decides
their bytes, so every backend writes exactly the same log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ledger.canonical import canonicalize
from ledger.entry import GENESIS_PREV, Entry, b64, check_type, new_salt, utc_now_text
from ledger.errors import FormatError
from ledger.hashing import ZERO_HASH, commitment
from ledger.tree import Frontier


@dataclass(frozen=True, slots=True)
class Draft:
    """What a caller wants recorded: an event type, who caused it, and its body."""

    type: str
    actor: str
    body: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """A fully formed entry and the bytes a backend stores for it."""

    seq: int
    type: str
    time: str
    entry_bytes: bytes
    commitment: bytes
    tree_hashes: bytes


@dataclass(slots=True)
class LogHead:
    """The end of the log that the next append chains onto."""

    frontier: Frontier
    last_commitment: bytes = ZERO_HASH

    @property
    def size(self) -> int:
        """Return the number of entries in the log."""
        return self.frontier.size


def prepare_entries(
    head: LogHead, drafts: Iterable[Draft], *, time: str | None = None
) -> list[PreparedEntry]:
    """Chain the drafts onto ``head`` (which advances) and return the prepared entries.

    All entries of one call share one append time. On an exception the head is
    left in an undefined state: callers re-read it from storage.
    """
    stamp = time or utc_now_text()
    prepared: list[PreparedEntry] = []
    frontier = head.frontier
    prev = b64(head.last_commitment) if head.size else GENESIS_PREV
    for draft in drafts:
        check_type(draft.type)
        if not isinstance(draft.actor, str) or not draft.actor:
            raise FormatError("actor must be a non-empty string")
        seq = frontier.size
        # Entry(...).to_json_obj(), without building the frozen Entry: the same object.
        obj = {
            "type": draft.type,
            "seq": seq,
            "time": stamp,
            "prev": prev,
            "salt": new_salt(),
            "actor": draft.actor,
            "body": dict(draft.body),
        }
        if not prepared:
            # The log is append-only: never write an entry the strict parser would refuse.
            # In full once per call: what differs between its entries (type, actor) is
            # checked above, and the rest (seq, prev, salt, a dict body) is made right here.
            Entry.from_json_obj(obj)
        raw = canonicalize(obj)
        digest = commitment(raw)
        prepared.append(PreparedEntry(seq, draft.type, stamp, raw, digest, frontier.append(digest)))
        prev = b64(digest)
        head.last_commitment = digest
    return prepared
