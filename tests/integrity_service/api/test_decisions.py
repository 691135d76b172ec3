"""Validation of vacancy, placement and correction bodies (pure, no app)."""

from __future__ import annotations

from datetime import date

import pytest

from integrity_service.domain import ValidationReport
from integrity_service.domain.decisions import (
    parse_correction_mapping,
    parse_long_text,
    parse_placement_mapping,
    parse_vacancy_mapping,
)
from integrity_service.domain.errors import FieldError
from tests.integrity_service.api.factories import assessment_json, nip, placement_json

TODAY = date(2025, 9, 30)


def _fields(report: ValidationReport) -> list[str | None]:
    return [problem.field for problem in report.problems]


def test_placement_normalises_kind_nip_and_decision_maker() -> None:
    body = placement_json("VAC-00001", nip="19800101 200501 1 001", kind="Definitif")
    decision = parse_placement_mapping(
        {**body, "decided_by": "19650101 199003 1 001", "approval_reference": "  "}, today=TODAY
    )
    assert decision.nip.value == nip(1)
    assert decision.kind == "definitive"
    assert decision.decided_by == "196501011990031001"
    assert decision.approval_reference is None
    assert decision.to_json_obj()["decided_on"] == "2025-09-01"


def test_decision_maker_may_be_an_official_without_nip() -> None:
    decision = parse_placement_mapping(placement_json("V1", decided_by="Bupati"), today=TODAY)
    assert decision.decided_by == "Bupati"


def test_placement_reports_every_problem_by_field() -> None:
    body = {"vacancy": "", "nip": 1, "decided_on": "2025-10-01", "kind": None, "x": 1}
    with pytest.raises(ValidationReport) as caught:
        parse_placement_mapping(body, today=TODAY)
    assert _fields(caught.value) == [
        "x",
        "vacancy",
        "nip",
        "decree_number",
        "decided_on",
        "decided_by",
        "kind",
    ]  # justification is optional: the rules decide whether a decision needs one
    assert all(problem.index is None for problem in caught.value.problems)


def test_vacancy_compacts_candidates_and_finds_grouped_duplicates() -> None:
    vacancy = parse_vacancy_mapping(
        {"position": "P-1", "candidates": [nip(1), nip(2)], "opened_on": "2025-08-01"},
        today=TODAY,
    )
    assert vacancy.candidates == (nip(1), nip(2))
    with pytest.raises(ValidationReport) as caught:
        parse_vacancy_mapping(
            {"position": "P-1", "candidates": [nip(1), "19800101 200501 1 001"]}, today=TODAY
        )
    assert _fields(caught.value) == ["candidates[1]", "opened_on"]
    assert "candidates[0]" in caught.value.problems[0].reason


def test_correction_places_result_problems_under_result() -> None:
    bad = assessment_json(competencies={"M01": 9})
    with pytest.raises(ValidationReport) as caught:
        parse_correction_mapping({"supersedes": True, "reason": "x", "result": bad}, today=TODAY)
    fields = _fields(caught.value)
    assert fields[0] == "supersedes"
    assert "result.competencies.M01" in fields and "result.competencies.SC01" in fields
    with pytest.raises(ValidationReport) as caught:
        parse_correction_mapping({"supersedes": 3, "reason": "x"}, today=TODAY)
    assert _fields(caught.value) == ["result"]


def test_long_text_keeps_line_breaks_and_refuses_other_controls() -> None:
    assert parse_long_text("  Satu  dua\r\n\r\ntiga \n", field="f") == "Satu dua\n\ntiga"
    for bad in ("tab\there", "", "\n \n", None, 3, "x" * 4001):
        with pytest.raises(FieldError):
            parse_long_text(bad, field="f")
