"""Benchmark: the placement-check endpoint and a full re-audit.

Usage: ``python bench/rules_bench.py [--checks 300]``. In-process (Flask's
test client, SQLite file): one vacancy of 2,000 assessed candidates with a
published ranking, then POST /api/v1/placements/check repeatedly (each check
is evaluated and recorded in the ledger); and ``audit`` over the demo
scenario (replay the ledger, recompute every finding, compare). Prints
progress, then a JSON object last with ``checks_per_s`` and ``audit_seconds``
(medians of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask

from integrity_service import accounts, create_app, db
from integrity_service.audit import audit_entries, entries_from_database
from integrity_service.cli import initialise

CANDIDATES = 2000
STANDARD = {f"M0{i}": 3 for i in range(1, 9)} | {"SC01": 3}


def make_app(folder: Path) -> Flask:
    """Return an initialised app on a SQLite file in ``folder``."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "KEY_FILE": str(folder / "signing.key"),
            "SECRET_KEY": "bench",
            "API_RATE_LIMIT": "1000000 per minute",
            "REQUEST_LOG": "",
        }
    )
    with app.app_context():
        initialise()
    return app


def nip(n: int) -> str:
    """Return a valid NIP for candidate ``n``."""
    return f"1980{1 + n // 600 % 12:02d}{1 + n // 30 % 28:02d}2005011{n % 900 + 1:03d}"


def vacancy_of_2000(app: Flask, token: str) -> tuple[Any, str]:
    """Record a position, 2,000 assessed candidates, a vacancy and its ranking."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    position = {
        "code": "BENCH-01",
        "title": "Kepala Bidang",
        "type": "administrator",
        "unit": "Dinas Bench",
        "min_rank": "III/c",
        "standard": STANDARD,
    }
    assert client.post("/api/v1/positions", json=position, headers=headers).status_code == 201
    nips = sorted({nip(n) for n in range(CANDIDATES * 2)})[:CANDIDATES]
    results = [
        {
            "nip": value,
            "name": f"Pegawai {i}",
            "rank": "III/d",
            "unit": "Dinas Bench",
            "current_position": "Kepala Seksi",
            "event": "CACT Bench",
            "method": "CACT",
            "assessed_on": "2025-08-11",
            "session": 1 + i % 5,
            "competencies": {code: 1 + (i + k) % 5 for k, code in enumerate(STANDARD)},
            "potential_category": ("Sangat Potensial", "Potensial", "Cukup Potensial")[i % 3],
            "performance_rating": "Baik",
        }
        for i, value in enumerate(nips)
    ]
    response = client.post("/api/v1/assessments", json={"results": results}, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = {"position": "BENCH-01", "candidates": nips, "opened_on": "2025-09-01"}
    vacancy = client.post("/api/v1/vacancies", json=body, headers=headers).get_json()["id"]
    ranked = client.post(f"/api/v1/vacancies/{vacancy}/ranking", headers=headers)
    assert ranked.status_code == 201
    return client, vacancy


def measure_checks(checks: int) -> float:
    """Return checks per second against a vacancy of 2,000 candidates."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context(), db.sessions()() as session, session.begin():
            token = accounts.issue_token(session, name="bench", role="bkpsdm")
        client, vacancy = vacancy_of_2000(app, token)
        headers = {"Authorization": f"Bearer {token}"}
        ranking = client.get(f"/api/v1/vacancies/{vacancy}/ranking", headers=headers).get_json()
        appointees = [line["nip"] for line in ranking["ranking"][:50]]
        started = time.perf_counter()
        for n in range(checks):
            check = {
                "vacancy": vacancy,
                "nip": appointees[n % len(appointees)],
                "decided_by": "PPK-BUPATI",
                "decided_on": "2025-10-01",
            }
            response = client.post("/api/v1/placements/check", json=check, headers=headers)
            assert response.status_code == 200, response.get_json()
        elapsed = time.perf_counter() - started
        app.extensions["integrity_engine"].dispose()
    return checks / elapsed


def measure_audit() -> float:
    """Return the seconds a full re-audit of the demo scenario takes."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.sessions()() as session:
            started = time.perf_counter()
            report, _ = audit_entries(entries_from_database(session))
            elapsed = time.perf_counter() - started
        assert not report.differences, report.differences[:3]
        app.extensions["integrity_engine"].dispose()
    print(
        f"audit: {report.decisions} decisions, {report.checks} checks, "
        f"{report.findings} findings in {elapsed:.2f} s",
        flush=True,
    )
    return elapsed


def main() -> None:
    """Run both measurements and print the JSON result last."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rates = []
    for attempt in range(args.repeat):
        rates.append(measure_checks(args.checks))
        print(f"run {attempt + 1}: {rates[-1]:.0f} checks/s", flush=True)
    audits = [measure_audit() for _ in range(args.repeat)]
    print(
        json.dumps(
            {
                "candidates": CANDIDATES,
                "checks": args.checks,
                "checks_per_s": round(statistics.median(rates), 1),
                "audit_seconds": round(statistics.median(audits), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
