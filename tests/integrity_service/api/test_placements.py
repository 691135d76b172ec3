"""Placement decisions through the API."""

from __future__ import annotations

from flask import Flask

from ledger.entry import Entry
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    b64d,
    ledger_unchanged,
    nip,
    placement_json,
    position_json,
)


def _open_vacancy(api: Api) -> str:
    assert api.post("/positions", position_json()).status_code == 201
    assert api.post("/assessments", {"results": [assessment_json(nip(1))]}).status_code == 201
    response = api.post(
        "/vacancies",
        {"position": "DINKES-ADM-01", "candidates": [nip(1)], "opened_on": "2025-08-20"},
    )
    return response.get_json()["id"]


def test_placement_recorded_and_shown(api: Api, auditor: Api) -> None:
    vacancy = _open_vacancy(api)
    response = api.post("/placements", placement_json(vacancy, kind="Plt"))
    assert response.status_code == 201
    body = response.get_json()
    placement = body["placement"]
    assert placement["id"] == "PL-00001"
    assert placement["kind"] == "acting"
    assert placement["position"] == "DINKES-ADM-01"
    assert placement["from_position"] == "Kepala Seksi"
    assert placement["approval_reference"] is None
    entry = Entry.from_bytes(b64d(body["receipt"]["entry"]))
    assert entry.type == "placement.decided" and entry.actor == "token:bkpsdm-test"
    assert entry.body["decree_number"] == "800/123/BKPSDM/2025"
    shown = auditor.get("/placements/PL-00001").get_json()
    assert shown["placement"] == placement
    assert shown["receipt"]["commitment"] == body["receipt"]["commitment"]


def test_placement_errors(app: Flask, api: Api) -> None:
    vacancy = _open_vacancy(api)
    with ledger_unchanged(app):
        assert_problem(api.post("/placements", placement_json("VAC-00099")), 404)
        bad = placement_json(vacancy, kind="sale", decided_by="1234 5678", justification=None)
        body = assert_problem(api.post("/placements", bad), 422)
        assert [e["field"] for e in body["errors"]] == ["decided_by", "kind"]
    assert_problem(api.get("/placements/PL-00404"), 404)
