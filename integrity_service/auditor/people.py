"""People: look up by NIP or name, and one person's history as a timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from integrity_service import db
from integrity_service.auditor import bp
from integrity_service.auditor.access import READERS, roles_required
from integrity_service.auditor.paging import page_number, paginate
from integrity_service.ledger_tables import LedgerEntry
from integrity_service.models import (
    Assessment,
    Candidate,
    Finding,
    Person,
    Placement,
    PlacementCheck,
    Position,
    Ranking,
    Relation,
    Vacancy,
)
from integrity_service.problems import Problem
from ledger.entry import parse_utc_text

NIP_PATTERN = re.compile(r"\d{18}")


@dataclass(frozen=True)
class Event:
    """One item of a person's timeline; ``seq`` is the ledger entry it comes from."""

    on: date
    seq: int
    kind: str
    record: Any
    extra: dict[str, Any]


@bp.get("/people")
@roles_required(*READERS)
def people() -> Response | str:
    """Find a person by NIP (straight to their page) or by part of their name."""
    search = (request.args.get("q") or "").strip()[:100]
    compact = search.replace(" ", "")
    if NIP_PATTERN.fullmatch(compact):
        return redirect(url_for("auditor.person", nip=compact))
    page = None
    if search:
        query = (
            select(Person)
            .where(or_(Person.name.ilike(f"%{search}%"), Person.nip.startswith(compact)))
            .order_by(Person.name, Person.nip)
        )
        page = paginate(db.session(), query, number=page_number(request.args))
    return render_template("auditor/people.html", search=search, page=page)


def _latest_rank(ranking: Ranking | None, nip: str) -> dict[str, Any] | None:
    if ranking is None:
        return None
    for line in ranking.entries:
        if line["nip"] == nip:
            return {"rank": line.get("rank"), "of": len(ranking.entries), "jpm": line.get("jpm")}
    return None


def timeline(nip: str) -> list[Event]:
    """Return everything recorded about ``nip``, newest first."""
    session = db.session()
    events: list[Event] = []
    for row in session.scalars(select(Assessment).where(Assessment.nip == nip)):
        kind = "correction" if row.supersedes is not None else "assessment"
        events.append(Event(row.assessed_on, row.seq, kind, row, {}))
    candidacies = session.execute(
        select(Candidate, Vacancy, Position)
        .join(Vacancy, Vacancy.id == Candidate.vacancy_id)
        .join(Position, Position.code == Vacancy.position_code)
        .where(Candidate.nip == nip)
    ).all()
    for candidate, vacancy, position in candidacies:
        ranking = session.scalars(
            select(Ranking)
            .where(Ranking.vacancy_id == vacancy.id)
            .order_by(Ranking.seq.desc())
            .limit(1)
        ).first()
        extra = {"position": position, "ranked": _latest_rank(ranking, nip)}
        events.append(
            Event(
                vacancy.opened_on,
                vacancy.seq,
                "candidacy",
                candidate,
                {"vacancy": vacancy, **extra},
            )
        )
    placements = session.scalars(select(Placement).where(Placement.nip == nip)).all()
    titles = (
        dict(
            session.execute(
                select(Position.code, Position.title).where(
                    Position.code.in_([p.position_code for p in placements])
                )
            ).all()
        )
        if placements
        else {}
    )
    for row in placements:
        events.append(
            Event(
                row.decided_on, row.seq, "placement", row, {"title": titles.get(row.position_code)}
            )
        )
    for row in session.scalars(select(PlacementCheck).where(PlacementCheck.nip == nip)):
        events.append(Event(row.decided_on, row.seq, "check", row, {}))
    if placements:
        found = session.scalars(
            select(Finding).where(Finding.placement_id.in_([p.id for p in placements]))
        )
        for row in found:
            events.append(Event(row.decided_on, row.seq, "finding", row, {}))
    relations = session.scalars(
        select(Relation).where(or_(Relation.a == nip, Relation.b == nip))
    ).all()
    if relations:
        times = dict(
            session.execute(
                select(LedgerEntry.seq, LedgerEntry.time).where(
                    LedgerEntry.seq.in_([r.seq for r in relations])
                )
            ).all()
        )
        for row in relations:
            other = row.b if row.a == nip else row.a
            when = parse_utc_text(times[row.seq]).date() if row.seq in times else date.min
            events.append(Event(when, row.seq, "relation", row, {"other": other}))
    return sorted(events, key=lambda event: (event.on, event.seq), reverse=True)


@bp.get("/people/<nip>")
@roles_required(*READERS)
def person(nip: str) -> str:
    """Show a person's assessments, corrections, candidacies, placements and findings."""
    row = db.session().get(Person, nip)
    events = timeline(nip) if NIP_PATTERN.fullmatch(nip) else []
    if row is None and not events:
        raise Problem(
            404,
            gettext("Not found"),
            gettext("Nothing is recorded about NIP %(nip)s. Check the 18 digits.", nip=nip[:40]),
        )
    return render_template("auditor/person.html", nip=nip, person=row, events=events)
