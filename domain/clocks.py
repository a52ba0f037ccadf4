"""When each clock of POLICY.md fires: pure functions of a case and the policy settings.

Workflows (Temporal) keep only the clocks; everything they need is in the events. For each
clock: the event that opens it, the function that says when it fires (a UTC ``datetime``;
pass the *organisation's* ``PolicyValues``, the case's own overrides are merged here), and the
``CaseService`` command to call when it fires. Every such command is idempotent: a no-op when
its fact is already recorded, and ``NotYetDue`` (code ``not-yet-due``) if called early, e.g.
because a later event moved the date: recompute with the function and sleep again.

| clock | opened by (event) | fires at | command when it fires |
| --- | --- | --- | --- |
| review due | RestrictionApproved, ImmediateRestrictionRatified, ReviewCompleted (continue/vary), AppealDecided (varied) | ``review_due_at`` | ``mark_review_due(case_id, restriction_id)`` |
| review overdue | ReviewDue | ``review_overdue_at`` | ``escalate_review_overdue(case_id, restriction_id)`` (lifts too when ``overdue_review_action`` is ``lift``) |
| restriction expiry | RestrictionApproved / ImmediateRestrictionImposed with ``ends_on`` | ``expiry_at`` | ``expire_restriction(case_id, restriction_id)`` |
| ratification | ImmediateRestrictionImposed | ``ratification_overdue_at`` | ``escalate_ratification_overdue(case_id, restriction_id)`` |
| appeal window | NoticeSent (for a restriction notice) | ``appeal_window_closes`` | none: lodging checks it (a late appeal is flagged) |
| appeal decision | AppealLodged (not late), LateAppealAccepted | ``appeal_decision_overdue_at`` | ``mark_appeal_overdue(case_id, appeal_id)`` |
| warning lapse | WarningGiven; restarted by IncidentRecorded | ``warning_lapses_at`` | ``lapse_warning(case_id, warning_id)`` |
| notice dispatch | any event with a ``notice_id`` (warnings, decisions, review and appeal outcomes, lifts, expiry) | ``notice_overdue_at`` | ``escalate_notice_overdue(case_id, notice_id)`` |
| Ombudsman due date | OmbudsmanContacted with ``due_on`` | ``ombudsman_due_at`` | none yet (work queue; overrides the normal schedule) |
| subject access request | SubjectAccessRequested | ``subject_access_due_on`` | none yet (work queue) |
| retention | CaseClosed (``retain_until``) | ``start_of(case.retain_until)`` | disposal: a later issue |

Clocks stop when their fact is recorded (e.g. RestrictionLifted/Expired stop review and
expiry clocks; AppealDecided stops the appeal clock; NoticeSent stops the notice clock).
Suggested workflow ids: ``restriction-<restriction_id>``, ``appeal-<appeal_id>``,
``warning-<warning_id>``, ``notice-<notice_id>`` (no personal data).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.calendar import end_of, start_of, uk_date
from domain.settings import PolicyValues, Setting

if TYPE_CHECKING:
    from domain.case import Case


def _after(case: Case, start: datetime | date, setting: Setting,
           organisation: PolicyValues) -> date:
    policy = case.policy(organisation)
    day = uk_date(start) if isinstance(start, datetime) else start
    return policy.calendar.after(day, policy.period(setting))


def review_due_at(case: Case, restriction_id: UUID) -> datetime | None:
    restriction = case.restrictions[restriction_id]
    if not restriction.in_force or restriction.review_date is None:
        return None
    return start_of(restriction.review_date)


def review_overdue_at(case: Case, restriction_id: UUID, organisation: PolicyValues) -> datetime:
    review_date = case.restrictions[restriction_id].review_date
    assert review_date is not None
    return end_of(_after(case, review_date, Setting.REVIEW_OVERDUE_ESCALATION, organisation))


def expiry_at(case: Case, restriction_id: UUID) -> datetime | None:
    restriction = case.restrictions[restriction_id]
    if not restriction.in_force or restriction.ends_on is None:
        return None
    return start_of(restriction.ends_on)


def ratification_overdue_at(case: Case, restriction_id: UUID,
                            organisation: PolicyValues) -> datetime:
    imposed = case.restrictions[restriction_id].proposed_at
    return end_of(_after(case, imposed, Setting.RATIFICATION, organisation))


def appeal_window_closes(case: Case, restriction_id: UUID,
                         organisation: PolicyValues) -> datetime | None:
    """End of the last day to appeal: N working days from the restriction notice's date.

    None while the notice has not been sent: the window has not started.
    """
    notice_id = case.restrictions[restriction_id].notice_id
    notice = case.notices.get(notice_id) if notice_id else None
    if notice is None or notice.sent_at is None:
        return None
    return end_of(_after(case, notice.sent_at, Setting.APPEAL_WINDOW, organisation))


def appeal_decision_overdue_at(case: Case, appeal_id: UUID,
                               organisation: PolicyValues) -> datetime | None:
    started = case.appeals[appeal_id].clock_from
    if started is None:
        return None
    return end_of(_after(case, started, Setting.APPEAL_DECISION, organisation))


def warning_lapses_at(case: Case, warning_id: UUID, organisation: PolicyValues) -> datetime:
    """A warning lapses after the lapse period with no further incidents."""
    given = case.warnings[warning_id].given_at
    later = [i.occurred_at for i in case.incidents.values() if i.occurred_at > given]
    since = max(later, default=given)
    return start_of(_after(case, since, Setting.WARNING_LAPSE, organisation))


def notice_overdue_at(case: Case, notice_id: UUID, organisation: PolicyValues) -> datetime:
    owed = case.notices[notice_id].owed_since
    return end_of(_after(case, owed, Setting.NOTICE_DISPATCH, organisation))


def subject_access_due_on(case: Case, request_id: UUID, organisation: PolicyValues,
                          extended: bool = False) -> date:
    due = _after(case, case.subject_access_requests[request_id], Setting.SAR_RESPONSE,
                 organisation)
    return _after(case, due, Setting.SAR_EXTENSION, organisation) if extended else due


def ombudsman_due_at(case: Case, matter_id: UUID) -> datetime | None:
    due_on = case.ombudsman[matter_id].due_on
    return None if due_on is None else start_of(due_on)
