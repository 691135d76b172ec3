"""The domain's fixed scales: competencies, categories, ratings, golongan, kinds.

Orders are written best first (or lowest first for golongan) and are the
single source for every comparison in the package.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules.errors import InvalidInputError

MANAGERIAL_CODES: tuple[str, ...] = tuple(f"M{number:02d}" for number in range(1, 9))
SOCIO_CULTURAL_CODES: tuple[str, ...] = ("SC01",)
# Order of the level vectors used by the JPM and ranking (managerial first).
COMPETENCY_CODES: tuple[str, ...] = MANAGERIAL_CODES + SOCIO_CULTURAL_CODES
COMPETENCY_INDEX: dict[str, int] = {code: i for i, code in enumerate(COMPETENCY_CODES)}
MIN_LEVEL = 1
MAX_LEVEL = 5

DEFAULT_POTENTIAL_CATEGORIES: tuple[str, ...] = (
    "Sangat Potensial",
    "Potensial",
    "Cukup Potensial",
    "Kurang Potensial",
)
PERFORMANCE_RATINGS: tuple[str, ...] = (
    "Sangat Baik",
    "Baik",
    "Butuh Perbaikan",
    "Kurang",
    "Sangat Kurang",
)

GOLONGAN: tuple[str, ...] = tuple(
    f"{group}/{letter}"
    for group, letters in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde"))
    for letter in letters
)
_GOLONGAN_INDEX = {rank: i for i, rank in enumerate(GOLONGAN)}

POSITION_TYPES: tuple[str, ...] = (
    "jpt_pratama",
    "administrator",
    "pengawas",
    "fungsional",
    "pelaksana",
)
PLACEMENT_KINDS: tuple[str, ...] = ("promotion", "rotation", "acting", "definitive")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
VERDICTS: tuple[str, ...] = ("compliant", "needs_justification", "violation")


def competency_code(text: str) -> str:
    """Return the canonical code for spellings such as "M.01", "m01" or "SC.01"."""
    code = text.strip().upper().replace(".", "").replace(" ", "")
    if code not in COMPETENCY_INDEX:
        raise InvalidInputError(
            f"unknown competency code {text!r}; expected one of {', '.join(COMPETENCY_CODES)}"
        )
    return code


def match_category(text: str, categories: Sequence[str] = DEFAULT_POTENTIAL_CATEGORIES) -> str:
    """Return the scheme's spelling of a category given in any case or spacing."""
    return _match(text, categories, "potential category")


def match_rating(text: str) -> str:
    """Return the canonical spelling of a performance rating given in any case or spacing."""
    return _match(text, PERFORMANCE_RATINGS, "performance rating")


def golongan_index(rank: str) -> int:
    """Return the position of a golongan in I/a (0) .. IV/e (16)."""
    try:
        return _GOLONGAN_INDEX[rank]
    except (KeyError, TypeError):
        raise InvalidInputError(
            f"unknown golongan {rank!r}; expected one of {', '.join(GOLONGAN)}"
        ) from None


def compare_golongan(left: str, right: str) -> int:
    """Return -1, 0 or 1 as golongan ``left`` is below, equal to or above ``right``."""
    difference = golongan_index(left) - golongan_index(right)
    return (difference > 0) - (difference < 0)


def normalize_golongan(text: str) -> str:
    """Return the canonical golongan for spellings such as "iii/A" or "III / a"."""
    group, _, letter = "".join(text.split()).partition("/")
    return GOLONGAN[golongan_index(f"{group.upper()}/{letter.lower()}")]


def _match(text: str, allowed: Sequence[str], what: str) -> str:
    wanted = " ".join(text.split()).casefold()
    for value in allowed:
        if value.casefold() == wanted:
            return value
    raise InvalidInputError(f"unknown {what} {text!r}; expected one of {', '.join(allowed)}")
