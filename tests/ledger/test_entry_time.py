"""Entry times: RFC 3339 UTC with milliseconds, fixed width, read back as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ledger.entry import parse_utc_text, utc_now_text, utc_text


def test_a_time_is_written_in_utc_with_milliseconds() -> None:
    jakarta = timezone(timedelta(hours=7))
    moment = datetime(2026, 1, 2, 10, 4, 5, 678_999, tzinfo=jakarta)
    assert utc_text(moment) == "2026-01-02T03:04:05.678Z"


def test_written_times_read_back_and_sort_as_text() -> None:
    earlier, later = utc_text(datetime(2026, 1, 2, tzinfo=UTC)), utc_now_text()
    assert len(earlier) == len(later) == 24 and earlier < later
    assert parse_utc_text(earlier) == datetime(2026, 1, 2, tzinfo=UTC)
    assert parse_utc_text("2026-01-02T10:00:00+07:00") == datetime(2026, 1, 2, 3, tzinfo=UTC)


def test_a_malformed_time_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_utc_text("yesterday")
