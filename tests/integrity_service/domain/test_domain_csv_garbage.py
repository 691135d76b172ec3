"""Huge or hostile uploads are rejected quickly, with a short, bounded report."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date

import pytest

from integrity_service.domain.csvfile import read_assessments_csv
from integrity_service.domain.errors import ValidationReport

BuildCsv = Callable[..., bytes]


def test_fifty_megabytes_of_random_bytes_are_rejected_quickly(today: date) -> None:
    garbage = random.Random(20240318).randbytes(50 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(ValidationReport) as caught:
        read_assessments_csv(garbage, today=today)
    elapsed = time.perf_counter() - started
    [problem] = caught.value.problems
    assert "the file looks like binary data, not CSV text" in problem.reason
    # Loose bound: the real cost is a few kilobytes read; timing belongs in bench/.
    assert elapsed < 20


def test_one_endless_line_is_rejected_without_reading_it_all(today: date) -> None:
    text_garbage = b"nip," + b"a" * (20 * 1024 * 1024)
    with pytest.raises(ValidationReport) as caught:
        read_assessments_csv(text_garbage, today=today)
    assert str(caught.value) == (
        "line 1: line is longer than 65,536 bytes; this is not a CSV file of the expected format"
    )


def test_report_of_many_bad_rows_is_capped(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{}]) + b"x,y\n" * 2500
    with pytest.raises(ValidationReport) as caught:
        read_assessments_csv(source, today=today)
    report = caught.value
    assert len(report.problems) == 1000
    assert report.omitted == 1500
    assert str(report.problems[0]) == "line 3: expected 20 fields, found 2"
    assert str(report.problems[-1]) == "line 1002: expected 20 fields, found 2"
    assert str(report).splitlines()[-1] == "... and 1,500 more problems not listed"


def test_control_characters_in_values_do_not_reach_the_message(
    assessments_csv: BuildCsv, today: date
) -> None:
    hostile = "\u202e\x1b[2J" + "A" * 5000
    with pytest.raises(ValidationReport) as caught:
        read_assessments_csv(assessments_csv([{"name": hostile}]), today=today)
    message = str(caught.value)
    assert "\x1b" not in message and "\u202e" not in message
    assert len(message) < 200


def test_quote_left_open_over_a_huge_tail_stops_with_a_hint(
    assessments_csv: BuildCsv, today: date
) -> None:
    source = assessments_csv([{}, {"name": '"Budi'}]).replace(b'"""Budi"', b'"Budi')
    source += b"filler line without quotes\n" * 10_000
    with pytest.raises(ValidationReport) as caught:
        read_assessments_csv(source, today=today)
    assert str(caught.value) == (
        "line 3: malformed CSV (field larger than field limit (131072)); is a quote left open? "
        "The rest of the file was not read"
    )
