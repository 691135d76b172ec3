"""Case work on findings: each status change is a ledger entry, projected into the history.

A change is the entry ``finding.status_changed`` with body ``{finding, from,
to, note}``; its projection adds a ``finding_events`` row and sets
``Finding.status``. So the status an auditor sees is as tamper-evident as
the finding itself, and ``rebuild`` replays it like any other projection.

This module imports neither ``models`` nor ``projections`` nor ``records``
at load time (they are imported where used): ``models`` lists `FindingEvent`
among the projection tables and ``projections_rules`` lists the handler, so
both import this module, in any order, without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import BigInteger, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from integrity_service.db import Base
from integrity_service.ledger_tables import LedgerEntry
from ledger.append import Draft, PreparedEntry

ENTRY_TYPE = "finding.status_changed"
STATUSES: tuple[str, ...] = ("open", "under_review", "explained", "escalated", "closed")
MAX_NOTE_LENGTH = 2000


class FindingEvent(Base):
    """One recorded status change of a finding (a projection of its ledger entry)."""

    __tablename__ = "finding_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    finding_id: Mapped[str] = mapped_column(String(40), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    time: Mapped[str] = mapped_column(String(32))


class CaseworkError(Exception):
    """A status change refused; ``reason`` names why (for a translated message), ``params`` what."""

    def __init__(self, reason: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class HistoryItem:
    """A status change as shown on the finding page: the event and who recorded it."""

    event: FindingEvent
    actor: str | None


def change_status(
    session: Session, *, finding_id: str, expected: str, to: str, note: str, actor: str
) -> PreparedEntry:
    """Record a finding's move from ``expected`` to ``to`` with a note; run in a write session.

    ``expected`` is the status the auditor saw: if someone changed it since,
    nothing is recorded and `CaseworkError` ("changed") says so.
    """
    from integrity_service import records
    from integrity_service.models import Finding

    finding = session.get(Finding, finding_id)
    if finding is None:
        raise CaseworkError("unknown", f"finding {finding_id!r} is not recorded", id=finding_id)
    if to not in STATUSES:
        raise CaseworkError(
            "status", f"status {to!r} is not one of {', '.join(STATUSES)}", status=to
        )
    text = note.strip()
    if not text:
        raise CaseworkError("note", "a status change needs a note saying why")
    if len(text) > MAX_NOTE_LENGTH:
        raise CaseworkError(
            "long",
            f"the note has {len(text)} characters; at most {MAX_NOTE_LENGTH}",
            length=len(text),
            limit=MAX_NOTE_LENGTH,
        )
    if finding.status != expected:
        raise CaseworkError(
            "changed",
            f"finding {finding_id} is now {finding.status!r}, not {expected!r}: someone changed "
            "it meanwhile; read its history and try again",
            current=finding.status,
        )
    if to == finding.status:
        raise CaseworkError("same", f"finding {finding_id} is already {to!r}", status=to)
    body = {"finding": finding_id, "from": finding.status, "to": to, "note": text}
    return records.append(session, [Draft(ENTRY_TYPE, actor, body)])[0]


def project_status_change(session: Session, seq: int, time: str, body: Mapping[str, Any]) -> None:
    """Project a ``finding.status_changed`` entry: a history row and the finding's status."""
    from integrity_service.models import Finding

    session.add(
        FindingEvent(
            seq=seq,
            finding_id=body["finding"],
            from_status=body["from"],
            to_status=body["to"],
            note=body["note"],
            time=time,
        )
    )
    finding = session.get(Finding, body["finding"])
    if finding is not None:
        finding.status = body["to"]


def history(session: Session, finding_id: str) -> list[HistoryItem]:
    """Return a finding's status changes, oldest first, with the actor of each entry."""
    events = list(
        session.scalars(
            select(FindingEvent)
            .where(FindingEvent.finding_id == finding_id)
            .order_by(FindingEvent.seq)
        )
    )
    seqs = [event.seq for event in events]
    query = select(LedgerEntry.seq, LedgerEntry.entry_bytes).where(LedgerEntry.seq.in_(seqs))
    raw = dict(session.execute(query).all()) if seqs else {}
    items = []
    for event in events:
        entry_bytes = raw.get(event.seq)
        actor = None if entry_bytes is None else orjson.loads(entry_bytes).get("actor")
        items.append(HistoryItem(event, actor))
    return items


def register_projection() -> None:
    """Add the projection of status changes to the projection handlers (idempotent)."""
    from integrity_service import projections

    projections.register(ENTRY_TYPE, project_status_change)
