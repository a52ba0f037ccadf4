"""Fuzz every operation of /openapi.json with valid tokens: no 5xx, no response off-schema.

Bounded: a few examples per operation (the whole run stays well under a minute here).
Each operation is called with a token of a role allowed to call it, so the fuzzing reaches
validation and the domain, not just the 403 wall.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.access import ROUTE_ROLES
from domain.actors import Role
from tests.api.conftest import auth

PREFERENCE = (Role.SENIOR_MANAGER, Role.AUDITOR, Role.COMMITTEE, Role.ADMIN)


def problem_type_documented(ctx: object, response: object, case: schemathesis.Case) -> None:
    """A problem's ``type`` is one the operation documents in ``x-problem-types``: the list
    derived from the code (``api.problems``) must not miss what the service answers."""
    if not response.headers.get("content-type", [""])[0].startswith(  # type: ignore[attr-defined]
            "application/problem+json"):
        return
    documented = {p["type"] for p in case.operation.definition.raw.get("x-problem-types", [])}
    found = response.json().get("type")  # type: ignore[attr-defined]
    assert not documented or found in documented, \
        f"{case.operation.label} answered {found}, not in its x-problem-types"


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance, problem_type_documented]
EXAMPLES_PER_OPERATION = 12


@pytest.fixture(scope="module")
def api_schema(client: TestClient) -> schemathesis.BaseSchema:
    # From the document, not the app: schemathesis' own ASGI client would run the app's
    # lifespan again and close the shared session's pools on its way out.
    return schemathesis.openapi.from_dict(client.get("/openapi.json").json())


def call(client: TestClient, case: schemathesis.Case) -> None:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    body = kwargs.pop("data", None)
    reply = client.request(kwargs.pop("method"), kwargs.pop("url"),
                           headers=kwargs.pop("headers", None),
                           params=kwargs.pop("params", None), json=kwargs.pop("json", None),
                           content=body if isinstance(body, (bytes, str)) else None,
                           cookies=kwargs.pop("cookies", None))
    case.validate_response(reply, checks=CHECKS)


def role_for(method: str, path: str) -> Role:
    allowed = ROUTE_ROLES.get((method.upper(), path), frozenset(PREFERENCE))
    return next(r for r in PREFERENCE if r in allowed)


def test_every_body_has_an_example(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if body is None:
                continue
            ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert components[ref].get("examples"), f"{method.upper()} {path}: no example"


def test_fuzz_every_operation(client: TestClient, api_schema: schemathesis.BaseSchema) -> None:
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/readyz":
            continue  # 503 by design without Temporal (tests/integration checks it)
        headers = auth(role_for(operation.method, operation.path), "fuzzer")

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.headers = {**(case.headers or {}), **headers}
            call(client, case)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:1500])
    assert not failures, "\n\n".join(failures)
