"""Request errors in plain English: which field, what was wrong, what to send instead.

FastAPI and pydantic describe a refused request in their own terms ("String should match
pattern '^...$'", "JSON decode error"); here each error becomes a sentence naming the field
where it is (body, query, header, path) and what a valid value looks like, taken from the
operation's own examples where it has them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

DATE = "a date like 2026-11-30"
MOMENT = "a date and time with its UTC offset, like 2026-11-30T09:15:00+00:00"
KINDS = {
    "uuid_parsing": "an id (a UUID, like 3f2b8a86-5a4c-5c8e-9a51-0d8a4f8f2b11)",
    "uuid_type": "an id (a UUID, like 3f2b8a86-5a4c-5c8e-9a51-0d8a4f8f2b11)",
    "int_parsing": "a whole number", "int_type": "a whole number",
    "int_from_float": "a whole number", "float_parsing": "a number",
    "bool_parsing": "true or false", "bool_type": "true or false",
    "string_type": "text in quotes", "list_type": "a list, like [...]",
    "dict_type": "an object, like {...}", "model_type": "an object, like {...}",
    "model_attributes_type": "an object, like {...}",
    "date_parsing": DATE, "date_from_datetime_parsing": DATE, "date_type": DATE,
    "date_from_datetime_inexact": DATE,
    "datetime_parsing": MOMENT, "datetime_from_date_parsing": MOMENT, "datetime_type": MOMENT,
    "time_parsing": "a time like 09:30", "time_type": "a time like 09:30",
}
HEADERS = {"if-match": "If-Match", "idempotency-key": "Idempotency-Key",
           "authorization": "Authorization", "accept": "Accept"}
# What to send instead, where an example alone does not say it.
HINTS = {
    ("header", "if-match"): 'send the case version you read in double quotes, as the ETag '
                            'header gave it, e.g. If-Match: "7"',
    ("query", "quarter"): "send the year and quarter, e.g. 2026Q3 or 2026-Q3",
}
PLACES = {"body": "the body", "query": "the query", "header": "the header",
          "path": "the path", "cookie": "a cookie"}


def field_name(loc: Sequence[Any]) -> str:
    """``('body', 'terms', 'issue_quota', 'issues')`` -> ``terms.issue_quota.issues``."""
    parts = [str(p) for p in loc[1:]] if loc and loc[0] in PLACES else [str(p) for p in loc]
    return ".".join(parts) if parts else "body"


def where(loc: Sequence[Any]) -> str:
    place = str(loc[0]) if loc else "body"
    name = field_name(loc)
    if place == "body":
        return "The request body" if len(loc) <= 1 else f"The body field `{name}`"
    if place == "header":
        return f"The header {HEADERS.get(name.lower(), name)}"
    if place == "query":
        return f"The query parameter `{name}`"
    if place == "path":
        return f"The path parameter `{name}`"
    return f"`{name}`"


def _params(dependant: Dependant) -> Iterator[Any]:
    yield from (*dependant.path_params, *dependant.query_params, *dependant.header_params)
    for dependency in dependant.dependencies:
        yield from _params(dependency)


def example_for(route: APIRoute | None, loc: Sequence[Any]) -> Any:
    """An example of a valid value at ``loc`` from the operation's own documentation."""
    if route is None or not loc:
        return None
    if loc[0] == "body":
        value: Any = body_example(route)
        for part in loc[1:]:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value
    name = str(loc[1]) if len(loc) > 1 else ""
    for param in _params(route.dependant):
        if param.alias.lower() == name.lower():
            examples = getattr(param.field_info, "examples", None)
            return examples[0] if examples else None
    return None


def body_example(route: APIRoute | None) -> Any:
    field = getattr(route, "body_field", None)
    info = getattr(field, "field_info", None)
    model = getattr(info, "annotation", None) or getattr(field, "type_", None)
    config = getattr(model, "model_config", None) or {}
    extra = config.get("json_schema_extra") or {}
    examples = extra.get("examples") if isinstance(extra, dict) else None
    return examples[0] if examples else None


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def plain(error: dict[str, Any], route: APIRoute | None) -> str:
    """One pydantic/FastAPI error as a sentence."""
    kind = str(error.get("type", ""))
    loc = tuple(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    given = error.get("input")
    subject = where(loc)
    example = example_for(route, loc)
    instead = f"; send e.g. {_shown(example)}" if example is not None else ""
    if kind == "json_invalid":
        at = f" at character {loc[1]}" if len(loc) > 1 else ""
        sample = body_example(route)
        return (f"The request body is not valid JSON ({ctx.get('error', 'unreadable')}{at}). "
                "Send a JSON object" + (f", e.g. {_shown(sample)}" if sample else "") + ".")
    if kind == "missing":
        if loc == ("body",):
            sample = body_example(route)
            return ("The request has no body. Send a JSON object"
                    + (f", e.g. {_shown(sample)}" if sample is not None else "") + ".")
        return f"{subject} is required{instead or '; send it'}."
    if kind == "extra_forbidden":
        return f"{subject} is not a field of this request; remove it (check the spelling)."
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{subject} is '{_shown(given)}', which is not one of the allowed values; " \
               f"send one of: {expected.replace(' or ', ', ')}."
    if kind == "string_pattern_mismatch":
        hint = HINTS.get((str(loc[0]), field_name(loc).lower())) if loc else None
        return f"{subject} is '{_shown(given)}', which is not in the expected form; " \
               f"{hint or instead.removeprefix('; ') or 'see the documentation at /docs'}."
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return f"{subject} is empty; send some text." if least == 1 else \
            f"{subject} is too short; send at least {least} characters."
    if kind == "string_too_long":
        return f"{subject} is too long; send at most {ctx.get('max_length')} characters."
    if kind == "too_short":
        return f"{subject} needs at least {ctx.get('min_length')} item(s){instead}."
    if kind == "too_long":
        return f"{subject} has too many items; send at most {ctx.get('max_length')}."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
                 "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}
        word, key = words[kind]
        return f"{subject} is {_shown(given)}; send a value {word} {ctx.get(key)}."
    if kind in KINDS:
        return f"{subject} is '{_shown(given)}', which is not {KINDS[kind]}{instead}."
    if kind == "value_error":
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        return f"{subject} {message}{'' if 'e.g.' in message else instead}."
    return f"{subject}: {error.get('msg', 'is not valid')}{instead}."
