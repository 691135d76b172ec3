"""Preparing appends: entries chained, hashed and placed in the tree, ready to store.

The storage backend holds the lock and persists the rows; this module decides
their bytes, so every backend writes exactly the same log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from ledger.canonical import MAX_SAFE_INTEGER, canonicalize
from ledger.entry import GENESIS_PREV, Entry, b64, check_type, new_salts, utc_now_text
from ledger.errors import FormatError
from ledger.hashing import ZERO_HASH, commitment
from ledger.tree import Frontier

_NOTHING = object()


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
    batch = list(drafts)
    salts = new_salts(len(batch))  # one read of the random source for the whole batch
    prepared: list[PreparedEntry] = []
    keep, add_leaf, prepared_entry = prepared.append, head.frontier.append, PreparedEntry
    seq = head.frontier.size
    prev = b64(head.last_commitment) if seq else GENESIS_PREV
    digest = head.last_commitment
    # Batches share the bytes around each body; a single entry, or seqs past the integers
    # every JSON reader agrees on, take the long way.
    shared = len(batch) > 1 and seq + len(batch) <= MAX_SAFE_INTEGER
    envelope = _Envelope(stamp) if shared else None
    for draft, salt in zip(batch, salts, strict=True):
        kind, actor, body = draft.type, draft.actor, draft.body
        if type(body) is not dict:
            body = dict(body)
        if envelope is not None and envelope.fits(kind, actor):
            raw = envelope.wrap(canonicalize(body, depth=1), prev, salt, seq)
        else:
            raw = _full_entry_bytes(kind, actor, stamp, seq, prev, salt, body)
            if envelope is not None:
                envelope.learn(raw, kind, actor, body, (prev, salt, seq))
        digest = commitment(raw)
        keep(prepared_entry(seq, kind, stamp, raw, digest, add_leaf(digest)))
        prev = b64(digest)
        seq += 1
    head.last_commitment = digest
    return prepared


def _full_entry_bytes(
    kind: str, actor: str, stamp: str, seq: int, prev: str, salt: str, body: dict[str, Any]
) -> bytes:
    """Check an entry in full, as the strict parser would, and return its canonical bytes."""
    check_type(kind)
    if not isinstance(actor, str) or not actor:
        raise FormatError("actor must be a non-empty string")
    # Entry(...).to_json_obj(), without building the frozen Entry: the same object.
    obj = {
        "type": kind,
        "seq": seq,
        "time": stamp,
        "prev": prev,
        "salt": salt,
        "actor": actor,
        "body": body,
    }
    # The log is append-only: never write an entry the strict parser would refuse.
    Entry.from_json_obj(obj)
    return canonicalize(obj)


class _Envelope:
    """The canonical bytes around an entry's body, for one append time, type and actor.

    RFC 8785 is compositional: an object's form is its members' forms, sorted by
    key (actor, body, prev, salt, seq, time, type). The first entry of a type and
    actor is checked and made in full; later entries of the same type and actor
    objects reuse its fixed members and only make their body's form (at its
    depth, with the same checks) and the members they differ in. Reuse starts
    only once the bytes assembled for that first entry equal its full form.
    """

    def __init__(self, stamp: str) -> None:
        self.stamp = stamp
        self.kind: object = _NOTHING
        self.actor: object = _NOTHING
        self.before_body = b""
        self.after_seq = b""

    def fits(self, kind: str, actor: str) -> bool:
        """Tell whether an entry of this type and actor (the same objects) can reuse the bytes."""
        return kind is self.kind and actor is self.actor

    def learn(
        self, raw: bytes, kind: str, actor: str, body: dict[str, Any], fields: tuple[str, str, int]
    ) -> None:
        """Take the fixed members of ``raw``, a fully made entry, if assembling it agrees."""
        self.kind = self.actor = _NOTHING
        self.before_body = b'{"actor":' + orjson.dumps(actor) + b',"body":'
        self.after_seq = (
            b',"time":' + orjson.dumps(self.stamp) + b',"type":' + orjson.dumps(kind) + b"}"
        )
        if self.wrap(canonicalize(body, depth=1), *fields) == raw:
            self.kind, self.actor = kind, actor

    def wrap(self, body: bytes, prev: str, salt: str, seq: int) -> bytes:
        """Return an entry's canonical bytes from its body's and its own varying members."""
        return b'%b%b,"prev":"%b","salt":"%b","seq":%d%b' % (
            self.before_body,
            body,
            prev.encode("ascii"),
            salt.encode("ascii"),
            seq,
            self.after_seq,
        )
