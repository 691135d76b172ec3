"""Bearer tokens: who may call, who may write, and the CLI that issues and revokes them."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from integrity_service import db
from integrity_service.accounts import ApiToken, token_hash
from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assert_problem,
    assessment_json,
    bearer,
    ledger_unchanged,
    make_token,
    position_json,
)

WRITES = [
    ("/api/v1/assessments", {"results": [assessment_json()]}),
    ("/api/v1/positions", position_json()),
    ("/api/v1/vacancies", {"position": "X", "candidates": [], "opened_on": "2025-01-01"}),
    ("/api/v1/vacancies/VAC-00001/ranking", None),
    ("/api/v1/placements", {}),
    ("/api/v1/assessments/corrections", {}),
]


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_write_without_token_is_401_with_challenge(
    app: Flask, client: FlaskClient, path: str, body: object
) -> None:
    with ledger_unchanged(app):
        response = client.post(path, json=body)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_bad_token_and_bad_scheme_are_401(app: Flask, client: FlaskClient) -> None:
    make_token(app)
    for header in ("Bearer isv_not-a-token", "Basic dXNlcjpwYXNz", "Bearer "):
        response = client.get("/api/v1/receipts/0", headers={"Authorization": header})
        assert_problem(response, 401)
        assert "error=" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("path", "body"), WRITES)
def test_auditor_and_admin_may_not_write(
    app: Flask, client: FlaskClient, path: str, body: object
) -> None:
    for role in ("auditor", "admin"):
        with ledger_unchanged(app):
            response = client.post(path, json=body, headers=bearer(make_token(app, role)))
        problem = assert_problem(response, 403)
        assert problem["role"] == role and "bkpsdm" in problem["detail"]


def test_every_role_may_read_receipts(app: Flask, api: Api, client: FlaskClient) -> None:
    assert api.post("/positions", position_json()).status_code == 201
    for role in ("bkpsdm", "auditor", "admin"):
        response = client.get("/api/v1/receipts/0", headers=bearer(make_token(app, role)))
        assert response.status_code == 200


def test_cli_creates_token_once_and_stores_only_its_hash(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    result = runner.invoke(args=["create-token", "--name", "simpeg", "--role", "bkpsdm"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("isv_") and len(token) > 40
    assert "shown only this once" in result.stderr
    with app.app_context():
        rows = db.session().scalars(select(ApiToken)).all()
        assert [(r.name, r.role) for r in rows] == [("simpeg", "bkpsdm")]
        assert rows[0].token_hash == token_hash(token)
        assert token.encode() not in rows[0].token_hash
    response = client.post("/api/v1/positions", json=position_json(), headers=bearer(token))
    assert response.status_code == 201
    again = runner.invoke(args=["create-token", "--name", "simpeg", "--role", "auditor"])
    assert again.exit_code != 0 and "already used" in again.output


def test_cli_refuses_unknown_role_and_bad_name(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["create-token", "--name", "x", "--role", "root"]).exit_code != 0
    result = runner.invoke(args=["create-token", "--name", "a b", "--role", "auditor"])
    assert result.exit_code != 0 and "letters, digits" in result.output


def test_revoked_token_is_refused_at_once(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    token = runner.invoke(args=["create-token", "--name", "old", "--role", "bkpsdm"]).stdout
    headers = bearer(token.strip())
    assert (
        client.post("/api/v1/positions", json=position_json(), headers=headers).status_code == 201
    )
    result = runner.invoke(args=["revoke-token", "--name", "old"])
    assert result.exit_code == 0 and "revoked" in result.output
    with ledger_unchanged(app):
        response = client.post("/api/v1/positions", json=position_json("P2"), headers=headers)
    assert "revoked" in assert_problem(response, 401)["detail"]
    assert_problem(client.get("/api/v1/receipts/0", headers=headers), 401)
    assert "already revoked" in runner.invoke(args=["revoke-token", "--name", "old"]).output
    assert runner.invoke(args=["revoke-token", "--name", "nobody"]).exit_code != 0
