"""Property-based tests of the API against its own OpenAPI document (schemathesis).

Authenticated as BKPSDM on a recorded world, every documented operation gets a bounded
number of generated requests, valid and invalid, sent to the app itself (WSGI); no answer
may be a server error or break the document (status, content type, headers, body schema).

The cases come from schemathesis' Python API (`APIOperation.as_strategy`) driven by
Hypothesis here: its pytest plugin names every operation's test alike under pytest 9.2,
which pytest-xdist cannot tell apart.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from integrity_service.api.openapi import document
from tests.integrity_service.security.world import World

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 10  # per operation and generation mode: the whole suite must stay fast

schema = schemathesis.openapi.from_dict(document())
OPERATIONS = sorted(result.ok().label for result in schema.get_all_operations())


def _takes_input(label: str) -> bool:
    operation = schema.find_operation_by_label(label)
    assert operation is not None
    return any(len(p) for p in (operation.path_parameters, operation.query, operation.body))


# Invalid requests only where there is something to make invalid.
CASES = [
    pytest.param(label, mode, id=f"{label}-{mode.value}")
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or _takes_input(label)
]


def test_the_schema_is_the_document_the_app_serves(client: FlaskClient) -> None:
    assert client.get("/api/openapi.json").get_json() == document()
    assert len(OPERATIONS) >= 14


def recorded_ids(world: World) -> dict[str, Any]:
    """Return path parameters that name recorded things, so reads also find something."""
    return {
        "code": world.position,
        "vacancy_id": world.vacancy,
        "placement_id": world.placements[0],
        "seq": 0,
    }


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_the_api_keeps_to_its_document(world: World, label: str, mode: GenerationMode) -> None:
    operation = schema.find_operation_by_label(label)
    assert operation is not None
    names = {p.name for p in operation.path_parameters}
    strategy = operation.as_strategy(generation_mode=mode)
    if names and mode == GenerationMode.POSITIVE:
        known = {k: v for k, v in recorded_ids(world).items() if k in names}
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters=known))
    token = world.tokens["bkpsdm"]

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def keeps_to_the_document(case: schemathesis.Case) -> None:
        case.call_and_validate(
            app=world.app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )

    keeps_to_the_document()
