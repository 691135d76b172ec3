"""The engine: evaluate one placement case under a rule set, deterministically.

``evaluate`` runs every active rule's check in rule-id order and returns an
``Evaluation``: the findings, a verdict, where the appointee stands in the
published ranking, and the rule-set hash. It reads nothing but its
arguments, so a case rebuilt from the ledger and the recorded rule set give
the same evaluation, finding ids included.

Verdict: "violation" if any finding is high or critical, "needs_justification"
if the worst is medium, otherwise "compliant" (low findings are notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rules.errors import InvalidInputError
from rules.facts import PlacementCase
from rules.findings import Finding
from rules.jsonvalues import freeze, thaw
from rules.registry import check_for
from rules.ruleset import RuleSet
from rules.scales import VERDICTS

_VERDICT_OF_SEVERITY = {
    "low": "compliant",
    "medium": "needs_justification",
    "high": "violation",
    "critical": "violation",
}


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """The outcome of evaluating one decision or check; never a bare boolean."""

    subject: Mapping[str, Any]
    findings: tuple[Finding, ...]
    verdict: str
    ranking_position: tuple[int, int] | None
    ruleset_hash: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise InvalidInputError(f"evaluation: unknown verdict {self.verdict!r}")
        object.__setattr__(self, "subject", freeze(self.subject))
        object.__setattr__(self, "findings", tuple(self.findings))

    def to_json_obj(self) -> dict[str, Any]:
        """Return the evaluation as plain JSON."""
        position = self.ranking_position
        return {
            "subject": thaw(self.subject),
            "verdict": self.verdict,
            "ranking_position": None
            if position is None
            else {"rank": position[0], "of": position[1]},
            "ruleset_hash": self.ruleset_hash,
            "findings": [finding.to_json_obj() for finding in self.findings],
        }


def verdict_of(findings: Iterable[Finding]) -> str:
    """Return the verdict the worst finding calls for ("compliant" when there is none)."""
    verdicts = {_VERDICT_OF_SEVERITY[finding.severity] for finding in findings}
    return max(verdicts, key=VERDICTS.index, default="compliant")


def evaluate(case: PlacementCase, ruleset: RuleSet) -> Evaluation:
    """Return the findings of every active rule on ``case``, and the verdict."""
    subject = case.subject
    findings = []
    for rule in ruleset:
        spec = rule.spec
        hit = check_for(spec.id, spec.version)(case, rule.parameters)
        if hit is not None:
            findings.append(
                Finding.from_hit(
                    hit,
                    rule_id=spec.id,
                    rule_version=spec.version,
                    default_severity=spec.severity,
                    ruleset_hash=ruleset.hash,
                    subject=subject,
                )
            )
    return Evaluation(
        subject=subject,
        findings=tuple(findings),
        verdict=verdict_of(findings),
        ranking_position=ranking_position(case),
        ruleset_hash=ruleset.hash,
    )


def ranking_position(case: PlacementCase) -> tuple[int, int] | None:
    """Return (rank, number ranked) of the appointee in the published ranking, if ranked."""
    if case.ranking is None:
        return None
    entry = case.ranking.by_nip.get(case.decision.nip)
    if entry is None or entry.rank is None:
        return None
    return (entry.rank, case.ranking.ranked_count)
