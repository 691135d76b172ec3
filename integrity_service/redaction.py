"""Erasing an entry's body on a lawful personal-data request (UU 27/2022).

The entry's commitment, and so the chain, the tree and every receipt, stay.
The erasure is itself a ledger entry, recorded before the bytes are erased,
and the projections are rebuilt without the erased body.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import update
from sqlalchemy.orm import Session

from integrity_service import db
from integrity_service.cli_support import requires_schema
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerEntry, LedgerRedaction
from integrity_service.rebuild import replay, restore
from integrity_service.records import RecordError, append, not_found
from ledger.append import Draft, PreparedEntry

# Entries that hold personal data; the log's own bookkeeping cannot be erased.
REDACTABLE_TYPES = frozenset(
    {"assessment.recorded", "assessment.corrected", "relation.declared", "placement.decided"}
)


def redact(session: Session, seq: int, *, reason: str, actor: str) -> PreparedEntry:
    """Record the redaction of entry ``seq`` and erase its stored body, in one transaction."""
    row = session.get(LedgerEntry, seq)
    if row is None:
        raise not_found("entry", seq)
    if row.entry_bytes is None:
        raise RecordError(409, "Already redacted", f"entry {seq} is already redacted")
    if row.type not in REDACTABLE_TYPES:
        raise RecordError(
            422,
            "Not redactable",
            f"entry {seq} is a {row.type} entry, which holds no personal data",
        )
    if not reason.strip():
        raise RecordError(422, "Reason required", "a redaction needs its lawful reason")
    (entry,) = append(
        session, [Draft("entry.redacted", actor, {"seq": seq, "reason": reason.strip()})]
    )
    session.add(LedgerRedaction(seq=seq, redaction_seq=entry.seq))
    session.flush()
    session.execute(update(LedgerEntry).where(LedgerEntry.seq == seq).values(entry_bytes=None))
    restore(session, replay(session))
    return entry


@click.command("redact")
@click.argument("seq", type=int)
@click.option("--reason", required=True, help="The lawful basis of the erasure request.")
@click.option("--actor", default="cli:redact", show_default=True)
@with_appcontext
@requires_schema
def redact_command(seq: int, reason: str, actor: str) -> None:
    """Erase the stored body of entry SEQ; its commitment, chain and tree stay."""
    try:
        with db.write_session(db.sessions()) as session:
            entry = redact(session, seq, reason=reason, actor=actor)
            size = SqlLedger(session).size()
    except RecordError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"entry {seq} redacted by entry {entry.seq}; log size {size}")
