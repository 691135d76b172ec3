"""Aggregate figures shared by the auditor dashboard, the public page and the PDF report.

Nothing here identifies a person: only counts by rule, unit, severity and month.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from integrity_service.models import Assessment, Finding, Placement

SEVERITIES = ("critical", "high", "medium", "low")
# A placement "followed the ranking" when none of these fired: the appointee was a
# candidate, a ranking was published before the decision, and they were in its top k.
RANKING_RULES = ("MERIT-002", "MERIT-003", "MERIT-004")


@dataclass(frozen=True)
class FindingsSummary:
    """Counts of findings in a period (and unit)."""

    total: int
    by_severity: dict[str, int]
    by_rule: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_month: list[tuple[str, int]]


@dataclass(frozen=True)
class PlacementSummary:
    """Counts of placements and assessments in a period (and unit)."""

    placements: int
    followed_ranking: int
    by_verdict: dict[str, int]
    assessments: int
    people_assessed: int

    @property
    def share_followed(self) -> float | None:
        """Return the share of placements that followed the ranking, or None without any."""
        return self.followed_ranking / self.placements if self.placements else None


def _window(query: Any, column: Any, start: date | None, end: date | None) -> Any:
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


def findings_summary(
    session: Session, *, start: date | None = None, end: date | None = None, unit: str | None = None
) -> FindingsSummary:
    """Return the findings decided in [start, end] (dates inclusive), in one unit if given."""
    query = _window(
        select(Finding.severity, Finding.rule_id, Finding.unit, Finding.decided_on),
        Finding.decided_on,
        start,
        end,
    )
    if unit:
        query = query.where(Finding.unit == unit)
    rows = session.execute(query).all()
    severity = Counter(row.severity for row in rows)
    rules = Counter(row.rule_id for row in rows)
    units = Counter(row.unit for row in rows)
    months = Counter(row.decided_on.strftime("%Y-%m") for row in rows)
    return FindingsSummary(
        total=len(rows),
        by_severity={name: severity.get(name, 0) for name in SEVERITIES},
        by_rule=sorted(rules.items()),
        by_unit=sorted(units.items(), key=lambda item: (-item[1], item[0])),
        by_month=sorted(months.items()),
    )


def placement_summary(
    session: Session, *, start: date | None = None, end: date | None = None, unit: str | None = None
) -> PlacementSummary:
    """Return placement and assessment counts for [start, end], in one unit if given."""
    query = _window(select(Placement.id, Placement.verdict), Placement.decided_on, start, end)
    if unit:
        query = query.where(Placement.unit == unit)
    placements = session.execute(query).all()
    ids = [row.id for row in placements]
    deviating: set[str] = set()
    for offset in range(0, len(ids), 500):
        deviating.update(
            session.scalars(
                select(Finding.placement_id)
                .where(
                    Finding.placement_id.in_(ids[offset : offset + 500]),
                    Finding.rule_id.in_(RANKING_RULES),
                )
                .distinct()
            )
        )
    verdicts = Counter(row.verdict or "unevaluated" for row in placements)
    assessments = _window(
        select(func.count(), func.count(distinct(Assessment.nip))).where(
            Assessment.superseded_by.is_(None)
        ),
        Assessment.assessed_on,
        start,
        end,
    )
    count, people = session.execute(assessments).one()
    return PlacementSummary(
        placements=len(placements),
        followed_ranking=len(placements) - len(deviating),
        by_verdict=dict(sorted(verdicts.items())),
        assessments=count,
        people_assessed=people,
    )
