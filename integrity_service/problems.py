"""RFC 9457 problem details: one way to answer an error to API and machine clients."""

from __future__ import annotations

from typing import Any

from flask import Response, json

PROBLEM_TYPES = "https://integrity.invalid/problems/"


class Problem(Exception):  # noqa: N818  (it is an RFC 9457 problem, raised)
    """An error a client can act on, answered as ``application/problem+json``."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra

    def to_response(self) -> Response:
        """Return the problem as a response."""
        slug = self.title.lower().replace(" ", "-")
        body = {
            "type": PROBLEM_TYPES + slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extra,
        }
        response = Response(json.dumps(body), status=self.status)
        response.content_type = "application/problem+json"
        return response


def bad_parameter(name: str, reason: str) -> Problem:
    """Return a 400 problem naming the query parameter and why it is wrong."""
    return Problem(400, "Bad parameter", f"parameter '{name}': {reason}", parameter=name)
