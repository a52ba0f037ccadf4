"""The pages as their users meet them, in chromium: the caseworker and manager journeys by
keyboard only, the auditor's drill-down, the committee's CSV; axe-core on every page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest

from tests.web.conftest import Served, check_page, sign_in, tab_to

pytestmark = pytest.mark.e2e


def keys(page: Any, *steps: tuple[str, str]) -> None:
    """Answer a form by keyboard: for each (field, what), Tab to the field, then press
    Space or Enter, or type the text."""
    for selector, what in steps:
        tab_to(page, selector)
        if what in ("Space", "Enter"):
            page.keyboard.press(what)
        else:
            page.keyboard.type(what)


def type_date(page: Any, name: str, day: date) -> None:
    """GOV.UK's date input, by keyboard: day, Tab, month, Tab, year."""
    tab_to(page, f"#{name}")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(day.day))
    for part, value in (("month", day.month), ("year", day.year)):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == f"{name}-{part}"
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))


def _case_id(served: Served, ref: str) -> str:
    with served.api("setup", "auditor") as http:
        return str(http.get(f"/customers/{ref}/contact-rules").json()["case_id"])


def _version(served: Served, case_id: str) -> int:
    with served.api("setup", "auditor") as http:
        return int(http.get(f"/cases/{case_id}").json()["version"])


def ready_case(served: Served, ref: str) -> tuple[str, str]:
    """A case with an incident, a concern and the four checks: ready for a restriction.
    Set up over the API; the pages are what the test is about."""
    with served.api("cara.caseworker", "caseworker") as cw, \
            served.api("maya.manager", "manager") as mgr:
        case_id = cw.post("/cases", json={"customer_ref": ref}).json()["case_id"]
        incident = cw.post(f"/cases/{case_id}/incidents", json={
            "category": "abusive_or_aggressive", "description": "Shouted at the officer.",
            "occurred_at": "2026-11-20T10:00:00+00:00"}).json()["id"]
        assert cw.post(f"/cases/{case_id}/concerns", json={
            "evidence": [incident], "reason": "Repeated abuse."}).status_code == 201
        for kind in ("vulnerability_assessment", "legitimate_issue", "complaint_handling",
                     "other_agency"):
            assert mgr.post(f"/cases/{case_id}/checks", json={
                "kind": kind, "notes": "Done.", "written_communication_ok": True}
            ).status_code == 201
    return case_id, incident


def test_caseworker_finds_a_customer_and_records_a_contact_by_keyboard(
        page: Any, served: Served) -> None:
    sign_in(page, "cara.caseworker", "caseworker")
    check_page(page, "search")
    # search, by keyboard
    tab_to(page, "#customer_ref")
    page.keyboard.type("DEMO-05")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?customer_ref=DEMO-05")
    rules = page.locator("#contact-rules")
    assert "Contact is restricted" in rules.inner_text()
    assert "09:00 to 12:00" in rules.inner_text()
    assert "Safeguarding" in rules.inner_text()
    check_page(page, "contact-rules")
    tab_to(page, "a[href^='/cases/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/*")
    check_page(page, "case")
    case_id = page.url.rsplit("/", 1)[-1]
    before = _version(served, case_id)
    tab_to(page, f"a[href='/cases/{case_id}/contacts/new']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contacts/new")
    # submitted empty: the error summary names each question, nothing is recorded
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert "Choose how they got in touch" in summary.inner_text()
    assert "Enter what the contact was about" in page.locator("#summary-error").inner_text()
    check_page(page, "record-contact-errors")
    assert _version(served, case_id) == before
    keys(page, ("#channel", "Space"),  # phone, the first channel
         ("#direction", "Space"),  # inbound
         ("#summary", "Rang about the boiler for the third time this week."),
         ("main button[type=submit]", "Enter"))
    page.wait_for_url(f"**/cases/{case_id}?done=contact*")
    assert "Contact recorded" in page.locator(".govuk-notification-banner").inner_text()
    timeline = page.locator("#timeline + table").inner_text()
    assert timeline.count("Contact recorded") >= 3
    assert _version(served, case_id) == before + 1
    # the caseworker never sees the summary text on the case page (coded timeline only)
    assert "boiler for the third time" not in page.content()


def test_manager_proposes_second_manager_approves_and_refusals_show_on_the_form(
        browser: Any, page: Any, served: Served) -> None:
    case_id, incident = ready_case(served, "WEB-2001")
    sign_in(page, "maya.manager", "manager")
    check_page(page, "queues")
    page.goto(f"/cases/{case_id}")
    tab_to(page, f"a[href='/cases/{case_id}/propose']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/propose")
    check_page(page, "propose")
    # the terms, by keyboard: email and letter only, a single point of contact
    assert page.eval_on_selector("#permitted_channels-2", "e => e.value") == "email"
    keys(page, ("#permitted_channels-2", "Space"),
         ("#single_point_of_contact", "Tenancy team inbox"),
         ("#services", "housing management"), ("#evidence", "Space"),
         ("#reason", "Abuse continued after the informal warning."))
    # a review date in the past: the domain rule refuses it, next to the field
    past = date.today() - timedelta(days=3)
    type_date(page, "review_date", past)
    before = _version(served, case_id)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    field_error = page.locator("#review_date-error").inner_text()
    assert "review date" in field_error.lower()
    assert field_error.split("Error:")[-1].strip() in \
        page.locator(".govuk-error-summary").inner_text()
    assert _version(served, case_id) == before  # a refused command records nothing
    check_page(page, "propose-refused")
    # what was typed is kept; correct the date and propose
    assert page.input_value("#reason") == "Abuse continued after the informal warning."
    review_on = date.today() + timedelta(days=60)
    type_date(page, "review_date", review_on)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{case_id}?done=proposed*")
    assert "Proposed" in page.locator("#restriction-status").inner_text()

    # the proposer cannot approve: separation of duties, shown on the decision field
    tab_to(page, "a[href$='/decision']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/decision")
    decision_url = page.url
    before = _version(served, case_id)
    keys(page, ("#outcome", "Space"), ("#reason", "Proportionate."),  # approve
         ("main button[type=submit]", "Enter"))
    page.wait_for_load_state()
    refusal = page.locator("#outcome-error").inner_text()
    assert "propos" in refusal.lower(), refusal
    assert page.locator(".govuk-error-summary a[href='#outcome']").count() == 1
    assert _version(served, case_id) == before
    check_page(page, "decision-refused")

    # a second manager approves, by keyboard too
    other = browser.new_context(base_url=served.base, locale="en-GB",
                                timezone_id="Europe/London")
    try:
        second = other.new_page()
        sign_in(second, "milo.manager", "manager")
        second.goto(decision_url)
        keys(second, ("#outcome", "Space"),
             ("#reason", "Proportionate; the checks are current."),
             ("main button[type=submit]", "Enter"))
        second.wait_for_url(f"**/cases/{case_id}?done=decided*")
        status = second.locator("#restriction-status").inner_text()
        assert status in ("Approved", "Active"), status
        assert second.locator("#review-date").inner_text().startswith(
            review_on.strftime("%-d %b %Y"))
        assert "Restriction approved" in second.locator("#timeline + table").inner_text()
        check_page(second, "case-restricted")
    finally:
        other.close()


def test_auditor_drills_from_a_check_to_the_event(page: Any, served: Served) -> None:
    sign_in(page, "ada.auditor", "auditor")
    assert page.url.endswith("/audit")
    check_page(page, "audit-checks")
    page.click("a[href='/audit/checks/restriction_past_review_date_without_review']")
    check_page(page, "audit-check")
    link = page.locator("a[href*='/events#event-']").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{target}")
    event = page.locator(f"#{target.split('#')[1]}")
    assert event.is_visible()
    assert "Restriction" in event.inner_text() or "Notice" in event.inner_text()
    check_page(page, "events")
    page.goto(target.split("/events")[0])
    page.click("a[href$='/decision-trail']")
    assert "Restriction approved" in page.locator("main").inner_text()
    check_page(page, "decision-trail")
    # reading the trail (with its reasons) was logged, and the log shows it
    page.goto("/audit/access-log?user_id=ada.auditor")
    assert "decision reasons" in page.locator("main table").inner_text()
    check_page(page, "access-log")


def test_committee_sees_charts_with_tables_and_downloads_the_csv(
        page: Any, served: Served) -> None:
    sign_in(page, "cleo.committee", "committee")
    assert page.url.endswith("/committee")
    quarter = page.locator("#quarter").input_value()
    charts = page.locator("svg.upc-chart[role=img]")
    assert charts.count() >= 6
    assert "the numbers are in the table beside it" in charts.first.locator("title").text_content()
    tables = page.locator("main table")
    assert tables.count() == charts.count()
    text = page.locator("main").inner_text()
    assert "Suppressed" in text  # the demo's counts are small: suppressed, not shown
    check_page(page, "committee")
    with page.expect_download() as download:
        page.click("a[href^='/committee/report.csv']")
    body = open(download.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and set(rows[0]) == {"quarter", "section", "category", "count", "suppressed"}
    assert {r["quarter"] for r in rows} == {quarter}
    assert all(r["count"] == "" for r in rows if r["suppressed"] == "yes")
    # the committee sees no case (every page against every role: test_pages.py)
    page.goto("/search")
    assert page.locator("h1").inner_text() == "You cannot see this page"
    check_page(page, "refused")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["upc_session"]["httpOnly"] and cookies["upc_session"]["sameSite"] == "Lax"
    assert cookies["upc_csrf"]["httpOnly"] and cookies["upc_csrf"]["sameSite"] == "Strict"
    page.click("text=Sign out")
    assert page.locator("h1").inner_text() == "You have signed out"
    page.goto("/committee")
    assert "/sign-in" in page.url
    check_page(page, "sign-in")
