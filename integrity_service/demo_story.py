"""The generator's working state: free positions, reserved officials and vacancy plans.

A ``Plan`` is one vacancy from opening to decision. Plans are written in any
order; :mod:`integrity_service.demo_scenario` sorts their events by date and
turns them into steps.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from integrity_service.demo_people import Participant
from integrity_service.demo_selection import MIN_JPM, TYPE_LEVEL, Talent, meets_rank
from integrity_service.domain.positions import PositionSpec
from integrity_service.domain.vocabulary import COMPETENCY_CODES, RANKS
from rules.jpm import job_person_match

BUPATI = "PPK-BUPATI"
"""The id of the decision maker (PPK): the Bupati."""

FIRST_OPENING = date(2025, 9, 1)
SIZES = {
    "jpt_pratama": (3, 8),
    "administrator": (4, 12),
    "pengawas": (5, 15),
    "fungsional": (3, 10),
    "pelaksana": (3, 8),
}
"""How many candidates a vacancy of each type has."""


def weekday(day: date, *, back: bool = False) -> date:
    """Return ``day`` moved to the nearest working day (forward, or back)."""
    step = timedelta(days=-1 if back else 1)
    while day.weekday() >= 5:
        day += step
    return day


@dataclass(frozen=True)
class Correction:
    """A corrected profile of an official, recorded on ``corrected_on`` with a reason."""

    corrected_on: date
    reason: str
    person: Participant


@dataclass
class Plan:
    """One vacancy from opening to decision; ``expect`` holds the rules it plants."""

    position: PositionSpec
    candidates: tuple[str, ...]
    opened_on: date
    ranked_on: date | None
    expected_order: tuple[str, ...] = ()
    appointee: str | None = None
    decided_on: date | None = None
    kind: str = "promotion"
    decided_by: str = BUPATI
    justification: str | None = None
    approval_reference: str | None = None
    checked: bool = False
    correction: Correction | None = None
    expect: frozenset[str] = frozenset()
    story: str | None = None


class Story:
    """Everything the plants and the ordinary placements share while the scenario is built."""

    def __init__(
        self, rng: random.Random, talent: Talent, positions: Iterable[PositionSpec], sekda: str
    ) -> None:
        self.rng = rng
        self.talent = talent
        self.free = list(positions)
        self.sekda = sekda
        self.reserved: set[str] = set()
        self.corrected: set[str] = set()
        self.candidates: set[str] = set()  # in a kept plan: their profile is fixed from now on
        self.appointed: set[str] = set()
        self.plans: list[Plan] = []
        self.relations: list[tuple[str, str, str, str]] = []
        self.type_now: dict[str, str] = {}

    # -- positions and people ---------------------------------------------------------------
    def take_position(self, accept: Callable[[PositionSpec], bool]) -> PositionSpec:
        """Remove and return a random free position that ``accept`` accepts."""
        choices = [spec for spec in self.free if accept(spec)]
        if not choices:
            raise RuntimeError("demo scenario: no free position left of the kind a plant needs")
        spec = self.rng.choice(choices)
        self.free.remove(spec)
        return spec

    def reserve(self, accept: Callable[[Participant], bool]) -> str:
        """Reserve a random official that ``accept`` accepts for one planted story."""
        excluded = self.reserved | self.appointed | self.corrected | self.candidates
        choices = [
            p.nip for p in self.talent.people.values() if p.nip not in excluded and accept(p)
        ]
        if not choices:
            raise RuntimeError("demo scenario: no official left of the kind a plant needs")
        nip = self.rng.choice(choices)
        self.reserved.add(nip)
        return nip

    def strong(self, nip: str, category: str | None = None) -> None:
        """Give an official levels 4-5 (JPM 100 for every standard) and the given category."""
        levels = [4 if self.rng.random() < 0.7 else 5 for _ in COMPETENCY_CODES]
        chosen = category or self.rng.choice(("Sangat Potensial", "Potensial"))
        self.talent.update(self.talent.people[nip].with_levels(levels, chosen))

    def fair(self, nip: str, spec: PositionSpec, drops: int = 3) -> None:
        """Give an official the position's standard less ``drops`` levels (a JPM near 90)."""
        levels = [spec.standard[code] for code in COMPETENCY_CODES]
        for index in self.rng.sample(range(len(levels)), drops):
            levels[index] = max(1, levels[index] - 1)
        self.talent.update(self.talent.people[nip].with_levels(levels, "Potensial"))

    def just_below(self, nip: str, spec: PositionSpec, category: str = "Potensial") -> None:
        """Give an official levels whose JPM for ``spec`` is just under the minimum."""
        levels = [spec.standard[code] for code in COMPETENCY_CODES]
        while job_person_match(dict(zip(COMPETENCY_CODES, levels, strict=True)), spec.standard) >= (
            MIN_JPM
        ):
            index = self.rng.choice([i for i, level in enumerate(levels) if level > 1])
            levels[index] -= 1
        self.talent.update(self.talent.people[nip].with_levels(levels, category))

    def pool(self, spec: PositionSpec) -> list[str]:
        """Return plausible applicants for ``spec``, leaving out reserved officials."""
        return self.talent.pool(spec, unit_code(spec), exclude=self.reserved, rng=self.rng)

    def kind_for(self, nip: str, spec: PositionSpec) -> str:
        """Return promotion if the position is of a higher type than the official's post."""
        now = self.type_now.get(nip, self.talent.people[nip].position_type)
        return "promotion" if TYPE_LEVEL[spec.type] > TYPE_LEVEL[now] else "rotation"

    # -- vacancies ------------------------------------------------------------------------------
    def vacancy(
        self,
        spec: PositionSpec,
        appointee: str,
        decided_on: date,
        *,
        rank: int = 1,
        size: int | None = None,
        pool: list[str] | None = None,
        ranked: bool = True,
    ) -> Plan | None:
        """Plan a vacancy decided on ``decided_on`` whose ranking puts ``appointee`` at ``rank``."""
        low, high = SIZES[spec.type]
        size = size or max(rank + 2, self.rng.randint(low, high))
        applicants = self.pool(spec) if pool is None else pool
        candidates = self.talent.arrange(
            appointee, spec, applicants, rank=rank, size=size, rng=self.rng
        )
        if candidates is None:
            return None
        ranked_on = weekday(decided_on - timedelta(days=self.rng.randint(7, 21)), back=True)
        opened_on = max(FIRST_OPENING, ranked_on - timedelta(days=self.rng.randint(14, 35)))
        return Plan(
            position=spec,
            candidates=candidates,
            opened_on=weekday(opened_on),
            ranked_on=ranked_on if ranked else None,
            expected_order=self.talent.order(candidates, spec) if ranked else (),
        )

    def decide(
        self,
        plan: Plan,
        appointee: str,
        decided_on: date,
        *,
        kind: str | None = None,
        justification: str | None = None,
        approval_reference: str | None = None,
        expect: Iterable[str] = (),
        story: str | None = None,
        correction: Correction | None = None,
    ) -> Plan:
        """Complete a plan with its decision and keep it; the signer follows the position type."""
        spec = plan.position
        plan.appointee = appointee
        plan.decided_on = decided_on
        plan.kind = kind or self.kind_for(appointee, spec)
        if spec.type in ("fungsional", "pelaksana"):
            plan.decided_by = self.sekda  # delegated: the Sekda signs for the Bupati
        plan.justification = justification
        plan.approval_reference = approval_reference
        plan.expect = frozenset(expect)
        plan.story = story
        plan.correction = correction
        self.appointed.add(appointee)
        self.type_now[appointee] = spec.type
        return self.keep(plan)

    def keep(self, plan: Plan) -> Plan:
        """Add a plan to the scenario."""
        self.candidates.update(plan.candidates)
        self.plans.append(plan)
        return plan


def unit_code(spec: PositionSpec) -> str:
    """Return the unit code a position code starts with (``KEC-X-...`` keeps two parts)."""
    parts = spec.code.split("-")
    return "-".join(parts[:2]) if parts[0] == "KEC" else parts[0]


def rank_below(rank: str) -> str:
    """Return the golongan one step below ``rank``."""
    return RANKS.terms[RANKS.position(rank) - 1]


# -- helpers shared by the plants ---------------------------------------------------------------
RESHUFFLE_UNIT = "DISDIK"
"""The unit planted with a mass reshuffle; plants and ordinary placements keep out of it."""


def of_type(*types: str) -> Callable[[PositionSpec], bool]:
    """Accept positions of the given types outside the reshuffled unit."""
    return lambda spec: spec.type in types and unit_code(spec) != RESHUFFLE_UNIT


def official(types: tuple[str, ...], min_rank: str) -> Callable[[Participant], bool]:
    """Accept officials of the given types with at least golongan ``min_rank``."""
    floor = RANKS.position(min_rank)
    return lambda p: p.position_type in types and RANKS.position(p.rank) >= floor


def some_day(
    rng: random.Random, start: date = date(2025, 10, 6), end: date = date(2026, 6, 26)
) -> date:
    """Return a random working day between ``start`` and ``end``."""
    return weekday(start + timedelta(days=rng.randint(0, (end - start).days)), back=True)


def placed(
    story: Story,
    accept: Callable[[PositionSpec], bool],
    appointee: str,
    decided_on: date,
    *,
    rank: int = 1,
    ranked: bool = True,
    shape: Callable[[PositionSpec], None] | None = None,
    rank_ok: bool = True,
) -> Plan:
    """Take a free position that works for the story and plan its vacancy; try others if not.

    Only positions whose minimum golongan the appointee meets fit, or, when
    ``rank_ok`` is False, only positions whose minimum they miss.
    """
    golongan = story.talent.people[appointee].rank
    tried: list[PositionSpec] = []

    def fits(spec: PositionSpec) -> bool:
        qualified = meets_rank(golongan, spec) == rank_ok
        return qualified and accept(spec) and spec.code not in {t.code for t in tried}

    try:
        while True:
            spec = story.take_position(fits)
            if shape is not None:
                shape(spec)
            plan = story.vacancy(spec, appointee, decided_on, rank=rank, ranked=ranked)
            if plan is not None:
                return plan
            tried.append(spec)
    finally:
        story.free.extend(tried)
