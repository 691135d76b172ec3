from datetime import date

import pytest

from rules import InvalidInputError, compare_golongan, golongan_index
from rules.scales import (
    GOLONGAN,
    competency_code,
    match_category,
    match_rating,
    normalize_golongan,
)
from rules.windows import add_months, days_window_start, months_window_start


def test_golongan_has_17_ranks_in_order():
    assert GOLONGAN == (
        "I/a", "I/b", "I/c", "I/d",
        "II/a", "II/b", "II/c", "II/d",
        "III/a", "III/b", "III/c", "III/d",
        "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
    )  # fmt: skip
    assert [golongan_index(rank) for rank in GOLONGAN] == list(range(17))


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [("III/d", "IV/a", -1), ("IV/a", "III/d", 1), ("II/b", "II/b", 0), ("I/d", "II/a", -1)],
)
def test_compare_golongan(left, right, expected):
    assert compare_golongan(left, right) == expected


@pytest.mark.parametrize("rank", ["III/e", "V/a", "iii/a", "", None])
def test_unknown_golongan_is_an_error_listing_the_valid_ones(rank):
    with pytest.raises(InvalidInputError, match="expected one of I/a"):
        golongan_index(rank)


def test_normalize_golongan_accepts_loose_spelling():
    assert normalize_golongan(" iii / A ") == "III/a"
    with pytest.raises(InvalidInputError):
        normalize_golongan("III/z")


def test_competency_code_accepts_the_dotted_spelling():
    assert competency_code("M.01") == "M01"
    assert competency_code(" sc.01") == "SC01"
    with pytest.raises(InvalidInputError, match="unknown competency code"):
        competency_code("M.09")


def test_categories_and_ratings_match_case_insensitively():
    assert match_category("sangat  potensial") == "Sangat Potensial"
    assert match_category("TINGGI", ("tinggi", "menengah", "rendah")) == "tinggi"
    assert match_rating("butuh perbaikan") == "Butuh Perbaikan"
    with pytest.raises(InvalidInputError, match="unknown potential category"):
        match_category("Potensi")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),
        (date(2024, 6, 1), -24, date(2022, 6, 1)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 1, 15), 0, date(2024, 1, 15)),
    ],
)
def test_add_months_uses_calendar_months_and_clamps(day, months, expected):
    assert add_months(day, months) == expected


def test_window_starts_include_the_boundary_day():
    assert days_window_start(date(2024, 6, 30), 30) == date(2024, 5, 31)
    assert months_window_start(date(2024, 6, 1), 24) == date(2022, 6, 1)
