"""``build_scenario(seed)``: the whole demo as data, deterministic for a seed.

2,000 officials assessed by CACT in five daily sessions of 400 (11-15 August
2025), a few corrections, 120 positions in 40 units, declared family
relations, and about 125 vacancies whose placements run from September 2025
to June 2026: most follow the published ranking, a documented minority
deviate in each way the rules MERIT-001..013 name. No I/O, no clock.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from integrity_service.demo_org import build_positions
from integrity_service.demo_people import Participant, build_participants, make_nip
from integrity_service.demo_plants import (
    plant_category_floor,
    plant_late_correction,
    plant_low_match,
    plant_no_ranking,
    plant_not_candidate,
    plant_outside_top,
    plant_rank_floor,
    plant_stale_assessment,
)
from integrity_service.demo_plants_history import (
    RESHUFFLE_QUIET,
    plant_acting_then_definitive,
    plant_relations,
    plant_repromotion,
    plant_reshuffle,
    plant_ring,
)
from integrity_service.demo_records import (
    CACT_DAYS,
    cact_result,
    harmless_corrections,
    harmless_relations,
    stale_result,
)
from integrity_service.demo_selection import Talent
from integrity_service.demo_steps import (
    CheckPlacement,
    CorrectAssessment,
    DecidePlacement,
    Decision,
    DeclareRelation,
    DefinePosition,
    OpenVacancy,
    Phase,
    PublishRanking,
    RecordAssessments,
    Scenario,
    Step,
)
from integrity_service.demo_story import RESHUFFLE_UNIT, Plan, Story, unit_code

PLACEMENTS_FROM = date(2025, 9, 22)
PLACEMENTS_TO = date(2026, 6, 30)
CHECKS_FROM = date(2026, 3, 2)
"""From this date BKPSDM asks the placement check before each ordinary decision."""
OPEN_SELECTIONS = 5
_OPEN, _RANK, _CORRECT, _CHECK, _DECIDE = range(5)


def build_scenario(seed: int = 2025) -> Scenario:
    """Return the demo scenario for ``seed``; the same seed gives the same scenario."""
    rng = random.Random(seed)
    positions = build_positions(rng)
    people = build_participants(rng)
    talent = Talent(people)
    sekda = make_nip(rng, age=(52, 56), entry_age=25, female=False)
    sessions = {p.nip: index // 400 + 1 for index, p in enumerate(rng.sample(people, len(people)))}
    corrections = harmless_corrections(rng, talent)
    # Rankings see the corrected profiles; the CACT days record the originals.
    originals = {fix.person.nip: talent.people[fix.person.nip] for fix in corrections}
    for fix in corrections:
        talent.update(fix.person)
    story = Story(rng, talent, positions, sekda)
    story.corrected.update(originals)
    stale = _plant_deviations(story)
    _open_selections(story)
    _ordinary_placements(story)
    relations = story.relations + harmless_relations(rng, talent, exclude=story.reserved)

    cact_days = []
    for day, assessed_on in enumerate(CACT_DAYS, start=1):
        results = tuple(
            cact_result(originals.get(p.nip, talent.people[p.nip]), day)
            for p in people
            if sessions[p.nip] == day
        )
        older = (RecordAssessments(tuple(stale_result(p) for p in stale)),) if day == 1 else ()
        label = f"CACT hari {day} ({assessed_on})"
        cact_days.append(Phase(label, (*older, RecordAssessments(results))))
    setup: list[Step] = [
        CorrectAssessment(fix.corrected_on, fix.reason, cact_result(fix.person, sessions[nip]))
        for fix in corrections
        for nip in (fix.person.nip,)
    ]
    setup += [DefinePosition(spec) for spec in positions]
    setup += [DeclareRelation(a, b, kind, source) for a, b, kind, source in relations]
    placements = _Placements(story, sessions)
    return Scenario(
        seed=seed,
        phases=(
            *cact_days,
            Phase("Klarifikasi hasil, jabatan dan hubungan keluarga", tuple(setup)),
            *placements.phases(),
        ),
        expected=placements.expected,
        stories=placements.stories,
    )


def _plant_deviations(story: Story) -> list[Participant]:
    """Plant every deviation and its clean lead-ups; return officials assessed only in 2023."""
    stale: list[Participant] = []
    plant_reshuffle(story)
    plant_ring(story)
    plant_acting_then_definitive(story)
    plant_repromotion(story)
    plant_stale_assessment(story, stale)
    plant_outside_top(story, checked=False)
    plant_outside_top(story, checked=False)
    plant_outside_top(story, checked=True)
    plant_not_candidate(story)
    plant_no_ranking(story)
    plant_no_ranking(story)
    plant_category_floor(story, "administrator", "Cukup Potensial")
    plant_category_floor(story, "pengawas", "Kurang Potensial")
    plant_low_match(story, ("jpt_pratama", "administrator", "pengawas"))
    plant_low_match(story, ("administrator", "pengawas"))
    plant_late_correction(story)
    plant_rank_floor(story, "administrator")
    plant_rank_floor(story, "pengawas")
    plant_relations(story)
    return stale


def _working_days(start: date, end: date) -> list[date]:
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def _ordinary_placements(story: Story) -> None:
    """Fill the remaining positions, most appointees ranked first, some second or third."""
    rng, talent = story.rng, story.talent
    days = _working_days(PLACEMENTS_FROM, PLACEMENTS_TO)
    quiet_low, quiet_high = RESHUFFLE_QUIET
    specs = list(story.free)
    story.free.clear()
    for spec in specs:
        allowed = days
        if unit_code(spec) == RESHUFFLE_UNIT:
            allowed = [d for d in days if not quiet_low <= d <= quiet_high]
        decided_on = rng.choice(allowed)
        pool = story.pool(spec)
        rank = rng.choices((1, 2, 3), weights=(80, 14, 6))[0]
        # A clean official with at least rank - 1 applicants ranked above them, near the top.
        fits = [
            nip
            for at, nip in enumerate(talent.order(pool, spec))
            if at >= rank - 1 and nip not in story.appointed and talent.is_clean(nip, spec)
        ]
        appointee = fits[min(len(fits) - 1, rng.choices((0, 1, 2), weights=(75, 20, 5))[0])]
        plan = story.vacancy(spec, appointee, decided_on, rank=rank, pool=pool)
        if plan is None:
            rank = 1
            plan = story.vacancy(spec, appointee, decided_on, pool=pool)
        assert plan is not None, f"too few applicants for {spec.code}"
        plan.checked = decided_on >= CHECKS_FROM
        approval = None
        if spec.type == "jpt_pratama":
            approval = f"Rekomendasi BKN B-{rng.randint(100, 999)}/JPT/{decided_on.year}"
        story.decide(
            plan,
            appointee,
            decided_on,
            justification=None
            if rank == 1
            else "Dipilih PPK dari tiga besar dengan mempertimbangkan rekam jejak",
            approval_reference=approval,
        )


def _open_selections(story: Story) -> None:
    """Keep a few vacancies open: ranked in June 2026, not yet decided."""
    for _ in range(OPEN_SELECTIONS):
        spec = story.take_position(
            lambda s: s.type in ("administrator", "pengawas") and unit_code(s) != RESHUFFLE_UNIT
        )
        pool = story.pool(spec)
        first = story.talent.best_clean(spec, pool, exclude=story.appointed)
        assert first is not None
        plan = story.vacancy(spec, first, date(2026, 7, 10), pool=pool)
        assert plan is not None
        story.keep(plan)


class _Placements:
    """Turn the plans into dated steps: ids, decree numbers and former positions assigned."""

    def __init__(self, story: Story, sessions: dict[str, int]) -> None:
        self.story = story
        self.sessions = sessions
        self.expected: dict[str, frozenset[str]] = {}
        self.stories: dict[str, str] = {}
        self._vacancies: dict[int, str] = {}
        self._decisions: dict[int, Decision] = {}
        self._decrees: dict[int, int] = {}
        self._held: dict[str, str] = {}

    def phases(self) -> list[Phase]:
        """Return the placement steps in date order, one phase per year."""
        events: list[tuple[date, int, int]] = []
        for index, plan in enumerate(self.story.plans):
            events.append((plan.opened_on, _OPEN, index))
            if plan.ranked_on is not None:
                events.append((plan.ranked_on, _RANK, index))
            if plan.correction is not None:
                events.append((plan.correction.corrected_on, _CORRECT, index))
            if plan.decided_on is not None:
                if plan.checked:
                    events.append((plan.decided_on, _CHECK, index))
                events.append((plan.decided_on, _DECIDE, index))
        by_year: dict[int, list[Step]] = {}
        for day, event, index in sorted(events):
            by_year.setdefault(day.year, []).append(
                self._step(event, self.story.plans[index], index)
            )
        return [
            Phase(f"Penempatan {year}", tuple(steps)) for year, steps in sorted(by_year.items())
        ]

    def _step(self, event: int, plan: Plan, index: int) -> Step:
        if event == _OPEN:
            vacancy = self._vacancies[index] = f"VAC-{len(self._vacancies) + 1:05d}"
            return OpenVacancy(vacancy, plan.position.code, plan.candidates, plan.opened_on)
        if event == _RANK:
            assert plan.ranked_on is not None
            return PublishRanking(self._vacancies[index], plan.ranked_on, plan.expected_order)
        if event == _CORRECT:
            assert plan.correction is not None
            fix = plan.correction
            result = cact_result(fix.person, self.sessions[fix.person.nip])
            return CorrectAssessment(fix.corrected_on, fix.reason, result)
        decision = self._decision(plan, index)
        if event == _CHECK:
            return CheckPlacement(decision)
        placement = f"PL-{len(self.expected) + 1:05d}"
        self.expected[placement] = plan.expect
        if plan.story:
            self.stories[placement] = plan.story
        nip = decision.nip
        former = self._held.get(nip) or self.story.talent.people[nip].current_position
        self._held[nip] = plan.position.code
        return DecidePlacement(placement, decision, former)

    def _decision(self, plan: Plan, index: int) -> Decision:
        if index not in self._decisions:
            assert plan.appointee is not None and plan.decided_on is not None
            year = plan.decided_on.year
            self._decrees[year] = number = self._decrees.get(year, 0) + 1
            self._decisions[index] = Decision(
                vacancy=self._vacancies[index],
                nip=plan.appointee,
                decree_number=f"800/Kep.{number:03d}-BKPSDM/{year}",
                decided_on=plan.decided_on,
                decided_by=plan.decided_by,
                kind=plan.kind,
                justification=plan.justification,
                approval_reference=plan.approval_reference,
            )
        return self._decisions[index]
