"""Parsers for single field values, shared by the CSV reader and the JSON API.

Every parser takes the raw value (a CSV cell string, or a decoded JSON value),
returns the clean value or raises `FieldError`. `from_text=True` means the
value came from a CSV cell: numbers arrive as text and an empty cell means
"not given". Otherwise JSON types are strict: a level is an int, not "3",
3.0 or true.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from .errors import FieldError, json_type_name
from .vocabulary import KNOWN_METHODS, LEVEL_MAX, LEVEL_MIN, METHOD_MAX_LENGTH

TEXT_MAX_LENGTH = 200
SESSION_MAX = 999

# C0/C1 controls, line and paragraph separators, bidirectional overrides
# ("Trojan Source"), a stray BOM, and lone surrogates that JSON can carry but
# UTF-8 cannot store.
_FORBIDDEN_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_ASCII_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_blank(value: object) -> bool:
    """Tell whether a value means "not given": null, or text of only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def check_no_control_characters(text: str, *, field: str) -> None:
    """Reject text holding control or invisible formatting characters."""
    found = _FORBIDDEN_CHARS.search(text)
    if found is None:
        return
    char = found.group()
    reason = f"contains control character U+{ord(char):04X} at position {found.start() + 1}"
    if char in "\r\n":
        reason += " (a line break: is a quote left open on this line?)"
    raise FieldError(field, text, reason)


def parse_text(value: object, *, field: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    """Return required free text trimmed, NFC-normalised and with single spaces."""
    if value is None:
        raise FieldError(field, value, "is required")
    if not isinstance(value, str):
        raise FieldError(field, value, f"expected a string, got {json_type_name(value)}")
    check_no_control_characters(value, field=field)
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise FieldError(field, value, "is required and must not be empty")
    if len(text) > max_length:
        raise FieldError(
            field, value, f"is too long: {len(text)} characters, at most {max_length} allowed"
        )
    return text


def parse_method(value: object, *, field: str = "method") -> str:
    """Return an assessment method, spelled canonically when it is a known one."""
    text = parse_text(value, field=field, max_length=METHOD_MAX_LENGTH)
    return KNOWN_METHODS.match(text) or text


def parse_level(value: object, *, field: str, from_text: bool) -> int:
    """Return a competency level, a whole number from 1 to 5."""
    level: int
    if from_text and isinstance(value, str):
        text = value.strip()
        if not text:
            raise FieldError(field, value, f"is required; expected a level {LEVEL_MIN}-{LEVEL_MAX}")
        if not _ASCII_DIGITS.fullmatch(text) or len(text) > 3:
            raise FieldError(field, value, f"expected a whole number {LEVEL_MIN}-{LEVEL_MAX}")
        level = int(text)
    elif isinstance(value, int) and not isinstance(value, bool):
        level = value
    else:
        raise FieldError(
            field,
            value,
            f"expected an integer {LEVEL_MIN}-{LEVEL_MAX}, got {json_type_name(value)}",
        )
    if not LEVEL_MIN <= level <= LEVEL_MAX:
        raise FieldError(field, value, f"level {level} is out of range {LEVEL_MIN}-{LEVEL_MAX}")
    return level


def parse_session(value: object, *, field: str = "session", from_text: bool) -> int | None:
    """Return the assessment session number (1 or more), or None when not given."""
    if is_blank(value):
        return None
    session: int
    if from_text and isinstance(value, str):
        text = value.strip()
        if not _ASCII_DIGITS.fullmatch(text) or len(text) > 3:
            raise FieldError(field, value, "expected a whole number of 1 or more, or empty")
        session = int(text)
    elif isinstance(value, int) and not isinstance(value, bool):
        session = value
    else:
        raise FieldError(field, value, f"expected an integer or null, got {json_type_name(value)}")
    if not 1 <= session <= SESSION_MAX:
        raise FieldError(field, value, f"session {session} is out of range 1-{SESSION_MAX}")
    return session


def parse_past_date(value: object, *, field: str, today: date) -> date:
    """Return an ISO date (YYYY-MM-DD) that is not after `today`."""
    if value is None:
        raise FieldError(field, value, "is required; expected a date YYYY-MM-DD")
    if not isinstance(value, str):
        raise FieldError(field, value, f"expected a date YYYY-MM-DD, got {json_type_name(value)}")
    text = value.strip()
    if not text:
        raise FieldError(field, value, "is required; expected a date YYYY-MM-DD")
    if not _ISO_DATE.fullmatch(text):
        raise FieldError(field, value, "expected a date written YYYY-MM-DD, e.g. 2024-03-18")
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, value, f"impossible date {text}") from None
    if parsed > today:
        raise FieldError(field, value, f"date {text} is in the future (today is {today})")
    return parsed
