"""Reading request bodies: JSON objects only, with errors that say what to fix."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import request

from integrity_service.limits import check_json_shape
from integrity_service.problems import Problem

# Indonesia's easternmost zone (WIT, UTC+9): a date that is already today
# anywhere in the country is never refused as "in the future".
_LATEST_INDONESIAN_ZONE = timezone(timedelta(hours=9))


def today() -> date:
    """Return the latest calendar date in Indonesia, against which future dates are refused."""
    return datetime.now(_LATEST_INDONESIAN_ZONE).date()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            # Parsers disagree on which duplicate wins; a ledger must not be ambiguous.
            raise ValueError(f"the key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def json_object() -> dict[str, Any]:
    """Return the request body as a JSON object, or raise a 415 or 400 problem."""
    if request.mimetype != "application/json":
        sent = request.mimetype or "no Content-Type"
        raise Problem(
            415,
            "Unsupported media type",
            f"send the body as JSON with 'Content-Type: application/json' (got {sent})",
        )
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
        body = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant
        )
    except UnicodeDecodeError as exc:
        raise Problem(
            400, "Malformed JSON", f"the body is not UTF-8: byte {exc.start + 1} is invalid"
        ) from None
    except json.JSONDecodeError as exc:
        raise Problem(
            400,
            "Malformed JSON",
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
        ) from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "it is nested too deeply"
        raise Problem(400, "Malformed JSON", f"the body is not acceptable JSON: {reason}") from None
    check_json_shape(body)
    if not isinstance(body, dict):
        raise Problem(
            400,
            "Malformed JSON",
            f"the body must be a JSON object, not {_json_kind(body)}",
        )
    return body


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
