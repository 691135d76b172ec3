"""Find a CSV file's delimiter from its header line and check the header's columns."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import Problem, ValidationReport, show_value

DELIMITERS = (",", ";")
_SHOWN_NAMES = 10


@dataclass(frozen=True)
class Header:
    """A checked header: the delimiter and the column names in file order, lower case."""

    delimiter: str
    names: tuple[str, ...]


def read_header(text: str, columns: Sequence[str]) -> Header:
    """Return the header of line 1, or raise `ValidationReport` naming every header problem."""
    expected = ",".join(columns)
    line = text.rstrip("\r\n")
    if not line.strip():
        raise _header_error(f"line 1 is empty; the first line must be the header: {expected}")
    delimiter = _detect_delimiter(line, expected)
    cells = next(csv.reader([line], delimiter=delimiter))
    names = tuple(cell.strip().casefold() for cell in cells)
    problems: list[str] = []
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(f"column {position} has no name (a stray delimiter at the end?)")
        else:
            positions.setdefault(name, []).append(position)
    for name, seen in positions.items():
        if len(seen) > 1 and name in columns:
            places = ", ".join(str(position) for position in seen)
            problems.append(f"column {name} appears {len(seen)} times (columns {places})")
    extra = [name for name in positions if name not in columns]
    if extra:
        problems.append(f"unexpected columns: {_list_names(extra)}; expected exactly {expected}")
    missing = [name for name in columns if name not in positions]
    if missing:
        problems.append(f"missing columns: {_list_names(missing)}")
    if problems:
        raise ValidationReport(Problem(problem, line=1) for problem in problems)
    return Header(delimiter, names)


def _detect_delimiter(line: str, expected: str) -> str:
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    if not any(counts.values()):
        if "\t" in line:
            raise _header_error(
                "the file is tab-separated; save it as CSV (comma- or semicolon-separated), "
                f"with the header {expected}"
            )
        raise _header_error(
            f"the header has no comma or semicolon: {show_value(line)}; expected {expected}"
        )
    # Spreadsheets in Indonesian locales export with semicolons, since the comma is
    # their decimal mark; column names contain neither, so the commoner one wins.
    return max(DELIMITERS, key=lambda delimiter: counts[delimiter])


def _list_names(names: Sequence[str]) -> str:
    shown = ", ".join(show_value(name) for name in names[:_SHOWN_NAMES])
    if len(names) > _SHOWN_NAMES:
        shown += f" and {len(names) - _SHOWN_NAMES:,} more"
    return shown


def _header_error(reason: str) -> ValidationReport:
    return ValidationReport([Problem(reason, line=1)])
