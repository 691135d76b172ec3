"""Vacancies: the list, and one vacancy's ranking against its appointment, checks and findings."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext
from sqlalchemy import func, or_, select

from integrity_service import db
from integrity_service.auditor import bp, charts
from integrity_service.auditor.access import READERS, roles_required
from integrity_service.auditor.paging import page_number, paginate
from integrity_service.models import (
    Candidate,
    Finding,
    Person,
    Placement,
    PlacementCheck,
    Position,
    Ranking,
    Vacancy,
)
from integrity_service.problems import Problem


@bp.get("/vacancies")
@roles_required(*READERS)
def vacancies() -> str:
    """List vacancies (search by id, position or unit) with their decisions."""
    session = db.session()
    search = (request.args.get("q") or "").strip()[:100]
    candidates = select(func.count()).where(Candidate.vacancy_id == Vacancy.id).scalar_subquery()
    query = select(Vacancy, Position, candidates.label("candidates")).join(
        Position, Position.code == Vacancy.position_code
    )
    if search:
        pattern = f"%{search}%"
        query = query.where(
            or_(
                Vacancy.id.ilike(pattern),
                Position.title.ilike(pattern),
                Position.unit.ilike(pattern),
            )
        )
    page = paginate(
        session,
        query.order_by(Vacancy.opened_on.desc(), Vacancy.id.desc()),
        number=page_number(request.args),
    )
    ids = [row.Vacancy.id for row in page.items]
    decided: dict[str, list[Placement]] = defaultdict(list)
    if ids:
        for placement in session.scalars(select(Placement).where(Placement.vacancy_id.in_(ids))):
            decided[placement.vacancy_id].append(placement)
    return render_template("auditor/vacancies.html", page=page, search=search, decided=decided)


def chart_labels(nips: list[str], people: dict[str, Person]) -> dict[str, str]:
    """Return a distinct chart label per NIP: the name, with the NIP's end when names repeat."""
    names = {nip: people[nip].name if nip in people else nip for nip in nips}
    counts = Counter(names.values())
    return {
        nip: name if counts[name] == 1 else f"{name} ({nip[-4:]})" for nip, name in names.items()
    }


def _ranking_lines(
    ranking: Ranking | None, people: dict[str, Person], appointees: set[str]
) -> list[dict[str, Any]]:
    lines = []
    for line in ranking.entries if ranking is not None else []:
        person = people.get(line["nip"])
        name = person.name if person is not None else None
        lines.append({**line, "name": name, "appointee": line["nip"] in appointees})
    return lines


def _jpm_chart(
    lines: list[dict[str, Any]], people: dict[str, Person], appointee: str | None
) -> Any:
    """Return the chart of the ranked candidates' JPM with the appointee marked (or None)."""
    ranked = [line for line in lines if line.get("jpm") is not None]
    labels = chart_labels(
        [line["nip"] for line in ranked] + ([appointee] if appointee else []), people
    )
    threshold = current_app.config["RULE_PARAMETERS"].get("MERIT-006", {}).get("min_jpm", 78)
    return charts.jpm_chart(
        [(labels[line["nip"]], float(line["jpm"])) for line in ranked],
        appointee=labels[appointee] if appointee else None,
        threshold=float(threshold),
        title=gettext("Job Person Match (JPM) of the candidates"),
    )


@bp.get("/vacancies/<vacancy_id>")
@roles_required(*READERS)
def vacancy(vacancy_id: str) -> str:
    """Show the published ranking with the appointee marked, the decisions, checks and findings."""
    session = db.session()
    row = session.get(Vacancy, vacancy_id)
    if row is None:
        raise Problem(
            404,
            gettext("Not found"),
            gettext(
                "No vacancy has the id %(id)s. Look it up in the list of vacancies.", id=vacancy_id
            ),
        )
    position = session.get(Position, row.position_code)
    rankings = session.scalars(
        select(Ranking).where(Ranking.vacancy_id == vacancy_id).order_by(Ranking.seq)
    ).all()
    ranking = rankings[-1] if rankings else None
    placements = session.scalars(
        select(Placement).where(Placement.vacancy_id == vacancy_id).order_by(Placement.seq)
    ).all()
    checks = session.scalars(
        select(PlacementCheck)
        .where(PlacementCheck.vacancy_id == vacancy_id)
        .order_by(PlacementCheck.seq)
    ).all()
    candidate_nips = session.scalars(
        select(Candidate.nip).where(Candidate.vacancy_id == vacancy_id).order_by(Candidate.position)
    ).all()
    nips = {*candidate_nips, *(p.nip for p in placements), *(c.nip for c in checks)}
    people = (
        {p.nip: p for p in session.scalars(select(Person).where(Person.nip.in_(nips)))}
        if nips
        else {}
    )
    appointees = {p.nip for p in placements}
    lines = _ranking_lines(ranking, people, appointees)
    ranked = {line["nip"] for line in lines}
    findings = (
        session.scalars(
            select(Finding)
            .where(Finding.placement_id.in_([p.id for p in placements]))
            .order_by(Finding.seq, Finding.rule_id)
        ).all()
        if placements
        else []
    )
    return render_template(
        "auditor/vacancy.html",
        vacancy=row,
        position=position,
        ranking=ranking,
        rankings=rankings,
        lines=lines,
        placements=placements,
        unranked_appointees=[p for p in placements if p.nip not in ranked],
        checks=checks,
        findings=findings,
        people=people,
        candidates=len(candidate_nips),
        jpm_chart=_jpm_chart(lines, people, placements[-1].nip if placements else None),
    )
