"""The table of witness cosignatures, append-only at the database level like the ledger's.

One row per (checkpoint size, witness key): the C2SP cosignature line a witness
returned, verified against the witness's configured key before it was stored.
Triggers reject UPDATE and DELETE (and TRUNCATE on PostgreSQL), so a
cosignature, like a checkpoint, can only be added.
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, ForeignKey, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from integrity_service.db import Base


class LedgerCosignature(Base):
    """A witness's cosignature line on the signed checkpoint of tree size ``size``."""

    __tablename__ = "ledger_cosignatures"

    size: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ledger_checkpoints.size"), primary_key=True, autoincrement=False
    )
    witness: Mapped[str] = mapped_column(String(255), primary_key=True)
    key_id: Mapped[bytes] = mapped_column(LargeBinary(4), primary_key=True)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    line: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


_TABLE = "ledger_cosignatures"
_MESSAGE = f"{_TABLE} is append-only"

_SQLITE = [
    f"CREATE TRIGGER {_TABLE}_no_delete BEFORE DELETE ON {_TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    f"CREATE TRIGGER {_TABLE}_no_update BEFORE UPDATE ON {_TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
]

_POSTGRES = [
    # Its own function: the ledger's is created with ledger_entries, maybe after this table.
    # DDL() %-formats statements, hence the doubled %%.
    """CREATE OR REPLACE FUNCTION ledger_cosignatures_reject_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%% is append-only', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER {_TABLE}_no_delete BEFORE DELETE ON {_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_cosignatures_reject_change()",
    f"CREATE TRIGGER {_TABLE}_no_truncate BEFORE TRUNCATE ON {_TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_cosignatures_reject_change()",
    f"CREATE TRIGGER {_TABLE}_no_update BEFORE UPDATE ON {_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_cosignatures_reject_change()",
]

for _statement in _SQLITE:
    event.listen(
        LedgerCosignature.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in _POSTGRES:
    event.listen(
        LedgerCosignature.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="postgresql"),
    )
