"""SQL storage of the ledger: proofs, append-only triggers, atomic batches (both engines)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from integrity_service import db, keys
from integrity_service.ledger_store import SqlLedger
from integrity_service.ledger_tables import LedgerRedaction
from ledger.append import Draft, LogHead, prepare_entries
from ledger.proofs import verify_consistency, verify_inclusion
from ledger.store import MemoryNodes
from ledger.tree import Frontier, consistency_proof, inclusion_proof, root_hash
from ledger.verify import verify_log


def append(app: Flask, count: int, batch: int = 50) -> None:
    """Append ``count`` test entries in transactions of ``batch``."""
    with app.app_context():
        for start in range(0, count, batch):
            with db.write_session(db.sessions()) as session:
                drafts = [
                    Draft("test.appended", "tester", {"i": i})
                    for i in range(start, min(start + batch, count))
                ]
                SqlLedger(session).append(drafts)


def test_sql_tree_matches_memory_tree(storage_app: Flask) -> None:
    append(storage_app, 137, batch=40)
    with storage_app.app_context():
        ledger = SqlLedger(db.session())
        entries = list(ledger.iter_entries())
        memory = MemoryNodes()
        memory.blobs = [row.tree_hashes for row in entries]
        head = LogHead(Frontier())
        prepare_entries(head, [])
        for row in entries:
            head.frontier.append(row.commitment)
        assert ledger.size() == 137
        assert ledger.root(137) == root_hash(137, memory) == head.frontier.root()
        root = ledger.root(137)
        for index in (0, 1, 63, 64, 100, 136):
            proof = ledger.inclusion_proof(index, 137)
            assert proof == inclusion_proof(index, 137, memory)
            verify_inclusion(
                index=index, size=137, leaf_hash=ledger.leaf_hash(index), proof=proof, root=root
            )
        for old in (1, 2, 64, 100, 137):
            proof = ledger.consistency_proof(old, 137)
            assert proof == consistency_proof(old, 137, memory)
            verify_consistency(
                old_size=old, size=137, old_root=ledger.root(old), root=root, proof=proof
            )


def test_entries_chain_and_verify(storage_app: Flask) -> None:
    append(storage_app, 120, batch=30)
    with storage_app.app_context():
        signer = keys.signer()
        with db.write_session(db.sessions()) as session:
            assert SqlLedger(session).sign_checkpoint(signer) is not None
        with db.write_session(db.sessions()) as session:
            assert SqlLedger(session).sign_checkpoint(signer) is None  # did not grow
        ledger = SqlLedger(db.session())
        report = verify_log(ledger.iter_entries(), ledger.checkpoints(), signer.verifier())
        assert report.ok, report.problems
        assert (report.entries_checked, report.checkpoints_checked) == (120, 1)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET type = 'x.y' WHERE seq = 1",
        "UPDATE ledger_entries SET entry_bytes = NULL WHERE seq = 1",
        "UPDATE ledger_entries SET commitment = tree_hashes WHERE seq = 1",
        "DELETE FROM ledger_entries WHERE seq = 1",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_checkpoints SET note = 'forged'",
        "DELETE FROM ledger_checkpoints",
    ],
)
def test_triggers_reject_update_and_delete(storage_app: Flask, statement: str) -> None:
    append(storage_app, 5)
    with storage_app.app_context():
        with db.write_session(db.sessions()) as session:
            SqlLedger(session).sign_checkpoint(keys.signer())
        with pytest.raises(DBAPIError, match="append-only"), db.engine().begin() as conn:
            conn.execute(text(statement))
        ledger = SqlLedger(db.session())
        assert ledger.size() == 5
        assert ledger.entry(1) is not None and ledger.entry(1).entry_bytes is not None


def test_trigger_allows_erasure_only_after_recorded_redaction(storage_app: Flask) -> None:
    append(storage_app, 3)
    with storage_app.app_context():
        with db.engine().begin() as conn:
            conn.add_all = None  # the ORM is not used here; plain SQL shows the trigger itself
            conn.execute(LedgerRedaction.__table__.insert().values(seq=1, redaction_seq=2))
            conn.execute(text("UPDATE ledger_entries SET entry_bytes = NULL WHERE seq = 1"))
        with pytest.raises(DBAPIError, match="append-only"), db.engine().begin() as conn:
            conn.execute(text("DELETE FROM ledger_redactions"))
        assert SqlLedger(db.session()).entry(1).entry_bytes is None


def test_failed_batch_leaves_nothing(storage_app: Flask) -> None:
    append(storage_app, 10)
    with storage_app.app_context():
        with pytest.raises(RuntimeError), db.write_session(db.sessions()) as session:
            SqlLedger(session).append([Draft("test.appended", "t", {"i": i}) for i in range(20)])
            raise RuntimeError("the projection write failed")
        assert SqlLedger(db.session()).size() == 10
    append(storage_app, 5)
    with storage_app.app_context():
        assert SqlLedger(db.session()).size() == 15
