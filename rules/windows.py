"""Date windows used by the rules, with their boundaries stated once.

- "within N days before D" is the closed interval [D - N days, D]: a date
  exactly N days before D is inside (the window's last day), N + 1 days is not.
- "within N months before D" is [add_months(D, -N), D] with calendar months,
  and "within N months after S" is [S, add_months(S, N)].
- ``add_months`` clamps to the end of the month: 2024-01-31 + 1 month is
  2024-02-29, 2024-03-31 - 1 month is 2024-02-29, 2023-02-28 + 12 months is
  2024-02-28.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved by ``months`` calendar months, clamped to the month's end."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def days_window_start(end: date, days: int) -> date:
    """Return the first day of the window of ``days`` days ending at ``end`` (inclusive)."""
    return end - timedelta(days=days)


def months_window_start(end: date, months: int) -> date:
    """Return the first day of the window of ``months`` months ending at ``end`` (inclusive)."""
    return add_months(end, -months)
