"""Positions and their competency standards, from JSON and from CSV."""

from __future__ import annotations

from typing import Any

import pytest

from integrity_service.domain.csvfile import read_positions_csv
from integrity_service.domain.errors import ValidationReport
from integrity_service.domain.positions import parse_position_batch, parse_position_mapping

POSITION_HEADER = "code,title,type,unit,min_rank,m01,m02,m03,m04,m05,m06,m07,m08,sc01"


def position_obj(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "code": "DINKES-KADIS",
        "title": "Kepala Dinas Kesehatan",
        "type": "jpt_pratama",
        "unit": "Dinas Kesehatan",
        "min_rank": "IV/c",
        "standard": {f"M0{n}": 4 for n in range(1, 9)} | {"SC01": 4},
    }
    obj.update(changes)
    return obj


def problems_of(obj: object) -> list[str]:
    with pytest.raises(ValidationReport) as caught:
        parse_position_mapping(obj, index=1)
    return [str(problem) for problem in caught.value.problems]


def test_valid_position_round_trips() -> None:
    position = parse_position_mapping(position_obj(type="JPT Pratama"), index=0)
    assert position.type == "jpt_pratama"
    assert position.standard["SC01"] == 4
    assert parse_position_mapping(position.to_json_obj(), index=0) == position


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "DINKES KADIS"}, "index 1, field code, value 'DINKES KADIS': expected 1-64"),
        ({"code": "x" * 65}, "index 1, field code, value 'xxxx"),
        ({"type": "eselon"}, "index 1, field type, value 'eselon': unknown position type"),
        ({"min_rank": "III/e"}, "index 1, field min_rank, value 'III/e': unknown rank"),
        ({"standard": None}, "index 1, field standard: is required"),
        ({"title": 5}, "index 1, field title, value 5: expected a string, got number"),
    ],
)
def test_invalid_position_names_field_and_value(changes: dict[str, Any], message: str) -> None:
    problems = problems_of(position_obj(**changes))
    assert len(problems) == 1
    assert problems[0].startswith(message)


def test_missing_standard_level_is_named() -> None:
    standard = position_obj()["standard"]
    del standard["SC01"]
    assert problems_of(position_obj(standard=standard)) == [
        "index 1, field standard.SC01: is required: a level 1-5"
    ]


def test_duplicate_code_in_a_batch_names_both_indexes() -> None:
    with pytest.raises(ValidationReport) as caught:
        parse_position_batch([position_obj(), position_obj(code="dinkes-kadis")])
    assert str(caught.value) == (
        "index 1, field code, value 'dinkes-kadis': duplicate: "
        "the same position code is already at index 0"
    )


def test_positions_csv_lists_every_bad_row() -> None:
    body = "\n".join(
        [
            POSITION_HEADER,
            "A-1,Kepala Bidang,administrator,Bappeda,III/d,3,3,3,3,3,3,3,3,3",
            "A-2,Kepala Seksi,kepala,Bappeda,III/b,3,3,3,3,3,3,3,3,9",
            "A-1,Kepala Bidang Lain,administrator,Bappeda,III/d,3,3,3,3,3,3,3,3,3",
        ]
    )
    with pytest.raises(ValidationReport) as caught:
        read_positions_csv(body.encode())
    assert [str(problem) for problem in caught.value.problems] == [
        "line 3, column type, value 'kepala': unknown position type; expected one of "
        "jpt_pratama, administrator, pengawas, fungsional, pelaksana",
        "line 3, column sc01, value '9': level 9 is out of range 1-5",
        "line 4, column code, value 'A-1': duplicate: the same position code is already at line 2",
    ]
