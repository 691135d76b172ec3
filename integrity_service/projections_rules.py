"""Projections of the rules' entries: rule sets, relations, checks, and placement findings."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from integrity_service import casework
from integrity_service.db import driver_rows
from integrity_service.models import Finding, Relation, RuleSetRecord

Body = Any


def ruleset_activated(session: Session, seq: int, _time: str, body: Body) -> None:
    """Project a rule set activation."""
    session.add(RuleSetRecord(hash=body["hash"], seq=seq, definition=body["ruleset"]))


def relation_declared(session: Session, seq: int, _time: str, body: Body) -> None:
    """Project a declared relation."""
    session.add(
        Relation(seq=seq, a=body["a"], b=body["b"], kind=body["kind"], source=body["source"])
    )


_CHECK_ROW = (
    "INSERT INTO placement_checks"
    " (seq, vacancy_id, nip, decided_by, decided_on, verdict, ruleset_hash, findings)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def placement_checked(session: Session, seq: int, _time: str, body: Body) -> None:
    """Project a placement check and its answer."""
    # Through the driver, not an ORM object: checks are the most frequent write, and
    # nothing pending in the session can depend on this row. The values are stored as
    # the ORM would store them: an ISO date (SQLite's Date format; PostgreSQL casts
    # it), and the findings as json.dumps text (SQLAlchemy's JSON default).
    driver_rows(
        session.connection(),
        _CHECK_ROW,
        (
            seq,
            body["vacancy"],
            body["nip"],
            body.get("decided_by"),
            date.fromisoformat(body["decided_on"]).isoformat(),
            body["verdict"],
            body["ruleset_hash"],
            json.dumps(body["findings"]),
        ),
    )


def placement_findings(session: Session, seq: int, body: Body) -> None:
    """Project the findings a placement decision (or its re-evaluation) carries."""
    placement_id = body.get("placement", body.get("id"))
    for finding in body.get("findings", ()):
        session.add(
            Finding(
                id=finding["finding_id"],
                placement_id=placement_id,
                seq=seq,
                rule_id=finding["rule_id"],
                rule_version=finding["rule_version"],
                ruleset_hash=finding["ruleset_hash"],
                severity=finding["severity"],
                unit=body["unit"],
                decided_on=date.fromisoformat(body["decided_on"]),
                evidence_seqs=list(finding["evidence_seqs"]),
                evidence=finding["evidence"],
                message_id=finding["message_id"],
                message_en=finding["message_en"],
                status="open",
            )
        )


def placement_reevaluated(session: Session, seq: int, _time: str, body: Body) -> None:
    """Project the new findings of a placement re-evaluated after a later correction."""
    placement_findings(session, seq, body)


HANDLERS = {
    "ruleset.activated": ruleset_activated,
    "relation.declared": relation_declared,
    "placement.checked": placement_checked,
    "placement.reevaluated": placement_reevaluated,
    casework.ENTRY_TYPE: casework.project_status_change,
}
