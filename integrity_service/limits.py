"""Request limits: the shape of JSON bodies, and the API's rate limit per caller.

Configuration (each also an ``INTEGRITY_<KEY>`` variable):

- ``MAX_CONTENT_LENGTH`` (Flask's, 16 MiB by default): a larger body answers 413.
- ``JSON_MAX_DEPTH`` (32): arrays and objects nested deeper answer 400.
- ``JSON_MAX_ITEMS`` (10,000): an array or object with more members answers 413.
  The largest legitimate one is a batch of 5,000 assessment results.
- ``JSON_MAX_VALUES`` (500,000): a body holding more JSON values in all answers 413.
  Validation costs time per value; this bounds it (a full batch of 5,000 holds
  about 150,000 values).
- ``API_RATE_LIMIT`` ("600 per minute", Flask-Limiter syntax, e.g. "20 per second;
  600 per minute"): requests to ``/api/`` per caller, counted across all its
  routes. A caller is a valid token (by name), or else the client address, so
  that requests with made-up tokens are counted too. Over the limit the API
  answers 429 with ``Retry-After``. The counts are kept in memory shared by the
  processes forked from the one that created the app (`shared_counts`): under
  gunicorn with ``preload_app`` (the default) every worker of one server counts
  into the same table, so a caller gets the limit once per server, not once per
  worker. With ``INTEGRITY_GUNICORN_PRELOAD=0`` each worker creates its own app
  and table, and counts per worker again. Several hosts behind one proxy count
  per host. If the table has no free slot for a caller, that caller is counted
  in the process's own memory (per worker), with a warning logged once.

The body checks run after authentication (`api.bodies.json_object`), so an
anonymous client cannot make the server read or walk a large body.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from hashlib import blake2b
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import RequestEntityTooLarge

from integrity_service import db, errors
from integrity_service.accounts import find_token
from integrity_service.problems import Problem
from integrity_service.shared_counts import SharedCounts
from integrity_service.users import limiter

_WINDOWS_KEPT = 10_000  # callers' windows before the expired ones are dropped
_log = logging.getLogger(__name__)
DEFAULTS: dict[str, Any] = {
    "JSON_MAX_DEPTH": 32,
    "JSON_MAX_ITEMS": 10_000,
    "JSON_MAX_VALUES": 500_000,
    "API_RATE_LIMIT": "600 per minute",
}


def _limit(name: str) -> int:
    return int(current_app.config[name])


def check_json_shape(body: Any) -> None:
    """Raise a 400 or 413 problem if a parsed JSON body nests too deep or holds too much."""
    max_depth = _limit("JSON_MAX_DEPTH")
    max_items = _limit("JSON_MAX_ITEMS")
    max_values = _limit("JSON_MAX_VALUES")
    # Iterative, so that no body can exhaust the interpreter's stack.
    pending: list[tuple[Any, int, str | None]] = [(body, 1, None)]
    values = 0
    while pending:
        value, depth, field = pending.pop()
        values += 1
        if values > max_values:
            raise Problem(
                413,
                "Body too large",
                f"the body holds more than {max_values:,} JSON values; send fewer records "
                "per request",
                limit=max_values,
            )
        if not isinstance(value, dict | list):
            continue
        where = "" if field is None else f" (in field {field!r})"
        if depth > max_depth:
            raise Problem(
                400,
                "JSON nested too deeply",
                f"the body nests arrays and objects more than {max_depth} levels deep{where}; "
                "no record of this API needs more than a few",
                limit=max_depth,
            )
        if len(value) > max_items:
            kind = "an object" if isinstance(value, dict) else "an array"
            raise Problem(
                413,
                "Body too large",
                f"{kind}{where} has {len(value):,} members; at most {max_items:,} are accepted "
                "in one array or object",
                limit=max_items,
            )
        if isinstance(value, dict):
            pending.extend(
                (member, depth + 1, field if field is not None else str(key)[:64])
                for key, member in value.items()
            )
        else:
            pending.extend((member, depth + 1, field) for member in value)


def _api_caller_key() -> str:
    """Return who an API request counts against: its valid token's name, else its address."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        row = find_token(db.session(), token.strip())
        if row is not None and row.revoked_at is None:
            return f"token:{row.name}"
    return f"address:{request.remote_addr or '?'}"


class _ApiRateLimit:
    """The API's limits (``API_RATE_LIMIT``), counted per caller in a `SharedCounts` table.

    Fixed windows that open at a caller's first request, as Flask-Limiter's
    default strategy counts them; the `limits` library parses the text. A caller
    the shared table has no slot for is counted in this process's dictionary.
    (`limits`' own memory storage starts a timer thread for its expiry after
    every burst, which cost 4% of a placement check, and counts per process.)
    """

    def __init__(self, text: str, table: SharedCounts | None = None) -> None:
        self.text = text
        self.items = parse_many(text)
        self.keyed = _keyed(self.items)
        self.table = SharedCounts() if table is None else table
        self.windows: dict[tuple[int, str], tuple[float, int]] = {}
        self.lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic
        self.warned = False

    def follow(self, text: str) -> None:
        """Take up a changed ``API_RATE_LIMIT`` (counting starts afresh)."""
        if text != self.text:
            with self.lock:
                items = parse_many(text)
                self.table.clear()
                self.windows.clear()
                self.items, self.keyed, self.text = items, _keyed(items), text

    def refusal(self, caller: str) -> Response | None:
        """Count one request of ``caller``; return the 429 answer if it is over a limit."""
        now = self.clock()
        keyed = self.keyed  # one list: follow() may replace it meanwhile
        keys = [
            (blake2b(f"{prefix}{caller}".encode(), digest_size=16).digest(), period)
            for _item, prefix, period in keyed
        ]
        counted = self.table.hit(keys, now)
        over = None
        for number, (item, _prefix, _period) in enumerate(keyed):
            window = counted[number]
            if window is None:
                window = self._count_here(number, caller, item, now)
            if window[1] > item.amount and over is None:
                over = (item, window[0] - now)
        if over is None:
            return None
        return _too_many_requests(over[0], max(1, math.ceil(over[1])))

    def _count_here(
        self, number: int, caller: str, item: RateLimitItem, now: float
    ) -> tuple[float, int]:
        """Count a request the shared table had no slot for, in this process only."""
        with self.lock:
            if not self.warned:
                self.warned = True
                _log.warning(
                    "the shared API rate-limit table is full: callers without a slot are "
                    "counted per process (at most %d callers share counts)",
                    self.table.slots,
                )
            if len(self.windows) > _WINDOWS_KEPT:
                self.windows = {k: w for k, w in self.windows.items() if w[0] > now}
            ends, count = self.windows.get((number, caller), (0.0, 0))
            if ends <= now:
                ends, count = now + item.get_expiry(), 0
            self.windows[number, caller] = (ends, count + 1)
            return ends, count + 1


def _keyed(items: list[RateLimitItem]) -> list[tuple[RateLimitItem, str, float]]:
    """Return each limit with the text its callers' keys start with, and its window."""
    return [(item, f"{number}|{item}|", item.get_expiry()) for number, item in enumerate(items)]


def _too_many_requests(item: RateLimitItem, retry_after: int) -> Response:
    problem = Problem(
        429,
        "Too many requests",
        f"this client sent more requests than the API accepts ({item}); "
        "wait the seconds the Retry-After header gives, then send the request again",
    )
    response = problem.to_response()
    response.headers["Retry-After"] = str(retry_after)
    return response


def _enforce_api_rate_limit() -> Response | None:
    limit: _ApiRateLimit = current_app.extensions["integrity_api_rate_limit"]
    limit.follow(str(current_app.config["API_RATE_LIMIT"]))
    return limit.refusal(_api_caller_key())


def protect_api(bp: Blueprint) -> None:
    """Rate-limit every route of the API blueprint per caller; answer 429 as a problem.

    Called once, where the blueprint is made: a blueprint takes no new handlers
    once an app registered it.
    """
    limiter.exempt(bp)  # Flask-Limiter keeps the sign-in limits only
    bp.before_request(_enforce_api_rate_limit)


def _body_too_large(_error: RequestEntityTooLarge) -> Response:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    sent = request.content_length
    if limit is not None and sent is not None and sent > limit:
        detail = (
            f"the request body has {sent:,} bytes; it may have at most {limit:,} bytes "
            "(MAX_CONTENT_LENGTH): send fewer records per request"
        )
    else:  # a form field or file over Werkzeug's form limits, or a body without a length
        detail = "the request body, or a field of its form, is too large: send less"
    return errors.answer(Problem(413, "Body too large", detail))


def init_app(app: Flask) -> None:
    """Set the limits' defaults and the 413 answer; refuse a malformed ``API_RATE_LIMIT``."""
    app.register_error_handler(RequestEntityTooLarge, _body_too_large)
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for key in ("JSON_MAX_DEPTH", "JSON_MAX_ITEMS", "JSON_MAX_VALUES"):
        if not isinstance(app.config[key], int) or app.config[key] < 1:
            raise ValueError(f"{key} must be a positive integer, not {app.config[key]!r}")
    try:
        app.extensions["integrity_api_rate_limit"] = _ApiRateLimit(
            str(app.config["API_RATE_LIMIT"])
        )
    except ValueError as exc:
        raise ValueError(
            f"API_RATE_LIMIT {app.config['API_RATE_LIMIT']!r} is not a rate limit such as "
            f"'600 per minute': {exc}"
        ) from None
