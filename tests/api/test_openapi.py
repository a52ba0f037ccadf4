"""The OpenAPI document is valid and self-consistent; its pages need nothing from outside."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    reply = client.get("/openapi.json")
    assert reply.status_code == 200
    return reply.json()  # type: ignore[no-any-return]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)  # raises on the first violation


def test_every_security_requirement_names_the_one_defined_scheme(
        document: dict[str, Any]) -> None:
    defined = set(document["components"]["securitySchemes"])
    assert defined == {"bearer"}
    used = {name for _, _, operation in operations(document)
            for requirement in operation.get("security", []) for name in requirement}
    used |= {name for requirement in document["security"] for name in requirement}
    assert used == defined


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_documentation_pages_load_only_local_assets(client: TestClient, page: str) -> None:
    reply = client.get(page)
    assert reply.status_code == 200
    assert "default-src 'none'" in reply.headers["content-security-policy"]
    html = reply.text
    assert "http://" not in html and "https://" not in html and "//" not in html.replace(
        "<!doctype html>", "")
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        served = client.get("/" + asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 100, asset


def test_licences_of_the_vendored_assets_are_served_beside_them(client: TestClient) -> None:
    for name in ("swagger-ui-dist.LICENSE", "swagger-ui-dist.NOTICE", "redoc.LICENSE"):
        reply = client.get(f"/docs/assets/{name}")
        assert reply.status_code == 200 and ("icense" in reply.text or "Copyright" in reply.text), name
