"""Run several field parsers and keep every error, not only the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from .errors import FieldError, Problem, ValidationReport

T = TypeVar("T")


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


def ordered_missing(expected: Iterable[str], present: Iterable[str]) -> list[str]:
    """List the expected names not present, in expected order."""
    given = set(present)
    return [name for name in expected if name not in given]
