"""``rotate-key begin|finish``: the log stays verifiable before, during and after a rotation."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from integrity_service import db, keys, records
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerCheckpoint
from ledger.append import Draft
from ledger.checkpoint import Checkpoint
from ledger.entry import utc_now_text
from ledger.keyset import KEY_ANNOUNCED, announcement_body
from ledger.note import NoteSigner, split_note
from tests.conftest import ORIGIN


def run(app: Flask, *args: str) -> Result:
    """Invoke a flask command of the app."""
    return app.test_cli_runner().invoke(args=list(args))


def record(app: Flask, count: int) -> None:
    """Append ``count`` entries through the normal write path."""
    with app.app_context(), db.write_session(db.sessions()) as session:
        records.append(session, [Draft("test.recorded", "test", {"n": n}) for n in range(count)])


def size(app: Flask) -> int:
    """Return the number of entries in the log."""
    with app.app_context():
        return SqlLedger(db.session()).size()


def latest_signers(app: Flask) -> list[str]:
    """Return the key IDs (hex) of the log's signature lines on the latest checkpoint."""
    with app.app_context():
        latest = SqlLedger(db.session()).latest_checkpoint()
    assert latest is not None
    return [signature.key_id.hex() for signature in split_note(latest.note)[1]]


def key_id(signer: NoteSigner) -> str:
    """Return the hex key ID of a signer."""
    return signer.verifier().key_id.hex()


def ok(result: Result) -> str:
    """Assert the command succeeded; return its output."""
    assert result.exit_code == 0, result.output
    return result.output


def test_begin_and_finish_keep_the_log_verifiable(storage_app: Flask, tmp_path: Path) -> None:
    app = storage_app
    record(app, 3)
    ok(run(app, "checkpoint"))
    old = NoteSigner.from_private_text(Path(app.config["KEY_FILE"]).read_text())
    original = old.verifier().to_text()
    ok(run(app, "verify", "--key", original))

    path = tmp_path / "keys" / "next.key"
    out = ok(run(app, "rotate-key", "begin", "--new-key-file", str(path)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    new = NoteSigner.from_private_text(path.read_text())
    assert new.name == ORIGIN
    assert "announced in the ledger: entry 3 (log.key_announced)" in out
    assert "signed checkpoint at size 4 with the old and the new key" in out
    assert f"INTEGRITY_NEXT_KEY_FILE={path} flask --app integrity_service rotate-key finish" in out
    assert latest_signers(app) == [key_id(old), key_id(new)]
    for args in (["verify"], ["verify", "--key", original]):
        assert "tree sizes from 4 (announced by entry 3)" in ok(run(app, *args))

    app.config["NEXT_KEY_FILE"] = str(path)  # the overlap: checkpoints carry both signatures
    record(app, 2)
    assert "signed by the old and the new key" in ok(run(app, "checkpoint"))
    assert latest_signers(app) == [key_id(old), key_id(new)]
    ok(run(app, "verify", "--key", original))

    out = ok(run(app, "rotate-key", "finish"))
    retired = Path(f"{app.config['KEY_FILE']}.retired-{key_id(old)}")
    assert "the announcement of" in out and "covered by the checkpoint of tree size 4" in out
    assert "retired: entry 6 (log.key_retired)" in out
    assert "signed checkpoint at size 7 with the new key only" in out
    assert f"shred -u {retired}" in out
    assert latest_signers(app) == [key_id(new)]
    assert Path(app.config["KEY_FILE"]).read_text() == new.to_private_text() + "\n"
    assert retired.read_text() == old.to_private_text() + "\n" and not path.exists()
    app.config["NEXT_KEY_FILE"] = None

    record(app, 1)
    ok(run(app, "checkpoint"))
    assert latest_signers(app) == [key_id(new)]
    out = ok(run(app, "verify", "--key", original))
    assert "tree sizes 0 to 6 (the log's first key, retired by entry 6)" in out
    assert "checked 8 of 8 entries and 5 checkpoint roots: OK" in out
    out = ok(run(app, "verify"))  # the key file's key: now the new one
    assert "the log's earlier keys are trusted through it" in out
    ok(run(app, "verify", "--key", new.verifier().to_text()))
    assert "0 difference(s)" in ok(run(app, "rebuild"))  # key entries project nothing


def _announce_without_checkpoint(app: Flask, path: Path) -> NoteSigner:
    """A begin cut short after its announcement: no checkpoint covers it yet."""
    new = keys.create_new_key_file(str(path), ORIGIN)
    with app.app_context(), db.write_session(db.sessions()) as session:
        body = announcement_body(new.verifier(), keys.verifier(), utc_now_text())
        records.append(session, [Draft(KEY_ANNOUNCED, "test", body)])
    return new


def test_finish_waits_for_a_checkpoint_the_old_key_signed(
    storage_app: Flask, tmp_path: Path
) -> None:
    app = storage_app
    record(app, 2)
    ok(run(app, "checkpoint"))
    key_text = Path(app.config["KEY_FILE"]).read_text()
    path = tmp_path / "next.key"
    _announce_without_checkpoint(app, path)
    app.config["NEXT_KEY_FILE"] = str(path)
    refused = run(app, "rotate-key", "finish")
    assert refused.exit_code == 1
    assert "(entry 2) is not yet covered by a checkpoint signed by" in refused.output
    assert size(app) == 3 and Path(app.config["KEY_FILE"]).read_text() == key_text
    assert path.exists()
    ok(run(app, "checkpoint"))  # both keys: the old one covers the announcement
    ok(run(app, "rotate-key", "finish"))
    app.config["NEXT_KEY_FILE"] = None
    ok(run(app, "verify"))


def test_a_checkpoint_by_a_never_announced_key_fails_verify(
    storage_app: Flask, tmp_path: Path
) -> None:
    app = storage_app
    record(app, 2)
    ok(run(app, "checkpoint"))
    original = run(app, "init-db").output.rsplit("verifier key: ", 1)[1].strip()
    ok(run(app, "rotate-key", "begin", "--new-key-file", str(tmp_path / "next.key")))
    record(app, 1)
    forger = NoteSigner.generate(ORIGIN)
    with app.app_context(), db.write_session(db.sessions()) as session:
        ledger = SqlLedger(session)
        root = ledger.root(ledger.size())
        note = Checkpoint(ORIGIN, 4, root).sign(forger)
        session.add(LedgerCheckpoint(size=4, root=root, note=note, created_at=utc_now_text()))
    result = run(app, "verify", "--key", original)
    assert result.exit_code == 1
    assert f"FAIL checkpoint at size 4: note carries no signature by {ORIGIN}+" in result.output
    assert f"signed by {ORIGIN}+{key_id(forger)}, never announced in this log" in result.output
    assert "FAILED" in result.output


def test_a_tampered_announcement_is_caught(app: Flask, tmp_path: Path) -> None:
    record(app, 2)
    ok(run(app, "checkpoint"))
    ok(run(app, "rotate-key", "begin", "--new-key-file", str(tmp_path / "next.key")))
    other = NoteSigner.generate(ORIGIN).verifier().to_text().encode()
    database = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    conn = sqlite3.connect(database)
    conn.execute("DROP TRIGGER ledger_entries_no_update")  # as an operator with file access could
    (raw,) = conn.execute("SELECT entry_bytes FROM ledger_entries WHERE seq = 2").fetchone()
    announced = raw.split(b'"key":"', 1)[1].split(b'"', 1)[0]
    conn.execute(
        "UPDATE ledger_entries SET entry_bytes = ? WHERE seq = 2", (raw.replace(announced, other),)
    )
    conn.commit()
    conn.close()
    result = run(app, "verify")
    assert result.exit_code == 1
    first = next(line for line in result.output.splitlines() if line.startswith("FAIL"))
    assert first.startswith("FAIL entry seq 2: stored commitment does not match the entry bytes")


def test_the_new_key_file_must_be_new_and_private(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(app, 1)
    existing = tmp_path / "existing.key"
    existing.write_text("keep me\n")
    refused = run(app, "rotate-key", "begin", "--new-key-file", str(existing))
    assert refused.exit_code == 1 and "already exists" in refused.output
    assert existing.read_text() == "keep me\n" and size(app) == 1

    real_fstat = os.fstat

    def shared(fd: int) -> os.stat_result:  # a file system that ignores mode 0600
        found = real_fstat(fd)
        return os.stat_result((found.st_mode | 0o044, *tuple(found)[1:]))

    path = tmp_path / "next.key"
    monkeypatch.setattr(keys.os, "fstat", shared)
    refused = run(app, "rotate-key", "begin", "--new-key-file", str(path))
    monkeypatch.undo()
    assert refused.exit_code == 1 and "accessible by group or others" in refused.output
    assert not path.exists() and size(app) == 1

    ok(run(app, "rotate-key", "begin", "--new-key-file", str(path)))
    path.chmod(0o640)
    app.config["NEXT_KEY_FILE"] = str(path)
    for command in (["checkpoint"], ["rotate-key", "finish"]):
        refused = run(app, *command)
        assert refused.exit_code == 1
        assert "INTEGRITY_NEXT_KEY_FILE: signing key file" in refused.output
        assert "accessible by group or others (mode 640)" in refused.output


def test_steps_out_of_order_are_refused(app: Flask, tmp_path: Path) -> None:
    record(app, 1)
    app.config["NEXT_KEY_FILE"] = None
    refused = run(app, "rotate-key", "finish")
    assert refused.exit_code == 1 and "INTEGRITY_NEXT_KEY_FILE is not set" in refused.output
    stray = tmp_path / "stray.key"
    keys.create_new_key_file(str(stray), ORIGIN)
    app.config["NEXT_KEY_FILE"] = str(stray)
    refused = run(app, "checkpoint")
    assert refused.exit_code == 1 and "the ledger announces no new key" in refused.output
    app.config["NEXT_KEY_FILE"] = None
    ok(run(app, "rotate-key", "begin", "--new-key-file", str(tmp_path / "next.key")))
    again = run(app, "rotate-key", "begin", "--new-key-file", str(tmp_path / "third.key"))
    assert again.exit_code == 1 and "a rotation is in progress: entry 1 announced" in again.output
    assert not (tmp_path / "third.key").exists()
    app.config["NEXT_KEY_FILE"] = str(stray)
    refused = run(app, "rotate-key", "finish")
    assert refused.exit_code == 1 and "which the ledger never announced" in refused.output
