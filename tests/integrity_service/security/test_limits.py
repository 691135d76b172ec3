"""Request limits: body size, JSON nesting and size, and the API's rate limit."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from integrity_service import create_app
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    bearer,
    make_token,
    nip,
)
from tests.integrity_service.security.conftest import rate_limited_app
from tests.integrity_service.security.policy import API_TOKEN, path_values, routes
from tests.integrity_service.security.world import World

JSON = {"Content-Type": "application/json"}
# Each answer must come back quickly: refused before validation, not after minutes.
SECONDS = 5.0


def json_posts(app: Flask) -> list[str]:
    """Return the paths of the API routes that take a JSON body."""
    values = {"vacancy_id": "VAC-00001"}
    return [
        r.path
        for r in routes(app, values)
        if r.policy == API_TOKEN and r.method == "POST" and not r.path.endswith("/ranking")
    ]


def post_raw(app: Flask, token: str, path: str, raw: bytes | str) -> TestResponse:
    """POST raw JSON text with the token; assert it was answered quickly."""
    started = time.monotonic()
    response = app.test_client().post(path, data=raw, headers=bearer(token, **JSON))
    assert time.monotonic() - started < SECONDS, f"{path} took too long"
    return response


def nested(depth: int) -> str:
    """Return a body whose ``name`` nests arrays ``depth`` deep."""
    return '{"name": ' + "[" * depth + "]" * depth + "}"


def test_an_oversized_body_answers_413_problem(app: Flask) -> None:
    token = make_token(app, "bkpsdm")
    limit = app.config["MAX_CONTENT_LENGTH"]
    raw = b'{"x": "' + b"a" * limit + b'"}'
    for path in json_posts(app):
        body = assert_problem(post_raw(app, token, path, raw), 413)
        assert "MAX_CONTENT_LENGTH" in body["detail"]


def test_an_oversized_form_answers_413_not_500(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post(
        "/audit/login", data={"username": "x" * 4096}, headers={"Accept": "application/json"}
    )
    assert_problem(response, 413)


@pytest.mark.parametrize("depth", [33, 100, 1_000, 100_000, 1_000_000])
def test_deeply_nested_json_is_refused_early(app: Flask, depth: int) -> None:
    token = make_token(app, "bkpsdm")
    for path in json_posts(app):
        body = assert_problem(post_raw(app, token, path, nested(depth)), 400)
        assert "nest" in body["detail"]


def test_nesting_within_the_limit_reaches_validation(app: Flask) -> None:
    token = make_token(app, "bkpsdm")
    response = post_raw(app, token, "/api/v1/positions", nested(app.config["JSON_MAX_DEPTH"] - 1))
    assert_problem(response, 422)


@pytest.mark.parametrize(
    "body",
    [
        {"results": [1] * 100_000},
        {"candidates": ["198001012005011001"] * 100_000},
        {"standard": {f"K{i}": 1 for i in range(100_000)}},
        {"results": [[1] * 9_000 for _ in range(60)]},  # 540,000 values in all
    ],
    ids=["array", "array-of-text", "object", "many-values"],
)
def test_huge_json_is_refused_early(app: Flask, body: dict[str, object]) -> None:
    token = make_token(app, "bkpsdm")
    raw = json.dumps(body)
    for path in json_posts(app):
        problem = assert_problem(post_raw(app, token, path, raw), 413)
        assert "at most" in problem["detail"] or "more than" in problem["detail"]


def test_a_full_batch_of_assessments_is_within_the_limits(app: Flask) -> None:
    token = make_token(app, "bkpsdm")
    batch = {"results": [assessment_json(nip(i % 999 + 1)) for i in range(5000)]}
    response = post_raw(app, token, "/api/v1/assessments", json.dumps(batch))
    # Duplicate NIPs make it invalid: what matters is that validation, not a limit, answered.
    assert_problem(response, 422)


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose API accepts 5 requests a minute per caller."""
    with rate_limited_app(tmp_path, "5 per minute") as app:
        yield app


def _spend(app: Flask, headers: dict[str, str], count: int) -> list[int]:
    client = app.test_client()
    return [client.get("/api/v1/findings", headers=headers).status_code for _ in range(count)]


def test_the_api_rate_limit_answers_429_with_retry_after(limited_app: Flask) -> None:
    token = make_token(limited_app, "auditor")
    assert _spend(limited_app, bearer(token), 5) == [200] * 5
    client = limited_app.test_client()
    for method, path in (("GET", "/api/v1/findings"), ("POST", "/api/v1/positions")):
        response = client.open(path, method=method, headers=bearer(token), json={})
        problem = assert_problem(response, 429)
        retry = response.headers["Retry-After"]
        assert retry.isdigit() and 0 < int(retry) <= 61
        assert "Retry-After" in problem["detail"]
    # Per token: another token is not affected.
    other = make_token(limited_app, "auditor")
    assert _spend(limited_app, bearer(other), 1) == [200]


def test_requests_without_a_valid_token_are_limited_per_address(limited_app: Flask) -> None:
    made_up = [{"Authorization": f"Bearer isv_guess{i}"} for i in range(5)]
    statuses = [_spend(limited_app, headers, 1)[0] for headers in made_up]
    assert statuses == [401] * 5
    assert _spend(limited_app, {}, 1) == [429]
    assert _spend(limited_app, {"Authorization": "Bearer isv_another-guess"}, 1) == [429]
    # A valid token is counted on its own, not with the address.
    assert _spend(limited_app, bearer(make_token(limited_app, "auditor")), 1) == [200]


def test_the_default_rate_limit_is_generous_and_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}", "SECRET_KEY": "x"}

    def configured_limit() -> str:
        app = create_app(config)
        app.extensions["integrity_engine"].dispose()
        return str(app.config["API_RATE_LIMIT"])

    assert configured_limit() == "600 per minute"
    monkeypatch.setenv("INTEGRITY_API_RATE_LIMIT", "20 per second")
    assert configured_limit() == "20 per second"
    monkeypatch.setenv("INTEGRITY_API_RATE_LIMIT", "lots")
    with pytest.raises(ValueError, match="API_RATE_LIMIT"):
        configured_limit()


def test_the_limits_do_not_refuse_ordinary_use(world: World) -> None:
    """The recorded world went through the API within the limits; reading it does too."""
    client = world.app.test_client()
    for route in routes(world.app, path_values(world)):
        if route.policy == API_TOKEN and route.method == "GET":
            response = client.get(route.path, headers=bearer(world.tokens["auditor"]))
            assert response.status_code not in (400, 413, 429), route.label
