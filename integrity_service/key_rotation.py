"""Signing-key rotation in the service: the ledger's key entries, who signs, begin and finish.

The entries and the trust rules are :mod:`ledger.keyset` and :mod:`ledger.key_trust`;
the procedure is docs/deploy.md, "Rotating the key". Here the service reads its key
entries as stored (``verify`` is what checks them), decides which keys sign the next
checkpoint, and writes the two rotation steps through the normal write path
(:func:`integrity_service.records.append`), inside the caller's ``write_session``.

Key entries have no projection: ``apply_entry`` leaves entry types it does not know
alone, so ``rebuild`` replays them as nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import records
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerCheckpoint, LedgerEntry
from ledger.append import Draft, PreparedEntry
from ledger.entry import utc_now_text
from ledger.errors import VerificationError
from ledger.key_trust import NoteToCheck, key_windows
from ledger.keyset import (
    KEY_ANNOUNCED,
    KEY_EVENT_TYPES,
    KEY_RETIRED,
    KeyChain,
    LogKey,
    announcement_body,
    key_label,
    parse_key_event,
    retirement_body,
    same_key,
)
from ledger.note import NoteSigner, NoteVerifier
from ledger.verify import StoredCheckpoint

ACTOR = "cli:rotate-key"
_PAGE = 50


class RotationError(Exception):
    """A rotation step, or a checkpoint during one, refused: the message says what to do."""


def key_chain(session: Session) -> KeyChain:
    """Return the log's key chain from its stored key entries (malformed ones are skipped)."""
    chain = KeyChain()
    rows = session.execute(
        select(LedgerEntry.seq, LedgerEntry.type, LedgerEntry.entry_bytes)
        .where(LedgerEntry.type.in_(sorted(KEY_EVENT_TYPES)))
        .order_by(LedgerEntry.seq)
    )
    for seq, entry_type, raw in rows:
        if raw is None:
            continue
        try:
            chain.add(parse_key_event(seq, entry_type, orjson.loads(raw).get("body")))
        except (VerificationError, orjson.JSONDecodeError, AttributeError):
            continue
    return chain


def _notes_after(session: Session, seq: int) -> Iterator[NoteToCheck]:
    """Yield the stored checkpoints of trees holding entry ``seq``, in size order, by pages."""
    last = seq
    while True:
        rows = session.execute(
            select(LedgerCheckpoint.size, LedgerCheckpoint.note)
            .where(LedgerCheckpoint.size > last)
            .order_by(LedgerCheckpoint.size)
            .limit(_PAGE)
        ).all()
        for _, note in rows:
            try:
                yield NoteToCheck.parse(note)
            except VerificationError:
                continue
        if len(rows) < _PAGE:
            return
        last = rows[-1][0]


def log_keys(session: Session, current: NoteVerifier) -> list[LogKey]:
    """Return the log's keys with the tree sizes each signs; before any rotation, ``current``."""
    chain = key_chain(session)
    if not chain.keys:
        return [LogKey(current)]
    return key_windows(chain, lambda seq: _notes_after(session, seq))


def _names(chain: KeyChain) -> str:
    return ", ".join(key.label for key in chain.keys)


def checkpoint_signers(
    session: Session, current: NoteSigner, following: NoteSigner | None
) -> list[NoteSigner]:
    """Return the keys that sign the next checkpoint: the key file's, and the new key's.

    Never a retired key, nor a key the ledger does not name; raise RotationError.
    """
    candidates = [current]
    if following is not None and not same_key(following.verifier(), current.verifier()):
        candidates.append(following)
    chain = key_chain(session)
    if not chain.keys:
        if len(candidates) > 1:
            raise RotationError(
                "INTEGRITY_NEXT_KEY_FILE is set, but the ledger announces no new key: run "
                "'flask --app integrity_service rotate-key begin --new-key-file PATH', "
                "or unset it"
            )
        return candidates
    signers = []
    places = ("INTEGRITY_KEY_FILE", "INTEGRITY_NEXT_KEY_FILE")
    for signer, where in zip(candidates, places[: len(candidates)], strict=True):
        position = chain.index(signer.verifier())
        if position is None:
            raise RotationError(
                f"{where} holds {key_label(signer.verifier())}, which is not one of the "
                f"log's keys ({_names(chain)}); it must not sign this log's checkpoints"
            )
        if chain.keys[position].last_size is None:
            signers.append(signer)
    if not signers:
        raise RotationError(
            f"INTEGRITY_KEY_FILE holds {key_label(current.verifier())}, which the ledger "
            "retired: set INTEGRITY_NEXT_KEY_FILE to the new key file and run "
            "'flask --app integrity_service rotate-key finish' to complete the switch"
        )
    return signers


def sign_checkpoint(session: Session, signers: Sequence[NoteSigner]) -> StoredCheckpoint | None:
    """Sign and store a checkpoint if the tree grew, with every signer (one line each)."""
    return SqlLedger(session).sign_checkpoint(*signers)


def check_can_begin(session: Session, current: NoteSigner) -> None:
    """Refuse a rotation while another is in progress or the key file is not the log's key."""
    chain = key_chain(session)
    if not chain.keys:
        return
    label = key_label(current.verifier())
    position = chain.index(current.verifier())
    if position is None:
        raise RotationError(
            f"INTEGRITY_KEY_FILE holds {label}, which is not one of the log's keys "
            f"({_names(chain)})"
        )
    if chain.keys[position].last_size is not None:
        raise RotationError(
            f"INTEGRITY_KEY_FILE holds {label}, which entry {chain.keys[position].last_size} "
            "retired: complete that rotation with 'rotate-key finish' first"
        )
    latest = chain.keys[-1]
    if position != len(chain.keys) - 1:
        raise RotationError(
            f"a rotation is in progress: entry {latest.announced_seq} announced "
            f"{latest.label}; run 'flask --app integrity_service rotate-key finish' first"
        )


def begin_rotation(
    session: Session, current: NoteSigner, new: NoteSigner, *, actor: str = ACTOR
) -> tuple[PreparedEntry, StoredCheckpoint]:
    """Announce ``new`` in the ledger and sign a checkpoint covering it with both keys."""
    check_can_begin(session, current)
    body = announcement_body(new.verifier(), current.verifier(), utc_now_text())
    (entry,) = records.append(session, [Draft(KEY_ANNOUNCED, actor, body)])
    stored = sign_checkpoint(session, [current, new])
    assert stored is not None  # the tree just grew
    return entry, stored


@dataclass(frozen=True)
class Finished:
    """What ``finish`` found and wrote: the covering size, the retirement, the new checkpoint."""

    covered_at: int
    entry: PreparedEntry | None  # None: the ledger had retired the old key already
    checkpoint: StoredCheckpoint | None


def finish_rotation(
    session: Session, old: NoteSigner, new: NoteSigner, *, actor: str = ACTOR
) -> Finished:
    """Retire ``old`` once a checkpoint it signed covers ``new``'s announcement; sign with ``new``.

    A second run after a completed ledger step (the file switch failed) writes nothing.
    """
    chain = key_chain(session)
    old_label, new_label = key_label(old.verifier()), key_label(new.verifier())
    new_at = chain.index(new.verifier())
    if new_at is None:
        raise RotationError(
            f"INTEGRITY_NEXT_KEY_FILE holds {new_label}, which the ledger never announced: "
            "run 'flask --app integrity_service rotate-key begin --new-key-file PATH' first"
        )
    if new_at == 0 or not same_key(chain.keys[new_at - 1].verifier, old.verifier()):
        raise RotationError(
            f"INTEGRITY_KEY_FILE holds {old_label}, but the ledger announced {new_label} "
            f"as the successor of {chain.keys[new_at - 1].label if new_at else 'no key'}"
        )
    announced = chain.keys[new_at].announced_seq
    first = log_keys(session, old.verifier())[new_at].first_size
    if first is None:
        raise RotationError(
            f"the announcement of {new_label} (entry {announced}) is not yet covered by a "
            f"checkpoint signed by {old_label}: run 'flask --app integrity_service checkpoint' "
            "with INTEGRITY_NEXT_KEY_FILE set (it signs with both keys), then finish again"
        )
    if chain.keys[new_at - 1].last_size is not None:
        return Finished(first, None, None)
    body = retirement_body(old.verifier(), new.verifier(), utc_now_text())
    (entry,) = records.append(session, [Draft(KEY_RETIRED, actor, body)])
    return Finished(first, entry, sign_checkpoint(session, [new]))
