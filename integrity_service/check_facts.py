"""The facts of a placement check, kept per process for the ledger prefix they come from.

A check reads a vacancy's candidates and ranking (thousands of rows), the
appointee's assessments, the declared relations and the recent placements.
None of these change when a placement check is recorded; every other entry
type may change them. So the facts are a function of the log up to its last
entry that is not a check, and that entry's seq and commitment name that
prefix exactly (each commitment covers the previous one). They are gathered
once per process and prefix, in parts (a vacancy's, a person's, those every
check shares), and so is the rules' answer, which depends on nothing else:
earlier checks matter only to recorded decisions (MERIT-013).

A hit is exact whatever database the session reaches: two databases share a
key only if they share the whole prefix, and their projections are then the
same (``rebuild`` checks that the stored projections are the ledger's).

On PostgreSQL (read committed) facts gathered after `log_position` may include
a non-check entry committed in between, and are then kept under the older key.
Only early answers can read such facts: under the write lock
`checks.early_check_holds` sees that entry and the check is evaluated again,
and the lock's own reads see the newer key, never the older one.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from integrity_service.case_parts import person_part, placement_body, vacancy_part
from integrity_service.db import driver_rows
from integrity_service.gather import (
    build_case,
    history_before,
    relations_before,
)
from integrity_service.rule_state import latest_record
from rules.facts import PlacementCase, PlacementFact, RelationFact

CHECK_TYPE = "placement.checked"
# The literal predicate matches the partial index ix_ledger_entries_facts, so the
# last non-check entry is one index probe, however many checks were recorded since.
_POSITION_SQL = (
    "SELECT (SELECT max(seq) FROM ledger_entries), seq, commitment FROM ledger_entries "
    f"WHERE type <> '{CHECK_TYPE}' ORDER BY seq DESC LIMIT 1"
)


@dataclass(frozen=True)
class LogPosition:
    """The log's size and the last entry that is not a check (None in a log of checks only)."""

    size: int
    facts_version: tuple[int, bytes] | None


@dataclass(frozen=True)
class CheckFacts:
    """A check's facts, and its answers so far by rule-set hash (filled by the caller)."""

    body: dict[str, Any]
    case: PlacementCase
    ruleset_hash: str | None
    answers: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)


class _Kept:
    """A small least-recently-used map, safe to share between a worker's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@dataclass(frozen=True)
class _Shared:
    """The facts every check of one decision date shares."""

    relations: tuple[RelationFact, ...]
    history: tuple[PlacementFact, ...]
    ruleset_hash: str | None


_facts = _Kept(4096)
_parts = _Kept(256)  # vacancy parts: up to thousands of candidates and a ranking each
_people = _Kept(4096)
_shared = _Kept(64)


def log_position(session: Session) -> LogPosition:
    """Return the log's size and facts version, read in one statement (one snapshot)."""
    rows = driver_rows(session.connection(), _POSITION_SQL)
    if not rows:
        size = driver_rows(session.connection(), "SELECT max(seq) FROM ledger_entries")[0][0]
        return LogPosition(0 if size is None else size + 1, None)
    row = rows[0]
    return LogPosition(row[0] + 1, (row[1], bytes(row[2])))


def _kept(kept: _Kept, key: Any, gather: Callable[[], Any]) -> Any:
    value = kept.get(key)
    if value is None:
        value = gather()
        kept.put(key, value)
    return value


def _gather(session: Session, decision: dict[str, Any], position: LogPosition) -> CheckFacts:
    version, before, nip = position.facts_version, position.size, decision["nip"]
    part = _kept(
        _parts,
        (version, decision["vacancy"]),
        lambda: vacancy_part(session, decision["vacancy"], before=before),
    )
    person = _kept(_people, (version, nip), lambda: person_part(session, nip))
    shared = _kept(
        _shared,
        (version, decision["decided_on"]),
        lambda: _Shared(
            relations_before(session, before=before),
            history_before(session, date.fromisoformat(decision["decided_on"]), before=before),
            getattr(latest_record(session), "hash", None),
        ),
    )
    body = placement_body(session, decision, part=part, person=person)
    case = build_case(
        session,
        body,
        decision_seq=None,
        with_checks=False,
        part=part,
        person=person,
        relations=shared.relations,
        history=shared.history,
    )
    return CheckFacts(body, case, shared.ruleset_hash)


def check_facts(session: Session, decision: dict[str, Any], position: LogPosition) -> CheckFacts:
    """Return the facts of a proposed decision as of ``position``, kept or gathered now.

    ``position`` must be read in the same snapshot as the facts (the session's
    transaction). Raises `records.RecordError` for an unknown vacancy or appointee.
    The case holds no earlier checks: the rules never read them for a proposed
    decision (MERIT-013 judges recorded decisions only; tests/rules pin this).
    """
    key = (position.facts_version, json.dumps(decision, sort_keys=True))
    facts: CheckFacts | None = _facts.get(key)
    if facts is None:
        facts = _gather(session, decision, position)
        _facts.put(key, facts)
    return facts


def clear() -> None:
    """Forget every kept fact (tests use it to compare with a fresh gathering)."""
    for kept in (_facts, _parts, _people, _shared):
        with kept.lock:
            kept.items.clear()
