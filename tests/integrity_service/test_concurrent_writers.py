"""Several writer processes, and a writer killed mid-batch, never fork or tear the log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from ledger.verify import verify_log

APPENDER = Path(__file__).with_name("appender.py")
ROOT = Path(__file__).resolve().parents[2]


def spawn(app: Flask, count: int, batch: int, writer: str) -> subprocess.Popen[str]:
    """Start an appender process against the app's database."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            str(APPENDER),
            app.config["DATABASE_URL"],
            app.config["KEY_FILE"],
            str(count),
            str(batch),
            writer,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def verify_app(app: Flask) -> tuple[int, list[dict[str, object]]]:
    """Sign a checkpoint, verify the whole log and return its size and entry bodies."""
    import orjson

    with app.app_context():
        with db.write_session(db.sessions()) as session:
            SqlLedger(session).sign_checkpoint(keys.signer())
        ledger = SqlLedger(db.session())
        report = verify_log(ledger.iter_entries(), ledger.checkpoints(), keys.verifier())
        assert report.ok, [str(p) for p in report.problems]
        bodies = [orjson.loads(row.entry_bytes)["body"] for row in ledger.iter_entries()]
        return ledger.size(), bodies


@pytest.mark.slow
def test_four_processes_append_500_each(storage_app: Flask) -> None:
    writers = [spawn(storage_app, 500, 25, f"w{n}") for n in range(4)]
    for proc in writers:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    size, bodies = verify_app(storage_app)
    assert size == 2000
    seen = {(b["writer"], b["i"]) for b in bodies}
    assert seen == {(f"w{n}", i) for n in range(4) for i in range(500)}


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_writer_killed_mid_batch_keeps_batch_whole_or_absent(
    storage_app: Flask, delay: float
) -> None:
    first = spawn(storage_app, 100, 100, "first")
    first.communicate(timeout=120)
    assert first.returncode == 0
    big = 60000
    proc = spawn(storage_app, big, big, "victim")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode in (-signal.SIGKILL, 0)  # 0: it won the race and committed
    size, bodies = verify_app(storage_app)
    assert size in (100, 100 + big)
    victims = [b for b in bodies if b["writer"] == "victim"]
    assert len(victims) in (0, big)
