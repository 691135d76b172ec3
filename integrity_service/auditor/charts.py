"""Charts on the auditor pages, drawn by ``integrity_service.reports.charts`` when present.

Every chart's data is also on the page as a table, so a page never depends on
a chart: without the reports package (or if drawing fails) the table alone shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import ModuleType

from markupsafe import Markup

_log = logging.getLogger(__name__)
CHARTS_MODULE = "integrity_service.reports.charts"


def _charts() -> ModuleType | None:
    try:
        from integrity_service.reports import charts
    except ModuleNotFoundError as exc:
        if exc.name is not None and CHARTS_MODULE.startswith(exc.name):
            return None
        raise
    return charts


def available() -> bool:
    """Tell whether charts can be drawn."""
    return _charts() is not None


def bar_chart(
    items: Sequence[tuple[str, int]], *, title: str, highlight: str | None = None
) -> Markup | None:
    """Return a bar chart as inline SVG, or None (no data, or no chart module)."""
    charts = _charts()
    if charts is None or not items:
        return None
    try:
        return Markup(charts.to_svg(charts.bar_chart(items, title=title, highlight=highlight)))
    except Exception:  # a chart must never take the page (and its table) down
        _log.exception("bar chart %r could not be drawn", title)
        return None


def jpm_chart(
    candidates: Sequence[tuple[str, float]],
    *,
    appointee: str | None,
    threshold: float = 78.0,
    title: str,
) -> Markup | None:
    """Return the chart of candidates' JPM (rank order) with the appointee marked, or None."""
    charts = _charts()
    if charts is None or not candidates:
        return None
    try:
        drawing = charts.jpm_chart(
            candidates, appointee=appointee, threshold=threshold, title=title
        )
        return Markup(charts.to_svg(drawing))
    except Exception:  # a chart must never take the page (and its table) down
        _log.exception("JPM chart %r could not be drawn", title)
        return None
