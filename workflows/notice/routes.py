"""Every decision that owes the customer a notice starts its dispatch clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain import events as ev
from domain.case import Case
from workflows.launch import LaunchAction, StartWorkflow, changed, signal, start
from workflows.notice.activities import NoticeInput
from workflows.notice.workflows import CLOCK

#: Events that owe a notice (each carries the new ``notice_id``).
DECISIONS = (ev.WarningGiven, ev.RestrictionApproved, ev.ImmediateRestrictionImposed,
             ev.ReviewCompleted, ev.AppealDecided, ev.RestrictionExtended, ev.RestrictionLifted,
             ev.RestrictionExpired)


def owed(event: Any) -> Sequence[LaunchAction]:
    return start(CLOCK, event, NoticeInput(case_id=event.originator_id,
                                           notice_id=event.notice_id))


def email_requested(event: Any) -> Sequence[LaunchAction]:
    """The workflow sends it: started again if it had ended (the notice went overdue), and
    told to re-read the case if it is running."""
    restart = StartWorkflow(CLOCK.workflow, CLOCK.workflow_id_of(event),
                            NoticeInput(case_id=event.originator_id, notice_id=event.notice_id),
                            event.originator_id, CLOCK.kind, reuse_closed=True)
    return [restart, signal(CLOCK.workflow_id_of(event), event)]


ROUTES = {
    **{decision.TOPIC: owed for decision in DECISIONS},
    ev.NoticeEmailRequested.TOPIC: email_requested,
    ev.NoticeSent.TOPIC: changed(CLOCK),
    ev.NoticeOverdue.TOPIC: changed(CLOCK),
}


def open_workflow_ids(case: Case) -> list[str]:
    return [CLOCK.workflow_id(nid) for nid, n in case.notices.items()
            if n.sent_at is None and (not n.overdue or n.email_pending)]
