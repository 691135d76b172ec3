"""Assessment batches and corrections through the API: all or nothing, errors placed."""

from __future__ import annotations

from flask import Flask

from integrity_service import db
from integrity_service.models import Assessment
from ledger.entry import Entry
from ledger.hashing import commitment
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    b64d,
    ledger_size,
    ledger_unchanged,
    levels,
    nip,
)


def test_batch_records_one_entry_per_result_with_receipts(app: Flask, api: Api) -> None:
    batch = [assessment_json(nip(n)) for n in (1, 2, 3)]
    response = api.post("/assessments", {"results": batch})
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    receipts = response.get_json()["receipts"]
    assert [r["seq"] for r in receipts] == [0, 1, 2]
    for receipt, sent in zip(receipts, batch, strict=True):
        raw = b64d(receipt["entry"])
        assert b64d(receipt["commitment"]) == commitment(raw)
        entry = Entry.from_bytes(raw)
        assert entry.type == "assessment.recorded"
        assert entry.actor == "token:bkpsdm-test"
        assert entry.body["nip"] == sent["nip"]
        assert receipt["checkpoint"] is None and receipt["inclusion_proof"] is None
    assert ledger_size(app) == 3


def test_bad_result_in_batch_of_three_is_placed_and_nothing_recorded(app: Flask, api: Api) -> None:
    batch = [
        assessment_json(nip(1)),
        assessment_json(nip(2), competencies=levels(M03=7), rank="V/z"),
        assessment_json(nip(3)),
    ]
    with ledger_unchanged(app):
        body = assert_problem(api.post("/assessments", {"results": batch}), 422)
    places = {(e["index"], e["field"]) for e in body["errors"]}
    assert places == {(1, "rank"), (1, "competencies.M03")}
    assert all(e["message"] for e in body["errors"])
    assert ledger_size(app) == 0


def test_duplicate_in_batch_and_bad_envelope_are_422(app: Flask, api: Api) -> None:
    with ledger_unchanged(app):
        twice = {"results": [assessment_json(nip(1)), assessment_json(nip(1))]}
        body = assert_problem(api.post("/assessments", twice), 422)
        assert [(e["index"], e["field"]) for e in body["errors"]] == [(1, "nip")]
        body = assert_problem(api.post("/assessments", {"results": [], "extra": 1}), 422)
        assert {e["field"] for e in body["errors"]} == {"results", "extra"}
        body = assert_problem(api.post("/assessments", {"result": assessment_json()}), 422)
        assert {e["field"] for e in body["errors"]} == {"result", "results"}


def _recorded(api: Api) -> int:
    response = api.post("/assessments", {"results": [assessment_json(nip(1))]})
    assert response.status_code == 201
    return response.get_json()["receipts"][0]["seq"]


def test_correction_supersedes_and_keeps_the_original(app: Flask, api: Api) -> None:
    original = _recorded(api)
    corrected = assessment_json(nip(1), competencies=levels(4))
    response = api.post(
        "/assessments/corrections",
        {"supersedes": original, "reason": "Salah input\nnilai M01", "result": corrected},
    )
    assert response.status_code == 201
    body = response.get_json()
    seq = body["assessment"]["seq"]
    assert body["receipt"]["seq"] == seq == original + 1
    assert body["assessment"]["reason"] == "Salah input\nnilai M01"
    entry = Entry.from_bytes(b64d(body["receipt"]["entry"]))
    assert entry.type == "assessment.corrected"
    assert entry.body["supersedes"] == original
    with app.app_context():
        first = db.session().get(Assessment, original)
        assert first is not None and first.superseded_by == seq
        assert first.levels == levels(3)  # the original stays as recorded


def test_second_correction_of_same_original_is_409(app: Flask, api: Api) -> None:
    original = _recorded(api)
    correction = {"supersedes": original, "reason": "typo", "result": assessment_json(nip(1))}
    assert api.post("/assessments/corrections", correction).status_code == 201
    with ledger_unchanged(app):
        body = assert_problem(api.post("/assessments/corrections", correction), 409)
    assert body["superseded_by"] == original + 1


def test_correction_errors(app: Flask, api: Api) -> None:
    original = _recorded(api)
    with ledger_unchanged(app):
        unknown = {"supersedes": 99, "reason": "typo", "result": assessment_json(nip(1))}
        assert_problem(api.post("/assessments/corrections", unknown), 404)
        other = {"supersedes": original, "reason": "typo", "result": assessment_json(nip(2))}
        body = assert_problem(api.post("/assessments/corrections", other), 422)
        assert body["errors"][0]["message"]
        bad = {"supersedes": "0", "reason": " ", "result": assessment_json(nip(1), session=0)}
        body = assert_problem(api.post("/assessments/corrections", bad), 422)
        fields = {(e["index"], e["field"]) for e in body["errors"]}
        assert fields == {(None, "supersedes"), (None, "reason"), (None, "result.session")}
