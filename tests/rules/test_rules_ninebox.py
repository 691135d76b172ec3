import pytest

from rules import InvalidInputError, in_talent_pool, nine_box
from rules.ninebox import box_for_levels

# Expected boxes written out by hand from PermenPANRB 3/2020 (rows: category,
# columns: Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang, None).
EXPECTED = {
    "Sangat Potensial": (9, 8, 6, 6, 6, None),
    "Potensial": (7, 5, 3, 3, 3, None),
    "Cukup Potensial": (7, 5, 3, 3, 3, None),
    "Kurang Potensial": (4, 2, 1, 1, 1, None),
}
RATINGS = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang", None)


@pytest.mark.parametrize(
    ("category", "rating", "box"),
    [
        (category, rating, box)
        for category, boxes in EXPECTED.items()
        for rating, box in zip(RATINGS, boxes, strict=True)
    ],
)
def test_nine_box_of_every_category_and_rating(category, rating, box):
    assert nine_box(category, rating) == box


@pytest.mark.parametrize(
    ("potential", "performance", "box"),
    [
        ("rendah", "di bawah ekspektasi", 1),
        ("rendah", "sesuai ekspektasi", 2),
        ("menengah", "di bawah ekspektasi", 3),
        ("rendah", "di atas ekspektasi", 4),
        ("menengah", "sesuai ekspektasi", 5),
        ("tinggi", "di bawah ekspektasi", 6),
        ("menengah", "di atas ekspektasi", 7),
        ("tinggi", "sesuai ekspektasi", 8),
        ("tinggi", "di atas ekspektasi", 9),
    ],
)
def test_box_numbers_follow_the_permenpanrb_grid(potential, performance, box):
    assert box_for_levels(potential, performance) == box


def test_boxes_7_8_9_are_the_talent_pool():
    assert [box for box in range(1, 10) if in_talent_pool(box)] == [7, 8, 9]
    assert not in_talent_pool(None)


def test_the_axes_are_configurable():
    official = {"tinggi": "tinggi", "menengah": "menengah", "rendah": "rendah"}
    assert nine_box("tinggi", "Baik", potential_axis=official) == 8
    strict = {"Sangat Baik": "sesuai ekspektasi", "Baik": "di bawah ekspektasi"}
    assert nine_box("Sangat Potensial", "Baik", performance_axis=strict) == 6


@pytest.mark.parametrize(
    ("category", "rating", "fragment"),
    [
        ("Hebat", "Baik", "potential category 'Hebat'"),
        ("Potensial", "Luar Biasa", "performance rating 'Luar Biasa'"),
    ],
)
def test_unknown_category_or_rating_is_an_error(category, rating, fragment):
    with pytest.raises(InvalidInputError) as raised:
        nine_box(category, rating)
    assert fragment in str(raised.value)


def test_an_axis_level_outside_the_grid_is_an_error():
    with pytest.raises(InvalidInputError, match="no nine-box cell"):
        nine_box("Potensial", "Baik", potential_axis={"Potensial": "sedang"})
