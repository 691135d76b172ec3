"""Read an uploaded CSV file of assessment results or positions, whole or not at all.

The reader accepts UTF-8 (with or without BOM), comma- or semicolon-separated
text with exactly the expected columns in any order. It returns every record,
or raises one `ValidationReport` naming every bad row: a file is never half
imported. Line numbers are physical lines; the header is line 1.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import BinaryIO

from .assessments import AssessmentResult, DuplicateAssessmentCheck, parse_assessment_row
from .checking import validate_each
from .errors import DEFAULT_PROBLEM_LIMIT, Problem, ProblemCollector, ValidationReport
from .fastrow import assessment_row_parser
from .gcpause import collector_paused
from .header import Header, read_header
from .positions import DuplicatePositionCheck, PositionSpec, parse_position_row
from .textlines import TextLines
from .vocabulary import COMPETENCY_CODES, DEFAULT_POTENTIAL_SCHEME, Vocabulary

_LEVEL_COLUMNS = tuple(code.lower() for code in COMPETENCY_CODES)

ASSESSMENT_COLUMNS: tuple[str, ...] = (
    "nip",
    "name",
    "rank",
    "unit",
    "current_position",
    "event",
    "method",
    "assessed_on",
    "session",
    *_LEVEL_COLUMNS,
    "potential_category",
    "performance_rating",
)
"""Columns of an assessments CSV file, in the documented order."""

POSITION_COLUMNS: tuple[str, ...] = ("code", "title", "type", "unit", "min_rank", *_LEVEL_COLUMNS)
"""Columns of a positions CSV file, in the documented order."""

OnRow = Callable[[int, int], None]
"""Progress callback: records read so far, bytes read so far."""

CsvSource = bytes | bytearray | memoryview | BinaryIO


def read_assessments_csv(
    source: CsvSource,
    *,
    scheme: Vocabulary = DEFAULT_POTENTIAL_SCHEME,
    today: date,
    on_row: OnRow | None = None,
    limit: int = DEFAULT_PROBLEM_LIMIT,
) -> list[AssessmentResult]:
    """Return every assessment result in the file, or raise `ValidationReport` listing all problems.

    At most `limit` problems are listed; the report counts the rest.
    """
    with collector_paused():  # a whole file's results: see domain.gcpause
        return _read_assessments(source, scheme, today, on_row, limit)


def _read_assessments(
    source: CsvSource, scheme: Vocabulary, today: date, on_row: OnRow | None, limit: int
) -> list[AssessmentResult]:
    # A function of its own, so that what only the reading needs (the duplicate check's
    # keys, the fast path's memos) is freed before the collector resumes.
    collector = ProblemCollector(limit=limit)
    duplicates = DuplicateAssessmentCheck()
    names, rows = _rows(source, ASSESSMENT_COLUMNS, collector, on_row)
    # Rows whose every cell is valid take the fast path; the others get the detailed
    # validator, which names every problem. Both return the same result for a valid row.
    fast = assessment_row_parser(names, scheme=scheme, today=today)

    def parse(cells: list[str], line: int) -> AssessmentResult:
        result = fast(cells)
        if result is None:
            record = dict(zip(names, cells, strict=True))
            result = parse_assessment_row(record, line=line, scheme=scheme, today=today)
        return result

    return validate_each(
        rows,
        parse,
        lambda result, line: duplicates.check(result, line=line),
        collector,
    )


def read_positions_csv(
    source: CsvSource,
    *,
    on_row: OnRow | None = None,
    limit: int = DEFAULT_PROBLEM_LIMIT,
) -> list[PositionSpec]:
    """Return every position in the file, or raise `ValidationReport` listing all problems."""
    collector = ProblemCollector(limit=limit)
    duplicates = DuplicatePositionCheck()
    names, rows = _rows(source, POSITION_COLUMNS, collector, on_row)
    return validate_each(
        ((line, dict(zip(names, cells, strict=True))) for line, cells in rows),
        lambda cells, line: parse_position_row(cells, line=line),
        lambda position, line: duplicates.check(position, line=line),
        collector,
    )


def _rows(
    source: CsvSource,
    columns: Sequence[str],
    collector: ProblemCollector,
    on_row: OnRow | None,
) -> tuple[tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    """Read the header; return its column names and an iterator of (first line, cells).

    The header is read at once: `ValidationReport` is raised here for problems
    that make the rest unreadable (an empty file, a wrong header). Bytes that
    are not UTF-8 text are reported while iterating. Cells are in header order.
    """
    lines = TextLines(source)
    line_iter = iter(lines)
    header_text = next(line_iter, None)
    # A blank first line followed by more lines is reported as a bad header instead.
    if header_text is None or (not header_text.strip() and next(line_iter, None) is None):
        raise ValidationReport(
            [Problem(f"the file is empty; the first line must be the header: {','.join(columns)}")]
        )
    header = read_header(header_text, columns)
    return header.names, _data_rows(lines, line_iter, header, collector, on_row)


def _data_rows(
    lines: TextLines,
    line_iter: Iterator[str],
    header: Header,
    collector: ProblemCollector,
    on_row: OnRow | None,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line, cells) for each data row; record structural problems."""
    reader = csv.reader(line_iter, delimiter=header.delimiter)
    width = len(header.names)
    last_line = 1
    records = 0
    try:
        for record in reader:
            line, last_line = last_line + 1, lines.line_number
            # Blank lines and rows of empty cells are what spreadsheets append; skip them.
            if not (record and (record[0].strip() or "".join(record).strip())):
                continue
            records += 1
            if len(record) != width:
                reason = _field_count_reason(len(record), width, line, last_line)
                collector.add(Problem(reason, line=line))
            else:
                yield line, record
            if on_row is not None:
                on_row(records, lines.bytes_read)
    except csv.Error as error:
        collector.add(
            Problem(
                f"malformed CSV ({error}); is a quote left open? The rest of the file was not read",
                line=last_line + 1,
            )
        )
    if records == 0 and not len(collector):
        raise ValidationReport(
            [Problem("the file has a header but no data rows; nothing was imported")]
        )


def _field_count_reason(found: int, expected: int, first_line: int, last_line: int) -> str:
    reason = f"expected {expected} fields, found {found}"
    if last_line > first_line:
        reason += (
            f"; the row runs from line {first_line} to line {last_line}: "
            "is a closing double quote missing?"
        )
    elif found > expected:
        reason += "; put a value holding the delimiter in double quotes"
    return reason
