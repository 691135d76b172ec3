"""Assessments CSV files: the bad-input catalogue, each case asserting its message."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from integrity_service.domain.csvfile import read_assessments_csv, read_positions_csv
from integrity_service.domain.errors import ValidationReport

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
BuildCsv = Callable[..., bytes]


def problems_of(source: bytes, today: date) -> list[str]:
    with pytest.raises(ValidationReport) as caught:
        read_assessments_csv(source, today=today)
    return [str(problem) for problem in caught.value.problems]


def nip(serial: int) -> str:
    return f"198702152010011{serial:03d}"


def test_example_files_are_valid(today: date) -> None:
    with (EXAMPLES / "assessments.csv").open("rb") as stream:
        results = read_assessments_csv(stream, today=today)
    assert len(results) == 10
    assert results[9].name == 'Yohanes "Yos" Pratama'
    assert results[0].current_position == "Kepala Bidang Perencanaan, Data dan Evaluasi"
    assert {result.performance_rating for result in results} >= {None, "Sangat Baik"}
    positions = read_positions_csv((EXAMPLES / "positions.csv").read_bytes())
    assert [position.type for position in positions] == [
        "jpt_pratama",
        "administrator",
        "pengawas",
        "fungsional",
        "pelaksana",
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"nip": "19870215201001100"}, "column nip, value '19870215201001100': wrong length"),
        ({"nip": "1987021520100110011"}, "column nip, value '1987021520100110011': wrong length"),
        ({"nip": "1987021520100110AB"}, "non-digit character 'A' at position 17"),
        ({"nip": "198702302010011001"}, "impossible birth date 1987-02-30"),
        ({"nip": "198702152010131001"}, "impossible appointment month 2010-13"),
        ({"nip": "198702152010013001"}, "gender digit (15th) is 3; it must be 1 (male) or 2"),
        ({"nip": "198702152010011000"}, "serial (last 3 digits) is 000"),
        ({"nip": "1.98702E+17"}, "rewrote in scientific notation"),
        ({"rank": "III/e"}, "column rank, value 'III/e': unknown rank (golongan)"),
        ({"rank": "V/a"}, "column rank, value 'V/a': unknown rank (golongan)"),
        ({"m01": "0"}, "column m01, value '0': level 0 is out of range 1-5"),
        ({"m08": "6"}, "column m08, value '6': level 6 is out of range 1-5"),
        ({"sc01": "3.5"}, "column sc01, value '3.5': expected a whole number 1-5"),
        ({"m04": ""}, "column m04, value '': is required; expected a level 1-5"),
        ({"potential_category": "Berbakat"}, "value 'Berbakat': unknown potential category"),
        ({"performance_rating": "Luar Biasa"}, "unknown performance rating; expected one of"),
        ({"assessed_on": "18/03/2024"}, "expected a date written YYYY-MM-DD"),
        ({"assessed_on": "2024-02-30"}, "impossible date 2024-02-30"),
        ({"assessed_on": "2025-07-01"}, "date 2025-07-01 is in the future (today is 2025-06-30)"),
        ({"session": "0"}, "column session, value '0': session 0 is out of range 1-999"),
        ({"session": "satu"}, "expected a whole number of 1 or more, or empty"),
        ({"name": ""}, "column name, value '': is required and must not be empty"),
        ({"unit": "Dinas\x1b[31m"}, "contains control character U+001B at position 6"),
    ],
)
def test_bad_cell_is_named_by_line_column_and_value(
    assessments_csv: BuildCsv, today: date, cells: dict[str, str], message: str
) -> None:
    problems = problems_of(assessments_csv([{}, cells]), today)
    assert len(problems) == 1
    assert problems[0].startswith("line 3, column ")
    assert message in problems[0]


def test_category_case_and_empty_rating_and_session_are_accepted(
    assessments_csv: BuildCsv, today: date
) -> None:
    source = assessments_csv(
        [{"potential_category": "SANGAT potensial", "performance_rating": "", "session": ""}]
    )
    [result] = read_assessments_csv(source, today=today)
    assert result.potential_category == "Sangat Potensial"
    assert result.performance_rating is None
    assert result.session is None


def test_duplicate_nip_within_one_event_names_both_lines(
    assessments_csv: BuildCsv, today: date
) -> None:
    rows = [{"nip": nip(1)}, {"nip": nip(2)}, {"nip": nip(1), "event": "CACT KABUPATEN 2024"}]
    assert problems_of(assessments_csv(rows), today) == [
        "line 4, column nip, value '198702152010011001': duplicate: the same NIP is already at "
        "line 2 for event 'CACT KABUPATEN 2024'; give one result per person per event"
    ]


def test_same_nip_in_another_event_is_accepted(assessments_csv: BuildCsv, today: date) -> None:
    rows = [{"nip": nip(1)}, {"nip": nip(1), "event": "Assessment Centre 2025"}]
    assert len(read_assessments_csv(assessments_csv(rows), today=today)) == 2


def test_several_bad_rows_are_all_listed(assessments_csv: BuildCsv, today: date) -> None:
    rows = [
        {"nip": nip(1)},
        {"nip": nip(2), "rank": "III/e"},
        {"nip": nip(3)},
        {"nip": nip(4), "m03": "0", "potential_category": "x"},
        {"nip": "123"},
    ]
    assert problems_of(assessments_csv(rows), today) == [
        "line 3, column rank, value 'III/e': unknown rank (golongan); expected one of I/a, "
        "I/b, I/c, I/d, II/a, II/b, II/c, II/d, III/a, III/b, III/c, III/d, IV/a, IV/b, IV/c, "
        "IV/d, IV/e",
        "line 5, column m03, value '0': level 0 is out of range 1-5",
        "line 5, column potential_category, value 'x': unknown potential category; expected one "
        "of Sangat Potensial, Potensial, Cukup Potensial, Kurang Potensial",
        "line 6, column nip, value '123': wrong length: 3 digits, expected 18",
    ]


def test_row_with_wrong_number_of_fields(today: date, assessments_csv: BuildCsv) -> None:
    source = assessments_csv([{}]) + b"198702152010011002,Budi\n"
    assert problems_of(source, today) == ["line 3: expected 20 fields, found 2"]


def test_unquoted_delimiter_in_a_value_gets_a_hint(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{}]).replace(b"Dinas Kesehatan", b"Dinas Kesehatan, Bidang P2P")
    assert problems_of(source, today) == [
        "line 2: expected 20 fields, found 21; put a value holding the delimiter in double quotes"
    ]


def test_missing_column_is_named(assessments_csv: BuildCsv, today: date) -> None:
    header = "nip,name,rank,unit,current_position,event,method,assessed_on,session," + (
        "m01,m02,m03,m04,m06,m07,m08,potential_category,performance_rating"
    )
    assert problems_of(assessments_csv([{}], header=header), today) == [
        "line 1: missing columns: 'm05', 'sc01'"
    ]


def test_extra_and_repeated_columns_are_named(assessments_csv: BuildCsv, today: date) -> None:
    header = (
        "NIP ,name,rank,unit,current_position,event,method,assessed_on,session,m01,m02,m03,m04,"
        "m05,m06,m07,m08,sc01,potential_category,performance_rating,catatan,nip"
    )
    problems = problems_of(assessments_csv([{}], header=header), today)
    assert problems[0] == "line 1: column nip appears 2 times (columns 1, 22)"
    assert problems[1].startswith("line 1: unexpected columns: 'catatan'; expected exactly nip,")


def test_columns_in_any_order_and_any_case(assessments_csv: BuildCsv, today: date) -> None:
    header = (
        " Performance_Rating ,POTENTIAL_CATEGORY,sc01,m08,m07,m06,m05,m04,m03,m02,m01,session,"
        "assessed_on,method,event,current_position,unit,rank,name,nip"
    )
    [result] = read_assessments_csv(assessments_csv([{}], header=header), today=today)
    assert result.nip.value == "198702152010011001"
    assert result.levels["SC01"] == 4


def test_empty_file_is_rejected(today: date) -> None:
    for source in (b"", b"\xef\xbb\xbf", b"\n"):
        [problem] = problems_of(source, today)
        assert problem.startswith("the file is empty; the first line must be the header: nip,name,")


def test_header_only_file_is_rejected(assessments_csv: BuildCsv, today: date) -> None:
    for source in (assessments_csv([]), assessments_csv([]) + b"\n \n,,,\n"):
        assert problems_of(source, today) == [
            "the file has a header but no data rows; nothing was imported"
        ]


def test_blank_first_line_is_rejected(assessments_csv: BuildCsv, today: date) -> None:
    [problem] = problems_of(b"\n" + assessments_csv([{}]), today)
    assert problem.startswith("line 1: line 1 is empty; the first line must be the header")


def test_latin1_file_names_the_first_bad_byte(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{}, {"nip": nip(2), "name": "Andr\u00e9 Wijaya"}])
    latin1 = source.decode("utf-8").encode("latin-1")
    offset = latin1.index(b"\xe9")
    assert problems_of(latin1, today) == [
        f"line 3: the file is not UTF-8 text: byte 0xE9 at byte offset {offset} cannot be decoded "
        "(perhaps Windows-1252 or Latin-1); save it from the spreadsheet as 'CSV UTF-8' and "
        "upload that file"
    ]


def test_utf8_with_bom_is_accepted(assessments_csv: BuildCsv, today: date) -> None:
    source = b"\xef\xbb\xbf" + assessments_csv([{"name": "Andr\u00e9 Wijaya"}])
    [result] = read_assessments_csv(source, today=today)
    assert result.name == "Andr\u00e9 Wijaya"


def test_semicolon_file_with_quoted_semicolon_is_accepted(
    assessments_csv: BuildCsv, today: date
) -> None:
    source = assessments_csv([{"current_position": "Kepala Bidang; Plt"}], delimiter=";")
    assert b'"Kepala Bidang; Plt"' in source
    [result] = read_assessments_csv(source, today=today)
    assert result.current_position == "Kepala Bidang; Plt"


def test_quoted_comma_in_comma_file(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{"unit": "Dinas Pekerjaan Umum, Perumahan"}])
    [result] = read_assessments_csv(source, today=today)
    assert result.unit == "Dinas Pekerjaan Umum, Perumahan"


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(
    assessments_csv: BuildCsv, today: date, line_end: str
) -> None:
    source = assessments_csv([{}, {"nip": nip(2), "rank": "V/a"}], line_end=line_end)
    [problem] = problems_of(source, today)
    assert problem.startswith("line 3, column rank")


def test_quoted_line_break_counts_physical_lines(assessments_csv: BuildCsv, today: date) -> None:
    rows = [{"name": "Budi\nSantoso"}, {"nip": nip(2), "rank": "V/a"}]
    assert [problem.split(":")[0] for problem in problems_of(assessments_csv(rows), today)] == [
        "line 2, column name, value 'Budi\\nSantoso'",
        "line 4, column rank, value 'V/a'",
    ]


def test_unclosed_quote_is_reported_with_a_hint(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{}, {"nip": nip(2)}, {"nip": nip(3)}])
    source = source.replace(b"Budi Santoso", b'"Budi Santoso', 1)
    assert problems_of(source, today) == [
        "line 2: expected 20 fields, found 2; the row runs from line 2 to line 4: "
        "is a closing double quote missing?"
    ]


def test_tab_separated_file_is_rejected(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{}]).replace(b",", b"\t")
    [problem] = problems_of(source, today)
    assert problem.startswith("line 1: the file is tab-separated; save it as CSV")


def test_header_of_another_format_is_rejected(today: date) -> None:
    [problem] = problems_of(b"just some words\nmore words\n", today)
    assert problem == (
        "line 1: the header has no comma or semicolon: 'just some words'; expected nip,name,rank,"
        "unit,current_position,event,method,assessed_on,session,m01,m02,m03,m04,m05,m06,m07,m08,"
        "sc01,potential_category,performance_rating"
    )


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "an Excel workbook (.xlsx) or another ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
        ("nip\tname\n".encode("utf-16"), "UTF-16 text (Excel's 'Unicode Text')"),
    ],
)
def test_known_non_csv_files_are_named(today: date, head: bytes, kind: str) -> None:
    [problem] = problems_of(head + b"\x00" * 100, today)
    assert problem.startswith(f"line 1: the file is {kind}, not CSV text;")


def test_nul_byte_later_in_the_file(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{}] * 100) + b"abc\x00def\n"
    offset = source.index(b"\x00")
    assert problems_of(source, today) == [
        f"line 102: NUL byte at byte offset {offset}: the file holds binary data, not CSV text"
    ]


def test_text_stream_is_refused(today: date) -> None:
    with pytest.raises(TypeError, match="binary mode"):
        read_assessments_csv(io.StringIO("nip"), today=today)  # type: ignore[arg-type]


def test_progress_callback_sees_rows_and_bytes(assessments_csv: BuildCsv, today: date) -> None:
    source = assessments_csv([{"nip": nip(serial)} for serial in range(1, 251)])
    calls: list[tuple[int, int]] = []
    results = read_assessments_csv(
        io.BytesIO(source), today=today, on_row=lambda done, read: calls.append((done, read))
    )
    assert len(results) == 250
    assert [done for done, _ in calls] == list(range(1, 251))
    assert calls[-1][1] == len(source)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(calls))
