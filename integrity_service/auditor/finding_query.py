"""The findings list's query parameters (filters, sorting) and the SQL they select."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select

from integrity_service.auditor.labels import RULE_IDS
from integrity_service.casework import STATUSES
from integrity_service.models import Finding, Placement
from integrity_service.stats import SEVERITIES

SEVERITY_ORDER = case(
    {name: n for n, name in enumerate(reversed(SEVERITIES))}, value=Finding.severity
)
SORTS: Mapping[str, Any] = {
    "date": Finding.decided_on,
    "severity": SEVERITY_ORDER,
    "rule": Finding.rule_id,
    "unit": Finding.unit,
    "status": Finding.status,
}


def parse_date(args: Mapping[str, str], name: str, problems: list[str]) -> date | None:
    """Return the ISO date in ``args[name]``, or None (noting a malformed one in ``problems``)."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(
            gettext(
                "“%(value)s” is not a date (YYYY-MM-DD); that filter was left out.", value=raw[:20]
            )
        )
        return None


@dataclass(frozen=True)
class FindingFilters:
    """What the findings list shows: filters, sort key and direction, and ignored inputs."""

    severity: str | None = None
    rule: str | None = None
    unit: str | None = None
    status: str | None = None
    start: date | None = None
    end: date | None = None
    sort: str = "date"
    order: str = "desc"
    problems: tuple[str, ...] = ()

    def args(self, **changes: Any) -> dict[str, str]:
        """Return the query parameters of these filters with ``changes`` applied."""
        values = replace(self, **changes)
        pairs = {
            "severity": values.severity,
            "rule": values.rule,
            "unit": values.unit,
            "status": values.status,
            "from": values.start.isoformat() if values.start else None,
            "to": values.end.isoformat() if values.end else None,
            "sort": values.sort if values.sort != "date" else None,
            "order": values.order if values.order != "desc" else None,
        }
        return {name: value for name, value in pairs.items() if value}

    def sorted_by(self, key: str) -> dict[str, str]:
        """Return the parameters that sort by ``key`` (toggling the direction if already so)."""
        order = "asc" if self.sort == key and self.order == "desc" else "desc"
        return self.args(sort=key, order=order)


FILTER_NAMES = {
    "severity": _l("Severity"),
    "rule": _l("Rule"),
    "unit": _l("Unit"),
    "status": _l("Status"),
}


def _choice(
    args: Mapping[str, str], name: str, allowed: tuple[str, ...] | None, problems: list[str]
) -> str | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if allowed is not None and raw not in allowed:
        problems.append(
            gettext(
                "%(name)s: “%(value)s” is not a known value; that filter was left out.",
                name=str(FILTER_NAMES[name]),
                value=raw[:40],
            )
        )
        return None
    return raw


def parse_filters(args: Mapping[str, str]) -> FindingFilters:
    """Return the filters the query string asks for; unknown values are left out and noted."""
    problems: list[str] = []
    sort = args.get("sort", "date")
    order = args.get("order", "desc")
    return FindingFilters(
        severity=_choice(args, "severity", SEVERITIES, problems),
        rule=_choice(args, "rule", RULE_IDS, problems),
        unit=_choice(args, "unit", None, problems),
        status=_choice(args, "status", STATUSES, problems),
        start=parse_date(args, "from", problems),
        end=parse_date(args, "to", problems),
        sort=sort if sort in SORTS else "date",
        order=order if order in ("asc", "desc") else "desc",
        problems=tuple(problems),
    )


def findings_query(filters: FindingFilters) -> Select[Any]:
    """Return the rows (finding, vacancy id, appointee NIP) the filters select, sorted."""
    query = select(Finding, Placement.vacancy_id, Placement.nip).join(
        Placement, Placement.id == Finding.placement_id, isouter=True
    )
    for column, value in (
        (Finding.severity, filters.severity),
        (Finding.rule_id, filters.rule),
        (Finding.unit, filters.unit),
        (Finding.status, filters.status),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.start is not None:
        query = query.where(Finding.decided_on >= filters.start)
    if filters.end is not None:
        query = query.where(Finding.decided_on <= filters.end)
    key = SORTS[filters.sort]
    primary = key.asc() if filters.order == "asc" else key.desc()
    return query.order_by(primary, Finding.decided_on.desc(), Finding.id)
