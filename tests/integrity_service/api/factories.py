"""Factories for API tests: tokens, request bodies, and a ledger-size guard."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from integrity_service import accounts, db
from integrity_service.ledger_store import SqlLedger

CODES = ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "SC01")
_names = count(1)


def make_token(app: Flask, role: str = "bkpsdm", *, name: str | None = None) -> str:
    """Issue a token of ``role`` (named ``<role>-<n>`` unless given) and return it."""
    with app.app_context(), db.sessions()() as session, session.begin():
        return accounts.issue_token(session, name=name or f"{role}-{next(_names)}", role=role)


def bearer(token: str, **headers: str) -> dict[str, str]:
    """Return request headers carrying the token (and any others given)."""
    return {"Authorization": f"Bearer {token}", **headers}


def nip(serial: int = 1, *, born: str = "19800101", appointed: str = "200501") -> str:
    """Return a valid NIP with the given serial."""
    return f"{born}{appointed}1{serial:03d}"


def levels(level: int = 3, **overrides: int) -> dict[str, int]:
    """Return one level for every competency, some overridden."""
    return {code: overrides.get(code, level) for code in CODES}


def assessment_json(nip: str = nip(1), **overrides: Any) -> dict[str, Any]:
    """Return a valid assessment result for the API."""
    result: dict[str, Any] = {
        "nip": nip,
        "name": "Siti Aminah",
        "rank": "III/c",
        "unit": "Dinas Kesehatan",
        "current_position": "Kepala Seksi",
        "event": "CACT 2025",
        "method": "CACT",
        "assessed_on": "2025-08-11",
        "session": 1,
        "competencies": levels(),
        "potential_category": "Potensial",
        "performance_rating": "Baik",
    }
    result.update(overrides)
    return result


def position_json(code: str = "DINKES-ADM-01", **overrides: Any) -> dict[str, Any]:
    """Return a valid position for the API."""
    position: dict[str, Any] = {
        "code": code,
        "title": "Kepala Bidang Pelayanan Kesehatan",
        "type": "administrator",
        "unit": "Dinas Kesehatan",
        "min_rank": "III/c",
        "standard": levels(3),
    }
    position.update(overrides)
    return position


def placement_json(vacancy: str, nip: str = nip(1), **overrides: Any) -> dict[str, Any]:
    """Return a valid placement decision for the API."""
    decision: dict[str, Any] = {
        "vacancy": vacancy,
        "nip": nip,
        "decree_number": "800/123/BKPSDM/2025",
        "decided_on": "2025-09-01",
        "decided_by": "196501011990031001",
        "kind": "promotion",
        "justification": "Peringkat pertama hasil seleksi terbuka.",
    }
    decision.update(overrides)
    return decision


def ledger_size(app: Flask) -> int:
    """Return the number of ledger entries."""
    with app.app_context(), db.sessions()() as session:
        return SqlLedger(session).size()


@contextmanager
def ledger_unchanged(app: Flask) -> Iterator[None]:
    """Assert that the ledger has as many entries after the block as before."""
    before = ledger_size(app)
    yield
    assert ledger_size(app) == before


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """Assert a problem-details response of ``status`` and return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def b64d(text: str) -> bytes:
    """Decode base64 text."""
    return base64.b64decode(text, validate=True)
