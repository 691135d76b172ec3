"""Positions, vacancies and rankings through the API, tie-breaks included."""

from __future__ import annotations

from flask import Flask

from ledger.entry import Entry
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    b64d,
    ledger_unchanged,
    levels,
    nip,
    position_json,
)


def _position(api: Api, code: str = "DINKES-ADM-01", **overrides: object) -> None:
    assert api.post("/positions", position_json(code, **overrides)).status_code == 201


def _vacancy(api: Api, candidates: list[str], position: str = "DINKES-ADM-01") -> str:
    response = api.post(
        "/vacancies", {"position": position, "candidates": candidates, "opened_on": "2025-08-20"}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_position_defined_and_shown(api: Api, auditor: Api) -> None:
    response = api.post("/positions", position_json("DINKES-ADM-01", type="JPT Pratama"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["position"]["type"] == "jpt_pratama"
    assert body["position"]["standard"] == levels(3)
    assert Entry.from_bytes(b64d(body["receipt"]["entry"])).type == "position.defined"
    shown = auditor.get("/positions/DINKES-ADM-01").get_json()
    assert shown["position"] == body["position"]
    assert shown["receipt"]["commitment"] == body["receipt"]["commitment"]


def test_position_errors(app: Flask, api: Api) -> None:
    _position(api)
    with ledger_unchanged(app):
        body = assert_problem(api.post("/positions", position_json()), 409)
        assert "already defined" in body["detail"]
        body = assert_problem(api.post("/positions", position_json(code="bad code!")), 422)
        assert [(e["index"], e["field"]) for e in body["errors"]] == [(None, "code")]
    assert_problem(api.get("/positions/NOPE"), 404)


def test_vacancy_opened_with_receipt_and_shown(api: Api) -> None:
    _position(api)
    candidates = [nip(1), "19800101 200501 1 002"]
    response = api.post(
        "/vacancies",
        {"position": "DINKES-ADM-01", "candidates": candidates, "opened_on": "2025-08-20"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == "VAC-00001"
    assert body["candidates"] == [nip(1), nip(2)]
    assert body["receipt"]["seq"] == body["seq"] == 1
    shown = api.get(f"/vacancies/{body['id']}").get_json()
    assert shown["candidates"] == [nip(1), nip(2)] and shown["position"] == "DINKES-ADM-01"


def test_vacancy_errors(app: Flask, api: Api) -> None:
    _position(api)
    with ledger_unchanged(app):
        unknown = {"position": "NOPE", "candidates": [nip(1)], "opened_on": "2025-08-20"}
        body = assert_problem(api.post("/vacancies", unknown), 404)
        assert body["position"] == "NOPE"
        bad = {
            "position": "DINKES-ADM-01",
            "candidates": [nip(1), "123", nip(1)],
            "opened_on": "2099-01-01",
            "note": "x",
        }
        body = assert_problem(api.post("/vacancies", bad), 422)
        fields = [e["field"] for e in body["errors"]]
        assert fields == ["note", "candidates[1]", "candidates[2]", "opened_on"]
        empty = {"position": "DINKES-ADM-01", "candidates": [], "opened_on": "2025-08-20"}
        assert assert_problem(api.post("/vacancies", empty), 422)["errors"][0]["field"] == (
            "candidates"
        )
        many = {**empty, "candidates": [nip(1)] * 5001}
        assert "5000" in assert_problem(api.post("/vacancies", many), 422)["errors"][0]["message"]
    assert_problem(api.get("/vacancies/VAC-99999"), 404)


def test_ranking_published_then_shown(app: Flask, api: Api, auditor: Api) -> None:
    _position(api)
    results = [
        assessment_json(nip(1), competencies=levels(2)),
        assessment_json(nip(2), competencies=levels(3)),
    ]
    assert api.post("/assessments", {"results": results}).status_code == 201
    vacancy = _vacancy(api, [nip(1), nip(2), nip(3)])
    assert_problem(auditor.get(f"/vacancies/{vacancy}/ranking"), 404)
    response = api.post(f"/vacancies/{vacancy}/ranking")
    assert response.status_code == 201
    body = response.get_json()
    ranking = body["ranking"]
    assert [(r["rank"], r["nip"], r["jpm"]) for r in ranking] == [
        (1, nip(2), "100.00"),
        (2, nip(1), "66.67"),
        (None, nip(3), None),
    ]
    entry = Entry.from_bytes(b64d(body["receipt"]["entry"]))
    assert entry.type == "ranking.published" and entry.body["ranking"] == ranking
    shown = auditor.get(f"/vacancies/{vacancy}/ranking").get_json()
    assert shown["ranking"] == ranking
    assert shown["seq"] == body["seq"] and shown["published_at"] == body["published_at"]


def test_equal_jpm_is_ordered_by_potential_category(api: Api) -> None:
    _position(api)
    results = [
        assessment_json(nip(1), potential_category="Potensial"),
        assessment_json(nip(2), potential_category="Sangat Potensial"),
        assessment_json(nip(3), potential_category="Cukup Potensial"),
    ]
    assert api.post("/assessments", {"results": results}).status_code == 201
    vacancy = _vacancy(api, [nip(1), nip(2), nip(3)])
    ranking = api.post(f"/vacancies/{vacancy}/ranking").get_json()["ranking"]
    assert {r["jpm"] for r in ranking} == {"100.00"}
    assert [(r["rank"], r["nip"], r["potential_category"]) for r in ranking] == [
        (1, nip(2), "Sangat Potensial"),
        (2, nip(1), "Potensial"),
        (3, nip(3), "Cukup Potensial"),
    ]


def test_ranking_of_unknown_vacancy_is_404(app: Flask, api: Api) -> None:
    with ledger_unchanged(app):
        assert_problem(api.post("/vacancies/VAC-00042/ranking"), 404)
    assert_problem(api.get("/vacancies/VAC-00042/ranking"), 404)
