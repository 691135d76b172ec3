"""The CSV fast path accepts exactly the valid rows, with the detailed validator's result.

Rows mix valid cells in their common and uncommon spellings with invalid
ones; one parser sees a whole sequence of rows, so what it remembers from
earlier rows is exercised too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity_service.domain import csvfile
from integrity_service.domain.assessments import AssessmentResult, parse_assessment_row
from integrity_service.domain.csvfile import ASSESSMENT_COLUMNS, read_assessments_csv
from integrity_service.domain.errors import ValidationReport
from integrity_service.domain.fastrow import assessment_row_parser
from integrity_service.domain.vocabulary import (
    DEFAULT_POTENTIAL_SCHEME,
    PERFORMANCE_RATINGS,
    RANKS,
    potential_scheme,
)

TODAY = date(2025, 6, 30)
HYPOTHESIS = settings(deadline=None, database=None, max_examples=150)
LEVEL_COLUMNS = ("m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08", "sc01")
TRICKY_TEXT = [
    "",
    " ",
    "Budi  Santoso",
    " Budi",
    "Budi ",
    "Andr\u00e9 Wijaya",
    "Andre\u0301 Wijaya",
    "Dinas\x1b[31m",
    "Tab\there",
    "Line\nbreak",
    "\u202eevil",
    "x" * 200,
    "x" * 201,
    "a " * 100,
    "\x1c",
    "\u00a0nbsp",
]
VALID_TRICKY_TEXT = ["Budi  Santoso", " Budi", "Andr\u00e9 Wijaya", "Andre\u0301 Wijaya", "x" * 200]


@st.composite
def nips(draw: st.DrawFn, *, valid: bool) -> str:
    """A NIP: valid in any spelling, or else likely one of the ways a NIP goes wrong."""
    if valid:
        born = draw(st.dates(date(1900, 1, 1), date(1995, 12, 31)))
        year = draw(st.integers(born.year + 16, 2024))
        month = draw(st.integers(1, 12))
        gender = draw(st.sampled_from("12"))
        serial = draw(st.integers(1, 999))
    else:
        born = draw(st.dates(date(1895, 1, 1), date(2026, 12, 31)))
        year = draw(st.integers(born.year + 10, born.year + 45))
        month = draw(st.integers(0, 13))
        gender = draw(st.sampled_from("12120"))
        serial = draw(st.sampled_from([1, 7, 999, 0, 42]))
    digits = f"{born:%Y%m%d}{year:04d}{month:02d}{gender}{serial:03d}"
    forms = ["plain"] * 6 + ["grouped", "padded"] + ([] if valid else ["short", "odd"])
    form = draw(st.sampled_from(forms))
    if form == "grouped":
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    if form == "padded":
        return f" {digits} "
    if form == "short":
        return digits[:-1]
    if form == "odd":
        return draw(
            st.sampled_from(["1.98702E+17", digits[:10] + "O" + digits[11:], "\u0661" * 18])
        )
    return digits


def texts(*, valid: bool) -> st.SearchStrategy[str]:
    """Free text: plain words, tricky spellings (valid or not) and arbitrary text."""
    words = st.lists(
        st.sampled_from(["Dinas", "Kesehatan", "Budi", "P2P", "O'Neil"]), min_size=1, max_size=4
    )
    tricky = VALID_TRICKY_TEXT if valid else TRICKY_TEXT
    others = st.text(min_size=1, max_size=12).filter(str.strip) if valid else st.text(max_size=12)
    return st.one_of(words.map(" ".join), st.sampled_from(tricky), others)


def cells_of(draw: st.DrawFn, *, valid: bool) -> dict[str, str]:
    """Draw one row's cells by column name: valid spellings only, or any."""

    def pick(good: list[str], bad: list[str]) -> str:
        return draw(st.sampled_from(good if valid else good + bad))

    assessed = draw(st.dates(date(2000, 1, 1), TODAY if valid else date(2026, 12, 31)))
    levels = ["1", "2", "3", "4", "5", "1", "3", "5", " 3", "03"]
    return {
        "nip": draw(nips(valid=valid)),
        "name": draw(texts(valid=valid)),
        "rank": pick([*RANKS.terms, "III c", "iii-c", " IV/e "], ["V/a", "III/e", ""]),
        "unit": draw(texts(valid=valid)),
        "current_position": draw(texts(valid=valid)),
        "event": pick(["CACT 2024", "cact  2024", "Assessment Centre 2025"], ["", "\x07"]),
        "method": pick(["CACT", "cact", "Assessment Center", "Wawancara"], ["", "m" * 65]),
        "assessed_on": pick(
            [assessed.isoformat(), f" {assessed.isoformat()}"], ["2024-02-30", "18/03/2024", ""]
        ),
        "session": pick(["1", "5", "999", "", " ", " 2"], ["0", "1000", "satu", "\u0663"]),
        **{column: pick(levels, ["0", "6", "3.5", "", "\u0663"]) for column in LEVEL_COLUMNS},
        "potential_category": pick(
            [*DEFAULT_POTENTIAL_SCHEME.terms, "sangat  POTENSIAL"], ["Berbakat", "", " "]
        ),
        "performance_rating": pick([*PERFORMANCE_RATINGS.terms, "", " ", "baik"], ["Luar Biasa"]),
    }


@st.composite
def batches(draw: st.DrawFn) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """Draw a column order and a few rows, about half of them drawn from valid spellings."""
    names = tuple(draw(st.permutations(ASSESSMENT_COLUMNS)))
    kinds = draw(st.lists(st.booleans(), min_size=1, max_size=12))
    rows = [cells_of(draw, valid=valid) for valid in kinds]
    # Some NIPs repeat an earlier one's birth date and appointment month, with any tail.
    for index in range(1, len(rows)):
        earlier = rows[draw(st.integers(0, index - 1))]["nip"]
        if kinds[index] and draw(st.booleans()) and len(earlier) == 18 and earlier.isdigit():
            tail = draw(st.sampled_from(["1001", "2999", "1000", "3001", "0001", "1", "2 001"]))
            rows[index]["nip"] = earlier[:14] + tail
    return names, rows


def slow(cells: dict[str, str], *, scheme: Any = DEFAULT_POTENTIAL_SCHEME) -> Any:
    """Return the detailed validator's result, or its report."""
    try:
        return parse_assessment_row(cells, line=2, scheme=scheme, today=TODAY)
    except ValidationReport as report:
        return report


def assert_same_result(fast: AssessmentResult, detailed: AssessmentResult) -> None:
    """Equal, field by field and in JSON, with the same types and level order."""
    assert fast == detailed
    assert fast.to_json_obj() == detailed.to_json_obj()
    assert list(fast.levels.items()) == list(detailed.levels.items())
    assert type(fast.levels) is type(detailed.levels)
    for name in ("nip", "assessed_on", "session", "performance_rating"):
        assert type(getattr(fast, name)) is type(getattr(detailed, name))


@settings(HYPOTHESIS)
@given(batch=batches())
def test_fast_path_accepts_exactly_the_valid_rows_with_the_same_result(
    batch: tuple[tuple[str, ...], list[dict[str, str]]],
) -> None:
    names, rows = batch
    parse = assessment_row_parser(names, scheme=DEFAULT_POTENTIAL_SCHEME, today=TODAY)
    for cells in rows:
        fast = parse([cells[name] for name in names])
        detailed = slow(cells)
        if isinstance(detailed, ValidationReport):
            assert fast is None
        else:
            assert fast is not None
            assert_same_result(fast, detailed)


def test_every_common_spelling_takes_the_fast_path_and_repeats_are_remembered() -> None:
    parse = assessment_row_parser(ASSESSMENT_COLUMNS, scheme=DEFAULT_POTENTIAL_SCHEME, today=TODAY)
    cells = {
        "nip": "198702152010011001",
        "name": "Budi Santoso",
        "rank": "III/c",
        "unit": "Dinas Kesehatan",
        "current_position": "Kepala Seksi",
        "event": "CACT 2024",
        "method": "CACT",
        "assessed_on": "2024-03-18",
        "session": "",
        **dict.fromkeys(LEVEL_COLUMNS, "4"),
        "potential_category": "Potensial",
        "performance_rating": "",
    }
    for serial in ("001", "002", "999"):
        row = cells | {"nip": cells["nip"][:15] + serial}
        fast = parse([row[name] for name in ASSESSMENT_COLUMNS])
        assert fast is not None
        assert_same_result(fast, slow(row))
    # Same birth date and appointment month, an invalid gender digit or serial.
    for nip in ("198702152010013001", "198702152010010001", "198702152010011000"):
        assert parse([(cells | {"nip": nip})[name] for name in ASSESSMENT_COLUMNS]) is None


def test_another_potential_scheme_is_honoured() -> None:
    scheme = potential_scheme(("Tinggi", "Menengah", "Rendah"))
    parse = assessment_row_parser(ASSESSMENT_COLUMNS, scheme=scheme, today=TODAY)
    row = {
        "nip": "198702152010011001",
        "name": "Budi",
        "rank": "III/c",
        "unit": "Dinas",
        "current_position": "Analis",
        "event": "CACT 2024",
        "method": "CACT",
        "assessed_on": "2024-03-18",
        "session": "1",
        **dict.fromkeys(LEVEL_COLUMNS, "3"),
        "performance_rating": "Baik",
    }
    for category, valid in (("tinggi", True), ("Potensial", False)):
        cells = row | {"potential_category": category}
        fast = parse([cells[name] for name in ASSESSMENT_COLUMNS])
        assert (fast is not None) is valid
        if fast is not None:
            assert_same_result(fast, slow(cells, scheme=scheme))


def _file(names: Sequence[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([row[name] for name in names] for row in rows)
    return out.getvalue().encode("utf-8")


def _outcome(source: bytes) -> Any:
    try:
        return read_assessments_csv(source, today=TODAY)
    except ValidationReport as report:
        return [str(problem) for problem in report.problems]


@settings(HYPOTHESIS, max_examples=60)
@given(batch=batches())
def test_a_file_reads_the_same_with_and_without_the_fast_path(
    batch: tuple[tuple[str, ...], list[dict[str, str]]],
) -> None:
    names, rows = batch
    source = _file(names, rows)
    with_fast_path = _outcome(source)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvfile, "assessment_row_parser", lambda *_, **__: lambda cells: None)
        without = _outcome(source)
    assert with_fast_path == without
