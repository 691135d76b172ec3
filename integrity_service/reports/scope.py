"""What a report is asked for (period, unit, language), checked before any PDF is made.

The CLI and the download route both parse their arguments here, so a bad
date or an unknown unit gets the same message, naming the argument and what
to do, from either.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from integrity_service.i18n import LOCALES
from integrity_service.models import Placement, Position


class ReportError(Exception):
    """A report cannot be made as asked; the message says which argument and why."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.message = message


@dataclass(frozen=True)
class ReportScope:
    """A period (both dates included), optionally one unit, and the report's language."""

    start: date
    end: date
    unit: str | None
    lang: str


def parse_date(text: str | None, argument: str) -> date:
    """Return the ISO date ``text`` (YYYY-MM-DD); raise `ReportError` naming ``argument``."""
    if not text:
        raise ReportError(argument, "a date is required, e.g. 2025-01-31")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(
            argument, f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31"
        ) from None


def parse_lang(text: str | None) -> str:
    """Return the report language ("id" unless "en" is asked for)."""
    if text is None or text == "":
        return LOCALES[0]
    if text not in LOCALES:
        raise ReportError("lang", f"{text!r} is not a report language; use one of {LOCALES}")
    return text


def known_units(session: Session) -> list[str]:
    """Return every unit that has a position or a placement, sorted."""
    query = union(select(Position.unit), select(Placement.unit))
    return sorted(session.scalars(select(query.subquery().c.unit)))


def parse_scope(
    session: Session,
    *,
    start: str | None,
    end: str | None,
    unit: str | None = None,
    lang: str | None = None,
) -> ReportScope:
    """Return the checked scope of an audit report; raise `ReportError` on a bad argument."""
    first = parse_date(start, "from")
    last = parse_date(end, "to")
    if first > last:
        raise ReportError("to", f"the period ends ({last}) before it starts ({first})")
    unit = unit.strip() if unit and unit.strip() else None
    if unit is not None:
        units = known_units(session)
        if unit not in units:
            close = difflib.get_close_matches(unit, units, n=3, cutoff=0.5)
            hint = (
                f"; did you mean {' or '.join(repr(u) for u in close)}?"
                if close
                else ("; the unit must be written exactly as in the position records")
            )
            raise ReportError("unit", f"no position or placement is in unit {unit!r}{hint}")
    return ReportScope(start=first, end=last, unit=unit, lang=parse_lang(lang))
