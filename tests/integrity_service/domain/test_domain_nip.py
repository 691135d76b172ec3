"""NIP validation: each digit group checked, each failure named."""

from __future__ import annotations

from datetime import date

import pytest

from integrity_service.domain.errors import FieldError
from integrity_service.domain.nip import Gender, parse_nip

TODAY = date(2025, 6, 30)


def test_valid_nip_is_parsed_into_its_parts() -> None:
    nip = parse_nip("198702152010011001", today=TODAY)
    assert nip.value == "198702152010011001"
    assert nip.birth_date == date(1987, 2, 15)
    assert nip.appointed == (2010, 1)
    assert nip.gender is Gender.MALE
    assert nip.serial == 1
    assert str(nip) == "198702152010011001"


def test_grouped_spelling_with_spaces_is_compacted() -> None:
    nip = parse_nip(" 19900418 201402 2 007 ", today=TODAY)
    assert nip.value == "199004182014022007"
    assert nip.gender is Gender.FEMALE
    assert nip.serial == 7


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("19870215201001100", "wrong length: 17 digits, expected 18"),
        ("1987021520100110011", "wrong length: 19 digits, expected 18"),
        ("19870215201OO11001", "non-digit character 'O' at position 12"),
        ("1987-02-15-2010011001", "non-digit character '-' at position 5"),
        ("198702302010011001", "impossible birth date 1987-02-30"),
        ("198713012010011001", "impossible birth date 1987-13-01"),
        ("198702152010131001", "impossible appointment month 2010-13"),
        ("198702152010001001", "impossible appointment month 2010-00"),
        ("198702152010013001", "gender digit (15th) is 3; it must be 1 (male) or 2 (female)"),
        ("198702152010011000", "serial (last 3 digits) is 000; serials run 001-999"),
        ("198702152026011001", "appointment month 2026-01 is in the future"),
        ("198702151986011001", "appointment month 1986-01 is before the birth date 1987-02-15"),
        (
            "198702151999011001",
            "appointment month 1999-01 is only 11 years after the birth date 1987-02-15; "
            "at least 15 expected",
        ),
        ("203001012010011001", "birth date 2030-01-01 is in the future (today is 2025-06-30)"),
        ("189901011920011001", "implausible birth date 1899-01-01: before 1900"),
        ("1.98702E+17", "looks like a number a spreadsheet rewrote in scientific notation"),
        ("", "wrong length: 0 digits, expected 18"),
    ],
)
def test_invalid_nip_names_the_reason(value: str, reason: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_nip(value, today=TODAY)
    assert caught.value.field == "nip"
    assert caught.value.value == value
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (198702152010011001, "expected a string of 18 digits, got number"),
        (None, "is required"),
        (True, "expected a string of 18 digits, got boolean"),
    ],
)
def test_nip_must_be_a_string(value: object, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_nip(value, today=TODAY)


def test_appointment_in_the_current_month_is_accepted() -> None:
    assert parse_nip("198702152025061001", today=TODAY).appointed == (2025, 6)


def test_message_shows_field_value_and_reason() -> None:
    with pytest.raises(FieldError) as caught:
        parse_nip("198702302010011001", today=TODAY, field="appointee_nip")
    assert str(caught.value) == (
        "appointee_nip, value '198702302010011001': impossible birth date 1987-02-30"
    )
