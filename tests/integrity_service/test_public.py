"""The public machine endpoints: exact contract, proofs that verify, problems on bad input."""

from __future__ import annotations

import base64

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from ledger.checkpoint import open_checkpoint
from ledger.note import NoteVerifier
from ledger.proofs import verify_consistency, verify_inclusion
from tests.integrity_service.test_ledger_store import append


def b64d(text: str) -> bytes:
    """Decode base64 text."""
    return base64.b64decode(text)


@pytest.fixture
def filled(app: Flask) -> Flask:
    """The app with 70 entries and checkpoints at 30 and 70."""
    append(app, 30)
    with app.app_context(), db.write_session(db.sessions()) as session:
        SqlLedger(session).sign_checkpoint(keys.signer())
    append(app, 40)
    with app.app_context(), db.write_session(db.sessions()) as session:
        SqlLedger(session).sign_checkpoint(keys.signer())
    return app


def test_checkpoint_and_key_verify(filled: Flask, client: FlaskClient) -> None:
    key = client.get("/public/key")
    assert key.status_code == 200 and key.mimetype == "text/plain"
    verifier = NoteVerifier.from_text(key.get_data(as_text=True))
    response = client.get("/public/checkpoint")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    checkpoint = open_checkpoint(response.get_data(as_text=True), verifier)
    assert checkpoint.size == 70
    history = client.get("/public/checkpoints").get_json()["checkpoints"]
    assert [c["size"] for c in history] == [30, 70]
    assert b64d(history[-1]["root"]) == checkpoint.root
    assert history[-1]["note"] == response.get_data(as_text=True)


def test_proofs_verify_against_checkpoints(filled: Flask, client: FlaskClient) -> None:
    history = client.get("/public/checkpoints").get_json()["checkpoints"]
    old_root, root = b64d(history[0]["root"]), b64d(history[1]["root"])
    for index in (0, 29, 30, 69):
        body = client.get(f"/public/proof/inclusion?index={index}&size=70").get_json()
        assert set(body) == {"index", "size", "leaf_hash", "proof"}
        verify_inclusion(
            index=index,
            size=70,
            leaf_hash=b64d(body["leaf_hash"]),
            proof=[b64d(p) for p in body["proof"]],
            root=root,
        )
    body = client.get("/public/proof/consistency?old=30&size=70").get_json()
    assert (body["old_size"], body["size"]) == (30, 70)
    verify_consistency(
        old_size=30, size=70, old_root=old_root, root=root, proof=[b64d(p) for p in body["proof"]]
    )
    same = client.get("/public/proof/consistency?old=70&size=70").get_json()
    assert same["proof"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/public/proof/inclusion?size=70", "index"),
        ("/public/proof/inclusion?index=-1&size=70", "index"),
        ("/public/proof/inclusion?index=abc&size=70", "index"),
        ("/public/proof/inclusion?index=1.5&size=70", "index"),
        ("/public/proof/inclusion?index=70&size=70", "index"),
        ("/public/proof/inclusion?index=0&size=71", "size"),
        ("/public/proof/inclusion?index=0&size=0", "size"),
        ("/public/proof/inclusion?index=0&size=99999999999999999999999", "size"),
        ("/public/proof/consistency?old=0&size=70", "old"),
        ("/public/proof/consistency?old=71&size=70", "old"),
        ("/public/proof/consistency?old=1&size=71", "size"),
        ("/public/proof/consistency?old=40&size=30", "old"),
        ("/public/proof/consistency?old=1", "size"),
        ("/public/proof/consistency?old=%00&size=3", "old"),
    ],
)
def test_bad_parameters_answer_problem(
    filled: Flask, client: FlaskClient, query: str, parameter: str
) -> None:
    response = client.get(query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["parameter"] == parameter
    assert parameter in body["detail"]


def test_empty_log_has_no_checkpoint(client: FlaskClient) -> None:
    response = client.get("/public/checkpoint")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert client.get("/public/checkpoints").get_json() == {"checkpoints": []}
    assert client.get("/public/proof/inclusion?index=0&size=1").status_code == 400


def test_unknown_route_is_a_problem_not_a_trace(client: FlaskClient) -> None:
    response = client.get("/public/nope")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
