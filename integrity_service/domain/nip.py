"""NIP, the 18-digit civil-servant number, and what its digits must mean.

Layout: birth date YYYYMMDD, first appointment (TMT CPNS) YYYYMM, a gender
digit (1 male, 2 female) and a serial 001-999. Checked:

- exactly 18 ASCII digits; the common grouped form "19870215 201001 1 001"
  (single spaces between the four groups) is accepted and compacted;
- the birth date is a real date, in 1900 or later, and not after `today`;
- the appointment month is a real month (01-12), not before the birth month,
  at least `MIN_AGE_AT_APPOINTMENT` years after it, and not after `today`'s month;
- the gender digit is 1 or 2, and the serial is not 000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import FieldError, json_type_name

NIP_LENGTH = 18
MIN_BIRTH_YEAR = 1900
MIN_AGE_AT_APPOINTMENT = 15

_GROUPED = re.compile(r"([0-9]{8}) ([0-9]{6}) ([0-9]) ([0-9]{3})")
# Excel turns a long digit string into a number and exports it like 1.98702E+17.
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+")


class Gender(StrEnum):
    """The gender a NIP's 15th digit records."""

    MALE = "male"
    FEMALE = "female"


_GENDER_DIGITS = {"1": Gender.MALE, "2": Gender.FEMALE}


@dataclass(frozen=True)
class Nip:
    """A NIP whose digits were checked, with the facts they encode."""

    value: str
    birth_date: date
    appointed: tuple[int, int]
    gender: Gender
    serial: int

    def __str__(self) -> str:
        return self.value


def parse_nip(value: object, *, today: date, field: str = "nip") -> Nip:
    """Check a NIP and return its parts; raise `FieldError` naming what is wrong."""
    if value is None:
        raise FieldError(field, value, "is required")
    if not isinstance(value, str):
        got = json_type_name(value)
        raise FieldError(field, value, f"expected a string of 18 digits, got {got}")
    text = value.strip()
    grouped = _GROUPED.fullmatch(text)
    digits = "".join(grouped.groups()) if grouped else text
    _check_digits(digits, value, field)
    birth_date = _birth_date(digits, value, field, today)
    appointed = _appointment(digits, value, field, today, birth_date)
    gender = _GENDER_DIGITS.get(digits[14])
    if gender is None:
        raise FieldError(
            field, value, f"gender digit (15th) is {digits[14]}; it must be 1 (male) or 2 (female)"
        )
    serial = int(digits[15:])
    if serial == 0:
        raise FieldError(field, value, "serial (last 3 digits) is 000; serials run 001-999")
    return Nip(digits, birth_date, appointed, gender, serial)


def _check_digits(digits: str, value: str, field: str) -> None:
    if len(digits) == NIP_LENGTH and digits.isascii() and digits.isdigit():
        return
    if _SCIENTIFIC.fullmatch(digits):
        raise FieldError(
            field,
            value,
            "looks like a number a spreadsheet rewrote in scientific notation; "
            "format the column as Text and export again",
        )
    for position, char in enumerate(digits, start=1):
        if not "0" <= char <= "9":
            raise FieldError(field, value, f"non-digit character {char!r} at position {position}")
    if len(digits) != NIP_LENGTH:
        raise FieldError(field, value, f"wrong length: {len(digits)} digits, expected 18")


def _birth_date(digits: str, value: str, field: str, today: date) -> date:
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    shown = f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}"
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise FieldError(field, value, f"impossible birth date {shown}") from None
    if year < MIN_BIRTH_YEAR:
        raise FieldError(field, value, f"implausible birth date {shown}: before {MIN_BIRTH_YEAR}")
    if birth_date > today:
        raise FieldError(field, value, f"birth date {shown} is in the future (today is {today})")
    return birth_date


def _appointment(
    digits: str, value: str, field: str, today: date, birth_date: date
) -> tuple[int, int]:
    year, month = int(digits[8:12]), int(digits[12:14])
    shown = f"{digits[8:12]}-{digits[12:14]}"
    if not 1 <= month <= 12:
        raise FieldError(field, value, f"impossible appointment month {shown}")
    if (year, month) > (today.year, today.month):
        raise FieldError(field, value, f"appointment month {shown} is in the future")
    months_after_birth = (year - birth_date.year) * 12 + (month - birth_date.month)
    if months_after_birth < 0:
        raise FieldError(
            field, value, f"appointment month {shown} is before the birth date {birth_date}"
        )
    if months_after_birth < MIN_AGE_AT_APPOINTMENT * 12:
        raise FieldError(
            field,
            value,
            f"appointment month {shown} is only {months_after_birth // 12} years after "
            f"the birth date {birth_date}; at least {MIN_AGE_AT_APPOINTMENT} expected",
        )
    return (year, month)
