"""Run several field parsers and keep every error, not only the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from .errors import (
    NO_VALUE,
    FieldError,
    Problem,
    ProblemCollector,
    ValidationReport,
    json_type_name,
)

T = TypeVar("T")
S = TypeVar("S")


class FieldChecks:
    """Collect the `FieldError`s of one record's parsers."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def take(self, parse: Callable[[], T]) -> T | None:
        """Return what `parse` returns, or None after recording its `FieldError`."""
        try:
            return parse()
        except FieldError as error:
            self.errors.append(error)
            return None

    def fail(self, error: FieldError) -> None:
        """Record an error found outside a parser."""
        self.errors.append(error)

    def raise_if_any(self, *, line: int | None = None, index: int | None = None) -> None:
        """Raise a `ValidationReport` placing every recorded error at `line` or `index`."""
        if self.errors:
            raise ValidationReport(
                Problem.from_field_error(error, line=line, index=index) for error in self.errors
            )


def where(*, line: int | None, index: int | None) -> str:
    """Name a record's place for a message: ``line 7`` or ``index 3``."""
    return f"line {line}" if line is not None else f"index {index}"


def object_checks(obj: object, fields: Iterable[str], *, index: int | None = None) -> FieldChecks:
    """Start checking one JSON object: refuse a non-object, and flag every unknown field.

    An unknown field is an error rather than ignored, so a misspelt name is
    never silently dropped.
    """
    if not isinstance(obj, Mapping):
        raise ValidationReport(
            [Problem(f"expected a JSON object, got {json_type_name(obj)}", index=index)]
        )
    known = tuple(fields)
    checks = FieldChecks()
    unknown = f"unknown field; expected only {', '.join(known)}"
    for key in obj:
        if key not in known:
            checks.fail(FieldError(str(key), NO_VALUE, unknown))
    return checks


def validate_each(
    records: Iterable[tuple[int, S]],
    parse: Callable[[S, int], T],
    duplicate: Callable[[T, int], Problem | None],
    collector: ProblemCollector,
) -> list[T]:
    """Validate numbered records as a whole: return them all, or raise listing every problem.

    ``records`` are (line or index, raw record) pairs; ``parse`` raises
    `ValidationReport` for a bad record; ``duplicate`` names a repeat of an
    earlier record. Used by the CSV readers and the JSON batch parsers alike.
    """
    accepted: list[T] = []
    for place, raw in records:
        try:
            record = parse(raw, place)
        except ValidationReport as report:
            collector.extend(report.problems)
            continue
        repeated = duplicate(record, place)
        if repeated is not None:
            collector.add(repeated)
        accepted.append(record)
    collector.raise_if_any()
    return accepted
