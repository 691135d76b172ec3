"""Placement checks and decisions under the rules, and re-evaluation after corrections.

Every function runs inside a write session, except `evaluate_check_early`,
which evaluates a check from a read session so the write lock is held only to
append it. The rule set in force is recorded in the ledger first (if it
changed), so each finding names a recorded rule set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import records
from integrity_service.case_parts import placement_body
from integrity_service.check_facts import CHECK_TYPE, CheckFacts, check_facts, log_position
from integrity_service.db import driver_rows
from integrity_service.domain.assessments import AssessmentResult
from integrity_service.gather import build_case
from integrity_service.ledger_store import SqlLedger
from integrity_service.models import Finding, Placement
from integrity_service.records import Recorded, RecordError
from integrity_service.rule_state import (
    configured_ruleset,
    ensure_active,
    ruleset_by_hash,
)
from ledger.append import Draft, PreparedEntry
from rules.engine import Evaluation, evaluate
from rules.ruleset import RuleSet

# Entries since an early evaluation that change its facts (see `early_check_holds`).
_CHANGED_SINCE = f"SELECT count(*) FROM ledger_entries WHERE seq >= ? AND type <> '{CHECK_TYPE}'"


def findings_json(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Return the evaluation's findings as plain JSON, for the ledger."""
    return [finding.to_json_obj() for finding in evaluation.findings]


def outcome(evaluation: Evaluation) -> dict[str, Any]:
    """Return the verdict, rule set, ranking position and findings to record."""
    position = evaluation.ranking_position
    return {
        "verdict": evaluation.verdict,
        "ruleset_hash": evaluation.ruleset_hash,
        "ranking_position": None if position is None else {"rank": position[0], "of": position[1]},
        "findings": findings_json(evaluation),
    }


def _check_body(facts: CheckFacts, ruleset: RuleSet) -> dict[str, Any]:
    """Return the body of the check entry: the proposed decision and the rules' answer.

    The answer is kept with the facts, per rule set: it depends on nothing else.
    """
    answer = facts.answers.get(ruleset.hash)
    if answer is None:
        body = facts.body
        answer = {
            "vacancy": body["vacancy"],
            "nip": body["nip"],
            "decided_by": body.get("decided_by"),
            "decided_on": body["decided_on"],
            "kind": body["kind"],
            **outcome(evaluate(facts.case, ruleset)),
        }
        facts.answers[ruleset.hash] = answer
    return dict(answer)


@dataclass(frozen=True)
class EarlyCheck:
    """A check evaluated before the write lock, on the facts of the log's first ``size`` entries."""

    decision: dict[str, Any]
    size: int
    check: dict[str, Any]


def evaluate_check_early(
    session: Session, decision: dict[str, Any], ruleset: RuleSet
) -> EarlyCheck | None:
    """Evaluate a check from a read session, so that the write lock is held only to append it.

    None if the early answer cannot be used: the rule set is not yet the active one
    (activating it is a write), or the check is refused (the locked path says why).
    """
    position = log_position(session)  # every fact below is as of this snapshot
    try:
        facts = check_facts(session, decision, position)
    except RecordError:
        return None
    if facts.ruleset_hash != ruleset.hash:
        return None
    return EarlyCheck(dict(decision), position.size, _check_body(facts, ruleset))


def early_check_holds(session: Session, early: EarlyCheck, decision: dict[str, Any]) -> bool:
    """Tell whether the entries appended since the early evaluation leave its answer unchanged.

    A check's facts (`check_facts`: the placement body, the case, the active rule set)
    change only with entries other than placement checks. If every entry since is a
    check, the facts are exactly those the lock would see, so is the answer; ``audit``
    replays each check at its seq and reports any difference. Runs under the write lock.
    """
    if early.decision != decision:
        return False
    return driver_rows(session.connection(), _CHANGED_SINCE, (early.size,))[0][0] == 0


def check_placement(
    session: Session, decision: dict[str, Any], *, actor: str, early: EarlyCheck | None = None
) -> Recorded:
    """Evaluate a proposed placement, record the check, and return its verdict.

    With an ``early`` evaluation that still holds (`early_check_holds`) only the
    append runs here, under the write lock; otherwise the check is evaluated anew.
    """
    if early is not None and early_check_holds(session, early, decision):
        check = early.check
    else:
        ruleset = ensure_active(session, configured_ruleset(), actor=actor)
        check = _check_body(check_facts(session, decision, log_position(session)), ruleset)
    entries = records.append(session, [Draft(CHECK_TYPE, actor, check)])
    return Recorded(entries, check)


def decide_placement(session: Session, decision: dict[str, Any], *, actor: str) -> Recorded:
    """Evaluate and record a placement; refuse a deviation that carries no justification."""
    ruleset = ensure_active(session, configured_ruleset(), actor=actor)
    body = placement_body(session, decision)
    seq = SqlLedger(session).size()  # the seq this decision gets: the write lock is held
    evaluation = evaluate(build_case(session, body, decision_seq=seq), ruleset)
    justification = (decision.get("justification") or "").strip()
    if evaluation.verdict != "compliant" and not justification:
        rules = ", ".join(f"{f.rule_id} ({f.severity})" for f in evaluation.findings)
        raise RecordError(
            422,
            "Justification required",
            f"the rules answer '{evaluation.verdict}' ({rules}); a deviating decision is "
            "recorded only with a justification, and stays flagged",
            errors=[
                {
                    "index": None,
                    "field": "justification",
                    "message": "required when the verdict is not compliant",
                }
            ],
            **outcome(evaluation),
        )
    recorded = records.record_placement(
        session, decision, actor=actor, evaluation=outcome(evaluation)
    )
    if recorded.entries[-1].seq != seq:
        raise AssertionError("the decision was not appended at the seq it was evaluated for")
    return recorded


def reevaluate_after_correction(
    session: Session, nip: str, *, correction_seq: int, actor: str
) -> list[PreparedEntry]:
    """Re-evaluate the person's earlier placements; record findings the correction raises."""
    appended: list[PreparedEntry] = []
    placements = session.scalars(
        select(Placement).where(Placement.nip == nip, Placement.seq < correction_seq)
    ).all()
    for placement in placements:
        body = expected_reevaluation(session, placement, correction_seq=correction_seq)
        if body is not None:
            appended += records.append(session, [Draft("placement.reevaluated", actor, body)])
    return appended


def expected_reevaluation(
    session: Session, placement: Placement, *, correction_seq: int
) -> dict[str, Any] | None:
    """Return the re-evaluation entry body a correction calls for, or None if nothing new."""
    if placement.ruleset_hash is None:
        return None
    decision = {
        "vacancy": placement.vacancy_id,
        "nip": placement.nip,
        "decided_on": placement.decided_on.isoformat(),
        "decided_by": placement.decided_by,
        "kind": placement.kind,
        "approval_reference": placement.approval_reference,
        "from_position": placement.from_position,
    }
    ruleset = ruleset_by_hash(session, placement.ruleset_hash)
    evaluation = evaluate(build_case(session, decision, decision_seq=placement.seq), ruleset)
    known = set(session.scalars(select(Finding.id).where(Finding.placement_id == placement.id)))
    new = [f.to_json_obj() for f in evaluation.findings if f.finding_id not in known]
    if not new:
        return None
    return {
        "placement": placement.id,
        "unit": placement.unit,
        "decided_on": placement.decided_on.isoformat(),
        "reason": f"assessment corrected by entry {correction_seq}",
        "ruleset_hash": placement.ruleset_hash,
        "findings": new,
    }


def correct_assessment(
    session: Session, *, supersedes: int, reason: str, result: AssessmentResult, actor: str
) -> list[PreparedEntry]:
    """Record a correction, then the findings it raises on earlier placements."""
    entries = records.correct_assessment(
        session, supersedes=supersedes, reason=reason, result=result, actor=actor
    )
    return entries + reevaluate_after_correction(
        session, result.nip.value, correction_seq=entries[0].seq, actor=actor
    )
