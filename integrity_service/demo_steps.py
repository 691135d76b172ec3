"""The demo scenario as data: ordered steps, grouped in transactions, and the manifest.

Each step is one call of the write path. Steps that the generator can
predict the outcome of carry that prediction (the published ranking's order,
the appointee's former position, the ids the service will assign), and the
runner checks it, so a scenario that drifts from the service fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from integrity_service.domain.assessments import AssessmentResult
from integrity_service.domain.positions import PositionSpec

ACTOR = "demo"
"""The actor recorded on every demo entry."""


@dataclass(frozen=True)
class RecordAssessments:
    """Record a batch of assessment results (one CACT day, or older results)."""

    results: tuple[AssessmentResult, ...]


@dataclass(frozen=True)
class CorrectAssessment:
    """Correct the latest recorded assessment of ``result.nip``."""

    corrected_on: date
    reason: str
    result: AssessmentResult


@dataclass(frozen=True)
class DefinePosition:
    """Define a position and its competency standard."""

    spec: PositionSpec


@dataclass(frozen=True)
class DeclareRelation:
    """Declare a relation between two ids (NIPs or a decision maker's id)."""

    a: str
    b: str
    kind: str
    source: str


@dataclass(frozen=True)
class OpenVacancy:
    """Open vacancy ``vacancy`` (the id the service will assign) with its candidates."""

    vacancy: str
    position: str
    candidates: tuple[str, ...]
    opened_on: date


@dataclass(frozen=True)
class PublishRanking:
    """Publish the vacancy's ranking; ``expected_order`` lists the NIPs best first."""

    vacancy: str
    published_on: date
    expected_order: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """A placement decision in the API's shape."""

    vacancy: str
    nip: str
    decree_number: str
    decided_on: date
    decided_by: str
    kind: str
    justification: str | None
    approval_reference: str | None

    def to_json_obj(self) -> dict[str, Any]:
        """Return the decision as the API's JSON object."""
        return {
            "vacancy": self.vacancy,
            "nip": self.nip,
            "decree_number": self.decree_number,
            "decided_on": self.decided_on.isoformat(),
            "decided_by": self.decided_by,
            "kind": self.kind,
            "justification": self.justification,
            "approval_reference": self.approval_reference,
        }


@dataclass(frozen=True)
class CheckPlacement:
    """Ask the placement check about a decision before taking it."""

    decision: Decision


@dataclass(frozen=True)
class DecidePlacement:
    """Record a decision as placement ``placement``; ``from_position`` is predicted."""

    placement: str
    decision: Decision
    from_position: str | None


Step = (
    RecordAssessments
    | CorrectAssessment
    | DefinePosition
    | DeclareRelation
    | OpenVacancy
    | PublishRanking
    | CheckPlacement
    | DecidePlacement
)


@dataclass(frozen=True)
class Phase:
    """Steps recorded in one transaction, followed by a signed checkpoint."""

    label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, eq=False)
class Scenario:
    """A whole demo: its phases in order and the manifest of what it plants.

    ``expected`` maps every placement id to the rule ids that should fire on
    it (empty for a placement that follows the ranking cleanly); ``planted``
    is the same, by rule; ``stories`` says in a sentence what each deviating
    placement does.
    """

    seed: int
    phases: tuple[Phase, ...]
    expected: Mapping[str, frozenset[str]]
    stories: Mapping[str, str] = field(default_factory=dict)

    @property
    def planted(self) -> dict[str, list[str]]:
        """Return, for each rule id, the placement ids where it is planted."""
        by_rule: dict[str, list[str]] = {}
        for placement, rules in sorted(self.expected.items()):
            for rule in sorted(rules):
                by_rule.setdefault(rule, []).append(placement)
        return dict(sorted(by_rule.items()))

    @property
    def follows_ranking(self) -> frozenset[str]:
        """Return the placements that follow the published ranking with no finding."""
        return frozenset(placement for placement, rules in self.expected.items() if not rules)

    def steps(self) -> Iterator[Step]:
        """Yield every step in order."""
        for phase in self.phases:
            yield from phase.steps

    def counts(self) -> dict[str, int]:
        """Return how many of each kind of record the scenario writes."""
        kinds = {
            "assessments": 0,
            "corrections": 0,
            "positions": 0,
            "relations": 0,
            "vacancies": 0,
            "rankings": 0,
            "checks": 0,
            "placements": 0,
        }
        people: set[str] = set()
        units: set[str] = set()
        for step in self.steps():
            if isinstance(step, RecordAssessments):
                kinds["assessments"] += len(step.results)
                people.update(result.nip.value for result in step.results)
                units.update(result.unit for result in step.results)
            elif isinstance(step, DefinePosition):
                kinds["positions"] += 1
                units.add(step.spec.unit)
            else:
                kinds[_COUNTED[type(step)]] += 1
        return {"people": len(people), "units": len(units), **kinds}


_COUNTED: dict[type, str] = {
    CorrectAssessment: "corrections",
    DeclareRelation: "relations",
    OpenVacancy: "vacancies",
    PublishRanking: "rankings",
    CheckPlacement: "checks",
    DecidePlacement: "placements",
}
