"""Every decision that owes the customer a notice starts its dispatch clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, StartWorkflow, signal
from workflows.notice.activities import NoticeInput
from workflows.notice.workflows import KIND, workflow_id

#: Events that owe a notice (each carries the new ``notice_id``).
DECISIONS = (ev.WarningGiven, ev.RestrictionApproved, ev.ImmediateRestrictionImposed,
             ev.ReviewCompleted, ev.AppealDecided, ev.RestrictionLifted, ev.RestrictionExpired)


def start(event: Any) -> Sequence[LaunchAction]:
    return [StartWorkflow(
        "NoticeWorkflow", workflow_id(event.notice_id),
        NoticeInput(case_id=event.originator_id, notice_id=event.notice_id),
        event.originator_id, KIND)]


def changed(event: Any) -> Sequence[LaunchAction]:
    return [signal(workflow_id(event.notice_id), event)]


ROUTES = {
    **{decision.TOPIC: start for decision in DECISIONS},
    ev.NoticeSent.TOPIC: changed,
    ev.NoticeOverdue.TOPIC: changed,
}


def open_workflow_ids(case: Case) -> list[str]:
    return [workflow_id(nid) for nid, n in case.notices.items()
            if n.sent_at is None and not n.overdue]
