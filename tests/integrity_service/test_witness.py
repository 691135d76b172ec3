"""Witnesses (C2SP tlog-witness): real witness processes on loopback cosign, refuse and remember."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.receipts import build_receipt
from integrity_service.witness_tables import LedgerCosignature
from ledger.append import Draft
from ledger.cosignature import CosignatureSigner
from ledger.note import NoteSigner
from ledger.witness import main as witness_main
from ledger.witness_protocol import AddCheckpoint
from ledger.witness_state import WitnessState
from tests.browser_support import live_server as served
from tests.c2sp_spec import spec_parse_vkey, spec_split_note, spec_verify
from tests.integrity_service.test_ledger_store import append
from tests.integrity_service.tlog_support import (
    fork_log,
    log_app,
    run_cli,
    witnesses,
)


def _log_vkey(app: Flask) -> str:
    with app.app_context():
        return keys.verifier().to_text()


def _public_checkpoint(app: Flask) -> str:
    response = app.test_client().get("/public/checkpoint")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _latest_note(app: Flask) -> str:
    with app.app_context():
        latest = SqlLedger(db.session()).latest_checkpoint()
        assert latest is not None
        return latest.note


def test_two_witnesses_cosign_and_the_checkpoint_carries_both(tmp_path: Path) -> None:
    app = log_app(tmp_path / "log")
    with witnesses(tmp_path, _log_vkey(app)) as (w1, w2):
        app.config.update(WITNESSES=[w1.config(), w2.config()], WITNESS_QUORUM=2)
        for size, count in ((10, 10), (25, 15)):
            append(app, count)
            code, output = run_cli(app, "checkpoint")
            assert code == 0, output
            assert f"checkpoint {size} cosigned by 2 of 2 witnesses (quorum 2: met)" in output
            note = _public_checkpoint(app)
            text, lines = spec_split_note(note)
            assert text.split("\n")[1] == str(size)
            assert len(lines) == 3 and lines[0].startswith("\u2014 test.kab.example/ledger ")
            for witness, line in zip((w1, w2), lines[1:], strict=True):
                name, public = spec_parse_vkey(witness.vkey)
                assert spec_verify(name, public, text, line) > 1_700_000_000
            assert _public_checkpoint(app) == app.test_client().get("/public/tlog/checkpoint").text
        state = json.loads(w1.state_file.read_text())
        assert state["logs"]["test.kab.example/ledger"]["size"] == 25
        # Nothing new: no checkpoint, and no witness is asked twice.
        code, output = run_cli(app, "checkpoint")
        assert code == 0 and "already cosigned" in output
        _check_receipt_quorum(app, tmp_path, [w1.vkey, w2.vkey])


def _check_receipt_quorum(app: Flask, tmp_path: Path, vkeys: list[str]) -> None:
    """A receipt proved against the cosigned checkpoint verifies with a witness quorum."""
    with app.app_context():
        receipt = build_receipt(SqlLedger(db.session()), 3)
    receipt["checkpoint"] = _public_checkpoint(app)  # the same signed note, cosigned
    path = tmp_path / "receipt.json"
    path.write_text(json.dumps(receipt))
    witness_args = [arg for vkey in vkeys for arg in ("--witness", vkey)]
    args = ["verify-receipt", str(path), "--key", _log_vkey(app), *witness_args]
    code, output = run_cli(app, *args, "--quorum", "2")
    assert code == 0 and "ok    witnesses   2 cosigned" in output, output
    stranger = CosignatureSigner.generate("stranger.example").verifier().to_text()
    code, output = run_cli(app, *args, "--witness", stranger)
    assert code == 1 and "FAIL  witnesses" in output, output


def test_forked_history_is_refused_by_both_witnesses_and_the_monitor(tmp_path: Path) -> None:
    original = log_app(tmp_path / "a")
    with witnesses(tmp_path, _log_vkey(original)) as (w1, w2):
        config = {"WITNESSES": [w1.config(), w2.config()], "WITNESS_QUORUM": 2}
        original.config.update(config)
        append(original, 10)
        assert run_cli(original, "checkpoint")[0] == 0
        fork = fork_log(tmp_path / "a", tmp_path / "b", **config)
        append(original, 5)
        code, output = run_cli(original, "checkpoint")
        assert code == 0 and "cosigned by 2 of 2" in output, output
        # The fork appends other entries: first fewer than the original, then more.
        with fork.app_context():
            for count in (3, 4):
                with db.write_session(db.sessions()) as session:
                    SqlLedger(session).append(
                        [Draft("test.appended", "forger", {"f": i}) for i in range(count)]
                    )
                code, output = run_cli(fork, "checkpoint")
                assert code == 1, output
                assert "cosigned by 0 of 2 witnesses: quorum 2 NOT met" in output
                assert output.count("witness FAIL") == 2
                if count == 3:  # size 13 < 15: a tree the witnesses saw grow further
                    assert output.count("409 Conflict: the witness cosigned size 15") == 2
                else:  # size 17: the proof from the witnesses' size 15 does not verify
                    assert output.count("refused with HTTP 422") == 2
        fork_note = _public_checkpoint(fork)
        assert len(spec_split_note(fork_note)[1]) == 1  # stored and served, but not cosigned
        for witness in (w1, w2):
            state = json.loads(witness.state_file.read_text())["logs"]["test.kab.example/ledger"]
            assert state["size"] == 15
        state_file = tmp_path / "monitor.json"
        with served(original) as url:
            code, output = run_cli(original, "monitor", url, "--state", str(state_file))
            assert code == 0 and "first checkpoint stored: size 15" in output, output
        with served(fork) as url:
            code, output = run_cli(original, "monitor", url, "--state", str(state_file))
        assert code == 1 and "LOG HISTORY REWRITTEN" in output, output
        assert _latest_note(original) in output and fork_note in output


def test_restarted_witness_keeps_its_state(tmp_path: Path) -> None:
    app = log_app(tmp_path / "log")
    with witnesses(tmp_path, _log_vkey(app), count=1) as (witness,):
        app.config.update(WITNESSES=[witness.config()], WITNESS_QUORUM=1)
        append(app, 10)
        assert run_cli(app, "checkpoint")[0] == 0
        note10 = _latest_note(app)
        first = AddCheckpoint.build(0, [], note10).to_bytes()
        append(app, 5)
        assert run_cli(app, "checkpoint")[0] == 0
        assert witness.post(first) == (409, "text/x.tlog.size", b"15\n")  # replay refused
        witness.stop()
        witness.start()  # same key, same state file, a new port
        assert witness.post(first) == (409, "text/x.tlog.size", b"15\n")
        stale = AddCheckpoint.build(15, [], note10)  # old larger than the checkpoint
        assert witness.post(stale.to_bytes())[0] == 400
        app.config.update(WITNESSES=[witness.config()])
        append(app, 5)
        code, output = run_cli(app, "checkpoint")
        assert code == 0 and "cosigned by 1 of 1 witnesses" in output, output
        state = json.loads(witness.state_file.read_text())["logs"]["test.kab.example/ledger"]
        assert state["size"] == 20


def test_witness_answers_with_the_protocol_codes(tmp_path: Path) -> None:
    app = log_app(tmp_path / "log")
    other = log_app(tmp_path / "other", LOG_ORIGIN="other.example/log")
    append(app, 12)
    append(other, 3)
    for each in (app, other):
        assert run_cli(each, "checkpoint")[0] == 0
    note = _latest_note(app)
    with witnesses(tmp_path, _log_vkey(app), count=1) as (witness,):
        assert witness.post(b"old 0\n\n" + _latest_note(other).encode())[0] == 404
        forged = note.replace("\n12\n", "\n13\n")
        assert witness.post(AddCheckpoint.build(0, [], forged).to_bytes())[0] == 403
        for body in (b"", b"old x\n\n" + note.encode(), b"old 0\n" + note.encode(), b"\xff"):
            assert witness.post(body)[0] == 400
        assert witness.post(AddCheckpoint.build(13, [], note).to_bytes())[0] == 400
        assert witness.post(AddCheckpoint.build(0, [bytes(32)], note).to_bytes())[0] == 400
        assert witness.post(b"old 0\n\n" + note.encode(), path="/other")[0] == 404
        status, _, line = witness.post(AddCheckpoint.build(0, [], note).to_bytes())
        assert status == 200 and line.decode().startswith("\u2014 witness1.example ")
        # The same size again: cosigned again if the root is the same, 409 if not.
        assert witness.post(AddCheckpoint.build(12, [], note).to_bytes())[0] == 200
        append(app, 4)
        assert run_cli(app, "checkpoint")[0] == 0
        newer = _latest_note(app)
        with app.app_context():
            proof = SqlLedger(db.session()).consistency_proof(12, 16)
        bad = [bytes(32), *proof[1:]]
        assert witness.post(AddCheckpoint.build(12, bad, newer).to_bytes())[0] == 422
        assert witness.post(AddCheckpoint.build(12, proof, newer).to_bytes())[0] == 200


def test_witness_refuses_an_unsafe_key_or_a_shared_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, state = tmp_path / "w.key", tmp_path / "w-state.json"
    log_key = NoteSigner.generate("log.example").verifier().to_text()
    args = ["--key", str(key), "--state", str(state), "--log-key", log_key]
    assert witness_main([*args, "--name", "w.example", "--listen", "nonsense"]) == 2
    assert stat.S_IMODE(key.stat().st_mode) == 0o600  # the key was created before the refusal
    assert key.read_text().startswith("PRIVATE+KEY+")
    assert "pass --name" in _main_error(capsys, [*args[:1], str(tmp_path / "none"), *args[2:]])
    holder = WitnessState(str(state))
    holder.acquire_process_lock()
    try:
        assert "in use by another witness" in _main_error(capsys, args)
    finally:
        holder.close()
    key.chmod(0o644)
    assert "chmod 600" in _main_error(capsys, args)
    key.chmod(0o600)
    state.write_text('{"version": 1, "logs": {"x": {"size": -1}}}')
    assert "malformed" in _main_error(capsys, args)


def _main_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert witness_main(args) == 2
    return capsys.readouterr().err


def test_cosignatures_are_append_only(storage_app: Flask) -> None:
    append(storage_app, 5)
    code, output = run_cli(storage_app, "checkpoint")
    assert code == 0, output
    note = _latest_note(storage_app)
    witness = CosignatureSigner.generate("w.example")
    line = witness.signature_line(note.split("\n\n")[0] + "\n", 1_700_000_000)
    with storage_app.app_context():
        with db.sessions()() as session, session.begin():
            session.add(
                LedgerCosignature(
                    size=5,
                    witness="w.example",
                    key_id=witness.verifier().key_id,
                    timestamp=1_700_000_000,
                    line=line,
                    created_at="2026-01-01T00:00:00.000Z",
                )
            )
        assert _public_checkpoint(storage_app) == note + line
        for statement in (
            "UPDATE ledger_cosignatures SET timestamp = 1",
            "DELETE FROM ledger_cosignatures",
        ):
            with pytest.raises(DBAPIError, match="append-only"), db.engine().begin() as conn:
                conn.execute(text(statement))
