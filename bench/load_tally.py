"""What a load run counts: latencies, errors and acknowledged writes, and their summaries."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.api_mix import Request

__all__ = ["Tally", "percentile", "summarise", "timeline_lines"]


@dataclass
class Tally:
    """Latencies, errors and acknowledged writes of one run."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    acknowledged: Counter[str] = field(default_factory=Counter)
    receipts: list[tuple[int, str]] = field(default_factory=list)
    timeline: list[tuple[float, float]] = field(default_factory=list)

    def joined(self, other: Tally) -> Tally:
        """Return one tally of the writes acknowledged in this run and in ``other``."""
        return Tally(
            acknowledged=self.acknowledged + other.acknowledged,
            receipts=self.receipts + other.receipts,
        )

    def record(self, request: Request, seconds: float, status: int, payload: Any) -> None:
        """Count one answered (or failed: status 0) request."""
        self.latencies.setdefault(request.operation, []).append(seconds)
        self.timeline.append((time.perf_counter(), seconds))
        if status != request.expected:
            self.errors[request.operation] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{request.operation}: {status} {str(payload)[:300]}")
            return
        for entry_type, count in request.entries:
            self.acknowledged[entry_type] += count
        if request.entries:
            receipts = payload.get("receipts") or [payload["receipt"]]
            self.receipts += [(r["seq"], r["commitment"]) for r in receipts]


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of the values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def summarise(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    """Return the rate, latency percentiles (ms) and error count of one operation."""
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=0.0) * 1000, 1),
        "errors": errors,
    }


def timeline_lines(timeline: list[tuple[float, float]], started: float) -> list[str]:
    """Return, per second of the run, the answers finished and their p50/p99/max latency."""
    lines: list[str] = []
    seconds: dict[int, list[float]] = {}
    for finished, latency in timeline:
        seconds.setdefault(int(finished - started), []).append(latency)
    for second, values in sorted(seconds.items()):
        lines.append(
            f"  t={second:3d}s {len(values):5d} answered  p50 "
            f"{percentile(values, 0.5) * 1000:7.1f}  p99 {percentile(values, 0.99) * 1000:7.1f}"
            f"  max {max(values) * 1000:7.1f} ms"
        )
    return lines
