"""BKPSDM users' view: the entries they (or their API tokens) recorded, and the check results.

The actor is inside each entry's canonical bytes, not in a column, so the
page scans the ledger newest first, in chunks, with a byte-level pre-filter
before decoding; a page ends after `PER_PAGE` matches or `MAX_SCAN` entries,
and "older" continues from where it stopped.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import db
from integrity_service.auditor import bp
from integrity_service.auditor.access import SUBMITTERS, roles_required, signed_in_user
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerEntry
from integrity_service.users import actors_of

PER_PAGE = 25
SCAN_CHUNK = 2000
MAX_SCAN = 50_000


def own_entries(
    session: Session, actors: set[str], *, before: int, limit: int = PER_PAGE
) -> tuple[list[dict[str, Any]], int | None]:
    """Return up to ``limit`` entries below seq ``before`` whose actor is one of ``actors``.

    Also return the seq to continue below (None when the start of the log was reached).
    """
    needles = [f'"actor":{json.dumps(actor)}'.encode() for actor in actors]
    found: list[dict[str, Any]] = []
    cursor, scanned = before, 0
    while cursor > 0 and len(found) < limit and scanned < MAX_SCAN:
        low = max(0, cursor - SCAN_CHUNK)
        rows = session.execute(
            select(LedgerEntry.seq, LedgerEntry.commitment, LedgerEntry.entry_bytes)
            .where(LedgerEntry.seq >= low, LedgerEntry.seq < cursor)
            .order_by(LedgerEntry.seq.desc())
        ).all()
        cursor = low
        for seq, digest, raw in rows:
            scanned += 1
            if raw is None or not any(needle in raw for needle in needles):
                continue
            entry = orjson.loads(raw)
            if entry.get("actor") not in actors:
                continue
            found.append({**entry, "commitment": digest})
            if len(found) == limit:
                cursor = seq
                break
    return found, (cursor if cursor > 0 else None)


@bp.get("/submissions")
@roles_required(*SUBMITTERS)
def submissions() -> str:
    """List the signed-in BKPSDM user's own ledger entries, newest first, with check results."""
    session = db.session()
    user = signed_in_user()
    actors = actors_of(session, user)
    size = SqlLedger(session).size()
    raw = request.args.get("before", "")
    before = min(int(raw), size) if raw.isdigit() and len(raw) < 19 else size
    entries, older = own_entries(session, actors, before=before)
    return render_template(
        "auditor/submissions.html",
        entries=entries,
        older=older,
        newest=before >= size,
        actors=sorted(actors),
        bodies={e["seq"]: json.dumps(e["body"], indent=2, ensure_ascii=False) for e in entries},
    )
