"""A worker that dies (``os._exit``) right after the SMTP server accepted a notice's email,
before ``NoticeSent`` is recorded or Temporal hears the activity finished: the moment a
naive retry would send the letter twice.

Run as ``python -m tests.workflows.crashing_mailer TARGET NAMESPACE TASK_QUEUE`` with the
eventsourcing settings in ``UPC_TEST_ES_ENV`` (JSON) and ``UPC_SMTP_URL`` set.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from domain.application import CaseService
from letters import mail
from tests.workflows import crashing_worker

CRASH_EXIT_CODE = 19
_send = mail.send


def send_then_die(message: Any, settings: Any) -> None:
    _send(message, settings)
    os._exit(CRASH_EXIT_CODE)


if __name__ == "__main__":
    mail.send = send_then_die
    asyncio.run(crashing_worker.main(*sys.argv[1:4], app_class=CaseService))
