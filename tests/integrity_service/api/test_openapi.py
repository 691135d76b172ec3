"""The OpenAPI document: valid, in step with the routes, and true of real responses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from tests.integrity_service.api.conftest import Api
from tests.integrity_service.api.factories import (
    assessment_json,
    bearer,
    levels,
    make_token,
    nip,
    placement_json,
    position_json,
)

DOCUMENT_URI = "urn:integrity-service:openapi"
METHODS = ("get", "post", "put", "patch", "delete")
DECIDER = "196501011990031001"
ANONYMOUS = ""  # as a token: send no Authorization header


def _template(rule: str) -> str:
    """Return the OpenAPI path of a Flask rule: ``<int:seq>`` becomes ``{seq}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


@pytest.fixture
def document(client: Any) -> dict[str, Any]:
    """The document as the app serves it, without a token."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_route_is_documented_and_every_documented_path_is_routed(
    app: Flask, document: dict[str, Any]
) -> None:
    routed: dict[str, set[str]] = {}
    parameters: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
            routed.setdefault(_template(rule.rule), set()).update(methods)
            parameters[_template(rule.rule)] = set(rule.arguments)
    documented = {
        path: {method for method in item if method in METHODS}
        for path, item in document["paths"].items()
    }
    assert {p: m for p, m in routed.items() if p.startswith("/api/v1/")} == {
        p: m for p, m in documented.items() if p.startswith("/api/v1/")
    }
    assert set(documented) <= set(routed)
    for path, methods in documented.items():
        assert methods == routed[path], path
        for method in methods:
            operation = document["paths"][path][method]
            declared = {p["name"] for p in operation.get("parameters", ()) if p.get("in") == "path"}
            assert declared == parameters[path], f"{method} {path}"


def test_writes_take_an_idempotency_key_and_reads_need_only_a_token(
    document: dict[str, Any],
) -> None:
    key = {"$ref": "#/components/parameters/IdempotencyKey"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method} {path}"
            assert (key in operation.get("parameters", ())) == (method == "post"), where
            if path.startswith("/api/v1/"):
                assert "security" not in operation, where  # the document's bearerAuth applies
                assert "401" in operation["responses"], where
                assert ("403" in operation["responses"]) == (method == "post"), where
            else:
                assert operation["security"] == [], where
    assert document["security"] == [{"bearerAuth": []}]
    field_problem = document["components"]["schemas"]["FieldProblem"]
    assert field_problem["required"] == ["index", "field", "message"]


@dataclass
class Exchange:
    """One request of the scenario and the response it got."""

    method: str
    path: str
    body: Any
    response: TestResponse


@dataclass
class Recorder:
    """Send the scenario's requests, keeping every exchange for validation."""

    app: Flask
    token: str
    exchanges: list[Exchange] = field(default_factory=list)

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
        **headers: str,
    ) -> TestResponse:
        """Send one request to ``/api/v1<path>`` (as the bkpsdm token unless told)."""
        token = self.token if token is None else token
        sent = bearer(token, **headers) if token != ANONYMOUS else dict(headers)
        client = self.app.test_client()
        url = f"/api/v1{path}"
        if raw is not None:
            response = client.open(
                url, method=method, data=raw, headers=sent, content_type=content_type
            )
        elif body is not None:
            response = client.open(url, method=method, json=body, headers=sent)
        else:
            response = client.open(url, method=method, headers=sent)
        self.exchanges.append(Exchange(method.lower(), path, body, response))
        assert response.status_code < 500, response.get_data(as_text=True)
        return response


def _scenario(app: Flask, api: Api) -> list[Exchange]:
    """Run a scenario touching every route and every status it documents."""
    auditor = make_token(app, "auditor")
    run = Recorder(app, api.token)
    assessed = [assessment_json(nip(i), competencies=levels(5 - i % 2)) for i in range(1, 6)]
    run.send("POST", "/positions", position_json())
    run.send("POST", "/assessments", {"results": assessed})
    vacancy_body = {
        "position": "DINKES-ADM-01",
        "candidates": [nip(i) for i in range(1, 6)] + [nip(7)],
        "opened_on": "2025-08-20",
    }
    vacancy = run.send("POST", "/vacancies", vacancy_body).get_json()["id"]
    run.send("GET", f"/vacancies/{vacancy}/ranking")  # 404: none published yet
    check = {"vacancy": vacancy, "nip": nip(5), "decided_by": DECIDER, "decided_on": "2025-09-01"}
    run.send("POST", "/placements/check", check)  # no ranking: MERIT-004
    run.send("POST", f"/vacancies/{vacancy}/ranking", **{"Idempotency-Key": "rank-1"})
    run.send("GET", f"/vacancies/{vacancy}/ranking")
    run.send("GET", f"/vacancies/{vacancy}")
    run.send("GET", "/positions/DINKES-ADM-01")
    run.send("POST", "/placements/check", {**check, "nip": nip(1), "kind": "rotasi"})
    run.send("POST", "/placements/check", check)  # a violation: outside the top three
    run.send("POST", "/relations", {"a": DECIDER, "b": nip(2), "kind": "family", "source": "S"})
    run.send("POST", "/placements", placement_json(vacancy, nip(5), justification=None))
    placed = run.send("POST", "/placements", placement_json(vacancy, nip(5)))
    run.send("POST", "/placements", placement_json(vacancy, nip(1), approval_reference="X/1"))
    replayed = {"Idempotency-Key": "pl-1"}
    run.send("POST", "/placements", placement_json(vacancy, nip(2)), **replayed)
    again = run.send("POST", "/placements", placement_json(vacancy, nip(2)), **replayed)
    assert again.headers["Idempotent-Replayed"] == "true"
    placement = placed.get_json()["placement"]["id"]
    correction = {"supersedes": 5, "reason": "Salah input", "result": assessed[4]}
    run.send("POST", "/assessments/corrections", correction)
    run.send("GET", f"/placements/{placement}")
    run.send("GET", "/findings?severity=high&rule=MERIT-002&since=2025-01-01", token=auditor)
    assert app.test_cli_runner().invoke(args=["checkpoint"]).exit_code == 0
    assert run.send("GET", "/receipts/0", token=auditor).get_json()["inclusion_proof"]
    assert run.send("GET", "/receipts/0.pdf?lang=en", token=auditor).data.startswith(b"%PDF")
    run.send("GET", "/receipts/0.pdf?lang=xx")  # 400
    # Each error status, route by route.
    run.send("POST", "/positions", position_json())  # 409
    run.send("POST", "/assessments", {"results": assessed[:1]})  # 409
    run.send("POST", "/assessments/corrections", correction)  # 409: already corrected
    run.send("POST", "/assessments/corrections", {**correction, "supersedes": 999})  # 404
    run.send("POST", "/vacancies", {**vacancy_body, "position": "NOPE"})  # 404
    run.send("POST", "/vacancies/VAC-09999/ranking")  # 404
    run.send("POST", f"/vacancies/{vacancy}/ranking", **{"Idempotency-Key": '""'})  # 400
    run.send("POST", "/vacancies/VAC-00001/ranking", token=auditor)  # 403
    other = run.send("POST", "/vacancies", {**vacancy_body, "opened_on": "2025-08-21"})
    other_id = other.get_json()["id"]
    run.send("POST", f"/vacancies/{other_id}/ranking", **{"Idempotency-Key": "rank-1"})  # 422
    run.send("POST", "/placements", placement_json("VAC-09999"))  # 404
    run.send("POST", "/placements/check", {**check, "vacancy": "VAC-09999"})  # 404
    run.send("POST", "/placements/check", {**check, "nip": nip(42)})  # 422: not assessed
    run.send("POST", "/relations", {"a": "x", "b": "x", "kind": "family", "source": "S"})
    run.send("GET", "/findings?since=yesterday")  # 400
    for path in (
        "/positions/NOPE",
        "/vacancies/VAC-09999",
        "/vacancies/VAC-09999/ranking",
        "/placements/PL-09999",
        "/receipts/99999",
        "/receipts/99999.pdf",
    ):
        run.send("GET", path)  # 404
    for path in (
        "/assessments",
        "/assessments/corrections",
        "/positions",
        "/vacancies",
        "/placements",
        "/placements/check",
        "/relations",
    ):
        run.send("POST", path, {}, **replayed)  # 422 (invalid), or 422 (key reused)
        run.send("POST", path, {"x": 1}, **{"Idempotency-Key": "fresh"})
        run.send("POST", path, raw=b'{"a": 1, "a": 2}')  # 400
        run.send("POST", path, raw=b"a=1", content_type="text/plain")  # 415
        run.send("POST", path, {}, token=ANONYMOUS)  # 401
        run.send("POST", path, {}, token="not-a-token")  # 401
        run.send("POST", path, {}, token=auditor)  # 403
        app.config["MAX_CONTENT_LENGTH"] = 64
        run.send("POST", path, {"padding": "x" * 100})  # 413
        app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    for path in (
        "/positions/DINKES-ADM-01",
        f"/vacancies/{vacancy}",
        f"/vacancies/{vacancy}/ranking",
        f"/placements/{placement}",
        "/receipts/0",
        "/receipts/0.pdf",
        "/findings",
    ):
        run.send("GET", path, token=ANONYMOUS)  # 401
    run.send("POST", f"/vacancies/{vacancy}/ranking", token=ANONYMOUS)  # 401
    # 429 on every documented operation once the caller's rate limit is spent.
    app.config["API_RATE_LIMIT"] = "1 per hour"
    run.send("GET", "/findings")  # 200: spends the limit
    values = {"code": "DINKES-ADM-01", "vacancy_id": vacancy, "placement_id": placement, "seq": 0}
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    for template, item in paths.items():
        if template.startswith("/api/v1/"):
            path = re.sub(r"{([^}]+)}", lambda m: str(values.get(m[1], "x")), template)
            for method in sorted(m for m in item if m in METHODS):
                body = {} if method == "post" else None
                run.send(method.upper(), path.removeprefix("/api/v1"), body)
    return run.exchanges


class DocumentValidator:
    """Validate bodies and headers against the schemas the document gives them."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource(contents=document, specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)

    def errors(self, instance: Any, *pointer: str) -> list[str]:
        """Return what is wrong with ``instance`` against the schema at ``pointer``."""
        validator = Draft202012Validator(
            {"$ref": f"{DOCUMENT_URI}#{_pointer(*pointer)}"},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        return [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)
        ]

    def header(self, definition: dict[str, Any]) -> dict[str, Any]:
        """Return a response header's definition, its reference followed."""
        if "$ref" in definition:
            name = definition["$ref"].rsplit("/", 1)[1]
            header: dict[str, Any] = self.document["components"]["headers"][name]
            return header
        return definition


def test_every_response_of_the_scenario_matches_its_documented_schema(
    app: Flask, api: Api, document: dict[str, Any]
) -> None:
    checker = DocumentValidator(document)
    adapter = app.url_map.bind("localhost")
    seen: set[tuple[str, str, str]] = set()
    for exchange in _scenario(app, api):
        rule, _ = adapter.match(
            "/api/v1" + exchange.path.split("?")[0],
            method=exchange.method.upper(),
            return_rule=True,
        )
        path = _template(rule.rule)
        response, status = exchange.response, str(exchange.response.status_code)
        where = f"{exchange.method} {exchange.path} -> {status}"
        responses = document["paths"][path][exchange.method]["responses"]
        assert status in responses, f"{where}: status not documented"
        seen.add((path, exchange.method, status))
        content = responses[status]["content"]
        assert response.mimetype in content, f"{where}: {response.mimetype} not documented"
        if response.mimetype == "application/pdf":
            assert response.data.startswith(b"%PDF"), where
            seen.add((path, exchange.method, status))
            continue
        body = response.get_json(force=True)
        pointer = ("paths", path, exchange.method, "responses", status, "content")
        assert checker.errors(body, *pointer, response.mimetype, "schema") == [], where
        for name, definition in responses[status].get("headers", {}).items():
            header = checker.header(definition)
            if header.get("required"):
                assert name in response.headers, f"{where}: no {name} header"
            if name in response.headers:
                schema = header["schema"]
                assert Draft202012Validator(schema).is_valid(response.headers[name]), where
        operation = document["paths"][path][exchange.method]
        if status.startswith("2") and "requestBody" in operation:
            request = ("paths", path, exchange.method, "requestBody", "content")
            sent = checker.errors(exchange.body, *request, "application/json", "schema")
            assert sent == [], f"{where}: the request does not match its documented schema"
    documented = {
        (path, method, status)
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
        for status in operation["responses"]
    }
    assert documented - seen == set(), "documented but never seen in the scenario"


def test_the_document_refuses_what_the_api_never_answers(document: dict[str, Any]) -> None:
    checker = DocumentValidator(document)
    check = ("paths", "/api/v1/placements/check", "post", "responses", "200", "content")
    answer = {"verdict": "fine", "findings": [], "ranking": None, "ruleset_hash": "0" * 64}
    problems = checker.errors(answer, *check, "application/json", "schema")
    assert any("verdict" in problem for problem in problems)
    assert any("receipt" in problem for problem in problems)
    invalid = ("paths", "/api/v1/relations", "post", "responses", "422", "content")
    problem = {
        "type": "https://integrity.invalid/problems/x",
        "title": "T",
        "status": 422,
        "detail": "d",
        "errors": [{"field": "a", "message": "m"}],
    }
    assert checker.errors(problem, *invalid, "application/problem+json", "schema") != []
