"""Dates, times and numbers in the page's locale, and the helpers every auditor template gets."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import format_date, format_datetime, format_decimal, format_percent

from integrity_service.auditor import bp, labels
from ledger.entry import parse_utc_text

NOTHING = "—"


def fmt_date(value: date | str | None) -> str:
    """Return a date (or ISO date text) in the locale's medium form."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return str(format_date(value, "medium"))


def fmt_time(value: str | None) -> str:
    """Return a ledger time in the locale's medium form, in the configured time zone."""
    if not value:
        return NOTHING
    return str(format_datetime(parse_utc_text(value), "medium"))


def fmt_number(value: int | float | Decimal | None) -> str:
    """Return a count or amount with the locale's separators."""
    return NOTHING if value is None else str(format_decimal(value))


def fmt_jpm(value: str | float | Decimal | None) -> str:
    """Return a JPM percentage with two decimals, e.g. 85,00 in Indonesian."""
    if value is None or value == "":
        return NOTHING
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return str(format_decimal(number, format="#,##0.00"))


def fmt_share(value: float | None) -> str:
    """Return a share (0..1) as a percentage."""
    return NOTHING if value is None else str(format_percent(value, format="#,##0.0%"))


def b64(raw: bytes | None) -> str:
    """Return base64 text of raw bytes."""
    return "" if raw is None else base64.b64encode(raw).decode("ascii")


@bp.context_processor
def template_helpers() -> dict[str, Any]:
    """Give every auditor template the formatting and naming helpers."""
    return {
        "fmt_date": fmt_date,
        "fmt_time": fmt_time,
        "fmt_number": fmt_number,
        "fmt_jpm": fmt_jpm,
        "fmt_share": fmt_share,
        "b64": b64,
        "status_label": lambda key: labels.label(labels.STATUS_LABELS, key),
        "severity_label": lambda key: labels.label(labels.SEVERITY_LABELS, key),
        "verdict_label": lambda key: labels.label(labels.VERDICT_LABELS, key),
        "kind_label": lambda key: labels.label(labels.KIND_LABELS, key),
        "role_label": lambda key: labels.label(labels.ROLE_LABELS, key),
        "type_label": lambda key: labels.label(labels.ENTRY_TYPE_LABELS, key),
        "relation_label": lambda key: labels.label(labels.RELATION_LABELS, key),
        "run_state_label": lambda key: labels.label(labels.RUN_STATE_LABELS, key),
        "has_endpoint": lambda name: name in current_app.view_functions,
        "rule_title": labels.rule_title,
        "finding_message": labels.finding_message,
    }
