"""The problem types each operation can answer with, derived from the code (``api.raises``).

A route can refuse with what its endpoint and its dependencies raise, followed through the
domain (every ``DomainError`` is a problem type: its ``code`` and ``http_status``), what the
HTTP layer raises (``HTTPException``: the type is the status's code in ``api.errors.CODES``),
what the request parser refuses (``422 validation-error``, ``415`` for a body that is not
JSON) and, for writes, what the write guard middleware answers (``api.idempotency``).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api import idempotency
from api.errors import CODES, PROBLEM_BASE, TITLES, title_of
from api.raises import domain_errors, refusals_of

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True, order=True)
class ProblemType:
    status: int
    code: str
    title: str

    def as_openapi(self) -> dict[str, Any]:
        return {"type": PROBLEM_BASE + self.code, "title": self.title, "status": self.status}


def http_problem(status: int) -> ProblemType:
    return ProblemType(status, CODES.get(status, f"http-{status}"), TITLES.get(status, "Error"))


VALIDATION = ProblemType(422, "validation-error", "Unprocessable content")
NOT_JSON = http_problem(415)


@cache
def guard_problems() -> tuple[ProblemType, ...]:
    """The problems the write guard sends itself: every ``send_problem(send, status, code,
    title, ...)`` in its source."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(idempotency))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "send_problem":
            args = [a.value for a in node.args[1:4] if isinstance(a, ast.Constant)]
            if len(args) == 3:
                found.append(ProblemType(int(args[0]), str(args[1]), str(args[2])))
    return tuple(sorted(set(found)))


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _dependency_calls(dependency)


def route_problems(route: APIRoute) -> list[ProblemType]:
    """Every problem type ``route`` can answer with, sorted by status then code."""
    errors: set[str] = set()
    statuses: set[int] = set()
    for function in (route.endpoint, *_dependency_calls(route.dependant)):
        found_errors, found_statuses = refusals_of(function)
        errors |= found_errors
        statuses |= found_statuses
    known = domain_errors()
    types = {ProblemType(known[e].http_status, known[e].code, title_of(known[e]))
             for e in errors}
    types |= {http_problem(s) for s in statuses}
    dependant = route.dependant
    if (dependant.path_params or dependant.query_params or dependant.header_params
            or dependant.body_params):
        types.add(VALIDATION)
    if dependant.body_params:
        types.add(NOT_JSON)
    if route.methods & WRITE_METHODS:
        types |= set(guard_problems())
    return sorted(types)


def openapi_responses(problems: list[ProblemType]) -> dict[str, dict[str, Any]]:
    """The operation's problem responses, one per status, naming each problem type."""
    ref = {"$ref": "#/components/schemas/Problem"}
    by_status: dict[int, list[ProblemType]] = {}
    for problem in problems:
        by_status.setdefault(problem.status, []).append(problem)
    responses = {}
    for status, types in sorted(by_status.items()):
        lines = "\n".join(f"- `{p.code}`: {p.title}" for p in types)
        first = types[0]
        responses[str(status)] = {
            "description": f"{TITLES.get(status, 'Error')}. The problem `type` ends in one "
                           f"of:\n\n{lines}",
            "content": {"application/problem+json": {"schema": ref, "example": {
                "type": PROBLEM_BASE + first.code, "title": first.title, "status": status,
                "detail": "A sentence saying what to do instead."}}}}
    return responses
