"""Planted deviations within one selection: MERIT-001..008 and -013.

Each plant reserves the officials it needs (so no ordinary vacancy ranks
them), shapes their profile when the story needs it, and plans its vacancy
so that exactly the rules in ``expect`` fire on the decision. Deviating
decisions carry the justification the service requires.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from integrity_service.demo_people import Participant, make_nip, person_name
from integrity_service.demo_story import (
    Correction,
    Story,
    of_type,
    official,
    placed,
    rank_below,
    some_day,
    weekday,
)
from integrity_service.domain.positions import PositionSpec


def plant_stale_assessment(story: Story, stale: list[Participant]) -> None:
    """MERIT-001: an official back from study leave, ranked on an expired 2023 assessment."""
    rng = story.rng
    nip = make_nip(rng, age=(38, 48), entry_age=25, female=False)
    while nip in story.talent.people:
        nip = nip[:15] + f"{rng.randint(1, 999):03d}"
    template = rng.choice(
        [p for p in story.talent.people.values() if p.position_type == "pengawas"]
    )
    person = replace(
        template,
        nip=nip,
        name=person_name(rng, female=False, born=int(nip[:4]), education="S2"),
        female=False,
        rank="IV/a",
        current_position="Kepala Seksi Pengembangan Kapasitas",
    )
    story.talent.update(person)
    story.reserved.add(nip)
    story.strong(nip)
    stale.append(story.talent.people[nip])
    decided_on = some_day(story.rng)
    plan = placed(story, of_type("administrator"), nip, decided_on)
    story.decide(
        plan,
        nip,
        decided_on,
        expect={"MERIT-001"},
        justification="Yang bersangkutan sedang tugas belajar saat CACT 2025; "
        "digunakan hasil asesmen 2023",
        story="appointee's only assessment is from June 2023, older than 24 months",
    )


def plant_outside_top(story: Story, *, checked: bool) -> None:
    """MERIT-002 (and -013 when ``checked``): the PPK picks the 4th or 5th of the ranking."""
    rank = story.rng.choice((4, 5))
    decided_on = some_day(story.rng, start=date(2026, 3, 2)) if checked else some_day(story.rng)
    suitable = of_type("pengawas", "administrator")
    tried: list[PositionSpec] = []
    plan = appointee = None
    while plan is None or appointee is None:
        # Raises once every suitable position was tried: no seed has needed more than a few.
        spec = story.take_position(lambda s: suitable(s) and s not in tried)
        pool = story.pool(spec)
        fits = [
            nip
            for nip in story.talent.order(pool, spec)[3:20]
            if nip not in story.appointed and story.talent.is_clean(nip, spec)
        ]
        if fits:
            appointee = story.rng.choice(fits)
            plan = story.vacancy(spec, appointee, decided_on, rank=rank, pool=pool)
        if plan is None:
            tried.append(spec)
    story.free.extend(tried)
    plan.checked = checked
    why = "; the placement check answered violation and the PPK went ahead" if checked else ""
    story.decide(
        plan,
        appointee,
        decided_on,
        expect={"MERIT-002", "MERIT-013"} if checked else {"MERIT-002"},
        justification="Keputusan PPK tetap dilaksanakan setelah pemeriksaan"
        if checked
        else "Pertimbangan pengalaman lapangan dan rekam jejak di bidang terkait",
        story=f"appointee ranked {rank}{why}",
    )


def plant_not_candidate(story: Story) -> None:
    """MERIT-003: the appointee never applied; the PPK names them directly."""
    nip = story.reserve(official(("fungsional", "pelaksana", "pengawas"), "III/b"))
    story.strong(nip)
    spec = story.take_position(of_type("pengawas"))
    decided_on = some_day(story.rng)
    pool = [n for n in story.pool(spec) if n != nip]
    first = story.talent.best_clean(spec, pool, exclude=set())
    assert first is not None
    plan = story.vacancy(spec, first, decided_on, pool=pool)
    assert plan is not None
    story.decide(
        plan,
        nip,
        decided_on,
        expect={"MERIT-003"},
        justification="Penunjukan langsung oleh PPK untuk percepatan program prioritas",
        story="appointee is not one of the vacancy's candidates",
    )


def plant_no_ranking(story: Story) -> None:
    """MERIT-004: decided before any ranking of the vacancy was published."""
    nip = story.reserve(official(("pelaksana", "fungsional"), "III/a"))
    story.strong(nip)
    decided_on = some_day(story.rng)
    plan = placed(story, of_type("fungsional", "pengawas"), nip, decided_on, ranked=False)
    story.decide(
        plan,
        nip,
        decided_on,
        expect={"MERIT-004"},
        justification="Kekosongan jabatan mendesak; peringkat belum diumumkan",
        story="no ranking of the vacancy was published before the decision",
    )


def plant_category_floor(story: Story, position_type: str, category: str) -> None:
    """MERIT-005: strong levels but a potential category below the position type's floor."""
    sources = {"administrator": ("pengawas",), "pengawas": ("fungsional", "pelaksana")}
    minimum = {"administrator": "III/d", "pengawas": "III/b"}[position_type]
    nip = story.reserve(official(sources[position_type], minimum))
    story.strong(nip, category)
    decided_on = some_day(story.rng)
    plan = placed(story, of_type(position_type), nip, decided_on)
    story.decide(
        plan,
        nip,
        decided_on,
        expect={"MERIT-005"},
        justification="Kompetensi teknis yang langka di bidang tersebut",
        story=f"appointee's category {category} is below the floor for {position_type}",
    )


def plant_low_match(story: Story, position_types: tuple[str, ...]) -> None:
    """MERIT-006: the best candidate's JPM is still just under 78 (first type that allows it)."""
    sources = {
        "jpt_pratama": (("administrator",), "IV/b"),
        "administrator": (("pengawas",), "III/d"),
        "pengawas": (("fungsional", "pelaksana"), "III/b"),
    }
    decided_on = some_day(story.rng)
    for position_type in position_types:
        nip = story.reserve(official(*sources[position_type]))
        try:
            plan = placed(
                story,
                of_type(position_type),
                nip,
                decided_on,
                shape=lambda spec, nip=nip: story.just_below(nip, spec),
            )
        except RuntimeError:
            continue  # too few weaker applicants for every position of this type
        story.decide(
            plan,
            nip,
            decided_on,
            expect={"MERIT-006"},
            justification="Tidak ada kandidat yang memenuhi JPM minimum; kandidat terbaik "
            "dipilih dengan rencana pengembangan kompetensi",
            story="appointee ranked first with a JPM under 78 (no candidate reached it)",
        )
        return
    raise RuntimeError(f"demo scenario: no {' or '.join(position_types)} vacancy fits MERIT-006")


def plant_late_correction(story: Story) -> None:
    """MERIT-007: ranked 2nd, the appointee's scores are raised after the ranking, then chosen."""
    nip = story.reserve(official(("pengawas",), "III/d"))
    decided_on = some_day(story.rng, start=date(2025, 11, 3))

    plan = placed(
        story,
        of_type("administrator"),
        nip,
        decided_on,
        rank=2,
        shape=lambda spec: story.fair(nip, spec),
    )
    assert plan.ranked_on is not None
    original = story.talent.people[nip]
    raised = original.with_levels(
        [min(5, level + 1) for level in original.levels], "Sangat Potensial"
    )
    corrected_on = weekday(plan.ranked_on + (decided_on - plan.ranked_on) / 2, back=True)
    correction = Correction(corrected_on, "Klarifikasi asesor atas nilai CACT", raised)
    story.decide(
        plan,
        nip,
        decided_on,
        expect={"MERIT-007"},
        justification="Nilai asesmen telah dikoreksi berdasarkan klarifikasi asesor",
        story="appointee's scores were raised after the ranking that placed them 2nd",
        correction=correction,
    )


def plant_rank_floor(story: Story, position_type: str) -> None:
    """MERIT-008: ranked first, but one golongan step below the position's minimum."""
    sources = {"administrator": ("pengawas",), "pengawas": ("fungsional", "pelaksana")}
    minimum = {"administrator": "III/d", "pengawas": "III/b"}[position_type]
    below = rank_below(minimum)
    nip = story.reserve(lambda p: p.position_type in sources[position_type] and p.rank == below)
    story.strong(nip)
    decided_on = some_day(story.rng)
    plan = placed(story, of_type(position_type), nip, decided_on, rank_ok=False)
    story.decide(
        plan,
        nip,
        decided_on,
        expect={"MERIT-008"},
        justification="Pangkat akan memenuhi syarat pada periode kenaikan pangkat April 2026",
        story=f"appointee's golongan {below} is below the minimum {minimum}",
    )
