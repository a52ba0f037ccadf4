"""A notice emailed by its workflow over SMTP, to a real SMTP server (aiosmtpd) started
here: the message, its PDF, the recorded letter, and one message only when the worker dies
right after sending."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from pypdf import PdfReader
from temporalio.testing import WorkflowEnvironment

from domain.application import CaseService
from letters.outbox import Outbox, messages
from letters.words import long_date
from tests.conftest import temporal_test_server_path
from tests.unit.domain.story import CASEWORKER, MANAGER
from tests.workflows.conftest import Clockwork, running_clockwork
from tests.workflows.crashing_mailer import CRASH_EXIT_CODE
from tests.workflows.test_crashes import until_retried
from workflows.temporal import register_search_attributes
from workflows.worker import build_worker

ADDRESS = "customer@example.org"


@pytest.fixture
def smtp_sink(tmp_path: Path) -> Iterator[Outbox]:
    """A real SMTP server; the worker built after this sends to it."""
    sink = Outbox(tmp_path / "outbox").start()
    saved = {k: os.environ.get(k) for k in ("UPC_SMTP_URL", "UPC_SMTP_SENDER")}
    os.environ.update(UPC_SMTP_URL=sink.url, UPC_SMTP_SENDER="notices@landlord.example")
    try:
        yield sink
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sink.stop()


@pytest.fixture
async def mail_clockwork(smtp_sink: Outbox, clock_env: WorkflowEnvironment,
                         postgres_env: dict[str, str]) -> AsyncIterator[Clockwork]:
    async with running_clockwork(clock_env, postgres_env) as clockwork:
        yield clockwork


def restriction_notice(cw: Clockwork) -> UUID:
    cw.story.record_incident()
    restriction = cw.story.ready().propose()
    case = cw.story.do("approve_restriction", MANAGER, restriction_id=restriction,
                       reason="Proportionate to the abuse recorded.")
    notice_id = case.restrictions[restriction].notice_id
    assert notice_id is not None
    return notice_id


def ask_for_email(cw: Clockwork, notice_id: UUID) -> None:
    cw.story.do("request_notice_email", CASEWORKER, notice_id=notice_id, address=ADDRESS,
                notice_format="standard", language="en")


async def test_a_notice_is_emailed_with_its_pdf_and_recorded_with_its_letter(
        mail_clockwork: Clockwork, smtp_sink: Outbox) -> None:
    cw = mail_clockwork
    notice_id = restriction_notice(cw)
    await cw.launch()
    ask_for_email(cw, notice_id)
    await cw.launch()
    (sent,) = await cw.until_fact("NoticeSent")
    assert (await cw.until_closed(f"notice-{notice_id}")).outcome == "sent"

    (message,) = messages(smtp_sink.folder)
    assert message["To"] == ADDRESS and message["From"] == "notices@landlord.example"
    assert message["Message-ID"] == f"<notice-{notice_id}@landlord.example>"
    assert message["Subject"].startswith("Our decision to change how you contact us")
    plain = message.get_body(("plain",)).get_content()
    assert "How to appeal" in plain and "Housing Ombudsman" in plain
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)

    fields = sent.fields
    letter = fields["text"].text
    assert fields["channel"] == "email" and fields["confirmed"] is True
    assert fields["message_id"] == message["Message-ID"]
    assert fields["document_sha256"] == hashlib.sha256(letter.encode()).hexdigest()
    assert fields["template_version"].startswith("1.")
    case = cw.app.get_case(cw.story.case_id)
    appeal_by = case.policy(cw.app.policy_values()).calendar.add_working_days(
        sent.occurred_at.date(), 20)
    assert f"by {long_date(appeal_by, str)}" in letter  # the deadline, from the notice date
    assert f"by {long_date(appeal_by, str)}" in text  # ...and in the PDF that was attached
    assert "Proportionate to the abuse recorded." in letter


async def test_a_worker_killed_after_sending_never_sends_twice(
        smtp_sink: Outbox, postgres_env: dict[str, str]) -> None:
    # A server of its own: the lost attempt times out, which locks a shared server's skipping.
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path())
    try:
        await register_search_attributes(env.client)
        async with running_clockwork(env, postgres_env) as cw:
            await _killed_after_sending(cw, smtp_sink, postgres_env)
    finally:
        await env.shutdown()


async def _killed_after_sending(cw: Clockwork, sink: Outbox,
                                postgres_env: dict[str, str]) -> None:
    task_queue = f"upc-mail-crash-{uuid.uuid4()}"  # only the crashing worker polls it at first
    cw.launcher.context.task_queue = task_queue
    notice_id = restriction_notice(cw)
    ask_for_email(cw, notice_id)
    target = cw.client.service_client.config.target_host
    crashing = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.workflows.crashing_mailer", target, cw.client.namespace,
        task_queue, env={**os.environ, "UPC_TEST_ES_ENV": json.dumps(postgres_env)},
        stdout=asyncio.subprocess.PIPE)
    restarted = CaseService(env=postgres_env)
    handle = cw.client.get_workflow_handle(f"notice-{notice_id}")
    try:
        assert crashing.stdout is not None
        assert await asyncio.wait_for(crashing.stdout.readline(), 30) == b"polling\n"
        await cw.launch()
        assert await asyncio.wait_for(crashing.wait(), 30) == CRASH_EXIT_CODE
        assert len(messages(sink.folder)) == 1  # it went...
        assert len(cw.facts("NoticeEmailStarted")) == 1
        assert cw.facts("NoticeSent") == []  # ...and the worker died before recording it
        async with build_worker(cw.client, restarted, task_queue):
            await cw.until(lambda: len(cw.facts("NoticeSent")) == 1, "NoticeSent", 60)
            assert max(await until_retried(handle)) >= 2  # the send ran again...
            await cw.env.sleep(1)  # its workflow task done before we leave
    finally:
        restarted.close()
        if crashing.returncode is None:
            crashing.kill()
            await crashing.wait()
    assert len(messages(sink.folder)) == 1  # ...and did not send again
    (sent,) = cw.facts("NoticeSent")
    assert sent.fields["confirmed"] is False  # recorded as sent, flagged as unconfirmed
    assert sent.fields["message_id"] == f"<notice-{notice_id}@landlord.example>"
    assert sent.fields["text"].text.startswith("# Our decision to change how you contact us")
