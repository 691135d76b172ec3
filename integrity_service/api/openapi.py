"""The OpenAPI 3.1 document of the BKPSDM API, served at ``/api/openapi.json`` without a token.

Built as Python data from the vocabularies and limits the validation uses
(schemas in `openapi_schemas`, `openapi_decisions`, `openapi_problems`). The
tests check it against the app both ways (routes and methods), and validate
the responses of a scripted scenario against the schema of their status.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response

from integrity_service.api import bp
from integrity_service.api.openapi_decisions import DECISION_SCHEMAS
from integrity_service.api.openapi_problems import ERRORS, JSON_BODY_ERRORS, PROBLEM_SCHEMAS
from integrity_service.api.openapi_schemas import (
    DATE,
    IDEMPOTENCY_KEY,
    RECORD_SCHEMAS,
    SEQ,
    Schema,
    ref,
)
from integrity_service.api.rules_routes import SEVERITIES
from integrity_service.api.writes import REPLAYED_HEADER, json_response
from integrity_service.idempotency import HEADER as IDEMPOTENCY_HEADER


def _path_parameter(name: str, description: str, schema: Schema | None = None) -> Schema:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _query_parameter(name: str, description: str, schema: Schema) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    ok: tuple[int, str],
    errors: tuple[str, ...],
    *,
    body: str | None = None,
    write: bool = False,
    parameters: tuple[Schema, ...] = (),
) -> Schema:
    status, schema = ok
    success: Schema = {
        "description": "Recorded" if status == 201 else "OK",
        "content": {"application/json": {"schema": ref(schema)}},
    }
    if write:
        success["headers"] = {REPLAYED_HEADER: {"$ref": "#/components/headers/Replayed"}}
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": {
            str(status): success,
            **dict(ERRORS[name] for name in (*errors, "TooManyRequests")),
        },
    }
    listed = [*parameters]
    if write:
        listed.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if listed:
        operation["parameters"] = listed
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        }
    return operation


VACANCY_ID = _path_parameter("vacancy_id", "e.g. VAC-00001")


def _receipt_pdf_operation() -> Schema:
    """Return the receipt-as-PDF operation: the same receipt, one printable page."""
    operation = _operation(
        "showReceiptPdf",
        "The receipt of entry seq as a one-page PDF with a QR code to the public checker",
        "receipts",
        (200, "Receipt"),
        ("BadParameter", "Unauthorized", "NotFound"),
        parameters=(
            _path_parameter("seq", "the entry's seq", SEQ),
            _query_parameter("lang", "language of the page", {"enum": ["id", "en"]}),
        ),
    )
    operation["responses"]["200"] = {
        "description": "OK",
        "content": {
            "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}
        },
    }
    return operation


def _paths() -> dict[str, Schema]:
    return {
        "/api/v1/assessments": {
            "post": _operation(
                "recordAssessments",
                "Record 1-5000 assessment results, all or nothing; one receipt each",
                "assessments",
                (201, "AssessmentsRecorded"),
                (*JSON_BODY_ERRORS, "Conflict", "InvalidBody"),
                body="AssessmentBatch",
                write=True,
            )
        },
        "/api/v1/assessments/corrections": {
            "post": _operation(
                "correctAssessment",
                "Record a correction superseding an assessment; re-evaluate earlier placements",
                "assessments",
                (201, "CorrectionRecorded"),
                (*JSON_BODY_ERRORS, "NotFound", "Conflict", "InvalidBody"),
                body="CorrectionInput",
                write=True,
            )
        },
        "/api/v1/positions": {
            "post": _operation(
                "definePosition",
                "Define a position with its competency standard (SKJ)",
                "positions",
                (201, "PositionWithReceipt"),
                (*JSON_BODY_ERRORS, "Conflict", "InvalidBody"),
                body="PositionInput",
                write=True,
            )
        },
        "/api/v1/positions/{code}": {
            "get": _operation(
                "showPosition",
                "Show a position and the receipt of its definition",
                "positions",
                (200, "PositionWithReceipt"),
                ("Unauthorized", "NotFound"),
                parameters=(_path_parameter("code", "the position code"),),
            )
        },
        "/api/v1/vacancies": {
            "post": _operation(
                "openVacancy",
                "Open a vacancy for a defined position with its candidates",
                "vacancies",
                (201, "Vacancy"),
                (*JSON_BODY_ERRORS, "NotFound", "InvalidBody"),
                body="VacancyInput",
                write=True,
            )
        },
        "/api/v1/vacancies/{vacancy_id}": {
            "get": _operation(
                "showVacancy",
                "Show a vacancy, its candidates and the receipt of its opening",
                "vacancies",
                (200, "Vacancy"),
                ("Unauthorized", "NotFound"),
                parameters=(VACANCY_ID,),
            )
        },
        "/api/v1/vacancies/{vacancy_id}/ranking": {
            "post": _operation(
                "publishRanking",
                "Rank the candidates from their recorded assessments and publish it (no body)",
                "vacancies",
                (201, "Ranking"),
                ("BadRequest", "Unauthorized", "Forbidden", "NotFound", "IdempotencyKeyReused"),
                write=True,
                parameters=(VACANCY_ID,),
            ),
            "get": _operation(
                "showRanking",
                "Show the latest published ranking (404 if none is published)",
                "vacancies",
                (200, "Ranking"),
                ("Unauthorized", "NotFound"),
                parameters=(VACANCY_ID,),
            ),
        },
        "/api/v1/placements": {
            "post": _operation(
                "recordPlacement",
                "Evaluate and record a placement decision (SK); a deviation needs a "
                "justification and stays flagged",
                "placements",
                (201, "PlacementRecorded"),
                (*JSON_BODY_ERRORS, "NotFound", "PlacementRefused"),
                body="PlacementInput",
                write=True,
            )
        },
        "/api/v1/placements/check": {
            "post": _operation(
                "checkPlacement",
                "Ask whether a proposed placement follows the ranking; the check is recorded",
                "rules",
                (200, "CheckAnswer"),
                (*JSON_BODY_ERRORS, "NotFound", "InvalidBody"),
                body="CheckInput",
                write=True,
            )
        },
        "/api/v1/placements/{placement_id}": {
            "get": _operation(
                "showPlacement",
                "Show a placement, its findings (re-evaluations included) and its receipt",
                "placements",
                (200, "PlacementShown"),
                ("Unauthorized", "NotFound"),
                parameters=(_path_parameter("placement_id", "e.g. PL-00001"),),
            )
        },
        "/api/v1/findings": {
            "get": _operation(
                "listFindings",
                "List findings on recorded placements, by decision date (at most 10,000)",
                "rules",
                (200, "FindingList"),
                ("BadParameter", "Unauthorized"),
                parameters=(
                    _query_parameter("severity", "only this severity", {"enum": list(SEVERITIES)}),
                    _query_parameter("unit", "only this unit (exact)", {"type": "string"}),
                    _query_parameter("rule", "only this rule, e.g. MERIT-002", {"type": "string"}),
                    _query_parameter("since", "decided on or after this date", DATE),
                ),
            )
        },
        "/api/v1/relations": {
            "post": _operation(
                "declareRelation",
                "Record a declared relation between two people (NIPs or decision-maker ids)",
                "rules",
                (201, "RelationRecorded"),
                (*JSON_BODY_ERRORS, "InvalidBody"),
                body="RelationInput",
                write=True,
            )
        },
        "/api/v1/receipts/{seq}": {
            "get": _operation(
                "showReceipt",
                "Show the receipt of entry seq, with its proof once a checkpoint covers it",
                "receipts",
                (200, "Receipt"),
                ("Unauthorized", "NotFound"),
                parameters=(_path_parameter("seq", "the entry's seq", SEQ),),
            )
        },
        "/api/v1/receipts/{seq}.pdf": {"get": _receipt_pdf_operation()},
        "/api/openapi.json": {
            "get": {
                "operationId": "openapiDocument",
                "summary": "This document",
                "tags": ["documentation"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


@cache
def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the API."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Integrity service: BKPSDM API",
            "version": "1",
            "description": "Records assessments, positions, vacancies, rankings and placement "
            "decisions in a tamper-evident ledger, and checks placements against the merit "
            "rules. Errors are RFC 9457 problem details. See docs/api.md.",
        },
        "security": [{"bearerAuth": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `flask create-token`; role bkpsdm reads and "
                    "writes, auditor and admin only read",
                }
            },
            "parameters": {
                "IdempotencyKey": {
                    "name": IDEMPOTENCY_HEADER,
                    "in": "header",
                    "required": False,
                    "description": "Repeat a write safely: the same request with the same key "
                    "answers the first response again and appends nothing",
                    "schema": IDEMPOTENCY_KEY,
                }
            },
            "headers": {
                "Replayed": {
                    "description": "true when the response is the replay of an earlier one",
                    "schema": {"const": "true"},
                }
            },
            "schemas": {**RECORD_SCHEMAS, **DECISION_SCHEMAS, **PROBLEM_SCHEMAS},
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """Answer the OpenAPI document (documentation: no token needed)."""
    return json_response(200, document())
