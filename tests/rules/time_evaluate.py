"""Time a placement check: rank 2,000 candidates, then evaluate one decision.

Run: .venv/bin/python tests/rules/time_evaluate.py   (a script, not a test)

Prints CPU time per call (best of 20 rounds of 100), so other busy processes
on the machine do not count, for a compliant appointee (ranked first) and a
bad one (ranked near the bottom: three findings to build), plus a
calibration loop to compare machines.
"""

from __future__ import annotations

import random
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rules import Candidate, RankingFact, RuleSet, evaluate, rank_candidates
from rules.scales import (
    COMPETENCY_CODES,
    DEFAULT_POTENTIAL_CATEGORIES,
    PERFORMANCE_RATINGS,
)
from tests.rules.factories import (
    STANDARD,
    make_assessment,
    make_case,
    make_person,
    make_placement,
    make_vacancy,
    nip,
)

CANDIDATES = 2000


def cpu_ms(function) -> float:
    runs = 100
    best = min(timeit.repeat(function, number=runs, repeat=20, timer=time.process_time))
    return best / runs * 1000


def main() -> None:
    rng = random.Random(7)
    candidates = [
        Candidate(
            nip(n),
            None
            if n % 50 == 0
            else make_assessment(
                seq=10_000 + n,
                nip=nip(n),
                levels={code: rng.randint(1, 5) for code in COMPETENCY_CODES},
                category=rng.choice(DEFAULT_POTENTIAL_CATEGORIES),
                rating=rng.choice((*PERFORMANCE_RATINGS, None)),
            ),
        )
        for n in range(1, CANDIDATES + 1)
    ]
    assessments = dict(candidates)
    ruleset = RuleSet.default()
    vacancy = make_vacancy(candidates=list(assessments))
    entries = rank_candidates(candidates, STANDARD)

    def check(appointee: str) -> None:
        ranking = RankingFact(
            vacancy_id="VAC-1", entries=tuple(rank_candidates(candidates, STANDARD)), seq=20
        )
        case = make_case(
            decision=make_placement(seq=None, nip=appointee),
            vacancy=vacancy,
            ranking=ranking,
            assessments=[assessments[appointee]],
            person=make_person(nip=appointee),
        )
        evaluate(case, ruleset)

    print(
        f"calibration (2000-tuple list comprehension): "
        f"{cpu_ms(lambda: [(i, 'x', None) for i in range(2000)]):.3f} ms"
    )
    ranking_ms = cpu_ms(lambda: rank_candidates(candidates, STANDARD))
    print(f"rank {CANDIDATES} candidates: {ranking_ms:.3f} ms")
    for label, entry in (("compliant", entries[0]), ("3 findings", entries[-60])):
        print(f"full check, {label}: {cpu_ms(lambda e=entry: check(e.nip)):.3f} ms")


if __name__ == "__main__":
    main()
