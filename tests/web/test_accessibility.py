"""axe-core on every page there is (every GET page route, on a demo case), each opened by a
role its page admits: no serious or critical WCAG 2.2 A/AA violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

import api.web  # noqa: F401  (imports every page module, so PAGE_ALLOW lists them all)
from api.auth import issue_token
from api.web.pages import PAGE_ALLOW
from api.web.session import SESSION_COOKIE
from domain.actors import Role
from tests.web.conftest import Served, axe_check

pytestmark = pytest.mark.e2e

# The role that opens each page: the first of these its page admits.
PREFERRED = [Role.SENIOR_MANAGER, Role.MANAGER, Role.AUDITOR, Role.CASEWORKER, Role.COMMITTEE,
             Role.ADMIN]


def test_every_page_has_no_serious_accessibility_violation(browser: Any,
                                                           served: Served) -> None:
    with served.api("setup", "auditor") as http:
        case = http.get("/customers/DEMO-07/contact-rules").json()["case_id"]
        detail = http.get(f"/cases/{case}").json()
        timeline = http.get(f"/cases/{case}/timeline", params={"limit": 200}).json()["items"]
    ids: dict[str, Any] = {"notice_id": uuid4(), "incident_id": uuid4(), "contact_id": uuid4(),
                           "subject_access_request_id": uuid4(), "complaint_id": uuid4(),
                           "ombudsman_contact_id": uuid4(), "remedy_id": uuid4(),
                           "legal_hold_id": uuid4()}
    for event in timeline:  # the case's own ids where it has them
        ids.update({k: v for k, v in event["detail"].items() if k in ids})
    ids.update(case_id=case, restriction_id=detail["current_restriction"]["restriction_id"],
               appeal_id=detail["current_appeal"]["appeal_id"],
               check="restriction_past_review_date_without_review")
    secret = (Path(served.env["UPC_DATA_DIR"]) / "token-secret").read_text().strip()
    contexts: dict[Role, Any] = {}
    checked = 0
    try:
        for pattern, allow in PAGE_ALLOW:
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(ids[m.group(1)]),
                          pattern.pattern.strip("^$")).replace("\\", "")
            if path.endswith(".csv"):
                continue
            role = next(r for r in PREFERRED if r in allow.roles)
            if role not in contexts:
                context = browser.new_context(base_url=served.base, locale="en-GB",
                                              timezone_id="Europe/London")
                context.add_cookies([{"name": SESSION_COOKIE, "url": served.base,
                                      "value": issue_token(secret, f"axe.{role.value}", role),
                                      "httpOnly": True, "sameSite": "Lax"}])
                contexts[role] = context.new_page()
            page = contexts[role]
            reply = page.goto(path) if not path.endswith("/letter") else \
                page.request.get(path)  # a PDF: nothing for axe to read
            assert reply is not None and reply.status == 200, (path, role)
            if not reply.headers.get("content-type", "").startswith("text/html"):
                continue
            axe_check(page, path)
            checked += 1
    finally:
        for page in contexts.values():
            page.context.close()
    assert checked >= 30


def test_the_axe_check_fails_on_a_page_with_a_serious_violation(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content('<!doctype html><html lang="en"><head><title>t</title></head>'
                         '<body><main><h1>Form</h1><input type="text"></main></body></html>')
        with pytest.raises(AssertionError, match="label"):
            axe_check(page, "an unlabelled input")
    finally:
        page.close()
