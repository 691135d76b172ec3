"""Vocabularies: canonical spellings, case-insensitive matching, listed alternatives."""

from __future__ import annotations

import pytest

from integrity_service.domain.errors import FieldError
from integrity_service.domain.vocabulary import (
    COMPETENCIES,
    COMPETENCY_CODES,
    DEFAULT_POTENTIAL_SCHEME,
    KNOWN_METHODS,
    PERFORMANCE_RATINGS,
    POSITION_TYPES,
    RANKS,
    potential_scheme,
)


def test_ranks_run_from_i_a_to_iv_e_in_order() -> None:
    assert len(RANKS.terms) == 17
    assert RANKS.terms[0] == "I/a"
    assert RANKS.terms[-1] == "IV/e"
    assert RANKS.position("III/d") < RANKS.position("IV/a")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("iii/c", "III/c"),
        ("III/C", "III/c"),
        (" IV/e ", "IV/e"),
        ("III c", "III/c"),
        ("II-a", "II/a"),
    ],
)
def test_rank_spellings_match_the_canonical_rank(text: str, canonical: str) -> None:
    assert RANKS.require(text, field="rank") == canonical


@pytest.mark.parametrize("text", ["III/e", "V/a", "IV/f", "3/c"])
def test_unknown_rank_lists_the_ranks(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        RANKS.require(text, field="rank")
    assert caught.value.reason.startswith("unknown rank (golongan); expected one of I/a, I/b")
    assert caught.value.reason.endswith("IV/d, IV/e")


def test_potential_category_matches_case_insensitively() -> None:
    assert DEFAULT_POTENTIAL_SCHEME.require("sangat  POTENSIAL", field="p") == "Sangat Potensial"


def test_potential_scheme_is_configurable() -> None:
    scheme = potential_scheme(["Tinggi", "Menengah", "Rendah"])
    assert scheme.require("rendah", field="p") == "Rendah"
    with pytest.raises(FieldError, match="expected one of Tinggi, Menengah, Rendah"):
        scheme.require("Potensial", field="p")


def test_scheme_with_repeated_category_is_refused() -> None:
    with pytest.raises(ValueError, match="repeated term"):
        potential_scheme(["Tinggi", "tinggi"])


def test_position_types_accept_their_indonesian_names() -> None:
    assert POSITION_TYPES.require("JPT Pratama", field="type") == "jpt_pratama"
    assert POSITION_TYPES.require("Jabatan Fungsional", field="type") == "fungsional"


def test_competency_codes_accept_the_official_dotted_form() -> None:
    assert COMPETENCY_CODES == ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "SC01")
    assert COMPETENCIES.match("m.03") == "M03"
    assert COMPETENCIES.match("sc1") == "SC01"
    assert COMPETENCIES.match("M09") is None


def test_known_methods_are_normalised() -> None:
    assert KNOWN_METHODS.match("assessment center") == "Assessment Centre"
    assert KNOWN_METHODS.match("cact") == "CACT"


def test_performance_rating_rejects_unknown_and_non_string() -> None:
    assert PERFORMANCE_RATINGS.require("butuh perbaikan", field="r") == "Butuh Perbaikan"
    with pytest.raises(FieldError, match="unknown performance rating"):
        PERFORMANCE_RATINGS.require("Luar Biasa", field="r")
    with pytest.raises(FieldError, match="expected a string, got number"):
        PERFORMANCE_RATINGS.require(4, field="r")
