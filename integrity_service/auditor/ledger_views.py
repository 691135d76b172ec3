"""The ledger explorer: entries by type and time, and one entry with its proof of inclusion."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import orjson
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity_service import db, key_rotation, keys
from integrity_service.auditor import bp
from integrity_service.auditor.access import READERS, roles_required
from integrity_service.auditor.finding_query import parse_date
from integrity_service.auditor.paging import page_number, paginate
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerEntry, LedgerRedaction
from integrity_service.problems import Problem
from integrity_service.receipts import build_receipt
from ledger.checkpoint import Checkpoint
from ledger.entry import b64, unb64
from ledger.errors import VerificationError
from ledger.hashing import commitment, leaf_hash
from ledger.keyset import signing_keys
from ledger.note import split_note
from ledger.proofs import verify_inclusion


def _decode(entry_bytes: bytes | None) -> dict[str, Any] | None:
    if entry_bytes is None:
        return None
    try:
        decoded = orjson.loads(entry_bytes)
    except orjson.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, dict) else None


@bp.get("/ledger")
@roles_required(*READERS)
def ledger() -> Response | str:
    """Browse entries newest first, by type and by date; jump to an entry by its seq."""
    jump = (request.args.get("seq") or "").strip()
    if jump.isdigit() and len(jump) < 19:
        return redirect(url_for("auditor.entry", seq=int(jump)))
    session = db.session()
    types = session.scalars(select(LedgerEntry.type).distinct().order_by(LedgerEntry.type)).all()
    problems: list[str] = []
    if jump:
        problems.append(gettext("“%(value)s” is not an entry number.", value=jump[:20]))
    chosen = request.args.get("type") or None
    if chosen is not None and chosen not in types:
        problems.append(gettext("No entry has the type “%(value)s”.", value=chosen[:64]))
        chosen = None
    start = parse_date(request.args, "from", problems)
    end = parse_date(request.args, "to", problems)
    query = select(LedgerEntry.seq, LedgerEntry.type, LedgerEntry.time, LedgerEntry.entry_bytes)
    if chosen is not None:
        query = query.where(LedgerEntry.type == chosen)
    if start is not None:
        query = query.where(LedgerEntry.time >= start.isoformat())
    if end is not None:
        query = query.where(LedgerEntry.time < (end + timedelta(days=1)).isoformat())
    page = paginate(
        session, query.order_by(LedgerEntry.seq.desc()), number=page_number(request.args)
    )
    rows = [
        {"seq": r.seq, "type": r.type, "time": r.time, "entry": _decode(r.entry_bytes)}
        for r in page.items
    ]
    args = {k: v for k, v in (("type", chosen), ("from", start), ("to", end)) if v}
    return render_template(
        "auditor/ledger.html",
        page=page,
        rows=rows,
        types=types,
        chosen=chosen,
        start=start,
        end=end,
        args={k: str(v) for k, v in args.items()},
        problems=problems,
        size=SqlLedger(session).size(),
    )


def _inclusion(ledger_store: SqlLedger, seq: int, entry_commitment: bytes) -> dict[str, Any]:
    """Return the receipt's proof against the latest checkpoint, checked against its signed root."""
    receipt = build_receipt(ledger_store, seq, origin=current_app.config["LOG_ORIGIN"])
    proof = receipt["inclusion_proof"]
    result: dict[str, Any] = {"checkpoint": receipt["checkpoint"], "proof": proof, "ok": None}
    if proof is None:
        return result
    try:
        # Any of the log's keys signing this size (a rotation may have happened since
        # this worker loaded its key file).
        text, signatures = split_note(receipt["checkpoint"])
        log_keys = key_rotation.log_keys(ledger_store.session, keys.verifier())
        signed = signing_keys(text, signatures, log_keys)
        checkpoint = Checkpoint.from_text(text)
        if not any(key.signs(checkpoint.size) for key in signed):
            raise VerificationError(f"no key of the log signs tree size {checkpoint.size}")
        verify_inclusion(
            index=seq,
            size=proof["size"],
            leaf_hash=leaf_hash(entry_commitment),
            proof=[unb64(item, size=32, what="proof item") for item in proof["proof"]],
            root=checkpoint.root,
        )
    except (VerificationError, keys.KeyFileError) as exc:
        result.update(ok=False, error=str(exc))
    else:
        result.update(ok=True, root=b64(checkpoint.root))
    return result


def related_links(entry_type: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """Return (endpoint-kind, key) pairs of the pages an entry's body names."""
    links: list[tuple[str, str]] = []
    nip = body.get("nip") or (body.get("result") or {}).get("nip")
    vacancy = body.get("vacancy") or (body.get("id") if entry_type == "vacancy.opened" else None)
    if vacancy:
        links.append(("vacancy", str(vacancy)))
    if nip:
        links.append(("person", str(nip)))
    if entry_type == "relation.declared":
        links += [
            ("person", str(body[side])) for side in ("a", "b") if str(body.get(side, "")).isdigit()
        ]
    for finding in body.get("findings", []) if entry_type != "placement.checked" else []:
        links.append(("finding", str(finding.get("finding_id"))))
    if entry_type == "finding.status_changed":
        links.append(("finding", str(body.get("finding"))))
    if entry_type == "entry.redacted":
        links.append(("entry", str(body.get("seq"))))
    return links


@bp.get("/ledger/<int:seq>")
@roles_required(*READERS)
def entry(seq: int) -> str:
    """Show one entry: type, time, actor, commitment, prev link, redaction, proof and body."""
    session = db.session()
    store = SqlLedger(session)
    row = store.entry(seq)
    if row is None:
        size = store.size()
        raise Problem(
            404,
            gettext("Not found"),
            gettext(
                "The ledger has no entry %(seq)s; it holds entries 0 to %(last)s.",
                seq=seq,
                last=size - 1,
            )
            if size
            else gettext("The ledger has no entries yet."),
        )
    decoded = _decode(row.entry_bytes)
    previous = store.entry(seq - 1) if seq > 0 else None
    expected_prev = b64(previous.commitment) if previous is not None else b64(bytes(32))
    redaction = session.get(LedgerRedaction, seq)
    return render_template(
        "auditor/entry.html",
        row=row,
        entry=decoded,
        size=store.size(),
        commitment_ok=row.entry_bytes is not None and commitment(row.entry_bytes) == row.commitment,
        prev_ok=decoded is not None and decoded.get("prev") == expected_prev,
        redaction=redaction,
        inclusion=_inclusion(store, seq, row.commitment),
        body=None
        if decoded is None
        else json.dumps(decoded.get("body"), indent=2, ensure_ascii=False),
        links=related_links(row.type, decoded.get("body", {})) if decoded else [],
    )
