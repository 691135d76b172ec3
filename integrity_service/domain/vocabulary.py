"""The domain's closed vocabularies as data, matched case-insensitively."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import FieldError, json_type_name


def term_key(text: str) -> str:
    """Reduce a term to the form it is matched by: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of terms in a meaningful order, plus aliases for some of them."""

    name: str
    terms: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)
    _lookup: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError(f"vocabulary {self.name!r} has no terms")
        lookup: dict[str, str] = {}
        for term in self.terms:
            key = term_key(term)
            if not key or key in lookup:
                raise ValueError(f"vocabulary {self.name!r}: empty or repeated term {term!r}")
            lookup[key] = term
        for alias, term in self.aliases.items():
            if term not in self.terms:
                raise ValueError(f"vocabulary {self.name!r}: alias {alias!r} names no term")
            lookup.setdefault(term_key(alias), term)
        object.__setattr__(self, "_lookup", MappingProxyType(lookup))

    def match(self, text: str) -> str | None:
        """Return the canonical spelling of `text`, or None if it is not a term."""
        return self._lookup.get(term_key(text))

    def require(self, value: object, *, field: str) -> str:
        """Return the canonical spelling of `value`, or raise `FieldError` listing the terms."""
        if value is None:
            raise FieldError(field, value, f"is required; expected a {self.name}")
        if not isinstance(value, str):
            raise FieldError(field, value, f"expected a string, got {json_type_name(value)}")
        if not value.strip():
            raise FieldError(field, value, f"is required; expected a {self.name}")
        term = self.match(value)
        if term is None:
            raise FieldError(
                field, value, f"unknown {self.name}; expected one of {', '.join(self.terms)}"
            )
        return term

    def position(self, term: str) -> int:
        """Return where a canonical term stands in the vocabulary's order, from 0."""
        return self.terms.index(term)


def _rank_terms() -> tuple[str, ...]:
    letters_by_group = {"I": "abcd", "II": "abcd", "III": "abcd", "IV": "abcde"}
    return tuple(
        f"{group}/{letter}" for group, letters in letters_by_group.items() for letter in letters
    )


RANKS = Vocabulary(
    "rank (golongan)",
    _rank_terms(),
    # Spreadsheets and older records often write "III a" or "III-a".
    aliases={
        spelled: rank
        for rank in _rank_terms()
        for spelled in (rank.replace("/", " "), rank.replace("/", "-"), rank.replace("/", " / "))
    },
)
"""Civil-service ranks from lowest (I/a) to highest (IV/e)."""

POSITION_TYPES = Vocabulary(
    "position type",
    ("jpt_pratama", "administrator", "pengawas", "fungsional", "pelaksana"),
    aliases={
        "jpt pratama": "jpt_pratama",
        "jpt-pratama": "jpt_pratama",
        "jabatan pimpinan tinggi pratama": "jpt_pratama",
        "jabatan administrator": "administrator",
        "jabatan pengawas": "pengawas",
        "jabatan fungsional": "fungsional",
        "jabatan pelaksana": "pelaksana",
    },
)
"""Position types, from the highest structural post to the implementing staff."""

MANAGERIAL_COMPETENCIES: Mapping[str, str] = MappingProxyType(
    {
        "M01": "Integritas",
        "M02": "Kerja Sama",
        "M03": "Komunikasi",
        "M04": "Orientasi pada Hasil",
        "M05": "Pelayanan Publik",
        "M06": "Pengembangan Diri dan Orang Lain",
        "M07": "Mengelola Perubahan",
        "M08": "Pengambilan Keputusan",
    }
)
"""Managerial competencies M.01-M.08 and their Indonesian names."""

SOCIO_CULTURAL_COMPETENCIES: Mapping[str, str] = MappingProxyType({"SC01": "Perekat Bangsa"})
"""The socio-cultural competency and its Indonesian name."""

COMPETENCY_CODES: tuple[str, ...] = (*MANAGERIAL_COMPETENCIES, *SOCIO_CULTURAL_COMPETENCIES)
"""Every competency code a result or a position standard must give a level for."""

COMPETENCIES = Vocabulary(
    "competency code",
    COMPETENCY_CODES,
    # The official tables write M.01; some exports drop the leading zero.
    aliases={
        spelled: code
        for code in COMPETENCY_CODES
        for spelled in (f"{code[:-2]}.{code[-2:]}", f"{code[:-2]}{int(code[-2:])}")
    },
)

LEVEL_MIN = 1
LEVEL_MAX = 5


def potential_scheme(categories: Sequence[str], *, name: str = "potential category") -> Vocabulary:
    """Build a potential-category scheme from its categories, best first."""
    return Vocabulary(name, tuple(categories))


DEFAULT_POTENTIAL_SCHEME = potential_scheme(
    ("Sangat Potensial", "Potensial", "Cukup Potensial", "Kurang Potensial")
)
"""The four categories the Kabupaten's published results use, best first."""

PERFORMANCE_RATINGS = Vocabulary(
    "performance rating",
    ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang"),
)
"""Performance (SKP) ratings, best first."""

KNOWN_METHODS = Vocabulary(
    "assessment method",
    ("CACT", "Assessment Centre"),
    aliases={
        "computer assisted competency test": "CACT",
        "assessment center": "Assessment Centre",
        "assessment-centre": "Assessment Centre",
        "assessment-center": "Assessment Centre",
    },
)
"""Assessment methods spelled one way; other methods are accepted as written."""

METHOD_MAX_LENGTH = 64
