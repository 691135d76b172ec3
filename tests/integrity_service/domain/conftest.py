"""Builders of valid assessment and position records, to be broken one field at a time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pytest

ASSESSMENT_HEADER = (
    "nip,name,rank,unit,current_position,event,method,assessed_on,session,"
    "m01,m02,m03,m04,m05,m06,m07,m08,sc01,potential_category,performance_rating"
)
POSITION_HEADER = "code,title,type,unit,min_rank,m01,m02,m03,m04,m05,m06,m07,m08,sc01"

VALID_CELLS: dict[str, str] = {
    "nip": "198702152010011001",
    "name": "Budi Santoso",
    "rank": "III/c",
    "unit": "Dinas Kesehatan",
    "current_position": "Kepala Seksi Pelayanan",
    "event": "CACT Kabupaten 2024",
    "method": "CACT",
    "assessed_on": "2024-03-18",
    "session": "1",
    **{column: "3" for column in ("m01", "m02", "m03", "m04", "m05", "m06", "m07", "m08")},
    "sc01": "4",
    "potential_category": "Potensial",
    "performance_rating": "Baik",
}


def _quote(cell: str, delimiter: str) -> str:
    if any(char in cell for char in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@pytest.fixture
def today() -> date:
    """Fix the validation date, so results do not drift with the calendar."""
    return date(2025, 6, 30)


@pytest.fixture
def assessment_obj() -> Callable[..., dict[str, Any]]:
    """Build a valid API assessment object, with some fields replaced."""

    def build(**changes: Any) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "nip": "198702152010011001",
            "name": "Budi Santoso",
            "rank": "III/c",
            "unit": "Dinas Kesehatan",
            "current_position": "Kepala Seksi Pelayanan",
            "event": "CACT Kabupaten 2024",
            "method": "CACT",
            "assessed_on": "2024-03-18",
            "session": 1,
            "competencies": {f"M0{n}": 3 for n in range(1, 9)} | {"SC01": 4},
            "potential_category": "Potensial",
            "performance_rating": "Baik",
        }
        obj.update(changes)
        return obj

    return build


@pytest.fixture
def assessments_csv() -> Callable[..., bytes]:
    """Build an assessments CSV file from rows of cell changes to a valid row."""

    def build(
        rows: Sequence[Mapping[str, str]],
        *,
        delimiter: str = ",",
        header: str = ASSESSMENT_HEADER,
        line_end: str = "\n",
    ) -> bytes:
        columns = [name.strip().lower() for name in header.split(",")]
        lines = [header.replace(",", delimiter)]
        for changes in rows:
            cells = VALID_CELLS | dict(changes)
            lines.append(delimiter.join(_quote(cells.get(c, ""), delimiter) for c in columns))
        return (line_end.join(lines) + line_end).encode("utf-8")

    return build


def nip_for(serial: int) -> str:
    """Return a valid NIP that differs from others only in its serial."""
    return f"19870215201001 1{serial:03d}".replace(" ", "")
