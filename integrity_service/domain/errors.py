"""Validation errors that tell a user what was wrong, where, and why."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

VALUE_DISPLAY_LIMIT = 40
DEFAULT_PROBLEM_LIMIT = 1000

# Bounded repr for containers, so that a huge or deeply nested API value costs
# little to describe.
_CONTAINER_REPR = reprlib.Repr()
_CONTAINER_REPR.maxlevel = 2
_CONTAINER_REPR.maxstring = VALUE_DISPLAY_LIMIT
_CONTAINER_REPR.maxother = VALUE_DISPLAY_LIMIT


class DomainError(Exception):
    """Base class of every error raised by the domain layer."""


def show_value(value: object, *, limit: int = VALUE_DISPLAY_LIMIT) -> str:
    """Describe a value for a message: repr-escaped and at most about `limit` characters."""
    if isinstance(value, str):
        return _show_text(value, limit)
    if isinstance(value, bytes | bytearray):
        head = bytes(value[:limit])
        shown = repr(head)
        if len(value) > limit:
            shown = shown[:-1] + "..." + shown[-1]
        return _clip(shown, limit)
    if value is None or isinstance(value, bool | float):
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 128:
            return f"<integer of {value.bit_length()} bits>"
        return repr(value)
    return _clip(_CONTAINER_REPR.repr(value), limit)


def _show_text(text: str, limit: int) -> str:
    # Escape one character at a time so a cut never splits an escape sequence.
    pieces: list[str] = []
    used = 0
    for position, char in enumerate(text):
        if position >= limit:
            pieces.append("...")
            break
        piece = "\\'" if char == "'" else repr(char)[1:-1]
        if used + len(piece) > limit:
            pieces.append("...")
            break
        pieces.append(piece)
        used += len(piece)
    return "'" + "".join(pieces) + "'"


def _clip(shown: str, limit: int) -> str:
    if len(shown) <= limit + 3:
        return shown
    return shown[:limit] + "..."


NO_VALUE: object = object()
"""Stands for "no value to show", e.g. for a problem about a missing field."""

_PLAIN_FIELD_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def show_field(name: str) -> str:
    """Return a field or column name as is if it is plain, else safely escaped."""
    return name if _PLAIN_FIELD_NAME.fullmatch(name) else show_value(name)


class FieldError(DomainError):
    """One field's value was rejected; `reason` says why in words a user can act on."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.value = value
        self.reason = reason

    def __str__(self) -> str:
        if self.value is NO_VALUE:
            return f"{show_field(self.field)}: {self.reason}"
        return f"{show_field(self.field)}, value {show_value(self.value)}: {self.reason}"


@dataclass(frozen=True)
class Problem:
    """One reason a record or file was rejected, and where: a file line or a batch index."""

    reason: str
    line: int | None = None
    index: int | None = None
    field: str | None = None
    value: object = NO_VALUE

    @classmethod
    def from_field_error(
        cls, error: FieldError, *, line: int | None = None, index: int | None = None
    ) -> Problem:
        """Place a field error at a file line or a batch index."""
        return cls(error.reason, line=line, index=index, field=error.field, value=error.value)

    @property
    def has_value(self) -> bool:
        """Tell whether the problem concerns a specific value."""
        return self.value is not NO_VALUE

    def location(self) -> str:
        """Describe where the problem is, e.g. ``line 7, column nip``."""
        parts: list[str] = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.index is not None:
            parts.append(f"index {self.index}")
        if self.field is not None:
            noun = "column" if self.line is not None else "field"
            parts.append(f"{noun} {show_field(self.field)}")
        return ", ".join(parts)

    def __str__(self) -> str:
        head = self.location()
        if self.has_value:
            head = f"{head}, value {show_value(self.value)}" if head else show_value(self.value)
        return f"{head}: {self.reason}" if head else self.reason

    def to_json_obj(self) -> dict[str, object]:
        """Return the problem as plain JSON types, the value already made safe to show."""
        obj: dict[str, object] = {}
        if self.line is not None:
            obj["line"] = self.line
        if self.index is not None:
            obj["index"] = self.index
        if self.field is not None:
            obj["field"] = self.field
        if self.has_value:
            obj["value"] = show_value(self.value)
        obj["reason"] = self.reason
        return obj


class ValidationReport(DomainError):  # noqa: N818 - a report of problems, named as callers expect
    """Every problem found in a batch or file; nothing in it was accepted.

    At most `limit` problems are kept; `omitted` counts the ones left out.
    """

    def __init__(self, problems: Iterable[Problem], *, omitted: int = 0) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.omitted = omitted
        super().__init__(str(self))

    @property
    def total(self) -> int:
        """Count the problems found, listed or not."""
        return len(self.problems) + self.omitted

    def __str__(self) -> str:
        lines = [str(problem) for problem in self.problems]
        if self.omitted:
            lines.append(f"... and {self.omitted:,} more problems not listed")
        return "\n".join(lines)

    def to_json_obj(self) -> dict[str, object]:
        """Return the report as plain JSON types, e.g. for an RFC 9457 problem body."""
        return {
            "problems": [problem.to_json_obj() for problem in self.problems],
            "omitted": self.omitted,
            "total": self.total,
        }


class ProblemCollector:
    """Gather problems up to a limit, counting the rest, so garbage input stays cheap."""

    def __init__(self, *, limit: int = DEFAULT_PROBLEM_LIMIT) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.omitted = 0

    def add(self, problem: Problem) -> None:
        """Record one problem, or only count it once the limit is reached."""
        if len(self.problems) < self.limit:
            self.problems.append(problem)
        else:
            self.omitted += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record several problems."""
        for problem in problems:
            self.add(problem)

    def __len__(self) -> int:
        return len(self.problems) + self.omitted

    def raise_if_any(self) -> None:
        """Raise a `ValidationReport` of everything collected, if anything was."""
        if len(self):
            raise ValidationReport(self.problems, omitted=self.omitted)


def json_type_name(value: object) -> str:
    """Name a decoded JSON value's type as JSON does (object, array, string, ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__
