"""The placement check, findings and declared relations."""

from __future__ import annotations

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
from integrity_service.models import Finding
from integrity_service.problems import bad_parameter
from integrity_service.receipts import receipt_of_append

SEVERITIES = ("low", "medium", "high", "critical")


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


@bp.post("/v1/placements/check")
@requires("write")
def check_placement() -> Response:
    """Answer whether a proposed placement follows the ranking; record the check."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        decision = parse_check_mapping(body, today=today())
        recorded = checks.check_placement(session, decision, actor=current_caller().actor)
        result = recorded.result
        return {
            "verdict": result["verdict"],
            "findings": brief_findings(result["findings"]),
            "ranking": result["ranking_position"],
            "ruleset_hash": result["ruleset_hash"],
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
            query = query.where(Finding.decided_on >= date.fromisoformat(since))
        except ValueError:
            raise bad_parameter("since", "must be a date YYYY-MM-DD") from None
    rows = db.session().scalars(query.limit(10_000))
    return json_response(200, {"findings": [finding_json(row) for row in rows]})


def _relation_field(body: dict[str, Any], name: str, *, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        error = FieldError(name, value, f"must be text of 1-{limit} characters")
        raise ValidationReport([FieldProblem.from_field_error(error)])
    return " ".join(value.split())


@bp.post("/v1/relations")
@requires("write")
def declare_relation() -> Response:
    """Record a declared relation between two people (NIPs or decision-maker ids)."""
    body = json_object()

    def write(session: Session) -> dict[str, Any]:
        unknown = sorted(set(body) - {"a", "b", "kind", "source"})
        if unknown:
            raise ValidationReport(
                [
                    FieldProblem.from_field_error(FieldError(name, body[name], "unknown field"))
                    for name in unknown
                ]
            )
        fields = {
            name: _relation_field(body, name, limit=64 if name != "source" else 500)
            for name in ("a", "b", "kind", "source")
        }
        entries = records.declare_relation(session, actor=current_caller().actor, **fields)
        return {"relation": fields, "receipt": receipt_of_append(entries[0])}

    return run_write(write, body=body)
