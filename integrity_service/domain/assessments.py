"""One person's assessment result, validated the same way from CSV and from JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from .checking import FieldChecks, object_checks, validate_each, where
from .errors import (
    DEFAULT_PROBLEM_LIMIT,
    Problem,
    ProblemCollector,
    show_value,
)
from .fields import (
    is_blank,
    parse_method,
    parse_past_date,
    parse_session,
    parse_text,
)
from .levels import parse_competency_levels, parse_level_columns
from .nip import Nip, parse_nip
from .vocabulary import (
    DEFAULT_POTENTIAL_SCHEME,
    PERFORMANCE_RATINGS,
    RANKS,
    Vocabulary,
    term_key,
)

ASSESSMENT_FIELDS: tuple[str, ...] = (
    "nip",
    "name",
    "rank",
    "unit",
    "current_position",
    "event",
    "method",
    "assessed_on",
    "session",
    "competencies",
    "potential_category",
    "performance_rating",
)
"""Fields of an assessment result in the JSON API."""


@dataclass(frozen=True)
class AssessmentResult:
    """A validated assessment result of one civil servant in one assessment event."""

    nip: Nip
    name: str
    rank: str
    unit: str
    current_position: str
    event: str
    method: str
    assessed_on: date
    session: int | None
    levels: Mapping[str, int] = field(hash=False)
    potential_category: str
    performance_rating: str | None

    def to_json_obj(self) -> dict[str, object]:
        """Return the result as plain JSON types, in the API's shape."""
        return {
            "nip": self.nip.value,
            "name": self.name,
            "rank": self.rank,
            "unit": self.unit,
            "current_position": self.current_position,
            "event": self.event,
            "method": self.method,
            "assessed_on": self.assessed_on.isoformat(),
            "session": self.session,
            "competencies": _plain_levels(self.levels),
            "potential_category": self.potential_category,
            "performance_rating": self.performance_rating,
        }


def _plain_levels(levels: Mapping[str, int]) -> dict[str, int]:
    """Return the levels as a new dict; a validated result's read-only view copies fastest."""
    if type(levels) is MappingProxyType:
        copied = levels.copy()
        if type(copied) is dict:
            return copied
    return dict(levels)


def parse_assessment_mapping(
    obj: object,
    *,
    index: int,
    scheme: Vocabulary = DEFAULT_POTENTIAL_SCHEME,
    today: date,
) -> AssessmentResult:
    """Validate one decoded JSON assessment result; raise `ValidationReport` on any problem.

    Types are strict: levels and session are JSON integers, everything else strings.
    """
    checks = object_checks(obj, ASSESSMENT_FIELDS, index=index)
    assert isinstance(obj, Mapping)
    values = {name: obj.get(name) for name in ASSESSMENT_FIELDS}
    result = _build(
        values,
        lambda: parse_competency_levels(values["competencies"], checks, field="competencies"),
        checks,
        from_text=False,
        scheme=scheme,
        today=today,
    )
    checks.raise_if_any(index=index)
    assert result is not None  # every failing parser recorded an error
    return result


def parse_assessment_row(
    cells: Mapping[str, str],
    *,
    line: int,
    scheme: Vocabulary = DEFAULT_POTENTIAL_SCHEME,
    today: date,
) -> AssessmentResult:
    """Validate one CSV row keyed by lower-case column name; raise `ValidationReport`."""
    checks = FieldChecks()
    result = _build(
        cells,
        lambda: parse_level_columns(cells, checks),
        checks,
        from_text=True,
        scheme=scheme,
        today=today,
    )
    checks.raise_if_any(line=line)
    assert result is not None  # every failing parser recorded an error
    return result


def _build(
    values: Mapping[str, object],
    parse_levels: Callable[[], Mapping[str, int] | None],
    checks: FieldChecks,
    *,
    from_text: bool,
    scheme: Vocabulary,
    today: date,
) -> AssessmentResult | None:
    take = checks.take
    nip = take(lambda: parse_nip(values["nip"], today=today))
    name = take(lambda: parse_text(values["name"], field="name"))
    rank = take(lambda: RANKS.require(values["rank"], field="rank"))
    unit = take(lambda: parse_text(values["unit"], field="unit"))
    position = take(lambda: parse_text(values["current_position"], field="current_position"))
    event = take(lambda: parse_text(values["event"], field="event"))
    method = take(lambda: parse_method(values["method"]))
    assessed_on = take(
        lambda: parse_past_date(values["assessed_on"], field="assessed_on", today=today)
    )
    session = take(lambda: parse_session(values["session"], from_text=from_text))
    # Levels record their own errors, several per record, in column order.
    levels = parse_levels()
    category = take(
        lambda: scheme.require(values["potential_category"], field="potential_category")
    )
    rating = take(lambda: parse_performance_rating(values["performance_rating"]))
    if checks.errors:
        return None
    assert nip and name and rank and unit and position and event and method and assessed_on
    assert levels is not None and category is not None
    return AssessmentResult(
        nip=nip,
        name=name,
        rank=rank,
        unit=unit,
        current_position=position,
        event=event,
        method=method,
        assessed_on=assessed_on,
        session=session,
        levels=MappingProxyType(dict(levels)),
        potential_category=category,
        performance_rating=rating,
    )


def parse_performance_rating(value: object) -> str | None:
    """Return a performance rating spelled canonically, or None when it is not given."""
    if is_blank(value):
        return None
    return PERFORMANCE_RATINGS.require(value, field="performance_rating")


class DuplicateAssessmentCheck:
    """Find a NIP given twice for the same assessment event within one batch."""

    def __init__(self) -> None:
        self._first_seen: dict[tuple[str, str], str] = {}
        self._event_keys: dict[str, str] = {}  # term_key of each event seen: a batch has few

    def check(
        self, result: AssessmentResult, *, line: int | None = None, index: int | None = None
    ) -> Problem | None:
        """Return a problem if this result repeats an earlier one's NIP and event."""
        event_key = self._event_keys.get(result.event)
        if event_key is None:
            event_key = self._event_keys[result.event] = term_key(result.event)
        key = (result.nip.value, event_key)
        here = where(line=line, index=index)
        first = self._first_seen.setdefault(key, here)
        if first == here:
            return None
        return Problem(
            f"duplicate: the same NIP is already at {first} for event {show_value(result.event)}; "
            "give one result per person per event",
            line=line,
            index=index,
            field="nip",
            value=result.nip.value,
        )


def parse_assessment_batch(
    objs: Sequence[object],
    *,
    scheme: Vocabulary = DEFAULT_POTENTIAL_SCHEME,
    today: date,
    limit: int = DEFAULT_PROBLEM_LIMIT,
) -> list[AssessmentResult]:
    """Validate a JSON array of results as a whole; raise `ValidationReport` on any problem."""
    duplicates = DuplicateAssessmentCheck()
    return validate_each(
        enumerate(objs),
        lambda obj, index: parse_assessment_mapping(obj, index=index, scheme=scheme, today=today),
        lambda result, index: duplicates.check(result, index=index),
        ProblemCollector(limit=limit),
    )
