"""A position and its competency standard (SKJ), validated from CSV or JSON."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .checking import FieldChecks, object_checks, validate_each, where
from .errors import (
    DEFAULT_PROBLEM_LIMIT,
    FieldError,
    Problem,
    ProblemCollector,
    json_type_name,
)
from .fields import parse_text
from .levels import parse_competency_levels, parse_level_columns
from .vocabulary import POSITION_TYPES, RANKS

POSITION_FIELDS: tuple[str, ...] = ("code", "title", "type", "unit", "min_rank", "standard")
"""Fields of a position in the JSON API."""

_CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class PositionSpec:
    """A position to fill: its code, type, unit, lowest eligible rank and competency standard."""

    code: str
    title: str
    type: str
    unit: str
    min_rank: str
    standard: Mapping[str, int] = field(hash=False)

    def to_json_obj(self) -> dict[str, object]:
        """Return the position as plain JSON types, in the API's shape."""
        return {
            "code": self.code,
            "title": self.title,
            "type": self.type,
            "unit": self.unit,
            "min_rank": self.min_rank,
            "standard": dict(self.standard),
        }


def parse_position_code(value: object, *, field: str = "code") -> str:
    """Return a position code: 1-64 letters, digits, dots, underscores or hyphens."""
    if value is None:
        raise FieldError(field, value, "is required")
    if not isinstance(value, str):
        raise FieldError(field, value, f"expected a string, got {json_type_name(value)}")
    code = value.strip()
    if not _CODE.fullmatch(code):
        raise FieldError(
            field, value, "expected 1-64 letters, digits, '.', '_' or '-', e.g. DINKES-ADM-01"
        )
    return code


def parse_position_mapping(obj: object, *, index: int) -> PositionSpec:
    """Validate one decoded JSON position; raise `ValidationReport` listing every problem."""
    checks = object_checks(obj, POSITION_FIELDS, index=index)
    assert isinstance(obj, Mapping)
    values = {name: obj.get(name) for name in POSITION_FIELDS}
    position = _build(
        values,
        lambda: parse_competency_levels(values["standard"], checks, field="standard"),
        checks,
    )
    checks.raise_if_any(index=index)
    assert position is not None  # every failing parser recorded an error
    return position


def parse_position_row(cells: Mapping[str, str], *, line: int) -> PositionSpec:
    """Validate one CSV row keyed by lower-case column name; raise `ValidationReport`."""
    checks = FieldChecks()
    position = _build(cells, lambda: parse_level_columns(cells, checks), checks)
    checks.raise_if_any(line=line)
    assert position is not None  # every failing parser recorded an error
    return position


def _build(
    values: Mapping[str, object],
    parse_standard: Callable[[], Mapping[str, int] | None],
    checks: FieldChecks,
) -> PositionSpec | None:
    take = checks.take
    code = take(lambda: parse_position_code(values["code"]))
    title = take(lambda: parse_text(values["title"], field="title"))
    position_type = take(lambda: POSITION_TYPES.require(values["type"], field="type"))
    unit = take(lambda: parse_text(values["unit"], field="unit"))
    min_rank = take(lambda: RANKS.require(values["min_rank"], field="min_rank"))
    standard = parse_standard()
    if checks.errors:
        return None
    assert code and title and position_type and unit and min_rank and standard is not None
    return PositionSpec(
        code=code,
        title=title,
        type=position_type,
        unit=unit,
        min_rank=min_rank,
        standard=MappingProxyType(dict(standard)),
    )


class DuplicatePositionCheck:
    """Find a position code given twice within one batch, ignoring case."""

    def __init__(self) -> None:
        self._first_seen: dict[str, str] = {}

    def check(
        self, position: PositionSpec, *, line: int | None = None, index: int | None = None
    ) -> Problem | None:
        """Return a problem if this position's code repeats an earlier one's."""
        here = where(line=line, index=index)
        first = self._first_seen.setdefault(position.code.casefold(), here)
        if first == here:
            return None
        return Problem(
            f"duplicate: the same position code is already at {first}",
            line=line,
            index=index,
            field="code",
            value=position.code,
        )


def parse_position_batch(
    objs: Sequence[object], *, limit: int = DEFAULT_PROBLEM_LIMIT
) -> list[PositionSpec]:
    """Validate a JSON array of positions as a whole; raise `ValidationReport` on any problem."""
    duplicates = DuplicatePositionCheck()
    return validate_each(
        enumerate(objs),
        lambda obj, index: parse_position_mapping(obj, index=index),
        lambda position, index: duplicates.check(position, index=index),
        ProblemCollector(limit=limit),
    )
