"""The load benchmark's counting: percentiles, summaries, joined tallies, the timeline."""

from __future__ import annotations

from bench.api_mix import Request
from bench.load_tally import Tally, percentile, summarise, timeline_lines

CHECK = Request("check", "POST", "/c", {}, 200, (("placement.checked", 1),))


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0
    assert percentile([], 0.5) == 0.0


def test_summary_is_in_milliseconds_per_second() -> None:
    summary = summarise([0.001, 0.002, 0.010, 0.004], errors=1, seconds=2.0)
    assert summary["requests"] == 4
    assert summary["per_s"] == 2.0
    assert summary["p50_ms"] == 2.0
    assert summary["max_ms"] == 10.0
    assert summary["errors"] == 1


def test_only_expected_answers_count_as_acknowledged() -> None:
    tally = Tally()
    tally.record(CHECK, 0.01, 200, {"receipt": {"seq": 7, "commitment": "c7"}})
    tally.record(CHECK, 0.02, 503, "database unavailable")
    assert tally.acknowledged == {"placement.checked": 1}
    assert tally.receipts == [(7, "c7")]
    assert tally.errors == {"check": 1}
    assert tally.error_samples == ["check: 503 database unavailable"]


def test_joined_tallies_hold_both_runs_writes() -> None:
    warm, measured = Tally(), Tally()
    warm.record(CHECK, 0.01, 200, {"receipt": {"seq": 1, "commitment": "a"}})
    measured.record(CHECK, 0.01, 200, {"receipt": {"seq": 2, "commitment": "b"}})
    joined = warm.joined(measured)
    assert joined.acknowledged == {"placement.checked": 2}
    assert joined.receipts == [(1, "a"), (2, "b")]


def test_the_timeline_has_one_line_per_second() -> None:
    lines = timeline_lines([(10.2, 0.005), (10.9, 0.015), (12.5, 0.1)], started=10.0)
    assert len(lines) == 2  # no answer finished in second 1: no line for it
    assert "0s" in lines[0] and "2 answered" in lines[0]
    assert "2s" in lines[1] and "max   100.0 ms" in lines[1]
