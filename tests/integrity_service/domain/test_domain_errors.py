"""Messages: where, what value, why; values shown safely and problems capped."""

from __future__ import annotations

from integrity_service.domain.errors import (
    NO_VALUE,
    Problem,
    ProblemCollector,
    ValidationReport,
    show_value,
)


def test_problem_reads_line_column_value_reason() -> None:
    problem = Problem(
        "impossible birth date 1987-02-30", line=7, field="nip", value="198702302010011001"
    )
    assert str(problem) == (
        "line 7, column nip, value '198702302010011001': impossible birth date 1987-02-30"
    )


def test_api_problem_reads_index_and_field() -> None:
    problem = Problem("is required: a level 1-5", index=2, field="competencies.M05")
    assert str(problem) == "index 2, field competencies.M05: is required: a level 1-5"
    assert problem.to_json_obj() == {
        "index": 2,
        "field": "competencies.M05",
        "reason": "is required: a level 1-5",
    }


def test_long_value_is_cut_to_about_forty_characters() -> None:
    shown = show_value("x" * 10_000_000)
    assert shown == "'" + "x" * 40 + "...'"


def test_control_characters_are_escaped_and_still_bounded() -> None:
    shown = show_value("\x00\x1b[31m\u202e" * 1000)
    assert "\x1b" not in shown and "\u202e" not in shown
    assert shown.startswith("'\\x00\\x1b[31m\\u202e")
    assert len(shown) <= 48


def test_other_values_are_shown_briefly() -> None:
    assert show_value(3.5) == "3.5"
    assert show_value(True) == "True"
    assert show_value(None) == "None"
    assert show_value(10**5000) == "<integer of 16610 bits>"
    assert len(show_value(list(range(100_000)))) <= 43
    assert show_value("it's") == "'it\\'s'"


def test_report_lists_every_problem_one_per_line() -> None:
    report = ValidationReport([Problem("a", line=2, field="nip", value="1"), Problem("b", line=3)])
    assert str(report) == "line 2, column nip, value '1': a\nline 3: b"
    assert report.total == 2


def test_collector_caps_listed_problems_and_counts_the_rest() -> None:
    collector = ProblemCollector(limit=3)
    collector.extend(Problem(f"bad {n}", line=n) for n in range(10))
    try:
        collector.raise_if_any()
    except ValidationReport as report:
        assert len(report.problems) == 3
        assert report.omitted == 7
        assert str(report).splitlines()[-1] == "... and 7 more problems not listed"
        assert report.to_json_obj()["total"] == 10
    else:
        raise AssertionError("a collector with problems must raise")


def test_unsafe_field_name_is_escaped() -> None:
    problem = Problem("unknown field", index=0, field="a\nb" * 50, value=NO_VALUE)
    assert "\n" not in str(problem)
