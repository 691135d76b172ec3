"""Pagination of list pages: ``?page=`` parsed leniently, pages of a SQL query counted once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    """One page of rows out of ``total``."""

    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """Return the 1-based position of the page's first row (0 when empty)."""
        return 0 if not self.items else (self.number - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        """Return the 1-based position of the page's last row."""
        return self.first + len(self.items) - 1 if self.items else 0


def page_number(args: Mapping[str, str]) -> int:
    """Return the requested page number; anything but a positive integer means page 1."""
    raw = args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def paginate(
    session: Session, query: Select[Any], *, number: int, per_page: int | None = None
) -> Page:
    """Return page ``number`` of ``query`` (clamped to the last page); `PER_PAGE` rows a page."""
    per_page = per_page or PER_PAGE
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = min(number, max(1, -(-total // per_page)))
    rows = session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(list(rows), number, per_page, total)
