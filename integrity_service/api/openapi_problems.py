"""Problem details (RFC 9457) of the API: their schemas, and the error responses by name."""

from __future__ import annotations

import re
from typing import Any

from integrity_service.api.openapi_decisions import OUTCOME
from integrity_service.api.openapi_schemas import Schema, closed, nullable, ref
from integrity_service.idempotency import HEADER as IDEMPOTENCY_HEADER
from integrity_service.problems import PROBLEM_TYPES

PROBLEM_JSON = "application/problem+json"

PROBLEM_SCHEMAS: dict[str, Schema] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; routes add members naming what was not found "
        "(position, vacancy, placement, assessment, seq) or what conflicts (superseded_by)",
        "properties": {
            "type": {"type": "string", "format": "uri", "pattern": "^" + re.escape(PROBLEM_TYPES)},
            "title": {"type": "string", "minLength": 1},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string", "minLength": 1},
        },
        "required": ["type", "title", "status", "detail"],
    },
    "FieldProblem": closed(
        {
            "index": nullable(
                {"type": "integer", "minimum": 0, "description": "position in a batch"}
            ),
            "field": nullable(
                {"type": "string", "description": "dotted: result.nip, competencies.M03"}
            ),
            "message": {"type": "string", "minLength": 1},
            "value": {"type": "string", "description": "the value sent, shown safely"},
        },
        optional=("value",),
    ),
    "InvalidBodyProblem": {
        "allOf": [
            ref("Problem"),
            {
                "type": "object",
                "properties": {
                    "errors": {"type": "array", "minItems": 1, "items": ref("FieldProblem")},
                    "omitted": {"type": "integer", "minimum": 0},
                },
                "required": ["errors"],
            },
        ]
    },
    "JustificationRequiredProblem": {
        "description": "a deviating decision sent without a justification: the rules' answer",
        "allOf": [
            ref("InvalidBodyProblem"),
            {"type": "object", "properties": OUTCOME, "required": list(OUTCOME)},
        ],
    },
    "IdempotencyKeyReusedProblem": {
        "allOf": [
            ref("Problem"),
            {
                "type": "object",
                "properties": {"key": {"type": "string"}},
                "required": ["key"],
            },
        ]
    },
    "ForbiddenProblem": {
        "allOf": [
            ref("Problem"),
            {"type": "object", "properties": {"role": {"type": "string"}}, "required": ["role"]},
        ]
    },
    "BadParameterProblem": {
        "allOf": [
            ref("Problem"),
            {
                "type": "object",
                "properties": {"parameter": {"type": "string"}},
                "required": ["parameter"],
            },
        ]
    },
}


def _problem(status: str, description: str, schema: Schema, **extra: Any) -> tuple[str, Schema]:
    return status, {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": schema}},
        **extra,
    }


INVALID_BODY = [ref("InvalidBodyProblem"), ref("IdempotencyKeyReusedProblem")]

# Reusable error responses: name -> (status, response object).
ERRORS: dict[str, tuple[str, Schema]] = {
    "BadRequest": _problem(
        "400",
        "The body is not JSON, not UTF-8 or not an object, a key repeats, it nests deeper "
        f"than JSON_MAX_DEPTH, or the {IDEMPOTENCY_HEADER} header is malformed",
        ref("Problem"),
    ),
    "BadParameter": _problem("400", "A query parameter is invalid", ref("BadParameterProblem")),
    "Unauthorized": _problem(
        "401",
        "No token, an unknown token or a revoked token",
        ref("Problem"),
        headers={
            "WWW-Authenticate": {
                "description": 'RFC 6750 challenge, e.g. Bearer realm="integrity-service", '
                'error="invalid_token"',
                "required": True,
                "schema": {"type": "string", "pattern": "^Bearer "},
            }
        },
    ),
    "Forbidden": _problem("403", "The token's role may not write", ref("ForbiddenProblem")),
    "NotFound": _problem("404", "What the path or body names is not recorded", ref("Problem")),
    "Conflict": _problem(
        "409", "Already recorded, defined or corrected: nothing was recorded", ref("Problem")
    ),
    "PayloadTooLarge": _problem(
        "413",
        "The body exceeds MAX_CONTENT_LENGTH, or an array or object in it has more than "
        "JSON_MAX_ITEMS members, or it holds more than JSON_MAX_VALUES values",
        ref("Problem"),
    ),
    "TooManyRequests": _problem(
        "429",
        "The caller (its token, or its address without a valid token) sent more than "
        "API_RATE_LIMIT requests; wait Retry-After seconds",
        ref("Problem"),
        headers={
            "Retry-After": {
                "description": "seconds to wait before the next request",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        },
    ),
    "UnsupportedMediaType": _problem(
        "415", "The body was not sent as Content-Type: application/json", ref("Problem")
    ),
    "InvalidBody": _problem(
        "422",
        "The body is invalid (every problem listed in errors), or the idempotency key was "
        "used for a different request: nothing was recorded",
        {"anyOf": INVALID_BODY},
    ),
    "PlacementRefused": _problem(
        "422",
        "The body is invalid, the decision deviates from the rules without a justification "
        "(the answer carries the verdict and findings), or the idempotency key was reused: "
        "nothing was recorded",
        {"anyOf": [ref("JustificationRequiredProblem"), *INVALID_BODY]},
    ),
    "IdempotencyKeyReused": _problem(
        "422", "The idempotency key was used for a different request", INVALID_BODY[1]
    ),
}

# What any write with a JSON body may answer, besides its own errors.
JSON_BODY_ERRORS = (
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "PayloadTooLarge",
    "UnsupportedMediaType",
)
