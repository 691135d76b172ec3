"""The monitor: consistent growth passes, a rewritten history is reported with both checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from ledger.append import Draft
from tests.browser_support import live_server as served
from tests.integrity_service.test_ledger_store import append
from tests.integrity_service.tlog_support import fork_log, log_app, run_cli


def _checkpoint(app: Flask) -> str:
    code, output = run_cli(app, "checkpoint")
    assert code == 0, output
    with app.app_context():
        latest = SqlLedger(db.session()).latest_checkpoint()
        assert latest is not None
        return latest.note


def _append_other(app: Flask, count: int) -> None:
    with app.app_context(), db.write_session(db.sessions()) as session:
        SqlLedger(session).append(
            [Draft("test.appended", "forger", {"f": i}) for i in range(count)]
        )


def _monitor(app: Flask, url: str, state: Path, *extra: str) -> tuple[int, str]:
    return run_cli(app, "monitor", url, "--state", str(state), *extra)


def test_consistent_growth_passes(tmp_path: Path) -> None:
    app = log_app(tmp_path / "log")
    with app.app_context():
        vkey = keys.verifier().to_text()
    state = tmp_path / "monitor.json"
    append(app, 10)
    _checkpoint(app)
    with served(app) as url:
        code, output = _monitor(app, url, state, "--key", vkey)
        assert code == 0 and "first checkpoint stored: size 10" in output, output
        code, output = _monitor(app, url, state)
        assert code == 0 and f"ok {url}: unchanged: size 10\n" in output
        append(app, 7)
        note = _checkpoint(app)
        code, output = _monitor(app, url, state)
        assert code == 0 and "consistent: size 10 -> 17" in output, output
        saved = json.loads(state.read_text())
        assert saved["checkpoint"] == note and saved["key"] == vkey
        other = "other+00000000+AQ=="
        code, output = _monitor(app, url, state, "--key", other)
        assert code == 2 and "differs from the key pinned" in output
    code, output = _monitor(app, url, state)  # the server is gone
    assert code == 2 and "cannot check" in output


def test_first_use_pins_the_published_key(tmp_path: Path) -> None:
    app = log_app(tmp_path / "log")
    append(app, 3)
    _checkpoint(app)
    state = tmp_path / "monitor.json"
    with served(app) as url:
        assert _monitor(app, url, state)[0] == 0
    with app.app_context():
        assert json.loads(state.read_text())["key"] == keys.verifier().to_text()


def test_rewritten_histories_exit_1_with_both_checkpoints(tmp_path: Path) -> None:
    original = log_app(tmp_path / "a")
    append(original, 10)
    _checkpoint(original)
    same_size = fork_log(tmp_path / "a", tmp_path / "b")
    shorter = fork_log(tmp_path / "a", tmp_path / "c")
    longer = fork_log(tmp_path / "a", tmp_path / "d")
    append(original, 5)
    trusted = _checkpoint(original)
    forks = {}
    for fork, count, reason in (
        (same_size, 5, "two different roots signed for size 15 (fork)"),
        (shorter, 2, "the log shrank from size 15 to 12 (rollback)"),
        (longer, 9, "the tree of size 19 does not extend size 15"),
    ):
        _append_other(fork, count)
        forks[reason] = (fork, _checkpoint(fork))
    state = tmp_path / "monitor.json"
    with served(original) as url:
        assert _monitor(original, url, state)[0] == 0
    for reason, (fork, served_note) in forks.items():
        with served(fork) as url:
            code, output = _monitor(original, url, state)
        assert code == 1, output
        assert f"LOG HISTORY REWRITTEN at {url}: {reason}" in output
        assert trusted in output and served_note in output
        assert f"ALERT: {reason}" in output
        assert json.loads(state.read_text())["checkpoint"] == trusted  # the old one is kept
    evidence = sorted(tmp_path.glob("monitor.json.evidence-*.txt"))
    assert evidence and trusted in evidence[-1].read_text()


def test_checkpoint_under_another_key_exit_1(tmp_path: Path) -> None:
    original = log_app(tmp_path / "a")
    impostor = log_app(tmp_path / "b")  # same origin, its own key
    for app in (original, impostor):
        append(app, 4)
        _checkpoint(app)
    state = tmp_path / "monitor.json"
    with served(original) as url:
        assert _monitor(original, url, state)[0] == 0
    with served(impostor) as url:
        code, output = _monitor(original, url, state)
    assert code == 1 and "does not verify with the pinned key" in output, output
