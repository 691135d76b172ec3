"""The public figures page: counts only, never a person (see integrity_service.stats).

Shown: assessments recorded, placements and the share that followed the
published ranking, findings by rule, by unit (organisational units, not
people) and by month. Each chart comes with the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup

from integrity_service import db, stats
from integrity_service.i18n import current_locale
from integrity_service.public import bp
from integrity_service.reports.charts import bar_chart, to_svg
from rules.catalog import CATALOG


def severity_labels() -> dict[str, str]:
    """Return the translated name of each finding severity."""
    return {"critical": _("Critical"), "high": _("High"), "medium": _("Medium"), "low": _("Low")}


def verdict_labels() -> dict[str, str]:
    """Return the translated name of each verdict of the rules on a placement."""
    return {
        "compliant": _("Compliant"),
        "needs_justification": _("Needs justification"),
        "violation": _("Violation"),
        "unevaluated": _("Not evaluated"),
    }


@dataclass(frozen=True)
class Figure:
    """A chart and the table of the same figures."""

    title: str
    label_heading: str
    rows: tuple[tuple[str, int], ...]
    chart: Markup


def _figure(title: str, label_heading: str, rows: Sequence[tuple[str, int]]) -> Figure:
    return Figure(title, label_heading, tuple(rows), to_svg(bar_chart(rows, title=title)))


def rule_title(rule_id: str) -> str:
    """Return the rule's title in the page's language (the catalogue holds both)."""
    for spec in CATALOG:
        if spec.id == rule_id:
            return spec.title_id if current_locale() == "id" else spec.title_en
    return ""


def _month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMM yyyy")


def _figures(findings: stats.FindingsSummary, placements: stats.PlacementSummary) -> list[Figure]:
    by_rule = [(f"{rule} {rule_title(rule)}".strip(), count) for rule, count in findings.by_rule]
    verdict_names, severity_names = verdict_labels(), severity_labels()
    verdicts = [
        (verdict_names.get(verdict, verdict), count)
        for verdict, count in placements.by_verdict.items()
    ]
    severities = [
        (severity_names.get(name, name), count) for name, count in findings.by_severity.items()
    ]
    return [
        _figure(_("Placements by the rules' verdict"), _("Verdict"), verdicts),
        _figure(_("Findings by rule"), _("Rule"), by_rule),
        _figure(_("Findings by severity"), _("Severity"), severities),
        _figure(_("Findings by unit"), _("Unit"), findings.by_unit),
        _figure(
            _("Findings by month of the decision"),
            _("Month"),
            [(_month_label(month), count) for month, count in findings.by_month],
        ),
    ]


@bp.get("/statistics")
def statistics() -> str:
    """Show the aggregate figures with charts and tables."""
    session = db.session()
    findings = stats.findings_summary(session)
    placements = stats.placement_summary(session)
    return render_template(
        "public/statistics.html",
        findings=findings,
        placements=placements,
        figures=_figures(findings, placements),
    )
