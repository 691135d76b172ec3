from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import DEFAULT_BANDS, InvalidInputError, job_person_match, jpm_band
from rules.scales import COMPETENCY_CODES

EIGHT_AT_4 = {code: 4 for code in COMPETENCY_CODES[:8]}  # standard total 32


def test_jpm_of_levels_at_or_above_the_standard_is_100():
    assert job_person_match(
        dict.fromkeys(COMPETENCY_CODES, 4), dict.fromkeys(COMPETENCY_CODES, 3)
    ) == Decimal("100.00")


def test_jpm_caps_each_competency_at_the_standard_level():
    levels = {"M01": 5, "M02": 1}
    standard = {"M01": 3, "M02": 3}
    assert job_person_match(levels, standard) == Decimal("66.67")  # (3 + 1) / 6


def test_jpm_counts_a_missing_competency_as_zero():
    assert job_person_match({"M01": 3}, {"M01": 3, "M02": 3}) == Decimal("50.00")


def test_jpm_ignores_competencies_outside_the_standard():
    assert job_person_match({"M01": 3, "SC01": 1}, {"M01": 3}) == Decimal("100.00")


def test_jpm_is_a_decimal_with_two_places_as_the_ledger_stores_it():
    jpm = job_person_match(
        {code: 1 for code in COMPETENCY_CODES[:7]}, dict.fromkeys(COMPETENCY_CODES[:8], 1)
    )
    assert str(jpm) == "87.50"
    assert jpm.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("levels", "expected"),
    [({"M01": 1}, "3.13"), ({"M01": 4, "M02": 1}, "15.63")],  # 1/32, 5/32: half up, not even
)
def test_jpm_rounds_half_up(levels, expected):
    assert job_person_match(levels, EIGHT_AT_4) == Decimal(expected)


@pytest.mark.parametrize(
    ("levels", "standard", "fragment"),
    [
        ({"M09": 3}, {"M01": 3}, "unknown competency code 'M09'"),
        ({"M.01": 3}, {"M01": 3}, "unknown competency code 'M.01'"),
        ({"M01": 0}, {"M01": 3}, "level of M01 must be an int from 1 to 5, got 0"),
        ({"M01": 6}, {"M01": 3}, "got 6"),
        ({"M01": True}, {"M01": 3}, "got True"),
        ({"M01": 3.0}, {"M01": 3}, "got 3.0"),
        ({"M01": "3"}, {"M01": 3}, "got '3'"),
        ({"M01": 3}, {}, "at least one competency level"),
        ({"M01": 3}, {"M01": 9}, "position standard: level of M01"),
    ],
)
def test_jpm_rejects_bad_levels_with_a_clear_message(levels, standard, fragment):
    with pytest.raises(InvalidInputError) as raised:
        job_person_match(levels, standard)
    assert fragment in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_jpm_rejects_a_competency_given_twice_as_pairs():
    with pytest.raises(InvalidInputError, match="given twice"):
        job_person_match([("M01", 3), ("M01", 4)], {"M01": 3})


def reference_jpm(levels, standard):
    """Fraction-free reference: plain Decimal arithmetic at high precision."""
    context = Context(prec=60)
    achieved = sum(min(levels.get(code, 0), level) for code, level in standard.items())
    value = context.divide(Decimal(100 * achieved), Decimal(sum(standard.values())))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


level_maps = st.dictionaries(st.sampled_from(COMPETENCY_CODES), st.integers(1, 5))


@given(levels=level_maps, standard=level_maps.filter(bool))
def test_jpm_matches_the_plain_reference(levels, standard):
    assert job_person_match(levels, standard) == reference_jpm(levels, standard)


@pytest.mark.parametrize(
    ("jpm", "band"),
    [
        (Decimal("100.00"), "optimal"),
        (Decimal("90.00"), "optimal"),
        (Decimal("89.99"), "cukup optimal"),
        (Decimal("78.00"), "cukup optimal"),
        (Decimal("77.99"), "kurang optimal"),
        (Decimal("0.00"), "kurang optimal"),
        ("87.50", "cukup optimal"),
        (90, "optimal"),
    ],
)
def test_jpm_bands_by_default(jpm, band):
    assert jpm_band(jpm) == band


def test_jpm_bands_are_configurable():
    bands = (("tinggi", Decimal("80")), ("rendah", Decimal("0")))
    assert jpm_band(Decimal("80.00"), bands) == "tinggi"
    assert jpm_band(Decimal("79.99"), bands) == "rendah"
    assert DEFAULT_BANDS[0] == ("optimal", Decimal("90"))


@pytest.mark.parametrize(
    ("bands", "fragment"),
    [
        ((), "at least one band"),
        ((("a", Decimal("50")), ("b", Decimal("60")), ("c", Decimal("0"))), "strictly descending"),
        ((("a", Decimal("50")), ("b", Decimal("10"))), "last band must start at 0"),
        ((("a", 50.0), ("b", Decimal("0"))), "lower bound"),
    ],
)
def test_bad_jpm_bands_are_rejected(bands, fragment):
    with pytest.raises(InvalidInputError) as raised:
        jpm_band(Decimal("60"), bands)
    assert fragment in str(raised.value)


@pytest.mark.parametrize("jpm", [Decimal("100.01"), Decimal("-1"), 90.0, "abc", "77.555", True])
def test_jpm_band_rejects_values_that_are_not_a_jpm(jpm):
    with pytest.raises(InvalidInputError):
        jpm_band(jpm)
