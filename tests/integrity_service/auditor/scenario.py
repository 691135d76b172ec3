"""A small scenario through the API: two vacancies, a compliant and a deviating placement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from tests.integrity_service.api.factories import (
    assessment_json,
    bearer,
    levels,
    make_token,
    nip,
    placement_json,
    position_json,
)

PEOPLE = [
    (nip(1), "Siti Aminah", "Sangat Potensial", levels(4)),
    (nip(2), "Budi Santoso", "Potensial", levels(3)),
    (nip(3), "Dewi Lestari", "Potensial", levels(3, M01=2, M02=2)),
    (nip(4), "Agus Salim", "Cukup Potensial", levels(3, M01=2, M02=2, M03=2)),
    (nip(5), "Rina Wati", "Kurang Potensial", levels(2)),
]


@dataclass(frozen=True)
class Scenario:
    """What the scenario recorded: vacancy ids, placement ids, appointees, the token's name."""

    token_name: str
    compliant_vacancy: str
    deviating_vacancy: str
    compliant_appointee: str
    deviating_appointee: str


def _post(client: Any, token: str, path: str, body: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1{path}", json=body, headers=bearer(token))
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def build_scenario(app: Flask, token_name: str = "bkpsdm-web") -> Scenario:
    """Record positions, assessments, two vacancies with rankings, one check, two placements."""
    token = make_token(app, "bkpsdm", name=token_name)
    client = app.test_client()
    _post(client, token, "/positions", position_json("DINKES-ADM-01"))
    _post(client, token, "/positions", position_json("DINKES-ADM-02", title="Kepala Bidang P2P"))
    results = [
        assessment_json(number, name=name, potential_category=category, competencies=levels_)
        for number, name, category, levels_ in PEOPLE
    ]
    _post(client, token, "/assessments", {"results": results})
    nips = [person[0] for person in PEOPLE]
    first = _post(
        client,
        token,
        "/vacancies",
        {"position": "DINKES-ADM-01", "candidates": nips, "opened_on": "2025-08-20"},
    )["id"]
    second = _post(
        client,
        token,
        "/vacancies",
        {"position": "DINKES-ADM-02", "candidates": nips[1:], "opened_on": "2025-08-21"},
    )["id"]
    _post(client, token, f"/vacancies/{first}/ranking", None)
    _post(client, token, f"/vacancies/{second}/ranking", None)
    _post(client, token, "/placements", placement_json(first, nips[0]))
    deviating = placement_json(
        second,
        nips[4],
        decree_number="800/124/BKPSDM/2025",
        decided_on="2025-09-02",
        justification="Kebutuhan organisasi mendesak.",
    )
    check_fields = ("vacancy", "nip", "decided_by", "decided_on", "kind")
    _post(client, token, "/placements/check", {k: deviating[k] for k in check_fields})
    _post(client, token, "/placements", deviating)
    with app.app_context(), db.write_session(db.sessions()) as session:
        SqlLedger(session).sign_checkpoint(keys.signer())
    return Scenario(token_name, first, second, nips[0], nips[4])
