"""Projection tables: the relational views of the ledger that pages and queries read.

Every projection row can be rebuilt by replaying the ledger (see
:mod:`integrity_service.projections`); ``PROJECTION_MODELS`` lists them in the
order they are rebuilt and compared. Service tables (tokens, idempotency keys,
users) are not projections and live in :mod:`integrity_service.accounts`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from integrity_service.db import Base
from integrity_service.ledger_tables import SEQ, LedgerCheckpoint, LedgerEntry, LedgerRedaction


class Person(Base):
    """A civil servant (ASN) as last recorded: identity from the NIP, post from the latest fact."""

    __tablename__ = "people"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(200))
    current_position: Mapped[str] = mapped_column(String(200))
    # Set by placements: the code of the position the person now holds, when known.
    position_code: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)


class Assessment(Base):
    """One recorded assessment result; a correction supersedes an earlier row."""

    __tablename__ = "assessments"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    event: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(64))
    assessed_on: Mapped[date] = mapped_column(Date)
    session: Mapped[int | None] = mapped_column(Integer)
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    potential_category: Mapped[str] = mapped_column(String(64))
    performance_rating: Mapped[str | None] = mapped_column(String(64))
    supersedes: Mapped[int | None] = mapped_column(BigInteger)
    superseded_by: Mapped[int | None] = mapped_column(BigInteger)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class Position(Base):
    """A position with its competency standard (SKJ)."""

    __tablename__ = "positions"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(200), index=True)
    min_rank: Mapped[str] = mapped_column(String(8))
    standard: Mapped[dict[str, Any]] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger)


class Vacancy(Base):
    """A position to fill, opened on a date, with candidates."""

    __tablename__ = "vacancies"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position_code: Mapped[str] = mapped_column(ForeignKey("positions.code"))
    opened_on: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(BigInteger)


class Candidate(Base):
    """A candidacy: one NIP in one vacancy."""

    __tablename__ = "candidates"

    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.id"), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Ranking(Base):
    """A ranking published for a vacancy (the latest one counts)."""

    __tablename__ = "rankings"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.id"), index=True)
    published_at: Mapped[str] = mapped_column(String(32))
    entries: Mapped[list[Any]] = mapped_column(JSON)


class Placement(Base):
    """A placement decision (SK) and the verdict the rules gave it."""

    __tablename__ = "placements"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.id"), index=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    position_code: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(200), index=True)
    from_position: Mapped[str | None] = mapped_column(String(200))
    decree_number: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    decided_by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    justification: Mapped[str | None] = mapped_column(Text)
    approval_reference: Mapped[str | None] = mapped_column(String(200))
    verdict: Mapped[str | None] = mapped_column(String(32))
    ruleset_hash: Mapped[str | None] = mapped_column(String(64))


class RuleSetRecord(Base):
    """A rule set (rules and parameters) as activated in the ledger, by its hash."""

    __tablename__ = "rulesets"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class Relation(Base):
    """A declared relation between two people (for conflict-of-interest checks)."""

    __tablename__ = "relations"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    a: Mapped[str] = mapped_column(String(64), index=True)
    b: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)


class PlacementCheck(Base):
    """A placement check BKPSDM asked before deciding, and its answer."""

    __tablename__ = "placement_checks"

    # The rowid on SQLite (no separate primary-key index to write per check).
    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=False)
    # Looked up by ix_placement_checks_pair, whose first column it is: no index of its own.
    vacancy_id: Mapped[str] = mapped_column(String(32))
    nip: Mapped[str] = mapped_column(String(18))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(Date)
    verdict: Mapped[str] = mapped_column(String(32))
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    findings: Mapped[list[Any]] = mapped_column(JSON)

    # The earlier checks of one vacancy and appointee (MERIT-013, check_facts.py).
    __table_args__ = (Index("ix_placement_checks_pair", "vacancy_id", "nip", "seq"),)


class Finding(Base):
    """A finding of the rules on a recorded placement decision."""

    __tablename__ = "findings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    placement_id: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    rule_id: Mapped[str] = mapped_column(String(16), index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16), index=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    decided_on: Mapped[date] = mapped_column(Date, index=True)
    evidence_seqs: Mapped[list[Any]] = mapped_column(JSON)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    message_id: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")


from integrity_service.casework import FindingEvent  # noqa: E402  (casework imports no models)

PROJECTION_MODELS: tuple[type[Base], ...] = (
    Person,
    Assessment,
    Position,
    Vacancy,
    Candidate,
    Ranking,
    Placement,
    RuleSetRecord,
    Relation,
    PlacementCheck,
    Finding,
    FindingEvent,
)

__all__ = [
    "PROJECTION_MODELS",
    "Assessment",
    "Candidate",
    "Finding",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LedgerRedaction",
    "Person",
    "Placement",
    "PlacementCheck",
    "Position",
    "Ranking",
    "Relation",
    "RuleSetRecord",
    "Vacancy",
]
