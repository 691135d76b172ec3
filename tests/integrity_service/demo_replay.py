"""An independent oracle for the demo: replay a scenario's steps as facts and run the rules.

It counts ledger seqs the way the service appends entries (one per result,
one per other step), builds each decision's ``PlacementCase`` from what was
recorded before it, and evaluates it under the default rule set. So a test
can check that each planted rule fires exactly where the manifest says,
without a database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from integrity_service.demo_steps import (
    CheckPlacement,
    CorrectAssessment,
    DecidePlacement,
    Decision,
    DeclareRelation,
    DefinePosition,
    OpenVacancy,
    PublishRanking,
    RecordAssessments,
    Scenario,
)
from integrity_service.domain.assessments import AssessmentResult
from rules import (
    AssessmentFact,
    CheckFact,
    PersonFact,
    PlacementCase,
    PlacementFact,
    PositionFact,
    RankingFact,
    RelationFact,
    RuleSet,
    VacancyFact,
    evaluate,
    latest_valid_assessments,
    rank_candidates,
)


@dataclass
class Replay:
    """The facts recorded so far, and the rules that fired on each decision."""

    seq: int = 0
    assessments: defaultdict[str, list[AssessmentFact]] = field(
        default_factory=lambda: defaultdict(list)
    )
    people: dict[str, tuple[PersonFact, str]] = field(default_factory=dict)
    positions: dict[str, tuple[PositionFact, str]] = field(default_factory=dict)
    vacancies: dict[str, VacancyFact] = field(default_factory=dict)
    rankings: dict[str, RankingFact] = field(default_factory=dict)
    relations: list[RelationFact] = field(default_factory=list)
    history: list[PlacementFact] = field(default_factory=list)
    checks: list[CheckFact] = field(default_factory=list)
    held: dict[str, str] = field(default_factory=dict)
    fired: dict[str, set[str]] = field(default_factory=dict)
    verdicts: dict[str, str] = field(default_factory=dict)
    ruleset: RuleSet = field(default_factory=RuleSet.default)

    def _assessment(self, result: AssessmentResult, supersedes: int | None) -> None:
        nip = result.nip.value
        self.assessments[nip].append(
            AssessmentFact(
                seq=self.seq,
                nip=nip,
                assessed_on=result.assessed_on,
                levels=result.levels,
                potential_category=result.potential_category,
                performance_rating=result.performance_rating,
                supersedes=supersedes,
            )
        )
        person = PersonFact(nip=nip, rank=result.rank, seq=self.seq)
        self.people[nip] = (person, result.current_position)
        self.seq += 1

    def _case(self, decision: Decision, seq: int | None, former: str | None) -> PlacementCase:
        vacancy = self.vacancies[decision.vacancy]
        position, _ = self.positions[vacancy.position_code]
        fact = PlacementFact(
            seq=seq,
            vacancy_id=vacancy.id,
            nip=decision.nip,
            position_code=position.code,
            unit=position.unit,
            from_position=former,
            decided_on=decision.decided_on,
            decided_by=decision.decided_by,
            kind=decision.kind,
            approval_reference=decision.approval_reference,
        )
        return PlacementCase(
            decision=fact,
            position=position,
            vacancy=vacancy,
            ranking=self.rankings.get(vacancy.id),
            assessments=self.assessments[decision.nip],
            person=self.people[decision.nip][0],
            relations=self.relations,
            history=self.history,
            checks=self.checks,
        )

    def former_position(self, nip: str) -> str:
        """Return what the service records as the appointee's former position."""
        return self.held.get(nip) or self.people[nip][1]

    def apply(self, step: object) -> None:
        """Apply one step, evaluating it if it is a check or a decision."""
        match step:
            case RecordAssessments(results=results):
                for result in results:
                    self._assessment(result, None)
            case CorrectAssessment(result=result):
                nip = result.nip.value
                latest = latest_valid_assessments(self.assessments[nip])[nip]
                self._assessment(result, latest.seq)
            case DefinePosition(spec=spec):
                fact = PositionFact(
                    code=spec.code,
                    unit=spec.unit,
                    type=spec.type,
                    min_rank=spec.min_rank,
                    standard=spec.standard,
                    seq=self.seq,
                )
                self.positions[spec.code] = (fact, spec.title)
                self.seq += 1
            case DeclareRelation(a=a, b=b, kind=kind):
                self.relations.append(RelationFact(seq=self.seq, a=a, b=b, kind=kind))
                self.seq += 1
            case OpenVacancy():
                self.vacancies[step.vacancy] = VacancyFact(
                    id=step.vacancy,
                    position_code=step.position,
                    candidates=step.candidates,
                    opened_on=step.opened_on,
                    seq=self.seq,
                )
                self.seq += 1
            case PublishRanking(vacancy=vacancy_id):
                vacancy = self.vacancies[vacancy_id]
                position, _ = self.positions[vacancy.position_code]
                facts = [a for nip in vacancy.candidates for a in self.assessments[nip]]
                latest = latest_valid_assessments(facts)
                entries = rank_candidates(
                    ((nip, latest.get(nip)) for nip in vacancy.candidates), position.standard
                )
                self.rankings[vacancy_id] = RankingFact(
                    vacancy_id=vacancy_id, entries=tuple(entries), seq=self.seq
                )
                self.seq += 1
            case CheckPlacement(decision=decision):
                former = self.former_position(decision.nip)
                verdict = evaluate(self._case(decision, None, former), self.ruleset).verdict
                self.checks.append(
                    CheckFact(
                        seq=self.seq, vacancy_id=decision.vacancy, nip=decision.nip, verdict=verdict
                    )
                )
                self.seq += 1
            case DecidePlacement(placement=placement, decision=decision):
                former = self.former_position(decision.nip)
                case = self._case(decision, self.seq, former)
                evaluation = evaluate(case, self.ruleset)
                self.fired[placement] = {finding.rule_id for finding in evaluation.findings}
                self.verdicts[placement] = evaluation.verdict
                self.history.append(case.decision)
                self.held[decision.nip] = case.position.code
                self.seq += 1


def replay(scenario: Scenario) -> Replay:
    """Replay every step of ``scenario`` and return the facts and the rules that fired."""
    state = Replay()
    for step in scenario.steps():
        state.apply(step)
    return state
