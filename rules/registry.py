"""The vocabulary of checks: which code interprets each (rule id, version)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from rules import checks_assessment, checks_graph, checks_selection, checks_time
from rules.errors import RuleSetError
from rules.facts import PlacementCase
from rules.findings import Hit

Check = Callable[[PlacementCase, Mapping[str, Any]], Hit | None]

CHECKS: Mapping[tuple[str, int], Check] = MappingProxyType(
    {
        ("MERIT-001", 1): checks_assessment.not_assessed,
        ("MERIT-002", 1): checks_selection.outside_top_k,
        ("MERIT-003", 1): checks_selection.not_a_candidate,
        ("MERIT-004", 1): checks_selection.no_ranking,
        ("MERIT-005", 1): checks_assessment.below_category_floor,
        ("MERIT-006", 1): checks_assessment.low_job_match,
        ("MERIT-007", 1): checks_assessment.score_changed,
        ("MERIT-008", 1): checks_selection.rank_below_minimum,
        ("MERIT-009", 1): checks_graph.conflict_of_interest,
        ("MERIT-010", 1): checks_graph.rotation_ring,
        ("MERIT-011", 1): checks_time.mass_reshuffle,
        ("MERIT-012", 1): checks_time.rapid_repromotion,
        ("MERIT-013", 1): checks_time.check_ignored,
    }
)


def check_for(rule_id: str, version: int) -> Check:
    """Return the check that interprets (rule_id, version); raise ``RuleSetError`` if none."""
    try:
        return CHECKS[(rule_id, version)]
    except KeyError:
        raise RuleSetError(f"no check implements {rule_id} version {version}") from None


def list_checks() -> list[dict[str, Any]]:
    """Return one row per check: rule id, version, the function's name and its summary."""
    return [
        {
            "rule_id": rule_id,
            "version": version,
            "check": f"{check.__module__}.{check.__qualname__}",
            "summary": (check.__doc__ or "").strip().splitlines()[0],
        }
        for (rule_id, version), check in CHECKS.items()
    ]
