"""Every table of the service, imported so that ``Base.metadata`` knows them all.

The ledger's own tables live in :mod:`integrity_service.ledger_tables`; the
projections (the relational views of the ledger) are added here.
"""

from integrity_service.ledger_tables import LedgerCheckpoint, LedgerEntry, LedgerRedaction

__all__ = ["LedgerCheckpoint", "LedgerEntry", "LedgerRedaction"]
