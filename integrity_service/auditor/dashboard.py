"""The dashboard: findings by severity, rule, unit and month; the ledger and its verification."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from flask import render_template, request, url_for
from flask_babel import format_date, gettext
from sqlalchemy import func, select

from integrity_service import db
from integrity_service.auditor import bp, charts
from integrity_service.auditor.access import READERS, roles_required
from integrity_service.auditor.finding_query import parse_date
from integrity_service.auditor.labels import SEVERITY_LABELS, label, rule_title
from integrity_service.casework import STATUSES
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerCheckpoint
from integrity_service.models import Finding, Placement
from integrity_service.stats import SEVERITIES, findings_summary, placement_summary
from integrity_service.verification_jobs import latest_run

TOP_UNITS = 10
Row = tuple[str, int, str]  # label, count, link to the findings it counts


def _month_rows(by_month: list[tuple[str, int]], period: dict[str, str]) -> list[Row]:
    rows = []
    for month, count in by_month:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
        last = first.replace(day=calendar.monthrange(year, number)[1])
        start = max(first.isoformat(), period.get("from", ""))
        end = min(last.isoformat(), period.get("to", "9999"))
        href = url_for("auditor.findings", **{"from": start, "to": end})
        rows.append((str(format_date(first, "MMMM y")), count, href))
    return rows


def _period(start: date | None, end: date | None) -> dict[str, str]:
    period = {"from": start, "to": end}
    return {name: value.isoformat() for name, value in period.items() if value is not None}


@bp.get("/")
@roles_required(*READERS)
def dashboard() -> str:
    """Show the findings' figures, the ledger's size and the latest checkpoint's verification."""
    session = db.session()
    problems: list[str] = []
    start = parse_date(request.args, "from", problems)
    end = parse_date(request.args, "to", problems)
    findings = findings_summary(session, start=start, end=end)
    placements = placement_summary(session, start=start, end=end)
    status_query = select(Finding.status, func.count()).group_by(Finding.status)
    if start is not None:
        status_query = status_query.where(Finding.decided_on >= start)
    if end is not None:
        status_query = status_query.where(Finding.decided_on <= end)
    by_status = dict(session.execute(status_query).all())
    severity_items = [(label(SEVERITY_LABELS, s), findings.by_severity[s]) for s in SEVERITIES]
    ledger = SqlLedger(session)
    latest = session.scalars(
        select(LedgerCheckpoint).order_by(LedgerCheckpoint.size.desc()).limit(1)
    ).first()
    first, last = session.execute(
        select(func.min(Placement.decided_on), func.max(Placement.decided_on))
    ).one()
    run = latest_run(session)
    covers = run is not None and latest is not None and run.checkpoint_size == latest.size
    period = _period(start, end)
    rule_rows: list[Row] = [
        (f"{rule} · {rule_title(rule)}", count, url_for("auditor.findings", rule=rule, **period))
        for rule, count in findings.by_rule
    ]
    unit_rows: list[Row] = [
        (unit, count, url_for("auditor.findings", unit=unit, **period))
        for unit, count in findings.by_unit[:TOP_UNITS]
    ]
    month_rows = _month_rows(findings.by_month, period)
    tables: dict[str, Any] = {"rule": rule_rows, "unit": unit_rows, "month": month_rows}
    return render_template(
        "auditor/dashboard.html",
        start=start,
        end=end,
        problems=problems,
        period=period,
        report_period=(start or first, end or last),
        tables=tables,
        findings=findings,
        placements=placements,
        by_status=[(status, by_status.get(status, 0)) for status in STATUSES],
        ledger_size=ledger.size(),
        checkpoint=latest,
        run=run,
        run_covers_checkpoint=covers,
        charts={
            "severity": charts.bar_chart(severity_items, title=gettext("Findings by severity")),
            "rule": charts.bar_chart(findings.by_rule, title=gettext("Findings by rule")),
            "unit": charts.bar_chart(
                findings.by_unit[:TOP_UNITS], title=gettext("Units with the most findings")
            ),
            "month": charts.bar_chart(
                [(label, count) for label, count, _ in month_rows],
                title=gettext("Findings by month"),
            ),
        },
    )
