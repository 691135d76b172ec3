"""Idempotency keys: a retry answers the first response and appends nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity_service import idempotency
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    bearer,
    ledger_size,
    ledger_unchanged,
    make_token,
    nip,
    position_json,
)

KEY = {"Idempotency-Key": "7f1c2a9e-batch-1"}


def test_retry_answers_first_response_and_grows_ledger_once(app: Flask, api: Api) -> None:
    batch = {"results": [assessment_json(nip(1)), assessment_json(nip(2))]}
    first = api.post("/assessments", batch, **KEY)
    assert first.status_code == 201 and ledger_size(app) == 2
    with ledger_unchanged(app):
        second = api.post("/assessments", batch, **KEY)
    assert second.status_code == 201
    assert second.get_data() == first.get_data()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


def test_quoted_key_is_the_same_key(app: Flask, api: Api) -> None:
    first = api.post("/positions", position_json(), **{"Idempotency-Key": "k-1"})
    with ledger_unchanged(app):
        again = api.post("/positions", position_json(), **{"Idempotency-Key": '"k-1"'})
    assert again.status_code == 201 and again.get_data() == first.get_data()


def test_same_key_with_another_body_or_path_is_refused(app: Flask, api: Api) -> None:
    assert api.post("/positions", position_json("P1"), **KEY).status_code == 201
    with ledger_unchanged(app):
        body = assert_problem(api.post("/positions", position_json("P2"), **KEY), 422)
        assert "different request" in body["detail"] and body["key"] == KEY["Idempotency-Key"]
        other_path = {"results": [assessment_json()]}
        assert_problem(api.post("/assessments", other_path, **KEY), 422)


def test_keys_are_scoped_per_token(app: Flask, api: Api, client: FlaskClient) -> None:
    assert api.post("/positions", position_json("P1"), **KEY).status_code == 201
    other = bearer(make_token(app, "bkpsdm"), **KEY)
    response = client.post("/api/v1/positions", json=position_json("P2"), headers=other)
    assert response.status_code == 201 and ledger_size(app) == 2


def test_refused_write_does_not_use_up_its_key(app: Flask, api: Api) -> None:
    assert api.post("/positions", position_json("P1")).status_code == 201
    with ledger_unchanged(app):
        assert_problem(api.post("/positions", position_json("P1"), **KEY), 409)
    assert api.post("/positions", position_json("P2"), **KEY).status_code == 201


def test_malformed_key_is_400(app: Flask, api: Api) -> None:
    with ledger_unchanged(app):
        for key in ("", "x" * 256, "caf\u00e9"):
            response = api.post("/positions", position_json(), **{"Idempotency-Key": key})
            assert_problem(response, 400)


def test_key_and_write_commit_together(
    app: Flask, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("power cut between the write and its key")

    monkeypatch.setattr(idempotency, "remember", crash)
    with ledger_unchanged(app):
        response = api.post("/positions", position_json(), **KEY)
    assert_problem(response, 500)
    assert "power cut" not in response.get_data(as_text=True)
    monkeypatch.undo()
    assert api.post("/positions", position_json(), **KEY).status_code == 201
    assert ledger_size(app) == 1


def test_concurrent_retries_append_once(app: Flask, api: Api) -> None:
    batch = {"results": [assessment_json(nip(n)) for n in range(1, 4)]}

    def send(_: int) -> tuple[int, bytes]:
        response = app.test_client().post(
            "/api/v1/assessments", json=batch, headers=bearer(api.token, **KEY)
        )
        return response.status_code, response.get_data()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, range(8)))
    assert {status for status, _ in answers} == {201}
    assert len({body for _, body in answers}) == 1
    assert ledger_size(app) == 3
