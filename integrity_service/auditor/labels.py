"""Translated names of the service's vocabularies, and text chosen by the page's locale."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from integrity_service.i18n import current_locale
from rules.catalog import CATALOG

STATUS_LABELS: Mapping[str, LazyString] = {
    "open": _l("Open"),
    "under_review": _l("Under review"),
    "explained": _l("Explained"),
    "escalated": _l("Escalated"),
    "closed": _l("Closed"),
}
SEVERITY_LABELS: Mapping[str, LazyString] = {
    "critical": _l("Critical"),
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}
VERDICT_LABELS: Mapping[str, LazyString] = {
    "compliant": _l("Compliant"),
    "needs_justification": _l("Needs justification"),
    "violation": _l("Violation"),
    "unevaluated": _l("Not evaluated"),
}
KIND_LABELS: Mapping[str, LazyString] = {
    "promotion": _l("Promotion"),
    "rotation": _l("Rotation"),
    "acting": _l("Acting (Plt)"),
    "definitive": _l("Definitive"),
}
ROLE_LABELS: Mapping[str, LazyString] = {
    "auditor": _l("Auditor"),
    "admin": _l("Administrator"),
    "bkpsdm": _l("BKPSDM"),
}
ENTRY_TYPE_LABELS: Mapping[str, LazyString] = {
    "assessment.recorded": _l("Assessment recorded"),
    "assessment.corrected": _l("Assessment corrected"),
    "position.defined": _l("Position defined"),
    "vacancy.opened": _l("Vacancy opened"),
    "ranking.published": _l("Ranking published"),
    "placement.checked": _l("Placement checked"),
    "placement.decided": _l("Placement decided"),
    "placement.reevaluated": _l("Placement re-evaluated"),
    "ruleset.activated": _l("Rule set activated"),
    "log.key_announced": _l("Signing key announced"),
    "log.key_retired": _l("Signing key retired"),
    "relation.declared": _l("Relation declared"),
    "finding.status_changed": _l("Finding status changed"),
    "entry.redacted": _l("Entry redacted"),
}
RELATION_LABELS: Mapping[str, LazyString] = {
    "family": _l("family"),
    "household": _l("household"),
    "business": _l("business"),
    "other": _l("other"),
}
RUN_STATE_LABELS: Mapping[str, LazyString] = {
    "running": _l("Running"),
    "passed": _l("Passed"),
    "failed": _l("Failed"),
    "error": _l("Could not run"),
    "interrupted": _l("Interrupted"),
}
_RULE_TITLES = {spec.id: (spec.title_id, spec.title_en) for spec in CATALOG}
RULE_IDS: tuple[str, ...] = tuple(sorted(_RULE_TITLES))


def label(mapping: Mapping[str, Any], key: str | None) -> str:
    """Return the translated name of ``key``, or the key itself when it has none."""
    if key is None:
        return ""
    value = mapping.get(key)
    return key if value is None else str(value)


def in_locale(indonesian: str, english: str) -> str:
    """Return the text of the page's locale out of a pair the ledger holds in both."""
    return indonesian if current_locale() == "id" else english


def rule_title(rule_id: str) -> str:
    """Return a rule's title in the page's locale (the id itself for an unknown rule)."""
    titles = _RULE_TITLES.get(rule_id)
    return rule_id if titles is None else in_locale(*titles)


def finding_message(finding: Mapping[str, Any] | Any) -> str:
    """Return a finding's explanation in the page's locale (a row or its JSON form)."""
    if isinstance(finding, Mapping):
        return in_locale(finding.get("message_id", ""), finding.get("message_en", ""))
    return in_locale(finding.message_id, finding.message_en)
