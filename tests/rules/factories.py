"""Factories for the rules tests: consistent facts with keyword overrides.

``make_case()`` is a compliant promotion: the appointee is the top-ranked,
recently assessed candidate of an administrator vacancy. Tests change one
thing and look at the one rule that should react.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from rules import (
    AssessmentFact,
    CheckFact,
    Evaluation,
    Finding,
    PersonFact,
    PlacementCase,
    PlacementFact,
    PositionFact,
    RankedCandidate,
    RankingFact,
    RelationFact,
    RuleSet,
    VacancyFact,
    evaluate,
)
from rules.scales import COMPETENCY_CODES

DECIDED_ON = date(2024, 6, 1)
DECISION_SEQ = 100
RANKING_SEQ = 20
REGENT = "PPK-BUPATI"


def nip(number: int) -> str:
    """Return a well-formed 18-digit NIP; larger numbers sort later."""
    year, serial = divmod(number, 1000)
    return f"{1970 + year}0101" + "200001" + "1" + f"{serial:03d}"


APPOINTEE = nip(1)
OTHERS = tuple(nip(n) for n in range(2, 6))


def make_levels(level: int = 4, **overrides: int) -> dict[str, int]:
    """Return every competency at ``level``, with per-code overrides (M01=5)."""
    levels = dict.fromkeys(COMPETENCY_CODES, level)
    levels.update(overrides)
    return levels


STANDARD = make_levels(3)


def make_assessment(
    seq: int = 10,
    nip: str = APPOINTEE,
    *,
    assessed_on: date = date(2024, 1, 15),
    levels: Mapping[str, int] | None = None,
    category: str = "Sangat Potensial",
    rating: str | None = "Baik",
    supersedes: int | None = None,
) -> AssessmentFact:
    return AssessmentFact(
        seq=seq,
        nip=nip,
        assessed_on=assessed_on,
        levels=make_levels() if levels is None else levels,
        potential_category=category,
        performance_rating=rating,
        supersedes=supersedes,
    )


def make_position(**overrides: Any) -> PositionFact:
    fields: dict[str, Any] = {
        "code": "POS-KABID",
        "unit": "DINAS-PU",
        "type": "administrator",
        "min_rank": "III/c",
        "standard": STANDARD,
        "seq": 2,
    }
    return PositionFact(**{**fields, **overrides})


def make_vacancy(candidates: Sequence[str] = (APPOINTEE, *OTHERS), **overrides: Any) -> VacancyFact:
    fields: dict[str, Any] = {
        "id": "VAC-1",
        "position_code": "POS-KABID",
        "candidates": tuple(candidates),
        "opened_on": date(2024, 2, 1),
        "seq": 3,
    }
    return VacancyFact(**{**fields, **overrides})


def make_ranking(
    order: Sequence[str] = (APPOINTEE, *OTHERS),
    *,
    categories: Mapping[str, str] | None = None,
    unranked: Iterable[str] = (),
    seq: int = RANKING_SEQ,
    vacancy_id: str = "VAC-1",
) -> RankingFact:
    """Return a ranking with ``order`` ranked 1..n (JPM 100, 99, ...), then ``unranked``."""
    categories = categories or {}
    entries = [
        RankedCandidate(
            rank,
            candidate,
            Decimal(100 - rank + 1).quantize(Decimal("0.01")),
            categories.get(candidate, "Potensial"),
            "Baik",
            30,
            1000 + rank,
        )
        for rank, candidate in enumerate(order, start=1)
    ]
    entries += [RankedCandidate(None, n, None, None, None, None, None) for n in unranked]
    return RankingFact(vacancy_id=vacancy_id, entries=tuple(entries), seq=seq)


def make_placement(**overrides: Any) -> PlacementFact:
    fields: dict[str, Any] = {
        "seq": DECISION_SEQ,
        "vacancy_id": "VAC-1",
        "nip": APPOINTEE,
        "position_code": "POS-KABID",
        "unit": "DINAS-PU",
        "from_position": "POS-KASI",
        "decided_on": DECIDED_ON,
        "decided_by": REGENT,
        "kind": "promotion",
        "approval_reference": None,
    }
    return PlacementFact(**{**fields, **overrides})


def make_other_placement(seq: int, **overrides: Any) -> PlacementFact:
    """Return a recorded placement of someone else, for the history."""
    fields: dict[str, Any] = {
        "seq": seq,
        "vacancy_id": None,
        "nip": nip(500 + seq),
        "position_code": f"POS-{seq}",
        "unit": "DINAS-PU",
        "from_position": None,
        "decided_on": DECIDED_ON,
        "decided_by": REGENT,
        "kind": "rotation",
    }
    return make_placement(**{**fields, **overrides})


def make_person(rank: str = "III/d", nip: str = APPOINTEE, seq: int = 4) -> PersonFact:
    return PersonFact(nip=nip, rank=rank, seq=seq)


def make_relation(seq: int, a: str, b: str, kind: str = "saudara kandung") -> RelationFact:
    return RelationFact(seq=seq, a=a, b=b, kind=kind)


def make_check(
    seq: int, verdict: str, nip: str = APPOINTEE, vacancy_id: str = "VAC-1"
) -> CheckFact:
    return CheckFact(seq=seq, vacancy_id=vacancy_id, nip=nip, verdict=verdict)


_DEFAULT = object()


def make_case(
    *,
    decision: PlacementFact | None = None,
    position: PositionFact | None = None,
    vacancy: VacancyFact | None = None,
    ranking: Any = _DEFAULT,
    assessments: Sequence[AssessmentFact] | None = None,
    person: PersonFact | None = None,
    relations: Sequence[RelationFact] = (),
    history: Sequence[PlacementFact] = (),
    checks: Sequence[CheckFact] = (),
) -> PlacementCase:
    """Return a compliant case, with any part replaced."""
    return PlacementCase(
        decision=decision or make_placement(),
        position=position or make_position(),
        vacancy=vacancy or make_vacancy(),
        ranking=make_ranking() if ranking is _DEFAULT else ranking,
        assessments=tuple(assessments) if assessments is not None else (make_assessment(),),
        person=person or make_person(),
        relations=tuple(relations),
        history=tuple(history),
        checks=tuple(checks),
    )


def run(case: PlacementCase, ruleset: RuleSet | None = None) -> Evaluation:
    return evaluate(case, ruleset or RuleSet.default())


def finding(case: PlacementCase, rule_id: str, ruleset: RuleSet | None = None) -> Finding | None:
    """Return the finding of ``rule_id`` on ``case`` (None if the rule did not fire)."""
    found = [f for f in run(case, ruleset).findings if f.rule_id == rule_id]
    assert len(found) <= 1
    return found[0] if found else None


def fired(case: PlacementCase, ruleset: RuleSet | None = None) -> set[str]:
    """Return the ids of the rules that fired on ``case``."""
    return {f.rule_id for f in run(case, ruleset).findings}


def no_floats(value: Any) -> bool:
    """Return whether a JSON value holds no float anywhere."""
    if isinstance(value, float):
        return False
    if isinstance(value, list):
        return all(no_floats(item) for item in value)
    if isinstance(value, dict):
        return all(no_floats(item) for item in value.values())
    return True
