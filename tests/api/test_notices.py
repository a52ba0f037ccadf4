"""Letters over HTTP: preview (rendered, not recorded), email asked for, printed and posted,
the sent letter downloaded as the PDF whose hash was recorded; refusals as problems."""

from __future__ import annotations

import hashlib
import io

from fastapi.testclient import TestClient
from pypdf import PdfReader

from domain.actors import Role
from domain.application import CaseService
from tests.api.conftest import ADMIN, MANAGER, Stage, auth


def event_names(service: CaseService, case_id: object) -> list[str]:
    return [type(e).__name__ for e in service.repository.event_store.get(case_id)]


def test_a_preview_renders_the_letter_and_records_nothing(client: TestClient, stage: Stage,
                                                          service: CaseService) -> None:
    built = stage.approved()
    before = event_names(service, built.case_id)
    url = f"{built.path}/notices/{built.notice}/preview"
    html = client.get(url, headers=auth(Role.CASEWORKER))
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "<h2>How to appeal</h2>" in html.text and "Proportionate." in html.text
    text = client.get(url, params={"as": "text", "language": "cy"},
                      headers=auth(Role.AUDITOR))
    assert "Sut i apelio" in text.text
    pdf = client.get(url, params={"as": "pdf", "notice_format": "large_print"},
                     headers=auth(Role.MANAGER))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    assert event_names(service, built.case_id) == before  # a preview records nothing


def test_posted_letter_downloads_as_the_pdf_recorded(client: TestClient, stage: Stage,
                                                     service: CaseService) -> None:
    built = stage.approved()
    posted = client.post(f"{built.path}/notices/{built.notice}/post", json={},
                         headers=auth(Role.CASEWORKER))
    assert posted.status_code == 200, posted.text
    (sent,) = [e for e in service.repository.event_store.get(built.case_id)
               if type(e).__name__ == "NoticeSent"]
    assert sent.channel == "post" and sent.text.text.startswith("# Our decision")
    document = client.get(f"{built.path}/notices/{built.notice}/document",
                          headers=auth(Role.CASEWORKER))
    assert document.status_code == 200, document.text
    assert document.headers["upc-document-sha256"] == sent.document_sha256
    assert hashlib.sha256(sent.text.text.encode()).hexdigest() == sent.document_sha256
    pages = PdfReader(io.BytesIO(document.content)).pages
    assert "How to appeal" in " ".join(p.extract_text() or "" for p in pages)
    again = client.post(f"{built.path}/notices/{built.notice}/post", json={},
                        headers=auth(Role.CASEWORKER))
    assert again.status_code == 409 and again.json()["type"].endswith("/notice-already-sent")

    erased = client.post(f"{built.path}/erasures",
                         json={"person": "customer", "ground": "erasure_request"},
                         headers=auth(ADMIN.role))
    assert erased.status_code in (200, 201), erased.text
    gone = client.get(f"{built.path}/notices/{built.notice}/document",
                      headers=auth(Role.CASEWORKER))
    assert gone.status_code == 410  # erasure removed the letter's text with the rest


def test_a_letter_calling_the_person_names_is_refused(client: TestClient, stage: Stage,
                                                      service: CaseService) -> None:
    built = stage.proposed()
    case = service.approve_restriction(built.case_id, MANAGER, restriction_id=built.restriction,
                                       reason="A vexatious complainant.")
    notice = case.restrictions[built.restriction].notice_id
    for method, path in (("GET", "preview"), ("POST", "post"), ("POST", "email")):
        reply = client.request(method, f"{built.path}/notices/{notice}/{path}",
                               json={"address": "c@example.org"} if path == "email" else {},
                               headers=auth(Role.CASEWORKER))
        assert reply.status_code == 422, reply.text
        assert reply.json()["type"].endswith("/notice-pejorative-label")
    assert "NoticeSent" not in event_names(service, built.case_id)
    assert "NoticeEmailRequested" not in event_names(service, built.case_id)


def test_an_email_asked_for_twice_is_asked_for_once(client: TestClient, stage: Stage,
                                                    service: CaseService) -> None:
    built = stage.approved()
    for _ in range(2):
        reply = client.post(f"{built.path}/notices/{built.notice}/email",
                            json={"address": "customer@example.org"},
                            headers=auth(Role.CASEWORKER))
        assert reply.status_code == 202, reply.text
    names = event_names(service, built.case_id)
    assert names.count("NoticeEmailRequested") == 1
    (requested,) = [e for e in service.repository.event_store.get(built.case_id)
                    if type(e).__name__ == "NoticeEmailRequested"]
    assert requested.to.text == "customer@example.org"  # sealed, opened for the service
