"""The fast path for CSV assessment rows whose every cell is valid.

`assessment_row_parser` returns a function that turns one row's cells, in
header order, into exactly the `AssessmentResult` that `parse_assessment_row`
returns for them, or None when any cell needs a closer look: the caller then
runs that detailed validator, which names every problem. The fast path never
decides anything the validator would decide otherwise:

- a cell is checked by its field's own parser, whose results are remembered
  for the rest of the file: each parser is a pure function of the cell text
  (for one scheme and one `today`), so a remembered result is the result. A
  failure is never remembered;
- a NIP in its common form, 18 ASCII digits, skips `parse_nip` when a NIP with
  the same first 14 digits (birth date, appointment month) passed it in this
  file; the gender digit and the serial are then looked up in tables of the
  valid ones;
- a name of printable ASCII words with single spaces, at most
  `TEXT_MAX_LENGTH` long, is already what `parse_text` would make of it;
- a level that is a bare digit 1-5 is that level.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from .assessments import ASSESSMENT_FIELDS, AssessmentResult, parse_performance_rating
from .errors import FieldError
from .fields import (
    TEXT_MAX_LENGTH,
    parse_level,
    parse_method,
    parse_past_date,
    parse_session,
    parse_text,
)
from .nip import NIP_LENGTH, Gender, Nip, parse_nip
from .vocabulary import COMPETENCY_CODES, LEVEL_MAX, LEVEL_MIN, RANKS, Vocabulary

MEMO_LIMIT = 65_536
"""At most this many distinct cell texts are remembered per field and file."""

RowParser = Callable[[Sequence[str]], AssessmentResult | None]
"""Cells of one row in header order -> the result, or None for the detailed validator."""

_CLEAN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*")
_GENDERS = {"1": Gender.MALE, "2": Gender.FEMALE}
_SERIALS = {f"{serial:03d}": serial for serial in range(1, 1000)}
_NIP_HEAD = 14  # birth date YYYYMMDD and appointment month YYYYMM
# The text fields of a row, named as in the API (the levels are read apart).
_FIELDS = tuple(name for name in ASSESSMENT_FIELDS if name != "competencies")


class _Memo(dict[str, Any]):
    """A parser's results by cell text: a miss runs the parser, which may raise `FieldError`."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> Any:
        value = self._parse(text)
        if len(self) < MEMO_LIMIT:
            self[text] = value
        return value


def _nip_parser(today: date) -> Callable[[str], Nip]:
    """Return a NIP parser equal to `parse_nip` that skips it for known birth/appointment heads."""
    heads: dict[str, tuple[date, tuple[int, int]]] = {}

    def parse(text: str) -> Nip:
        if len(text) == NIP_LENGTH and text.isascii() and text.isdigit():
            head = heads.get(text[:_NIP_HEAD])
            gender = _GENDERS.get(text[_NIP_HEAD])
            serial = _SERIALS.get(text[_NIP_HEAD + 1 :])
            if head is not None and gender is not None and serial is not None:
                return Nip(text, head[0], head[1], gender, serial)
            nip = parse_nip(text, today=today)
            if len(heads) < MEMO_LIMIT:
                heads[text[:_NIP_HEAD]] = (nip.birth_date, nip.appointed)
            return nip
        return parse_nip(text, today=today)

    return parse


def assessment_row_parser(names: Sequence[str], *, scheme: Vocabulary, today: date) -> RowParser:
    """Return the fast path for rows of a file whose header has these column `names`."""
    column = {name: position for position, name in enumerate(names)}
    fields_of = itemgetter(*(column[name] for name in _FIELDS))
    levels_of = itemgetter(*(column[code.lower()] for code in COMPETENCY_CODES))
    nip_of = _nip_parser(today)
    clean_text = _CLEAN_TEXT.fullmatch
    ranks = _Memo(lambda text: RANKS.require(text, field="rank"))
    units = _Memo(lambda text: parse_text(text, field="unit"))
    positions = _Memo(lambda text: parse_text(text, field="current_position"))
    events = _Memo(lambda text: parse_text(text, field="event"))
    methods = _Memo(parse_method)
    dates = _Memo(lambda text: parse_past_date(text, field="assessed_on", today=today))
    sessions = _Memo(lambda text: parse_session(text, from_text=True))
    categories = _Memo(lambda text: scheme.require(text, field="potential_category"))
    ratings = _Memo(parse_performance_rating)
    levels = _Memo(lambda text: parse_level(text, field="level", from_text=True))
    levels.update({str(level): level for level in range(LEVEL_MIN, LEVEL_MAX + 1)})
    level_of = levels.__getitem__

    def parse_row(cells: Sequence[str]) -> AssessmentResult | None:
        (nip, name, rank, unit, position, event, method, assessed_on, session, category, rating) = (
            fields_of(cells)
        )
        try:
            if len(name) > TEXT_MAX_LENGTH or not clean_text(name):
                name = parse_text(name, field="name")
            return AssessmentResult(
                nip_of(nip),
                name,
                ranks[rank],
                units[unit],
                positions[position],
                events[event],
                methods[method],
                dates[assessed_on],
                sessions[session],
                MappingProxyType(
                    dict(zip(COMPETENCY_CODES, map(level_of, levels_of(cells)), strict=False))
                ),
                categories[category],
                ratings[rating],
            )
        except FieldError:
            return None

    return parse_row
