"""Fixtures of the API tests: tokens of each role, and an API with seeded records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.integrity_service.api.factories import bearer, make_token


@dataclass
class Api:
    """A test client that sends one token's requests to the API."""

    client: FlaskClient
    token: str

    def post(self, path: str, body: Any = None, **headers: str) -> TestResponse:
        """POST ``body`` as JSON (or nothing) to ``/api/v1<path>``."""
        return self.client.post(f"/api/v1{path}", json=body, headers=bearer(self.token, **headers))

    def get(self, path: str) -> TestResponse:
        """GET ``/api/v1<path>``."""
        return self.client.get(f"/api/v1{path}", headers=bearer(self.token))


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    """The API as a bkpsdm token uses it."""
    return Api(client, make_token(app, "bkpsdm", name="bkpsdm-test"))


@pytest.fixture
def auditor(app: Flask, client: FlaskClient) -> Api:
    """The API as an auditor token uses it."""
    return Api(client, make_token(app, "auditor", name="auditor-test"))
