"""Competency levels given as a JSON object: one level 1-5 for each of M01-M08 and SC01."""

from __future__ import annotations

from collections.abc import Mapping

from .checking import FieldChecks
from .errors import NO_VALUE, FieldError, json_type_name
from .fields import parse_level
from .vocabulary import COMPETENCIES, COMPETENCY_CODES, LEVEL_MAX, LEVEL_MIN


def parse_competency_levels(
    value: object, checks: FieldChecks, *, field: str
) -> dict[str, int] | None:
    """Return levels keyed by canonical code, or None after recording every problem in `checks`.

    Keys match case-insensitively and in the official spelling too ("m.01" is M01).
    """
    if value is None:
        checks.fail(FieldError(field, NO_VALUE, "is required: an object of levels per competency"))
        return None
    if not isinstance(value, Mapping):
        checks.fail(
            FieldError(
                field,
                value,
                f"expected an object of levels ({', '.join(COMPETENCY_CODES)}), "
                f"got {json_type_name(value)}",
            )
        )
        return None
    failures = len(checks.errors)
    levels: dict[str, int] = {}
    seen_as: dict[str, object] = {}
    for key, raw_level in value.items():
        code = COMPETENCIES.match(key) if isinstance(key, str) else None
        if code is None:
            checks.fail(
                FieldError(
                    field,
                    key,
                    f"unknown competency code; expected {', '.join(COMPETENCY_CODES)}",
                )
            )
            continue
        if code in seen_as:
            checks.fail(
                FieldError(f"{field}.{code}", key, f"given twice, also as {seen_as[code]!r}")
            )
            continue
        seen_as[code] = key
        level = checks.take(
            lambda code=code, raw_level=raw_level: parse_level(
                raw_level, field=f"{field}.{code}", from_text=False
            )
        )
        if level is not None:
            levels[code] = level
    for code in COMPETENCY_CODES:
        if code not in seen_as:
            checks.fail(FieldError(f"{field}.{code}", NO_VALUE, "is required: a level 1-5"))
    if len(checks.errors) > failures:
        return None
    return {code: levels[code] for code in COMPETENCY_CODES}


_TEXT_LEVELS = {str(level): level for level in range(LEVEL_MIN, LEVEL_MAX + 1)}


def parse_level_columns(cells: Mapping[str, str], checks: FieldChecks) -> dict[str, int] | None:
    """Return levels from CSV columns m01..m08, sc01, or None after recording the problems."""
    levels: dict[str, int] = {}
    for code in COMPETENCY_CODES:
        column = code.lower()
        raw = cells[column]
        # Nearly every cell is a bare digit: skip the general parser for those.
        level = _TEXT_LEVELS.get(raw)
        if level is None:
            level = checks.take(
                lambda raw=raw, column=column: parse_level(raw, field=column, from_text=True)
            )
        if level is not None:
            levels[code] = level
    return levels if len(levels) == len(COMPETENCY_CODES) else None
