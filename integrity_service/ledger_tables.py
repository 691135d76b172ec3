"""The ledger's tables and the database triggers that make them append-only.

``ledger_entries`` rows can never be updated or deleted, with one exception the
trigger itself checks: erasing ``entry_bytes`` of an entry whose redaction is
already recorded in ``ledger_redactions`` (UU 27/2022 erasure; the commitment,
the chain and the tree stay). Checkpoints and redactions are never changed.
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, Index, Integer, LargeBinary, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from integrity_service.db import Base

# On SQLite an INTEGER primary key is the rowid itself: one B-tree lookup per seq instead
# of an index lookup plus a table lookup (proofs read ~log2(n) rows by seq).
SEQ = BigInteger().with_variant(Integer(), "sqlite")
_NOT_A_CHECK = "type <> 'placement.checked'"


class LedgerEntry(Base):
    """One log entry: canonical bytes, commitment C, and the tree hashes it completed."""

    __tablename__ = "ledger_entries"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    time: Mapped[str] = mapped_column(String(32))
    commitment: Mapped[bytes] = mapped_column(LargeBinary(32))
    tree_hashes: Mapped[bytes] = mapped_column(LargeBinary)
    entry_bytes: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    __table_args__ = (
        Index("ix_ledger_entries_type_seq", "type", "seq"),
        # The last entry that is not a placement check (check_facts.py): one probe.
        Index(
            "ix_ledger_entries_facts",
            "seq",
            sqlite_where=text(_NOT_A_CHECK),
            postgresql_where=text(_NOT_A_CHECK),
        ),
    )


class LedgerCheckpoint(Base):
    """A signed checkpoint (C2SP signed note) of the tree at ``size``."""

    __tablename__ = "ledger_checkpoints"

    size: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class LedgerRedaction(Base):
    """A recorded erasure: entry ``seq`` was redacted by the entry ``redaction_seq``."""

    __tablename__ = "ledger_redactions"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    redaction_seq: Mapped[int] = mapped_column(BigInteger)


APPEND_ONLY_TABLES = ("ledger_entries", "ledger_checkpoints", "ledger_redactions")

_REDACTION_ONLY = """NEW.seq = OLD.seq AND NEW.type = OLD.type AND NEW.time = OLD.time
 AND NEW.commitment = OLD.commitment AND NEW.tree_hashes = OLD.tree_hashes
 AND NEW.entry_bytes IS NULL AND OLD.entry_bytes IS NOT NULL
 AND EXISTS (SELECT 1 FROM ledger_redactions r WHERE r.seq = OLD.seq)"""


def _sqlite_triggers(table: str) -> list[str]:
    message = f"{table} is append-only"
    update_guard = f"WHEN NOT ({_REDACTION_ONLY})" if table == "ledger_entries" else ""
    return [
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {update_guard} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


_PG_FUNCTIONS = [
    # DDL() %-formats statements, hence the doubled %% below.
    """CREATE OR REPLACE FUNCTION ledger_reject_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION ledger_entries_guard_update() RETURNS trigger AS $$
BEGIN
  IF NOT ({_REDACTION_ONLY}) THEN
    RAISE EXCEPTION 'ledger_entries is append-only'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
]


def _pg_triggers(table: str) -> list[str]:
    update_fn = (
        "ledger_entries_guard_update" if table == "ledger_entries" else "ledger_reject_change"
    )
    return [
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_reject_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change()",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {update_fn}()",
    ]


def _attach_triggers() -> None:
    for table_obj in (LedgerEntry.__table__, LedgerCheckpoint.__table__, LedgerRedaction.__table__):
        name = table_obj.name
        for statement in _sqlite_triggers(name):
            event.listen(table_obj, "after_create", DDL(statement).execute_if(dialect="sqlite"))
        if name == "ledger_entries":
            for statement in _PG_FUNCTIONS:
                event.listen(
                    table_obj, "after_create", DDL(statement).execute_if(dialect="postgresql")
                )
        for statement in _pg_triggers(name):
            event.listen(table_obj, "after_create", DDL(statement).execute_if(dialect="postgresql"))


_attach_triggers()
