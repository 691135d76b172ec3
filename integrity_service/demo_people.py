"""The demo's civil servants: names, NIPs, golongan, posts and CACT competency profiles.

Everything is drawn from one ``random.Random``, so a seed gives the same
people. Names come from lists of common Sundanese, Javanese and Islamic given
names and surnames (older men sometimes carry a single Javanese name built
from syllables), with the academic titles officials use. Levels are
correlated per person: a latent ability plus noise per competency; the
potential category follows a noisy potential score, by quantile.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from integrity_service.demo_org import UNITS, Unit
from integrity_service.domain.vocabulary import COMPETENCY_CODES, RANKS

_MALE = (
    "Ahmad", "Muhammad", "Asep", "Dedi", "Agus", "Budi", "Hendra", "Rudi", "Iwan", "Yayan",
    "Ujang", "Dadang", "Eko", "Rizki", "Fajar", "Andi", "Surya", "Tatang", "Deden", "Cecep",
    "Wawan", "Yusuf", "Hasan", "Irfan", "Arif", "Bambang", "Heri", "Rahmat", "Ade", "Dani",
    "Ridwan", "Taufik", "Syarif", "Enjang", "Aang", "Ikhsan", "Firman", "Galih", "Hilman",
)  # fmt: skip
_FEMALE = (
    "Siti", "Dewi", "Nur", "Sri", "Rina", "Yuli", "Eka", "Ratna", "Lia", "Neneng", "Euis",
    "Fitri", "Ani", "Wulan", "Rahma", "Dian", "Intan", "Putri", "Yanti", "Nining", "Rika",
    "Elis", "Tuti", "Ai", "Imas", "Nurul", "Desi", "Lilis", "Wiwin", "Ayu", "Nia", "Heni",
)  # fmt: skip
_SURNAMES_MALE = (
    "Hidayat", "Saputra", "Setiawan", "Nugraha", "Gunawan", "Kurniawan", "Permana",
    "Firmansyah", "Ramadhan", "Maulana", "Suryadi", "Hermawan", "Sulaeman", "Wijaya",
    "Pratama", "Santoso", "Hakim", "Mulyana", "Rohman", "Fauzi", "Sopian", "Hamdani",
    "Supriatna", "Iskandar", "Kusnadi", "Rusdiana", "Jaelani", "Syahputra",
)  # fmt: skip
_SURNAMES_FEMALE = (
    "Rahmawati", "Lestari", "Aisyah", "Nurhayati", "Handayani", "Kurniasih", "Susanti",
    "Wulandari", "Fauziah", "Maryam", "Hasanah", "Setiawati", "Apriani", "Marlina",
    "Yuliani", "Fitriani", "Komalasari", "Rosmiati", "Nurjanah", "Sulastri", "Novianti",
)  # fmt: skip
# Single Javanese names: a prefix syllable and a root, e.g. Su + tarno.
_JAVANESE_PREFIX = ("Su", "Sa", "Mu", "Pur")
_JAVANESE_ROOT = ("tarno", "yanto", "wardi", "harto", "kardi", "parman", "trisno", "lyadi", "wito")

_BACHELOR = ("S.Sos.", "S.E.", "S.H.", "S.T.", "S.Kom.", "S.IP.", "S.AP.", "S.Ak.", "S.Pd.")
_BACHELOR_HEALTH = ("S.K.M.", "S.Kep., Ns.", "S.Farm.")
_MASTER = ("M.Si.", "M.M.", "M.AP.", "M.Pd.", "M.H.")
_DIPLOMA = ("A.Md.", "A.Md.Kep.", "A.Md.Kom.")

_TYPE_SHARE = (("administrator", 90), ("pengawas", 380), ("fungsional", 700), ("pelaksana", 830))
# Age range, mean latent ability, golongan range (indices into RANKS.terms).
_PROFILE = {
    "administrator": ((42, 57), 3.5, (11, 14)),
    "pengawas": ((33, 57), 3.2, (9, 12)),
    "fungsional": ((26, 57), 3.0, (5, 12)),
    "pelaksana": ((23, 57), 2.6, (4, 10)),
}
_EDUCATION = {
    "administrator": (("S2", 60), ("S1", 40)),
    "pengawas": (("S2", 30), ("S1", 70)),
    "fungsional": (("S2", 10), ("S1", 75), ("D3", 15)),
    "pelaksana": (("S1", 30), ("D3", 25), ("SMA", 45)),
}
_ENTRY_RANK = {"SMA": 4, "D3": 6, "S1": 8, "S2": 8}  # II/a, II/c, III/a (most S2 came later)
CATEGORY_SHARES = (
    ("Sangat Potensial", 0.15),
    ("Potensial", 0.35),
    ("Cukup Potensial", 0.35),
    ("Kurang Potensial", 0.15),
)
_RATINGS = (
    ("Sangat Baik", 18),
    ("Baik", 70),
    ("Butuh Perbaikan", 5),
    ("Kurang", 2),
    ("Sangat Kurang", 1),
    (None, 4),
)
ASSESSED_ON = date(2025, 8, 11)
_T = TypeVar("_T")


@dataclass(frozen=True)
class Participant:
    """One official as the CACT recorded them; ``levels`` follow ``COMPETENCY_CODES``."""

    nip: str
    name: str
    female: bool
    rank: str
    unit: Unit
    position_type: str
    current_position: str
    levels: tuple[int, ...]
    potential_category: str
    performance_rating: str | None

    def level_map(self) -> dict[str, int]:
        """Return the levels keyed by competency code."""
        return dict(zip(COMPETENCY_CODES, self.levels, strict=True))

    def with_levels(self, levels: Sequence[int], category: str) -> Participant:
        """Return a copy with other levels and potential category."""
        return replace(self, levels=tuple(levels), potential_category=category)


def _weighted(rng: random.Random, choices: Sequence[tuple[_T, float]]) -> _T:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def person_name(rng: random.Random, *, female: bool, born: int, education: str) -> str:
    """Return a name with the academic titles its education gives."""
    if not female and born < 1975 and rng.random() < 0.2:
        name = rng.choice(_JAVANESE_PREFIX) + rng.choice(_JAVANESE_ROOT)
    else:
        given = rng.choice(_FEMALE if female else _MALE)
        surnames = _SURNAMES_FEMALE if female else _SURNAMES_MALE
        name = f"{given} {rng.choice(surnames)}"
        if rng.random() < 0.15:
            name = f"{rng.choice(_FEMALE if female else _MALE)} {name}"
    if education == "D3":
        return f"{name}, {rng.choice(_DIPLOMA)}"
    if education in ("S1", "S2"):
        titles = rng.choice(_BACHELOR + _BACHELOR_HEALTH if female else _BACHELOR)
        if education == "S2":
            titles += f", {rng.choice(_MASTER)}"
        return f"{name}, {titles}"
    return name


def make_nip(rng: random.Random, *, age: tuple[int, int], entry_age: int, female: bool) -> str:
    """Return an 18-digit NIP: birth YYYYMMDD, first appointment YYYYMM, gender, serial."""
    born = date(ASSESSED_ON.year - rng.randint(*age), rng.randint(1, 12), rng.randint(1, 28))
    appointed = min(born.year + entry_age, 2024)
    month = rng.choice((1, 3, 3, 4, 12, 12, 2, 10))
    serial = rng.randint(1, 999)
    return f"{born:%Y%m%d}{appointed}{month:02d}{2 if female else 1}{serial:03d}"


def _levels(rng: random.Random, ability: float) -> tuple[int, ...]:
    return tuple(min(5, max(1, round(ability + rng.gauss(0, 0.55)))) for _ in COMPETENCY_CODES)


def _current_position(rng: random.Random, position_type: str, unit: Unit, education: str) -> str:
    kecamatan = unit.code.startswith("KEC-")
    if position_type == "administrator":
        if kecamatan:
            return rng.choice((f"Camat {unit.name[10:]}", f"Sekretaris {unit.name}"))
        area = rng.choice(("Perencanaan", "Pelayanan", "Pengembangan", "Pengendalian", "Umum"))
        if unit.name.startswith("Sekretariat"):
            return f"Kepala Bagian {area}"
        return rng.choice((f"Sekretaris {unit.name}", f"Kepala Bidang {area}"))
    if position_type == "pengawas":
        if kecamatan:
            area = rng.choice(("Pemerintahan", "Pelayanan Umum", "Ketenteraman dan Ketertiban"))
            return f"Kepala Seksi {area}"
        area = rng.choice(("Umum dan Kepegawaian", "Keuangan", "Perencanaan dan Evaluasi"))
        return rng.choice(
            (f"Kepala Subbagian {area}", "Kepala Seksi Pelayanan", "Kepala Seksi Data")
        )
    if position_type == "fungsional":
        if education == "D3":
            return rng.choice(
                ("Pranata Komputer Terampil", "Arsiparis Terampil", "Perawat Terampil")
            )
        grade = "Ahli Muda" if rng.random() < 0.35 else "Ahli Pertama"
        role = rng.choice(
            (
                "Analis Kebijakan",
                "Perencana",
                "Pranata Komputer",
                "Arsiparis",
                "Analis Sumber Daya Manusia Aparatur",
                "Auditor",
                "Penyuluh Pertanian",
            )
        )
        return f"{role} {grade}"
    return {
        "SMA": rng.choice(("Pengadministrasi Perkantoran", "Operator Layanan Operasional")),
        "D3": rng.choice(("Pengolah Data dan Informasi", "Pengelola Layanan Operasional")),
    }.get(education, "Penata Layanan Operasional")


def _categories(rng: random.Random, people: list[Participant]) -> list[str]:
    """Assign categories by quantile of a noisy potential score (mean level plus noise)."""
    scores = [sum(p.levels) / len(p.levels) + rng.gauss(0, 0.35) for p in people]
    order = sorted(range(len(people)), key=lambda i: (scores[i], people[i].nip), reverse=True)
    categories = [""] * len(people)
    start = 0
    for category, share in CATEGORY_SHARES:
        end = (
            len(people)
            if category == CATEGORY_SHARES[-1][0]
            else start + round(share * len(people))
        )
        for i in order[start:end]:
            categories[i] = category
        start = end
    return categories


def build_participants(rng: random.Random, count: int = 2000) -> list[Participant]:
    """Return ``count`` officials with unique NIPs, spread over the units by weight."""
    total = sum(share for _, share in _TYPE_SHARE)
    types = [t for t, share in _TYPE_SHARE for _ in range(round(share * count / total))]
    types = (types + ["pelaksana"] * count)[:count]
    weights = [unit.staff_weight for unit in UNITS]
    people: list[Participant] = []
    seen: set[str] = set()
    for position_type in types:
        (low_age, high_age), ability, (low_rank, high_rank) = _PROFILE[position_type]
        education = _weighted(rng, _EDUCATION[position_type])
        female = rng.random() < 0.45
        entry_age = rng.randint(20, 27) if education in ("SMA", "D3") else rng.randint(23, 32)
        nip = make_nip(rng, age=(low_age, high_age), entry_age=entry_age, female=female)
        while nip in seen:
            nip = nip[:15] + f"{rng.randint(1, 999):03d}"
        seen.add(nip)
        service = ASSESSED_ON.year - int(nip[8:12])
        steps = (service + rng.randint(0, 4)) // 5  # a regular step every four to five years
        rank_index = min(high_rank, max(low_rank, _ENTRY_RANK[education] + steps))
        unit = rng.choices(UNITS, weights=weights)[0]
        person_ability = rng.gauss(ability, 0.45)
        people.append(
            Participant(
                nip=nip,
                name=person_name(rng, female=female, born=int(nip[:4]), education=education),
                female=female,
                rank=RANKS.terms[rank_index],
                unit=unit,
                position_type=position_type,
                current_position=_current_position(rng, position_type, unit, education),
                levels=_levels(rng, person_ability),
                potential_category="",
                performance_rating=_weighted(rng, _RATINGS),
            )
        )
    categories = _categories(rng, people)
    return [replace(p, potential_category=c) for p, c in zip(people, categories, strict=True)]
