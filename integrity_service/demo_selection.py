"""How the demo chooses candidates so that a vacancy's ranking comes out as the story needs.

The generator ranks with the rules engine's own ``rank_candidates``, on the
levels each official will have when the ranking is published, so it knows in
advance where the appointee will stand. The runner checks that the service
publishes exactly that order.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from integrity_service.demo_people import ASSESSED_ON, Participant
from integrity_service.domain.positions import PositionSpec
from rules.catalog import get_spec
from rules.facts import AssessmentFact
from rules.jpm import job_person_match, parse_jpm
from rules.ranking import rank_candidates
from rules.scales import DEFAULT_POTENTIAL_CATEGORIES, golongan_index

CATEGORY_FLOORS: Mapping[str, str] = get_spec("MERIT-005", 1).parameters["floors"]
MIN_JPM: Decimal = parse_jpm(get_spec("MERIT-006", 1).parameters["min_jpm"])

TYPE_LEVEL = {"pelaksana": 0, "fungsional": 1, "pengawas": 2, "administrator": 3, "jpt_pratama": 4}
SOURCE_TYPES: Mapping[str, tuple[str, ...]] = {
    "jpt_pratama": ("administrator",),
    "administrator": ("pengawas", "administrator"),
    "pengawas": ("fungsional", "pelaksana", "pengawas"),
    "fungsional": ("pelaksana", "fungsional"),
    "pelaksana": ("pelaksana",),
}
"""Which officials apply for a position of each type."""


def meets_floor(category: str, position_type: str) -> bool:
    """Tell whether a potential category reaches the MERIT-005 floor of a position type."""
    floor = CATEGORY_FLOORS.get(position_type)
    order = DEFAULT_POTENTIAL_CATEGORIES
    return floor is None or order.index(category) <= order.index(floor)


def meets_rank(rank: str, spec: PositionSpec) -> bool:
    """Tell whether a golongan reaches the position's minimum."""
    return golongan_index(rank) >= golongan_index(spec.min_rank)


class Talent:
    """Every official's profile as rankings will see it, and rankings computed from it."""

    def __init__(self, people: Iterable[Participant]) -> None:
        self.people: dict[str, Participant] = {p.nip: p for p in people}
        self._facts: dict[str, AssessmentFact] = {}

    def update(self, person: Participant) -> None:
        """Replace an official's profile (a tailored or corrected one)."""
        self.people[person.nip] = person
        self._facts.pop(person.nip, None)

    def fact(self, nip: str) -> AssessmentFact:
        """Return the official's assessment as the rules engine sees it."""
        fact = self._facts.get(nip)
        if fact is None:
            person = self.people[nip]
            fact = AssessmentFact(
                seq=len(self._facts),
                nip=nip,
                assessed_on=ASSESSED_ON,
                levels=person.level_map(),
                potential_category=person.potential_category,
                performance_rating=person.performance_rating,
            )
            self._facts[nip] = fact
        return fact

    def jpm(self, nip: str, spec: PositionSpec) -> Decimal:
        """Return the official's Job Person Match for the position."""
        return job_person_match(self.people[nip].level_map(), spec.standard)

    def is_clean(self, nip: str, spec: PositionSpec) -> bool:
        """Tell whether appointing the official breaks none of MERIT-005, -006 and -008."""
        person = self.people[nip]
        return (
            meets_floor(person.potential_category, spec.type)
            and meets_rank(person.rank, spec)
            and self.jpm(nip, spec) >= MIN_JPM
        )

    def order(self, nips: Iterable[str], spec: PositionSpec) -> tuple[str, ...]:
        """Return the NIPs in the order the published ranking will list them."""
        ranking = rank_candidates(((nip, self.fact(nip)) for nip in nips), spec.standard)
        return tuple(line.nip for line in ranking)

    def pool(
        self,
        spec: PositionSpec,
        unit_code: str,
        *,
        exclude: set[str],
        rng: random.Random,
        size: int = 60,
    ) -> list[str]:
        """Return plausible applicants: eligible officials of the unit first, then others."""
        sources = SOURCE_TYPES[spec.type]
        eligible = [
            p.nip
            for p in self.people.values()
            if p.position_type in sources and p.nip not in exclude and meets_rank(p.rank, spec)
        ]
        own = [nip for nip in eligible if self.people[nip].unit.code == unit_code]
        others = [nip for nip in eligible if self.people[nip].unit.code != unit_code]
        rng.shuffle(own)
        rng.shuffle(others)
        # Most applicants seek a promotion; a few officials of the same type seek a rotation.
        applicants, peers = [], 0
        peer_limit = size // 8 if len(sources) > 1 else size
        for nip in own[: size // 2] + others:
            if self.people[nip].position_type == spec.type:
                if peers >= peer_limit:
                    continue
                peers += 1
            applicants.append(nip)
            if len(applicants) == size:
                break
        return applicants

    def arrange(
        self,
        appointee: str,
        spec: PositionSpec,
        pool: Sequence[str],
        *,
        rank: int,
        size: int,
        rng: random.Random,
    ) -> tuple[str, ...] | None:
        """Pick ``size`` candidates from ``pool`` in which ``appointee`` ranks ``rank``.

        Return them in application order (shuffled), or None if the pool has
        too few officials ranking above or below the appointee.
        """
        order = self.order(dict.fromkeys([appointee, *pool]), spec)
        at = order.index(appointee)
        above, below = order[:at], order[at + 1 :]
        if len(above) < rank - 1 or len(below) < size - rank:
            return None
        chosen = [appointee, *rng.sample(above, rank - 1), *rng.sample(below, size - rank)]
        rng.shuffle(chosen)
        return tuple(chosen)

    def best_clean(
        self, spec: PositionSpec, pool: Sequence[str], *, exclude: set[str]
    ) -> str | None:
        """Return the best-ranked official of ``pool`` who can be appointed cleanly."""
        for nip in self.order(pool, spec):
            if nip not in exclude and self.is_clean(nip, spec):
                return nip
        return None
