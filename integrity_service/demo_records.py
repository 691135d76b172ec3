"""The demo's assessment records: CACT results, older results, corrections, relations.

Results are built as the API's JSON objects and validated by the same
parser the API uses, so the demo can only record data the service accepts.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from integrity_service.demo_org import UNITS
from integrity_service.demo_people import Participant
from integrity_service.demo_selection import Talent
from integrity_service.demo_story import Correction
from integrity_service.domain.assessments import AssessmentResult, parse_assessment_mapping
from integrity_service.domain.vocabulary import COMPETENCY_CODES, RANKS

CACT_EVENT = "CACT Kabupaten 2025"
CACT_DAYS = tuple(date(2025, 8, day) for day in range(11, 16))
"""Five daily sessions of 400, Monday 11 to Friday 15 August 2025."""
STALE_EVENT = ("Asesmen Kompetensi Pejabat Pengawas 2023", "Assessment Centre", date(2023, 6, 14))
"""The only assessment of the official planted for MERIT-001."""
SCENARIO_TODAY = date(2026, 7, 1)
"""The scenario's "today": results are validated as of this date, not the machine's clock."""


def _result(
    person: Participant, event: str, method: str, assessed_on: date, session: int | None
) -> AssessmentResult:
    obj = {
        "nip": person.nip,
        "name": person.name,
        "rank": person.rank,
        "unit": person.unit.name,
        "current_position": person.current_position,
        "event": event,
        "method": method,
        "assessed_on": assessed_on.isoformat(),
        "session": session,
        "competencies": person.level_map(),
        "potential_category": person.potential_category,
        "performance_rating": person.performance_rating,
    }
    return parse_assessment_mapping(obj, index=0, today=SCENARIO_TODAY)


def cact_result(person: Participant, session: int) -> AssessmentResult:
    """Return the official's CACT 2025 result in session 1-5 (one session a day)."""
    return _result(person, CACT_EVENT, "CACT", CACT_DAYS[session - 1], session)


def stale_result(person: Participant) -> AssessmentResult:
    """Return the official's 2023 Assessment Centre result."""
    event, method, assessed_on = STALE_EVENT
    return _result(person, event, method, assessed_on, None)


def harmless_corrections(rng: random.Random, talent: Talent) -> list[Correction]:
    """Return five corrections found when results were clarified, before any vacancy opened."""
    people = rng.sample(sorted(talent.people), 5)
    fixes = []
    for day, (nip, kind) in enumerate(zip(people, _FIXES, strict=True), start=25):
        person = talent.people[nip]
        reason, corrected = kind(person, rng)
        fixes.append(Correction(date(2025, 8, day), reason, corrected))
    return fixes


def _fix_name(person: Participant, rng: random.Random) -> tuple[str, Participant]:
    given, _, rest = person.name.partition(" ")
    middle = rng.choice(("Nur", "Siti") if person.female else ("Muhammad", "Ahmad"))
    return (
        "Penulisan nama disesuaikan dengan SK CPNS",
        replace(person, name=f"{given} {middle} {rest}"),
    )


def _fix_rank(person: Participant, rng: random.Random) -> tuple[str, Participant]:
    higher = RANKS.terms[min(RANKS.position(person.rank) + 1, len(RANKS.terms) - 1)]
    return (
        "Golongan disesuaikan dengan SK kenaikan pangkat periode April 2025",
        replace(person, rank=higher),
    )


def _fix_rating(person: Participant, rng: random.Random) -> tuple[str, Participant]:
    rating = "Sangat Baik" if person.performance_rating == "Baik" else "Baik"
    return (
        "Predikat kinerja disesuaikan dengan dokumen evaluasi kinerja 2024",
        replace(person, performance_rating=rating),
    )


def _fix_level(person: Participant, rng: random.Random) -> tuple[str, Participant]:
    index = rng.randrange(len(COMPETENCY_CODES))
    levels = list(person.levels)
    levels[index] = levels[index] + 1 if levels[index] < 5 else levels[index] - 1
    code = COMPETENCY_CODES[index]
    return (
        f"Kesalahan input nilai {code} pada rekap sesi (berita acara klarifikasi BKN)",
        person.with_levels(levels, person.potential_category),
    )


def _fix_unit(person: Participant, rng: random.Random) -> tuple[str, Participant]:
    unit = rng.choice([u for u in UNITS if u != person.unit])
    return (
        "Unit kerja disesuaikan dengan SK mutasi terakhir",
        replace(person, unit=unit),
    )


_FIXES = (_fix_name, _fix_rank, _fix_rating, _fix_level, _fix_unit)


def harmless_relations(
    rng: random.Random, talent: Talent, *, exclude: set[str]
) -> list[tuple[str, str, str, str]]:
    """Return declared relations between officials that no decision maker is part of."""
    women = sorted(nip for nip, p in talent.people.items() if p.female and nip not in exclude)
    men = sorted(nip for nip, p in talent.people.items() if not p.female and nip not in exclude)
    form = "Formulir pernyataan hubungan keluarga ASN 2025"
    couples = zip(rng.sample(men, 4), rng.sample(women, 4), strict=True)
    relations = [(a, b, "family", f"{form}: suami/istri") for a, b in couples]
    taken = {nip for a, b, _, _ in relations for nip in (a, b)}
    first, second, third, fourth = rng.sample([n for n in men + women if n not in taken], 4)
    relations.append((first, second, "family", f"{form}: saudara kandung"))
    relations.append((third, fourth, "business", "LHKPN 2024: usaha bersama"))
    return relations
