"""JSON Schemas (2020-12) of the API's records: receipts, assessments, positions, vacancies.

Vocabularies and limits are taken from the code that enforces them, so the
document cannot drift from the validation. Response schemas are closed
(``additionalProperties: false``): the tests validate real responses against
them, so a field added to a response without documenting it fails a test.
Request schemas describe what is accepted; the server's own validation also
accepts the aliases it names (e.g. ``promosi`` for ``promotion``).
"""

from __future__ import annotations

from typing import Any

from integrity_service.api.assessments import MAX_BATCH
from integrity_service.domain.decisions import (
    DECISION_MAKER_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    MAX_CANDIDATES,
)
from integrity_service.domain.fields import SESSION_MAX, TEXT_MAX_LENGTH
from integrity_service.domain.vocabulary import (
    COMPETENCY_CODES,
    LEVEL_MAX,
    LEVEL_MIN,
    PERFORMANCE_RATINGS,
    POSITION_TYPES,
    RANKS,
)
from integrity_service.idempotency import KEY_MAX_LENGTH

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    """Return a reference to the component schema ``name``."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """Return ``schema`` or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def closed(properties: dict[str, Schema], *, optional: tuple[str, ...] = ()) -> Schema:
    """Return an object schema: these properties, all required but ``optional``, no others."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def text(max_length: int = TEXT_MAX_LENGTH, description: str | None = None) -> Schema:
    """Return a non-empty string schema."""
    schema: Schema = {"type": "string", "minLength": 1, "maxLength": max_length}
    if description:
        schema["description"] = description
    return schema


def listed(terms: tuple[str, ...], what: str) -> Schema:
    """Return a request string naming a term of a vocabulary (case and aliases accepted)."""
    return {"type": "string", "description": f"{what}: one of {', '.join(terms)} (any case)"}


SEQ: Schema = {"type": "integer", "minimum": 0, "description": "a ledger entry number"}
DATE: Schema = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
BASE64: Schema = {"type": "string", "pattern": r"^[A-Za-z0-9+/]*={0,2}$"}
HEX_HASH: Schema = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
LEVEL: Schema = {"type": "integer", "minimum": LEVEL_MIN, "maximum": LEVEL_MAX}
POSITION_CODE: Schema = {
    "type": "string",
    "pattern": r"^\s*[A-Za-z0-9._-]{1,64}\s*$",
    "description": "1-64 letters, digits, '.', '_' or '-', e.g. DINKES-ADM-01",
}
NIP_INPUT: Schema = {
    "type": "string",
    "pattern": "^[0-9 ]+$",
    "description": "an 18-digit NIP, compact or grouped ('19800101 200501 1 001')",
}
PERSON: Schema = {
    **text(DECISION_MAKER_MAX_LENGTH),
    "description": "a NIP (checked, stored compact) or another identifier such as 'Bupati'",
}

RECORD_SCHEMAS: dict[str, Schema] = {
    "Nip": {"type": "string", "pattern": "^[0-9]{18}$", "description": "a NIP, compact"},
    "Receipt": closed(
        {
            "seq": SEQ,
            "entry": nullable({**BASE64, "description": "canonical entry bytes (RFC 8785)"}),
            "redacted": {"type": "boolean"},
            "commitment": {**BASE64, "description": "C = SHA-256(entry bytes)"},
            "log": {"type": "string", "description": "the log's origin"},
            "checkpoint": nullable({"type": "string", "description": "a signed note"}),
            "inclusion_proof": nullable(ref("InclusionProof")),
        }
    ),
    "InclusionProof": closed(
        {
            "index": SEQ,
            "size": {"type": "integer", "minimum": 1},
            "proof": {"type": "array", "items": BASE64},
        }
    ),
    "CompetencyLevels": {
        **closed({code: LEVEL for code in COMPETENCY_CODES}),
        "description": "one level 1-5 per competency: managerial M01-M08 and SC01",
    },
    "CompetencyLevelsInput": {
        "type": "object",
        "additionalProperties": LEVEL,
        "minProperties": len(COMPETENCY_CODES),
        "description": f"a level for each of {', '.join(COMPETENCY_CODES)} "
        "(keys in any case, also the official spelling 'M.01')",
    },
    "AssessmentResultInput": closed(
        {
            "nip": NIP_INPUT,
            "name": text(),
            "rank": listed(RANKS.terms, "golongan"),
            "unit": text(),
            "current_position": text(),
            "event": text(description="the assessment event, e.g. 'CACT 2025'"),
            "method": text(description="e.g. CACT or Assessment Centre"),
            "assessed_on": {**DATE, "description": "not in the future"},
            "session": nullable({"type": "integer", "minimum": 1, "maximum": SESSION_MAX}),
            "competencies": ref("CompetencyLevelsInput"),
            "potential_category": text(
                description="e.g. Sangat Potensial, Potensial, Cukup Potensial, Kurang Potensial"
            ),
            "performance_rating": nullable(listed(PERFORMANCE_RATINGS.terms, "rating")),
        },
        optional=("session", "performance_rating"),
    ),
    "AssessmentResult": closed(
        {
            "nip": ref("Nip"),
            "name": text(),
            "rank": {"enum": list(RANKS.terms)},
            "unit": text(),
            "current_position": text(),
            "event": text(),
            "method": text(),
            "assessed_on": DATE,
            "session": nullable({"type": "integer", "minimum": 1}),
            "competencies": ref("CompetencyLevels"),
            "potential_category": text(),
            "performance_rating": {"enum": [*PERFORMANCE_RATINGS.terms, None]},
        }
    ),
    "AssessmentBatch": closed(
        {
            "results": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": ref("AssessmentResultInput"),
            }
        }
    ),
    "AssessmentsRecorded": closed({"receipts": {"type": "array", "items": ref("Receipt")}}),
    "CorrectionInput": closed(
        {
            "supersedes": {**SEQ, "description": "the seq of the assessment entry to correct"},
            "reason": text(LONG_TEXT_MAX_LENGTH, "why; may hold line breaks"),
            "result": ref("AssessmentResultInput"),
        }
    ),
    "CorrectionRecorded": closed(
        {
            "assessment": closed(
                {
                    "seq": SEQ,
                    "supersedes": SEQ,
                    "reason": text(LONG_TEXT_MAX_LENGTH),
                    "result": ref("AssessmentResult"),
                }
            ),
            "receipt": ref("Receipt"),
        }
    ),
    "PositionInput": closed(
        {
            "code": POSITION_CODE,
            "title": text(),
            "type": listed(POSITION_TYPES.terms, "position type"),
            "unit": text(),
            "min_rank": listed(RANKS.terms, "lowest golongan"),
            "standard": ref("CompetencyLevelsInput"),
        }
    ),
    "Position": closed(
        {
            "code": POSITION_CODE,
            "title": text(),
            "type": {"enum": list(POSITION_TYPES.terms)},
            "unit": text(),
            "min_rank": {"enum": list(RANKS.terms)},
            "standard": ref("CompetencyLevels"),
            "seq": SEQ,
        }
    ),
    "PositionWithReceipt": closed({"position": ref("Position"), "receipt": ref("Receipt")}),
    "VacancyInput": closed(
        {
            "position": POSITION_CODE,
            "candidates": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_CANDIDATES,
                "items": NIP_INPUT,
                "description": "distinct NIPs",
            },
            "opened_on": {**DATE, "description": "not in the future"},
        }
    ),
    "Vacancy": closed(
        {
            "id": {"type": "string", "pattern": "^VAC-[0-9]{5,}$"},
            "position": POSITION_CODE,
            "candidates": {"type": "array", "items": ref("Nip")},
            "opened_on": DATE,
            "seq": SEQ,
            "receipt": ref("Receipt"),
        }
    ),
    "RankingEntry": closed(
        {
            "rank": nullable({"type": "integer", "minimum": 1}),
            "nip": ref("Nip"),
            "jpm": nullable({"type": "string", "pattern": r"^[0-9]{1,3}\.[0-9]{2}$"}),
            "potential_category": nullable({"type": "string"}),
            "performance_rating": {"enum": [*PERFORMANCE_RATINGS.terms, None]},
            "managerial_sum": nullable({"type": "integer", "minimum": 0}),
            "assessment_seq": nullable(SEQ),
        }
    ),
    "Ranking": closed(
        {
            "vacancy": {"type": "string"},
            "ranking": {"type": "array", "items": ref("RankingEntry")},
            "seq": SEQ,
            "published_at": {"type": "string", "format": "date-time"},
            "receipt": ref("Receipt"),
        }
    ),
}

IDEMPOTENCY_KEY: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": KEY_MAX_LENGTH + 2,
    "pattern": r'^"?[ !#-\[\]-~]+"?$',
}
