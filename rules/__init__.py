"""Rules engine for merit-based placement: rules as data, checks as code, findings with evidence.

A pure library (stdlib, networkx, rfc8785): the service gathers facts from
its ledger into a ``PlacementCase`` and calls ``evaluate(case, ruleset)``.

    from rules import RuleSet, evaluate
    evaluation = evaluate(case, RuleSet.default())
"""

from rules.catalog import CATALOG, RuleSpec
from rules.engine import Evaluation, evaluate, verdict_of
from rules.errors import CaseError, InvalidInputError, RulesError, RuleSetError
from rules.facts import (
    AssessmentFact,
    CheckFact,
    PersonFact,
    PlacementCase,
    PlacementFact,
    PositionFact,
    RankedCandidate,
    RankingFact,
    RelationFact,
    VacancyFact,
)
from rules.findings import Finding
from rules.jpm import DEFAULT_BANDS, job_person_match, jpm_band
from rules.ninebox import in_talent_pool, nine_box
from rules.ranking import (
    Candidate,
    latest_valid_assessment,
    latest_valid_assessments,
    rank_candidates,
)
from rules.registry import list_checks
from rules.ruleset import RuleSet
from rules.scales import compare_golongan, golongan_index

__all__ = [
    "CATALOG",
    "DEFAULT_BANDS",
    "AssessmentFact",
    "Candidate",
    "CaseError",
    "CheckFact",
    "Evaluation",
    "Finding",
    "InvalidInputError",
    "PersonFact",
    "PlacementCase",
    "PlacementFact",
    "PositionFact",
    "RankedCandidate",
    "RankingFact",
    "RelationFact",
    "RuleSet",
    "RuleSetError",
    "RuleSpec",
    "RulesError",
    "VacancyFact",
    "compare_golongan",
    "evaluate",
    "golongan_index",
    "in_talent_pool",
    "job_person_match",
    "jpm_band",
    "latest_valid_assessment",
    "latest_valid_assessments",
    "list_checks",
    "nine_box",
    "rank_candidates",
    "verdict_of",
]
