"""``upc demo`` seeds cases that fill every view, queue and audit, readable over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain import events as service_events
from letters.mail import SmtpSettings
from letters.outbox import Outbox, messages
from tests.api.conftest import auth, build_client
from upc import bootstrap
from upc.demo import seed
from upc.settings import eventsourcing_env


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outbox]:
    """A real SMTP server standing in for ``upc serve``'s sink."""
    sink = Outbox(tmp_path_factory.mktemp("outbox")).start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def demo(server_url: str, tmp_path_factory: pytest.TempPathFactory,
         outbox: Outbox) -> Iterator[TestClient]:
    import uuid

    import psycopg

    from tests.conftest import _with_dbname

    dbname = f"upc_demo_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = _with_dbname(server_url, dbname)
    try:
        bootstrap.migrate(url)
        env = {**eventsourcing_env(url), "CREATE_TABLE": "false"}
        lines: list[str] = []
        smtp = SmtpSettings.parse(outbox.url, "notices@landlord.example")
        seed(env, report=lines.append, smtp=smtp)
        assert len(lines) == 14 and not any("already" in line for line in lines)
        seed(env, report=lines.append)  # a second run adds nothing
        assert all("already" in line for line in lines[14:])
        yield from build_client(url, tmp_path_factory.mktemp("demo"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def head(client: TestClient) -> int:
    return client.app.state.service.recorder.max_notification_id()  # type: ignore


def test_every_work_queue_has_cases(demo: TestClient) -> None:
    position = head(demo)
    for queue in demo.get("/api/v1/queues", headers=auth("manager")).json():
        reply = demo.get(f"/api/v1/queues/{queue}", params={"min_position": position},
                         headers=auth("manager"))
        assert reply.status_code == 200, reply.text
        assert reply.json()["items"], f"queue {queue} is empty"


def test_every_stage_is_there(demo: TestClient) -> None:
    cases = demo.get("/api/v1/cases", params={"min_position": head(demo), "limit": 100},
                     headers=auth("auditor")).json()["items"]
    assert len(cases) == 14
    stages = {c["stage"] for c in cases}
    assert {"closed"} <= {c["status"] for c in cases}
    assert len(stages) >= 6, stages


def test_the_audits_and_timeline_read(demo: TestClient) -> None:
    case = demo.get("/api/v1/cases", params={"min_position": head(demo), "limit": 1},
                    headers=auth("auditor")).json()["items"][0]
    timeline = demo.get(f"/api/v1/cases/{case['case_id']}/timeline", headers=auth("auditor"))
    assert timeline.status_code == 200 and timeline.json()["items"]
    audits = demo.get("/api/v1/audit/checks", headers=auth("auditor"))
    assert audits.status_code in (200, 503)


def test_every_letter_the_demo_sent_is_a_pdf_and_an_email(demo: TestClient,
                                                          outbox: Outbox) -> None:
    service = demo.app.state.service  # type: ignore[attr-defined]
    sent = [e for e in service.events_of_kinds(service_events.NoticeSent)]
    assert len(sent) >= 10
    emailed = {e.message_id for e in sent if e.channel == "email"}
    posted = [e for e in sent if e.channel == "post"]  # via an advocate: posted
    assert len(emailed) + len(posted) == len(sent)  # every one with its letter
    mails = {m["Message-ID"]: m for m in messages(outbox.folder)}
    assert emailed == set(mails)  # one email each, no more
    for message in mails.values():
        (pdf,) = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_content()[:5] == b"%PDF-"
    some = sent[0]
    reply = demo.get(f"/api/v1/cases/{some.originator_id}/notices/{some.notice_id}/document",
                     headers=auth("caseworker"))
    assert reply.status_code == 200 and reply.content[:5] == b"%PDF-"
