"""JSON API assessment results: strict types, every problem named by index and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from integrity_service.domain.assessments import (
    parse_assessment_batch,
    parse_assessment_mapping,
)
from integrity_service.domain.errors import ValidationReport
from integrity_service.domain.vocabulary import potential_scheme

Build = Callable[..., dict[str, Any]]


def problems_of(obj: object, today: date, **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationReport) as caught:
        parse_assessment_mapping(obj, index=4, today=today, **kwargs)
    return [str(problem) for problem in caught.value.problems]


def test_valid_object_round_trips_through_json(assessment_obj: Build, today: date) -> None:
    result = parse_assessment_mapping(assessment_obj(), index=0, today=today)
    assert result.levels["SC01"] == 4
    assert result.assessed_on == date(2024, 3, 18)
    encoded = result.to_json_obj()
    assert encoded["assessed_on"] == "2024-03-18"
    assert parse_assessment_mapping(encoded, index=0, today=today) == result


def test_json_form_holds_only_plain_types(assessment_obj: Build, today: date) -> None:
    encoded = parse_assessment_mapping(assessment_obj(), index=0, today=today).to_json_obj()

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        return value is None or type(value) in (str, int)

    assert plain(encoded)


def test_result_levels_cannot_be_changed(assessment_obj: Build, today: date) -> None:
    result = parse_assessment_mapping(assessment_obj(), index=0, today=today)
    with pytest.raises(TypeError):
        result.levels["M01"] = 5  # type: ignore[index]


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("3", "value '3': expected an integer 1-5, got string"),
        (True, "value True: expected an integer 1-5, got boolean"),
        (3.0, "value 3.0: expected an integer 1-5, got number"),
        (None, "value None: expected an integer 1-5, got null"),
        (0, "value 0: level 0 is out of range 1-5"),
        (6, "value 6: level 6 is out of range 1-5"),
    ],
)
def test_level_types_are_strict(
    assessment_obj: Build, today: date, level: object, message: str
) -> None:
    competencies = assessment_obj()["competencies"] | {"M03": level}
    problems = problems_of(assessment_obj(competencies=competencies), today)
    assert problems == [f"index 4, field competencies.M03, {message}"]


def test_missing_and_unknown_competencies_are_each_named(
    assessment_obj: Build, today: date
) -> None:
    competencies = assessment_obj()["competencies"]
    del competencies["M05"]
    competencies["M09"] = 3
    problems = problems_of(assessment_obj(competencies=competencies), today)
    assert problems == [
        "index 4, field competencies, value 'M09': unknown competency code; "
        "expected M01, M02, M03, M04, M05, M06, M07, M08, SC01",
        "index 4, field competencies.M05: is required: a level 1-5",
    ]


def test_competency_given_twice_in_two_spellings(assessment_obj: Build, today: date) -> None:
    competencies = assessment_obj()["competencies"] | {"m.01": 3}
    problems = problems_of(assessment_obj(competencies=competencies), today)
    assert problems == ["index 4, field competencies.M01, value 'm.01': given twice, also as 'M01'"]


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_non_object_result_is_rejected(body: object, today: date) -> None:
    problems = problems_of(body, today)
    assert len(problems) == 1
    assert problems[0].startswith("index 4: expected a JSON object, got ")


def test_every_problem_of_one_object_is_listed(assessment_obj: Build, today: date) -> None:
    obj = assessment_obj(
        nip="19870215201001100",
        rank="V/a",
        session="1",
        assessed_on="2099-01-01",
        potential_category="Luar Biasa",
        perfomance_rating="Baik",
        competencies=[3] * 9,
    )
    del obj["name"]
    with pytest.raises(ValidationReport) as caught:
        parse_assessment_mapping(obj, index=4, today=today)
    assert [problem.field for problem in caught.value.problems] == [
        "perfomance_rating",
        "nip",
        "name",
        "rank",
        "assessed_on",
        "session",
        "competencies",
        "potential_category",
    ]
    assert {problem.index for problem in caught.value.problems} == {4}
    problems = [str(problem) for problem in caught.value.problems]
    assert "unknown field; expected only nip, name" in problems[0]
    assert problems[2] == "index 4, field name, value None: is required"
    assert "date 2099-01-01 is in the future" in problems[4]
    assert problems[5].endswith("expected an integer or null, got string")


def test_optional_fields_may_be_null_or_absent(assessment_obj: Build, today: date) -> None:
    obj = assessment_obj(session=None, performance_rating="")
    result = parse_assessment_mapping(obj, index=0, today=today)
    assert result.session is None and result.performance_rating is None
    del obj["session"], obj["performance_rating"]
    assert parse_assessment_mapping(obj, index=0, today=today) == result


def test_text_is_trimmed_normalised_and_checked(assessment_obj: Build, today: date) -> None:
    result = parse_assessment_mapping(
        assessment_obj(name="  Budi\u00a0 Santoso ", method="assessment center"),
        index=0,
        today=today,
    )
    assert result.name == "Budi Santoso"
    assert result.method == "Assessment Centre"
    problems = problems_of(
        assessment_obj(name="Budi\tSantoso", unit="x" * 201, method="m" * 65, event="   "), today
    )
    assert problems[0] == (
        "index 4, field name, value 'Budi\\tSantoso': contains control character U+0009 "
        "at position 5"
    )
    assert problems[1].endswith("is too long: 201 characters, at most 200 allowed")
    assert problems[2].endswith("is required and must not be empty")
    assert problems[3].endswith("is too long: 65 characters, at most 64 allowed")


def test_unknown_method_is_kept_as_written(assessment_obj: Build, today: date) -> None:
    result = parse_assessment_mapping(
        assessment_obj(method="Uji  Kompetensi"), index=0, today=today
    )
    assert result.method == "Uji Kompetensi"


def test_category_checked_against_the_given_scheme(assessment_obj: Build, today: date) -> None:
    scheme = potential_scheme(["Tinggi", "Menengah", "Rendah"])
    result = parse_assessment_mapping(
        assessment_obj(potential_category="TINGGI"), index=0, today=today, scheme=scheme
    )
    assert result.potential_category == "Tinggi"


def test_batch_names_both_indexes_of_a_duplicate(assessment_obj: Build, today: date) -> None:
    other = assessment_obj(nip="198702152010011002")
    again = assessment_obj(event="cact  kabupaten 2024", session=2)
    with pytest.raises(ValidationReport) as caught:
        parse_assessment_batch([assessment_obj(), other, again], today=today)
    assert [str(problem) for problem in caught.value.problems] == [
        "index 2, field nip, value '198702152010011001': duplicate: the same NIP is already "
        "at index 0 for event 'cact kabupaten 2024'; give one result per person per event"
    ]


def test_batch_accepts_same_person_in_two_events(assessment_obj: Build, today: date) -> None:
    results = parse_assessment_batch(
        [assessment_obj(), assessment_obj(event="Assessment Centre 2025")], today=today
    )
    assert [result.event for result in results] == ["CACT Kabupaten 2024", "Assessment Centre 2025"]
