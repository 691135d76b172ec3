"""The requests of bench/api_load.py: a realistic mix of BKPSDM API calls and public reads.

Placement checks (each recorded in the ledger, so a write), placement records,
assessment batches of 20 new people, inclusion proofs and checkpoint fetches,
about the vacancies and candidates of the database the run starts from.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_MIX = {"check": 60, "proof": 20, "checkpoint": 10, "placement": 5, "assessments": 5}
CODES = ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "SC01")
BATCH = 20


@dataclass
class Workload:
    """What the requests are about, read from the demo database before the run."""

    pairs: list[tuple[str, str]]
    proof_size: int
    today: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    next_person: int = 0


def read_workload(db_path: Path) -> Workload:
    """Return the vacancies' candidates and the latest checkpoint's size."""
    with sqlite3.connect(db_path) as conn:
        pairs = conn.execute("SELECT vacancy_id, nip FROM candidates ORDER BY 1, 2").fetchall()
        size = conn.execute("SELECT max(size) FROM ledger_checkpoints").fetchone()[0]
    return Workload([(v, n) for v, n in pairs], int(size), date.today().isoformat())


@dataclass(frozen=True)
class Request:
    """One request: what to send, the status that acknowledges it, the entries it appends."""

    operation: str
    method: str
    path: str
    body: Any = None
    expected: int = 200
    entries: tuple[tuple[str, int], ...] = ()


def _assessment(workload: Workload, rng: random.Random) -> dict[str, Any]:
    number = workload.next_person
    workload.next_person += 1
    # Distinct NIPs for the first 10 million: day, month, year, then serial as digits.
    year = 1966 + number // 336 % 30
    born = f"{year}{1 + number // 28 % 12:02d}{1 + number % 28:02d}"
    nip = f"{born}{year + 25}011{1 + number // 10080 % 999:03d}"
    return {
        "nip": nip,
        "name": f"Peserta Uji {number}",
        "rank": rng.choice(("III/a", "III/b", "III/c", "III/d", "IV/a")),
        "unit": "Dinas Kesehatan",
        "current_position": "Kepala Seksi",
        "event": f"CACT beban {workload.run_id}",
        "method": "CACT",
        "assessed_on": "2025-08-11",
        "session": 1,
        "competencies": {code: rng.randint(1, 5) for code in CODES},
        "potential_category": rng.choice(("Sangat Potensial", "Potensial", "Cukup Potensial")),
        "performance_rating": rng.choice(("Sangat Baik", "Baik", "Butuh Perbaikan")),
    }


def make_request(operation: str, workload: Workload, rng: random.Random) -> Request:
    """Return a realistic request of the given operation."""
    if operation in ("check", "placement"):
        vacancy, nip = rng.choice(workload.pairs)
        decision = {
            "vacancy": vacancy,
            "nip": nip,
            "decided_on": workload.today,
            "decided_by": "PPK-BUPATI",
            "kind": rng.choice(("promotion", "rotation", "definitive")),
        }
        if operation == "check":
            return Request(
                "check",
                "POST",
                "/api/v1/placements/check",
                decision,
                200,
                (("placement.checked", 1),),
            )
        decision["decree_number"] = f"800/{rng.randint(1, 99999)}/BKPSDM/2026"
        decision["justification"] = "Hasil seleksi terbuka; dicatat oleh uji beban."
        return Request(
            "placement", "POST", "/api/v1/placements", decision, 201, (("placement.decided", 1),)
        )
    if operation == "assessments":
        results = [_assessment(workload, rng) for _ in range(BATCH)]
        return Request(
            "assessments",
            "POST",
            "/api/v1/assessments",
            {"results": results},
            201,
            (("assessment.recorded", BATCH),),
        )
    if operation == "proof":
        index = rng.randrange(workload.proof_size)
        path = f"/public/proof/inclusion?index={index}&size={workload.proof_size}"
        return Request("proof", "GET", path)
    if operation == "checkpoint":
        return Request("checkpoint", "GET", "/public/checkpoint")
    raise ValueError(f"unknown operation {operation!r}")


def parse_mix(text: str) -> dict[str, int]:
    """Parse ``check=60,proof=20`` into operation weights."""
    if not text:
        return dict(DEFAULT_MIX)
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in DEFAULT_MIX:
            raise SystemExit(f"--mix: unknown operation {name!r}; known: {', '.join(DEFAULT_MIX)}")
        mix[name.strip()] = int(weight or 1)
    return mix
