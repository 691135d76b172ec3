"""Tampering with a copy of the demo database makes ``verify`` exit 1 and name the spot.

Each test works on its own copy; the append-only triggers are dropped first
where the tampering needs it, as an operator with file access could.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from integrity_service import create_app
from integrity_service.cli import initialise
from ledger.note import NoteSigner
from tests.conftest import ORIGIN

TRIGGERS = [
    f"{table}_{what}"
    for table in ("ledger_entries", "ledger_checkpoints", "ledger_redactions")
    for what in ("no_update", "no_delete")
]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo database once; tests copy it."""
    folder = tmp_path_factory.mktemp("demo")
    app = _app(folder)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    app.extensions["integrity_engine"].dispose()
    return folder


def checkpoint_sizes(template: Path) -> list[int]:
    """Return the demo's checkpoint sizes, smallest first."""
    conn = sqlite3.connect(template / "integrity.db")
    try:
        return [
            size for (size,) in conn.execute("SELECT size FROM ledger_checkpoints ORDER BY size")
        ]
    finally:
        conn.close()


def _app(folder: Path) -> Flask:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'integrity.db'}",
            "KEY_FILE": str(folder / "signing.key"),
            "LOG_ORIGIN": ORIGIN,
        }
    )
    with app.app_context():
        initialise()
    return app


def tampered(template: Path, tmp_path: Path, sql: Callable[[sqlite3.Connection], None]) -> Result:
    """Copy the demo, apply the tampering with triggers dropped, and run verify."""
    copy = tmp_path / "copy"
    shutil.copytree(template, copy)
    conn = sqlite3.connect(copy / "integrity.db")
    for trigger in TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    sql(conn)
    conn.commit()
    conn.close()
    app = _app(copy)
    try:
        return app.test_cli_runner().invoke(args=["verify"])
    finally:
        app.extensions["integrity_engine"].dispose()


def test_untouched_copy_verifies(demo_template: Path, tmp_path: Path) -> None:
    result = tampered(demo_template, tmp_path, lambda conn: None)
    assert result.exit_code == 0, result.output
    size = checkpoint_sizes(demo_template)[-1]
    assert f"{size} of {size} entries" in result.output and "OK" in result.output


def _flip_byte(conn: sqlite3.Connection) -> None:
    (raw,) = conn.execute("SELECT entry_bytes FROM ledger_entries WHERE seq = 57").fetchone()
    changed = bytearray(raw)
    at = raw.index(b'"potential_category":"') + len(b'"potential_category":"')
    changed[at] ^= 0x01
    conn.execute("UPDATE ledger_entries SET entry_bytes = ? WHERE seq = 57", (bytes(changed),))


def _delete_middle(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM ledger_entries WHERE seq = 1200")


def _swap(conn: sqlite3.Connection) -> None:
    rows = {
        seq: conn.execute(
            "SELECT type, time, commitment, tree_hashes, entry_bytes FROM ledger_entries "
            "WHERE seq = ?",
            (seq,),
        ).fetchone()
        for seq in (80, 81)
    }
    for seq, other in ((80, 81), (81, 80)):
        conn.execute(
            "UPDATE ledger_entries SET type=?, time=?, commitment=?, tree_hashes=?, entry_bytes=? "
            "WHERE seq = ?",
            (*rows[other], seq),
        )


def _truncate_and_append(conn: sqlite3.Connection) -> None:
    # Rewrite history from seq 150 on with different, correctly chained entries.
    from integrity_service.ledger_store import SqlLedger  # noqa: F401 (format reference)
    from ledger.append import Draft, LogHead, prepare_entries
    from ledger.tree import Frontier

    sizes = [size for (size,) in conn.execute("SELECT size FROM ledger_checkpoints ORDER BY size")]
    cut = sizes[-2] + 50  # inside the range only the last checkpoint covers
    conn.execute("DELETE FROM ledger_entries WHERE seq >= ?", (cut,))
    head = LogHead(Frontier())
    rows = conn.execute("SELECT commitment FROM ledger_entries ORDER BY seq").fetchall()
    for (digest,) in rows:
        head.frontier.append(digest)
        head.last_commitment = digest
    forged = prepare_entries(
        head, [Draft("assessment.recorded", "demo", {"i": i}) for i in range(sizes[-1] - cut)]
    )
    conn.executemany(
        "INSERT INTO ledger_entries (seq, type, time, commitment, tree_hashes, entry_bytes) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(p.seq, p.type, p.time, p.commitment, p.tree_hashes, p.entry_bytes) for p in forged],
    )


def _interior_hash(conn: sqlite3.Connection) -> None:
    (blob,) = conn.execute("SELECT tree_hashes FROM ledger_entries WHERE seq = 63").fetchone()
    assert len(blob) == 32 * 7  # leaf 63 completes levels 1..6
    changed = blob[:64] + bytes([blob[64] ^ 0x80]) + blob[65:]
    conn.execute("UPDATE ledger_entries SET tree_hashes = ? WHERE seq = 63", (changed,))


def _checkpoint_signature(conn: sqlite3.Connection) -> None:
    (size, note) = conn.execute(
        "SELECT size, note FROM ledger_checkpoints ORDER BY size LIMIT 1 OFFSET 1"
    ).fetchone()
    text, _, sig_line = note.rpartition("\u2014 ")
    name, _, encoded = sig_line.partition(" ")
    flipped = encoded[:10] + ("A" if encoded[10] != "A" else "B") + encoded[11:]
    conn.execute(
        "UPDATE ledger_checkpoints SET note = ? WHERE size = ?",
        (f"{text}\u2014 {name} {flipped}", size),
    )


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_flip_byte, "entry seq 57: stored commitment does not match"),
        (_delete_middle, "entry seq 1200: entry missing"),
        (_swap, "entry seq 80: entry says seq 81"),
        (_truncate_and_append, "checkpoint at size {last}: root recomputed from entries differs"),
        (_interior_hash, "entry seq 63: stored tree hashes differ"),
        (_checkpoint_signature, "checkpoint at size {second}: signature by"),
    ],
    ids=[
        "byte-changed",
        "middle-deleted",
        "swapped",
        "truncated-rewritten",
        "interior-hash",
        "checkpoint-signature",
    ],
)
def test_tampering_is_named(
    demo_template: Path,
    tmp_path: Path,
    tamper: Callable[[sqlite3.Connection], None],
    expected: str,
) -> None:
    result = tampered(demo_template, tmp_path, tamper)
    assert result.exit_code == 1, result.output
    first_failure = next(line for line in result.output.splitlines() if line.startswith("FAIL"))
    sizes = checkpoint_sizes(demo_template)
    assert expected.format(second=sizes[1], last=sizes[-1]) in first_failure, result.output
    assert "FAILED" in result.output


def test_replaced_signing_key_fails_every_checkpoint(demo_template: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(demo_template, copy)
    key_file = copy / "signing.key"
    key_file.unlink()
    key_file.write_text(NoteSigner.generate(ORIGIN).to_private_text() + "\n")
    key_file.chmod(0o600)
    app = _app(copy)
    result = app.test_cli_runner().invoke(args=["verify"])
    app.extensions["integrity_engine"].dispose()
    assert result.exit_code == 1
    first = checkpoint_sizes(demo_template)[0]
    assert f"FAIL checkpoint at size {first}: note carries no signature by" in result.output
