"""Nine-box talent placement (kotak manajemen talenta).

Source of the numbering: Peraturan Menteri PANRB Nomor 3 Tahun 2020 tentang
Manajemen Talenta Aparatur Sipil Negara, lampiran, the nine-box grid of
potential (rendah / menengah / tinggi) against performance (di bawah / sesuai /
di atas ekspektasi):

    potential \\ performance   di bawah   sesuai   di atas
    tinggi                        6          8         9
    menengah                      3          5         7
    rendah                        1          2         4

Boxes 7, 8 and 9 form the talent pool. The mappings from the assessment's
potential category and the performance rating onto the two axes are
configurable; the defaults are below.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rules.errors import InvalidInputError

POTENTIAL_LEVELS: tuple[str, ...] = ("rendah", "menengah", "tinggi")
PERFORMANCE_LEVELS: tuple[str, ...] = (
    "di bawah ekspektasi",
    "sesuai ekspektasi",
    "di atas ekspektasi",
)
TALENT_POOL_BOXES: frozenset[int] = frozenset({7, 8, 9})

DEFAULT_POTENTIAL_AXIS: Mapping[str, str] = MappingProxyType(
    {
        "Sangat Potensial": "tinggi",
        "Potensial": "menengah",
        "Cukup Potensial": "menengah",
        "Kurang Potensial": "rendah",
    }
)
DEFAULT_PERFORMANCE_AXIS: Mapping[str, str] = MappingProxyType(
    {
        "Sangat Baik": "di atas ekspektasi",
        "Baik": "sesuai ekspektasi",
        "Butuh Perbaikan": "di bawah ekspektasi",
        "Kurang": "di bawah ekspektasi",
        "Sangat Kurang": "di bawah ekspektasi",
    }
)

# (potential level, performance level) -> box number, as in the grid above.
_BOXES: Mapping[tuple[str, str], int] = MappingProxyType(
    {
        ("rendah", "di bawah ekspektasi"): 1,
        ("rendah", "sesuai ekspektasi"): 2,
        ("menengah", "di bawah ekspektasi"): 3,
        ("rendah", "di atas ekspektasi"): 4,
        ("menengah", "sesuai ekspektasi"): 5,
        ("tinggi", "di bawah ekspektasi"): 6,
        ("menengah", "di atas ekspektasi"): 7,
        ("tinggi", "sesuai ekspektasi"): 8,
        ("tinggi", "di atas ekspektasi"): 9,
    }
)


def box_for_levels(potential_level: str, performance_level: str) -> int:
    """Return the box number (1..9) for a potential level and a performance level."""
    try:
        return _BOXES[(potential_level, performance_level)]
    except KeyError:
        raise InvalidInputError(
            f"no nine-box cell for potential {potential_level!r} and performance "
            f"{performance_level!r}; potential is one of {', '.join(POTENTIAL_LEVELS)}, "
            f"performance one of {', '.join(PERFORMANCE_LEVELS)}"
        ) from None


def nine_box(
    potential_category: str,
    performance_rating: str | None,
    *,
    potential_axis: Mapping[str, str] = DEFAULT_POTENTIAL_AXIS,
    performance_axis: Mapping[str, str] = DEFAULT_PERFORMANCE_AXIS,
) -> int | None:
    """Return the box (1..9) of an assessment, or None when the performance rating is missing."""
    if performance_rating is None:
        return None
    try:
        potential_level = potential_axis[potential_category]
    except KeyError:
        raise InvalidInputError(
            f"potential category {potential_category!r} has no level on the potential axis; "
            f"known: {', '.join(potential_axis)}"
        ) from None
    try:
        performance_level = performance_axis[performance_rating]
    except KeyError:
        raise InvalidInputError(
            f"performance rating {performance_rating!r} has no level on the performance axis; "
            f"known: {', '.join(performance_axis)}"
        ) from None
    return box_for_levels(potential_level, performance_level)


def in_talent_pool(box: int | None) -> bool:
    """Return whether a box belongs to the talent pool (boxes 7, 8 and 9)."""
    return box in TALENT_POOL_BOXES
