"""The placement check, findings and declared relations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrity_service import checks, db, records
from integrity_service.api import bp
from integrity_service.api.auth import current_caller, requires
from integrity_service.api.bodies import json_object, today
from integrity_service.api.writes import json_response, run_write
from integrity_service.domain.decisions import parse_check_mapping
from integrity_service.domain.errors import FieldError, ValidationReport
from integrity_service.domain.errors import Problem as FieldProblem
from integrity_service.domain.nip import parse_nip
from integrity_service.models import Finding
from integrity_service.problems import bad_parameter
from integrity_service.receipts import receipt_of_append
from integrity_service.rule_state import configured_ruleset

SEVERITIES = ("low", "medium", "high", "critical")
OUTCOME_KEYS = ("verdict", "findings", "ranking_position", "ruleset_hash")
RELATION_FIELDS = ("a", "b", "kind", "source")
_NIP_LIKE = re.compile(r"[0-9 ]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def finding_json(row: Finding) -> dict[str, Any]:
    """Return a stored finding as the API shows it."""
    return {
        "id": row.id,
        "rule": row.rule_id,
        "rule_version": row.rule_version,
        "ruleset_hash": row.ruleset_hash,
        "severity": row.severity,
        "placement": row.placement_id,
        "seq": row.seq,
        "unit": row.unit,
        "decided_on": row.decided_on.isoformat(),
        "status": row.status,
        "message": row.message_id,
        "message_en": row.message_en,
        "evidence": row.evidence,
        "evidence_seqs": row.evidence_seqs,
    }


def brief_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return recorded findings in the check's answer shape."""
    return [
        {
            "id": f["finding_id"],
            "rule": f["rule_id"],
            "severity": f["severity"],
            "message": f["message_id"],
            "message_en": f["message_en"],
            "evidence": f["evidence"],
            "evidence_seqs": f["evidence_seqs"],
        }
        for f in findings
    ]


def outcome_json(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """Return the rules' answer (verdict, findings, ranking, rule set) as the API shows it."""
    return {
        "verdict": outcome["verdict"],
        "findings": brief_findings(outcome["findings"]),
        "ranking": outcome["ranking_position"],
        "ruleset_hash": outcome["ruleset_hash"],
    }


@bp.post("/v1/placements/check")
@requires("write")
def check_placement() -> Response:
    """Answer whether a proposed placement follows the ranking; record the check.

    The body is parsed once, and the check evaluated before the write lock (from
    the read session); a refused body is answered from inside `run_write`, as
    every refused write is, so that its idempotency key keeps the answer.
    """
    body = json_object()
    try:
        decision: dict[str, Any] | None = parse_check_mapping(body, today=today())
    except ValidationReport as report:
        decision, refused = None, report
    early = (
        None
        if decision is None
        else checks.evaluate_check_early(db.session(), decision, configured_ruleset())
    )

    def write(session: Session) -> dict[str, Any]:
        if decision is None:
            raise refused
        recorded = checks.check_placement(
            session, decision, actor=current_caller().actor, early=early
        )
        return {
            **outcome_json(recorded.result),
            "receipt": receipt_of_append(recorded.entries[-1]),
        }

    return run_write(write, body=body, status=200)


@bp.get("/v1/findings")
@requires("read")
def list_findings() -> Response:
    """List findings, filtered by severity, unit, rule and decision date (since)."""
    query = select(Finding).order_by(Finding.decided_on, Finding.id)
    severity = request.args.get("severity")
    if severity:
        if severity not in SEVERITIES:
            raise bad_parameter("severity", f"must be one of {', '.join(SEVERITIES)}")
        query = query.where(Finding.severity == severity)
    if request.args.get("unit"):
        query = query.where(Finding.unit == request.args["unit"])
    if request.args.get("rule"):
        query = query.where(Finding.rule_id == request.args["rule"])
    since = request.args.get("since")
    if since:
        try:
            if not _ISO_DATE.fullmatch(since):
                raise ValueError(since)
            query = query.where(Finding.decided_on >= date.fromisoformat(since))
        except ValueError:
            raise bad_parameter("since", "must be a date YYYY-MM-DD") from None
    rows = db.session().scalars(query.limit(10_000))
    return json_response(200, {"findings": [finding_json(row) for row in rows]})


def _relation_field(body: dict[str, Any], name: str) -> str:
    """Return one field of a relation; ``a`` and ``b`` NIPs compacted, as ``decided_by`` is."""
    value = body.get(name)
    limit = 500 if name == "source" else 64
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise FieldError(name, value, f"must be text of 1-{limit} characters")
    text = " ".join(value.split())
    if name in ("a", "b") and _NIP_LIKE.fullmatch(text):
        # Compact, so that a grouped NIP matches the compact decided_by of a decision.
        return parse_nip(text, today=today(), field=name).value
    return text


def _relation_body(body: dict[str, Any]) -> dict[str, str]:
    """Validate a relation body; raise a report listing every problem."""
    problems = [
        FieldProblem.from_field_error(FieldError(name, body[name], "unknown field"))
        for name in sorted(set(body) - set(RELATION_FIELDS))
    ]
    fields: dict[str, str] = {}
    for name in RELATION_FIELDS:
        try:
            fields[name] = _relation_field(body, name)
        except FieldError as error:
            problems.append(FieldProblem.from_field_error(error))
    if problems:
        raise ValidationReport(problems)
    return fields


@bp.post("/v1/relations")
@requires("write")
def declare_relation() -> Response:
    """Record a declared relation between two people (NIPs or decision-maker ids)."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        fields = _relation_body(body)
        entries = records.declare_relation(session, actor=current_caller().actor, **fields)
        return {"relation": fields, "receipt": receipt_of_append(entries[0])}

    return run_write(write, body=body)
