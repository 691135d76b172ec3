"""Planted deviations across placements and people: MERIT-009..012, and clean lead-ups.

A reshuffle of one unit (MERIT-011), a rotation ring (MERIT-010), a rapid
second promotion (MERIT-012), decision makers' relatives (MERIT-009), and two
acting heads later confirmed in office, which are clean. Like the
single-selection plants, each story reserves its officials and its decisions
carry the justification the service requires.
"""

from __future__ import annotations

from datetime import date

from integrity_service.demo_story import (
    BUPATI,
    RESHUFFLE_UNIT,
    Plan,
    Story,
    of_type,
    official,
    placed,
    some_day,
    unit_code,
)

RESHUFFLE_DAYS = tuple(date(2026, 1, d) for d in (5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 19, 20))
RESHUFFLE_QUIET = (date(2025, 12, 1), date(2026, 2, 28))
"""No other placement in the reshuffled unit falls in these dates, so only the plant fires."""


def plant_reshuffle(story: Story) -> None:
    """MERIT-011: twelve placements in one unit within 16 days; the 11th and 12th fire."""
    for number, day in enumerate(RESHUFFLE_DAYS, start=1):
        spec = story.take_position(
            lambda s: unit_code(s) == RESHUFFLE_UNIT and s.type != "jpt_pratama"
        )
        pool = story.pool(spec)
        appointee = story.talent.best_clean(spec, pool, exclude=story.appointed)
        assert appointee is not None, f"no clean appointee for {spec.code}"
        plan = story.vacancy(spec, appointee, day, pool=pool)
        assert plan is not None, f"too few applicants for {spec.code}"
        if number <= 10:  # up to ten placements in 30 days are within the limit
            story.decide(plan, appointee, day)
            continue
        story.decide(
            plan,
            appointee,
            day,
            expect={"MERIT-011"},
            justification="Penataan organisasi Dinas Pendidikan dan Kebudayaan sesuai hasil "
            "evaluasi kelembagaan",
            story=f"placement {number} of 12 in {spec.unit} between 5 and 20 January 2026",
        )


def plant_ring(story: Story) -> None:
    """MERIT-010: three heads of division promoted, then rotated A->B->C->A within 180 days."""
    codes = ("DPUPR-KABID-BM", "DPUPR-KABID-SDA", "DPUPR-KABID-CK")
    specs = [story.take_position(lambda s, c=code: s.code == c) for code in codes]
    people = [story.reserve(official(("pengawas",), "III/d")) for _ in specs]
    for nip in people:
        story.strong(nip)
    for spec, nip, day in zip(specs, people, (6, 13, 20), strict=True):
        plan = story.vacancy(spec, nip, date(2025, 10, day))
        assert plan is not None
        story.decide(plan, nip, date(2025, 10, day))
    ring_days = (date(2026, 2, 9), date(2026, 3, 9), date(2026, 4, 13))
    for step, (nip, day) in enumerate(zip(people, ring_days, strict=True)):
        target = specs[(step + 1) % 3]
        plan = story.vacancy(target, nip, day)
        assert plan is not None
        if step < 2:
            story.decide(plan, nip, day, kind="rotation")
            continue
        story.decide(
            plan,
            nip,
            day,
            kind="rotation",
            expect={"MERIT-010"},
            justification="Penyegaran organisasi di lingkungan DPUPR",
            story="closes a rotation ring of three heads of division of DPUPR "
            f"in {(ring_days[-1] - ring_days[0]).days} days",
        )


def plant_acting_then_definitive(story: Story) -> None:
    """Two clean sequences: an acting head (Plt) later confirmed through open selection."""
    for acting_on, definitive_on in (
        (date(2025, 10, 1), date(2026, 2, 16)),
        (date(2025, 11, 3), date(2026, 3, 16)),
    ):
        nip = story.reserve(official(("administrator",), "IV/b"))
        story.strong(nip, "Sangat Potensial")
        acting = placed(story, of_type("jpt_pratama"), nip, acting_on)
        acting.candidates, acting.expected_order = _shortlist(story, acting, 3)
        story.decide(acting, nip, acting_on, kind="acting")
        plan = story.vacancy(acting.position, nip, definitive_on)
        assert plan is not None
        story.decide(
            plan,
            nip,
            definitive_on,
            kind="definitive",
            approval_reference=f"Rekomendasi BKN B-{story.rng.randint(100, 999)}/JPT/2026",
        )


def _shortlist(story: Story, plan: Plan, size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Keep the appointee and the next ``size - 1`` of the expected order (a small Plt field)."""
    order = plan.expected_order[:size]
    return tuple(story.rng.sample(order, len(order))), order


def plant_repromotion(story: Story) -> None:
    """MERIT-012: promoted to pengawas in October 2025 and to administrator in June 2026."""
    nip = story.reserve(official(("fungsional", "pelaksana"), "III/d"))
    story.strong(nip)
    first = placed(story, of_type("pengawas"), nip, date(2025, 10, 27))
    story.decide(first, nip, date(2025, 10, 27))
    second = placed(story, of_type("administrator"), nip, date(2026, 6, 8))
    story.decide(
        second,
        nip,
        date(2026, 6, 8),
        expect={"MERIT-012"},
        justification="Kinerja sangat baik pada jabatan sebelumnya",
        story=f"promoted again {(date(2026, 6, 8) - date(2025, 10, 27)).days} days after "
        "the previous promotion",
    )


def plant_relations(story: Story) -> None:
    """MERIT-009: the Sekda appoints his wife; the Bupati appoints a sibling's husband."""
    form = "Formulir pernyataan hubungan keluarga ASN 2025"
    wife = story.reserve(lambda p: p.female and p.position_type in ("pelaksana", "fungsional"))
    story.strong(wife)
    story.relations.append((story.sekda, wife, "family", f"{form}: suami/istri"))
    decided_on = some_day(story.rng)
    plan = placed(story, of_type("pelaksana", "fungsional"), wife, decided_on)
    story.decide(
        plan,
        wife,
        decided_on,
        expect={"MERIT-009"},
        justification="Kandidat memenuhi kualifikasi jabatan",
        story="the Sekda, who signs the decision, is the appointee's spouse",
    )
    sibling = story.reserve(lambda p: p.female)
    husband = story.reserve(lambda p: not p.female and official(("pengawas",), "III/d")(p))
    story.relations.append((BUPATI, sibling, "family", f"{form}: saudara kandung"))
    story.relations.append((sibling, husband, "household", "Data keluarga SIASN: suami/istri"))
    decided_on = some_day(story.rng)
    plan = placed(
        story,
        of_type("administrator"),
        husband,
        decided_on,
        rank=2,
        shape=lambda spec: story.fair(husband, spec),
    )
    story.decide(
        plan,
        husband,
        decided_on,
        expect={"MERIT-009"},
        justification="Kandidat masuk tiga besar dan memenuhi kualifikasi",
        story="the Bupati's sibling is the appointee's spouse (two hops)",
    )
