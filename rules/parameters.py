"""The vocabulary of parameter kinds a rule may declare, and their validation.

A rule's parameters are plain JSON values (no floats). Each parameter names a
kind from ``PARAMETER_KINDS``; ``check_parameters`` validates a full set of
values against the kinds and raises ``RuleSetError`` naming the rule, the
parameter and what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from rules.errors import InvalidInputError, RuleSetError
from rules.jpm import parse_jpm
from rules.scales import DEFAULT_POTENTIAL_CATEGORIES, POSITION_TYPES

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _positive_int(value: Any, siblings: Mapping[str, Any]) -> str | None:
    if type(value) is not int or value < 1:
        return "an int >= 1"
    return None


def _jpm(value: Any, siblings: Mapping[str, Any]) -> str | None:
    expected = 'an int from 0 to 100 or a decimal string with at most 2 places, e.g. "77.50"'
    if not isinstance(value, int | str) or isinstance(value, bool):
        return expected
    try:
        parse_jpm(value)
    except InvalidInputError:
        return expected
    return None


def _optional_date(value: Any, siblings: Mapping[str, Any]) -> str | None:
    expected = 'null or a date "YYYY-MM-DD"'
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return expected
    try:
        date.fromisoformat(value)
    except ValueError:
        return expected
    return None


def _category_list(value: Any, siblings: Mapping[str, Any]) -> str | None:
    expected = "a non-empty list of distinct category names, best first"
    if not isinstance(value, list | tuple) or not value:
        return expected
    if not all(isinstance(item, str) and item.strip() for item in value):
        return expected
    if len(set(value)) != len(value):
        return expected
    return None


def _category_floors(value: Any, siblings: Mapping[str, Any]) -> str | None:
    categories = siblings.get("categories", DEFAULT_POTENTIAL_CATEGORIES)
    expected = (
        f"an object mapping position types ({', '.join(POSITION_TYPES)}) "
        f"to categories ({', '.join(categories)})"
    )
    if not isinstance(value, Mapping):
        return expected
    for position_type, category in value.items():
        if position_type not in POSITION_TYPES or category not in categories:
            return expected
    return None


PARAMETER_KINDS: Mapping[str, Callable[[Any, Mapping[str, Any]], str | None]] = MappingProxyType(
    {
        "positive_int": _positive_int,
        "jpm": _jpm,
        "optional_date": _optional_date,
        "category_list": _category_list,
        "category_floors": _category_floors,
    }
)


def check_parameters(rule_id: str, kinds: Mapping[str, str], values: Mapping[str, Any]) -> None:
    """Raise ``RuleSetError`` unless ``values`` has exactly the declared parameters, well typed."""
    unknown = sorted(set(values) - set(kinds))
    if unknown:
        raise RuleSetError(
            f"{rule_id}: unknown parameter {', '.join(unknown)}; "
            f"known: {', '.join(sorted(kinds)) or 'none'}"
        )
    missing = sorted(set(kinds) - set(values))
    if missing:
        raise RuleSetError(f"{rule_id}: missing parameter {', '.join(missing)}")
    for name, kind in kinds.items():
        problem = PARAMETER_KINDS[kind](values[name], values)
        if problem is not None:
            raise RuleSetError(
                f"{rule_id}: parameter {name} must be {problem}, got {values[name]!r}"
            )
