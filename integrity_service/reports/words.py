"""The words both reports share, in the language forced for the report.

Call these inside ``flask_babel.force_locale``: each looks its text up in
the ``reports`` catalogue at call time.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask_babel import format_date, gettext

from integrity_service.models import Finding
from integrity_service.reports.ranking_view import RankingView
from integrity_service.reports.scope import ReportScope
from rules.catalog import get_spec
from rules.errors import RuleSetError


def severity_name(severity: str) -> str:
    """Return the translated name of a severity."""
    names = {
        "critical": gettext("Critical"),
        "high": gettext("High"),
        "medium": gettext("Medium"),
        "low": gettext("Low"),
    }
    return names.get(severity, severity)


def verdict_name(verdict: str | None) -> str:
    """Return the translated name of a verdict ("unevaluated" for None)."""
    names = {
        "compliant": gettext("Compliant"),
        "needs_justification": gettext("Needs justification"),
        "violation": gettext("Violation"),
        "unevaluated": gettext("Not evaluated"),
    }
    key = verdict or "unevaluated"
    return names.get(key, key)


def kind_name(kind: str) -> str:
    """Return the translated name of a placement kind."""
    names = {
        "promotion": gettext("promotion"),
        "rotation": gettext("rotation"),
        "acting": gettext("acting (Plt)"),
        "definitive": gettext("definitive"),
    }
    return names.get(kind, kind)


def status_name(status: str) -> str:
    """Return the translated name of a finding's case status."""
    names = {
        "open": gettext("open"),
        "under_review": gettext("under review"),
        "explained": gettext("explained"),
        "escalated": gettext("escalated"),
        "closed": gettext("closed"),
    }
    return names.get(status, status)


def ranking_caption(view: RankingView) -> str:
    """Return where the appointee stands in the ranking, naming the ranking's ledger entry."""
    if view.ranking_seq is None:
        return gettext("No ranking was published before the decision.")
    rank = view.appointee_rank
    if rank is None:
        return gettext(
            "The appointee is not in the ranking (ledger entry %(seq)s).", seq=view.ranking_seq
        )
    return gettext(
        "Appointee ranked %(rank)s of %(count)s (ranking: ledger entry %(seq)s).",
        rank=rank,
        count=len(view.candidates),
        seq=view.ranking_seq,
    )


def rule_title(rule_id: str, version: int, lang: str) -> str:
    """Return the rule's title from the catalogue, in the report's language."""
    try:
        spec = get_spec(rule_id, version)
    except RuleSetError:
        return rule_id
    return spec.title_id if lang == "id" else spec.title_en


def long_date(day: date) -> str:
    """Return a date written out, e.g. "23 September 2025"."""
    return format_date(day, "long")


def period_text(scope: ReportScope) -> str:
    """Return the report's period and unit as one line."""
    period = gettext("%(start)s to %(end)s", start=long_date(scope.start), end=long_date(scope.end))
    unit = scope.unit or gettext("all units")
    return f"{period} · {unit}"


def explanation(finding: Finding, lang: str) -> str:
    """Return the finding's explanation (with its numbers) in the report's language."""
    return finding.message_id if lang == "id" else finding.message_en


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def evidence_text(evidence: dict[str, Any]) -> str:
    """Return a finding's evidence as "key: value" lines (nested values as JSON)."""
    return "\n".join(f"{key}: {_value(value)}" for key, value in evidence.items())
