"""JSON Schemas of placement decisions, checks, findings and relations (see `openapi_schemas`)."""

from __future__ import annotations

from integrity_service.api.openapi_schemas import (
    DATE,
    HEX_HASH,
    NIP_INPUT,
    PERSON,
    POSITION_CODE,
    SEQ,
    Schema,
    closed,
    listed,
    nullable,
    ref,
    text,
)
from integrity_service.domain.decisions import LONG_TEXT_MAX_LENGTH, PLACEMENT_KINDS
from integrity_service.records import RELATION_KINDS
from rules.scales import SEVERITIES, VERDICTS

# The rules' answer, shared by a check, a recorded decision and its refusal.
OUTCOME: dict[str, Schema] = {
    "verdict": {"enum": list(VERDICTS)},
    "findings": {"type": "array", "items": ref("RuleFinding")},
    "ranking": nullable(ref("RankingPosition")),
    "ruleset_hash": HEX_HASH,
}

DECISION_SCHEMAS: dict[str, Schema] = {
    "PlacementInput": closed(
        {
            "vacancy": POSITION_CODE,
            "nip": NIP_INPUT,
            "decree_number": text(description="nomor SK"),
            "decided_on": {**DATE, "description": "not in the future, not before 1900"},
            "decided_by": PERSON,
            "kind": listed(PLACEMENT_KINDS.terms, "kind (also promosi, rotasi, Plt, definitif)"),
            "justification": nullable(
                text(LONG_TEXT_MAX_LENGTH, "required when the rules' verdict is not compliant")
            ),
            "approval_reference": nullable(text()),
        },
        optional=("justification", "approval_reference"),
    ),
    "Placement": closed(
        {
            "id": {"type": "string", "pattern": "^PL-[0-9]{5,}$"},
            "seq": SEQ,
            "vacancy": {"type": "string"},
            "nip": ref("Nip"),
            "position": POSITION_CODE,
            "position_title": nullable({"type": "string"}),
            "unit": {"type": "string"},
            "from_position": nullable({"type": "string"}),
            "decree_number": text(),
            "decided_on": DATE,
            "decided_by": PERSON,
            "kind": {"enum": list(PLACEMENT_KINDS.terms)},
            "justification": nullable(text(LONG_TEXT_MAX_LENGTH)),
            "approval_reference": nullable(text()),
            "verdict": {"enum": [*VERDICTS, None]},
        }
    ),
    "CheckInput": closed(
        {
            "vacancy": POSITION_CODE,
            "nip": NIP_INPUT,
            "decided_by": PERSON,
            "decided_on": {**DATE, "description": "the planned date; may be in the future"},
            "kind": nullable(listed(PLACEMENT_KINDS.terms, "kind, default definitive")),
            "approval_reference": nullable(text()),
        },
        optional=("kind", "approval_reference"),
    ),
    "RankingPosition": closed(
        {"rank": {"type": "integer", "minimum": 1}, "of": {"type": "integer", "minimum": 1}}
    ),
    "RuleFinding": closed(
        {
            "id": {"type": "string", "pattern": "^F-[0-9a-f]{16}$"},
            "rule": {"type": "string", "pattern": "^MERIT-[0-9]{3}$"},
            "severity": {"enum": list(SEVERITIES)},
            "message": {"type": "string", "description": "the explanation, in Indonesian"},
            "message_en": {"type": "string", "description": "the explanation, in English"},
            "evidence": {"type": "object", "description": "the rule's numbers"},
            "evidence_seqs": {"type": "array", "items": SEQ},
        }
    ),
    "Finding": closed(
        {
            "id": {"type": "string", "pattern": "^F-[0-9a-f]{16}$"},
            "rule": {"type": "string", "pattern": "^MERIT-[0-9]{3}$"},
            "rule_version": {"type": "integer", "minimum": 1},
            "ruleset_hash": HEX_HASH,
            "severity": {"enum": list(SEVERITIES)},
            "placement": {"type": "string"},
            "seq": {**SEQ, "description": "the decision or re-evaluation entry"},
            "unit": {"type": "string"},
            "decided_on": DATE,
            "status": {"type": "string", "description": "open"},
            "message": {"type": "string"},
            "message_en": {"type": "string"},
            "evidence": {"type": "object"},
            "evidence_seqs": {"type": "array", "items": SEQ},
        }
    ),
    "RelationInput": closed(
        {
            "a": PERSON,
            "b": PERSON,
            "kind": {"enum": list(RELATION_KINDS)},
            "source": text(500, "where the relation is declared or documented"),
        }
    ),
    "Relation": closed(
        {
            "a": PERSON,
            "b": PERSON,
            "kind": {"enum": list(RELATION_KINDS)},
            "source": text(500),
        }
    ),
    "CheckAnswer": closed({**OUTCOME, "receipt": ref("Receipt")}),
    "PlacementRecorded": closed(
        {"placement": ref("Placement"), "receipt": ref("Receipt"), **OUTCOME}
    ),
    "PlacementShown": closed(
        {
            "placement": ref("Placement"),
            "findings": {"type": "array", "items": ref("Finding")},
            "receipt": ref("Receipt"),
        }
    ),
    "FindingList": closed({"findings": {"type": "array", "items": ref("Finding")}}),
    "RelationRecorded": closed({"relation": ref("Relation"), "receipt": ref("Receipt")}),
}
