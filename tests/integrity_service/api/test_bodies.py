"""Bodies the API refuses before validation: not JSON, not an object, wrong content type."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import assert_problem, bearer, ledger_unchanged

MALFORMED = [
    (b'{"code": "A",', "line 1"),
    (b"\xff\xfe{}", "UTF-8"),
    (b'{"code": "A", "code": "B"}', "twice"),
    (b'{"x": NaN}', "NaN"),
    (b"[1, 2]", "array"),
    (b"null", "null"),
    (b"[" * 100_000 + b"]" * 100_000, "deeply"),
]


@pytest.mark.parametrize(("raw", "said"), MALFORMED)
def test_malformed_json_is_400(
    app: Flask, api: Api, client: FlaskClient, raw: bytes, said: str
) -> None:
    with ledger_unchanged(app):
        response = client.post(
            "/api/v1/positions",
            data=raw,
            headers=bearer(api.token, **{"Content-Type": "application/json"}),
        )
    assert said in assert_problem(response, 400)["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(
    app: Flask, api: Api, client: FlaskClient, content_type: str | None
) -> None:
    headers = bearer(api.token)
    if content_type:
        headers["Content-Type"] = content_type
    with ledger_unchanged(app):
        response = client.post("/api/v1/assessments", data=b'{"results": []}', headers=headers)
    assert "application/json" in assert_problem(response, 415)["detail"]


def test_unknown_route_and_method_are_problems(api: Api, client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert_problem(client.delete("/api/v1/positions", headers=bearer(api.token)), 405)
    assert_problem(api.get("/receipts/-1"), 404)
