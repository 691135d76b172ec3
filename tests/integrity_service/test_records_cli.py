"""CSV import, rebuild and redaction through the CLI: all-or-nothing, named differences."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Assessment, Person
from ledger.hashing import commitment, leaf_hash
from ledger.proofs import verify_inclusion

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = (
    "nip,name,rank,unit,current_position,event,method,assessed_on,session,"
    "m01,m02,m03,m04,m05,m06,m07,m08,sc01,potential_category,performance_rating"
)
GOOD = (
    "197805122003121002,Agus,III/d,Dinas A,Kasi,CACT 2025,CACT,2025-08-11,1,"
    "3,3,3,3,3,3,3,3,3,Potensial,Baik"
)


def ledger_size(app: Flask) -> int:
    """Return the number of ledger entries."""
    with app.app_context():
        return SqlLedger(db.session()).size()


def imported(app: Flask, runner: FlaskCliRunner) -> None:
    """Import the example positions and assessments."""
    for command, name in (
        ("import-positions", "positions.csv"),
        ("import-assessments", "assessments.csv"),
    ):
        result = runner.invoke(args=[command, str(EXAMPLES / name)])
        assert result.exit_code == 0, result.output


def test_import_records_every_row_and_projects_it(app: Flask, runner: FlaskCliRunner) -> None:
    imported(app, runner)
    assert ledger_size(app) == 15
    with app.app_context():
        session = db.session()
        assert session.query(Assessment).count() == 10
        assert session.query(Person).count() == 10
    assert runner.invoke(args=["rebuild"]).exit_code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"{HEADER}\n{GOOD.replace('197805122003121002', '19780512200312100')}\n", "nip"),
        (f"{HEADER}\n{GOOD.replace('197805122003121002', '197802302003121002')}\n", "impossible"),
        (f"{HEADER}\n{GOOD.replace('121002,', '123002,')}\n", "gender"),
        (f"{HEADER}\n{GOOD.replace('III/d', 'III/e')}\n", "III/e"),
        (f"{HEADER}\n{GOOD.replace('3,3,3,Potensial', '3,3,6,Potensial')}\n", "sc01"),
        (f"{HEADER}\n{GOOD.replace('Potensial', 'Luar Biasa')}\n", "Luar Biasa"),
        (f"{HEADER}\n{GOOD}\n{GOOD}\n", "line 3"),
        ("", "empty"),
        (HEADER.replace(",sc01", "") + "\n", "sc01"),
    ],
    ids=[
        "nip-length",
        "impossible-date",
        "gender-3",
        "rank",
        "level-6",
        "category",
        "duplicate",
        "empty",
        "missing-column",
    ],
)
def test_bad_csv_records_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["import-assessments", str(path)])
    assert result.exit_code == 1
    assert "nothing recorded" in result.output
    assert message.lower() in result.output.lower()
    assert ledger_size(app) == 0


def test_semicolon_and_bom_file_is_accepted(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "semicolon.csv"
    path.write_bytes(("\ufeff" + f"{HEADER}\n{GOOD}\n").replace(",", ";").encode())
    result = runner.invoke(args=["import-assessments", str(path)])
    assert result.exit_code == 0, result.output
    assert ledger_size(app) == 1


def test_non_utf8_file_is_refused(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\n{GOOD.replace('Agus', 'Agüs')}\n".encode("latin-1"))
    result = runner.invoke(args=["import-assessments", str(path)])
    assert result.exit_code == 1 and "UTF-8" in result.output
    assert ledger_size(app) == 0


def test_reimport_is_refused_as_already_recorded(app: Flask, runner: FlaskCliRunner) -> None:
    imported(app, runner)
    result = runner.invoke(args=["import-assessments", str(EXAMPLES / "assessments.csv")])
    assert result.exit_code == 1 and "already recorded" in result.output
    assert ledger_size(app) == 15


def test_rebuild_names_an_edited_row_and_apply_restores_it(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    imported(app, runner)
    db_path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE assessments SET potential_category = 'Sangat Potensial' WHERE seq = 9")
    conn.execute("DELETE FROM people WHERE nip = '197805122003121002'")
    conn.commit()
    conn.close()
    result = runner.invoke(args=["rebuild"])
    assert result.exit_code == 1
    assert "assessments (seq=9): column potential_category is 'Sangat Potensial'" in result.output
    assert "people (nip='197805122003121002'): missing from the stored projection" in result.output
    assert runner.invoke(args=["rebuild", "--apply"]).exit_code == 0
    assert runner.invoke(args=["rebuild"]).exit_code == 0


def test_redaction_keeps_chain_and_receipts(app: Flask, runner: FlaskCliRunner) -> None:
    imported(app, runner)
    assert runner.invoke(args=["checkpoint"]).exit_code == 0
    with app.app_context():
        ledger = SqlLedger(db.session())
        before = {row.seq: row.commitment for row in ledger.iter_entries()}
        (raw,) = [row.entry_bytes for row in ledger.iter_entries() if row.seq == 7]
        nip = orjson.loads(raw)["body"]["nip"]
    result = runner.invoke(args=["redact", "7", "--reason", "UU 27/2022 request 1/2026"])
    assert result.exit_code == 0, result.output
    verify = runner.invoke(args=["verify"])
    assert verify.exit_code == 0, verify.output
    assert "redacted entries (body erased, commitment kept): [7]" in verify.output
    assert runner.invoke(args=["rebuild"]).exit_code == 0
    assert runner.invoke(args=["checkpoint"]).exit_code == 0
    with app.app_context():
        ledger = SqlLedger(db.session())
        assert ledger.entry(7).entry_bytes is None
        assert db.session().get(Person, nip) is None
        after = {row.seq: row.commitment for row in ledger.iter_entries()}
        assert all(after[seq] == digest for seq, digest in before.items())
        size = ledger.size()
        root = ledger.root(size)
        for seq in (6, 7, 8):  # neighbours' receipts and the redacted one's proof still hold
            verify_inclusion(
                index=seq,
                size=size,
                leaf_hash=leaf_hash(after[seq]),
                proof=ledger.inclusion_proof(seq, size),
                root=root,
            )
        assert commitment(base64.b64decode(base64.b64encode(raw))) == before[7]
    again = runner.invoke(args=["redact", "7", "--reason", "again"])
    assert again.exit_code == 1 and "already redacted" in again.output
    assert runner.invoke(args=["redact", "0", "--reason", "x"]).exit_code == 1  # a position
    assert runner.invoke(args=["redact", "999", "--reason", "x"]).exit_code == 1


def test_verify_uses_the_key_file(app: Flask, runner: FlaskCliRunner) -> None:
    imported(app, runner)
    runner.invoke(args=["checkpoint"])
    with app.app_context():
        published = keys.verifier().to_text()
    assert runner.invoke(args=["verify", "--key", published]).exit_code == 0
    bad = runner.invoke(args=["verify", "--key", "nonsense"])
    assert bad.exit_code == 2 and "--key" in bad.output
