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
| restriction expiry | RestrictionApproved / ImmediateRestrictionImposed with ``ends_on``; moved by RestrictionExtended | ``expiry_at`` | ``expire_restriction(case_id, restriction_id)`` |
| ratification | ImmediateRestrictionImposed | ``ratification_overdue_at`` | ``escalate_ratification_overdue(case_id, restriction_id)`` |
| appeal window | NoticeSent (for a restriction notice); stopped by AppealLodged (in time) | ``appeal_window_closes`` | ``close_appeal_window(case_id, restriction_id)`` (system only; records AppealWindowClosed; lodging still checks the window itself and flags a late appeal, which a senior manager may accept) |
| appeal window of a variation | NoticeSent for a variation notice (ReviewCompleted with ``vary``, RestrictionExtended); stopped by AppealLodged (in time) naming that notice. An appeal outcome's notice opens none: the appeal decision is final | ``notice_appeal_window_closes`` (one per notice of ``appealable_notices``) | ``close_appeal_window(case_id, restriction_id, notice_id=...)`` (records AppealWindowClosed with that notice) |
| appeal decision reminder | AppealLodged (not late), LateAppealAccepted | ``appeal_decision_reminder_at`` (``appeal_decision_reminder`` working days before ``appeal_decision_due_on``, never before the clock started) | ``remind_appeal_decision(case_id, appeal_id)`` (system only) |
| appeal decision | AppealLodged (not late), LateAppealAccepted | ``appeal_decision_overdue_at`` | ``mark_appeal_overdue(case_id, appeal_id)`` |
| warning lapse | WarningGiven; restarted by IncidentRecorded | ``warning_lapses_at`` | ``lapse_warning(case_id, warning_id)`` |
| notice dispatch | any event with a ``notice_id`` (warnings, decisions, review and appeal outcomes, extensions, lifts, expiry) | ``notice_overdue_at`` | ``escalate_notice_overdue(case_id, notice_id)`` |
| Ombudsman due date | OmbudsmanContacted with ``due_on``; stopped by OmbudsmanMatterClosed or OmbudsmanDetermined | ``ombudsman_overdue_at`` (end of ``due_on``; ``ombudsman_due_at`` is its start) | ``escalate_ombudsman_overdue(case_id, matter_id)`` |
| Ombudsman remedy | OmbudsmanDetermined (one clock per ordered remedy); stopped by RemedyCompleted | ``remedy_overdue_at`` (end of its ``due_on``) | ``escalate_remedy_overdue(case_id, remedy_id)`` |
| subject access request | SubjectAccessRequested; moved by SubjectAccessExtended; stopped by SubjectAccessFulfilled | ``subject_access_overdue_at`` (end of the recorded ``due_on``, i.e. ``subject_access_due_on`` with the extension) | ``escalate_subject_access_overdue(case_id, request_id)`` |
| retention | CaseClosed (``retain_until``) | ``start_of(case.retain_until)`` | disposal: a later issue |
| contact triage | ContactRecorded (while a restriction is in force); stopped by ContactTriaged | ``contact_triage_due_at`` (end of the day ``contact_triage_period`` after it was recorded) | none: not a Temporal clock (recording contacts is a hot path); the views and the audit check "restricted contact not triaged in time" compare against it (``contact_triage_due_on`` for a fold without the aggregate) |

Clocks stop when their fact is recorded (e.g. RestrictionLifted/Expired stop review and
expiry clocks; AppealDecided stops the appeal clock; NoticeSent stops the notice clock).
Workflow ids: ``restriction-<restriction_id>`` (ratification, review, expiry, appeal window),
``appeal-<appeal_id>`` (reminder, decision), ``warning-<warning_id>``, ``notice-<notice_id>``,
``sar-<request_id>``, ``ombudsman-<matter_id>``, ``remedy-<remedy_id>`` (opaque ids: no
personal data). A variation's appeal window runs in its restriction's workflow.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.calendar import end_of, start_of, uk_date
from domain.settings import PolicyValues, Setting
from domain.vocabulary import APPEALABLE_NOTICE_KINDS, NoticeKind

if TYPE_CHECKING:
    from domain.state import CaseState


def _after(case: CaseState, start: datetime | date, setting: Setting,
           organisation: PolicyValues) -> date:
    policy = case.policy(organisation)
    day = uk_date(start) if isinstance(start, datetime) else start
    return policy.calendar.after(day, policy.period(setting))


def review_due_at(case: CaseState, restriction_id: UUID) -> datetime | None:
    restriction = case.restrictions[restriction_id]
    if not restriction.in_force or restriction.review_date is None:
        return None
    return start_of(restriction.review_date)


def review_overdue_at(case: CaseState, restriction_id: UUID, organisation: PolicyValues) -> datetime:
    review_date = case.restrictions[restriction_id].review_date
    assert review_date is not None
    return end_of(_after(case, review_date, Setting.REVIEW_OVERDUE_ESCALATION, organisation))


def expiry_at(case: CaseState, restriction_id: UUID) -> datetime | None:
    restriction = case.restrictions[restriction_id]
    if not restriction.in_force or restriction.ends_on is None:
        return None
    return start_of(restriction.ends_on)


def ratification_overdue_at(case: CaseState, restriction_id: UUID,
                            organisation: PolicyValues) -> datetime:
    imposed = case.restrictions[restriction_id].proposed_at
    return end_of(_after(case, imposed, Setting.RATIFICATION, organisation))


def appeal_window_closes(case: CaseState, restriction_id: UUID,
                         organisation: PolicyValues) -> datetime | None:
    """End of the last day to appeal the restriction's decision: N working days from the
    restriction notice's date.

    None while the notice has not been sent: the window has not started.
    """
    notice_id = case.restrictions[restriction_id].notice_id
    return None if notice_id is None else notice_appeal_window_closes(case, notice_id,
                                                                      organisation)


def notice_appeal_window_closes(case: CaseState, notice_id: UUID,
                                organisation: PolicyValues) -> datetime | None:
    """End of the last day to appeal the decision a notice told the customer about (the
    restriction's own, or a variation's: each opens its own window, counted from its date).

    None while the notice has not been sent, or for a notice that opens no appeal window.
    """
    notice = case.notices.get(notice_id)
    if notice is None or notice.sent_at is None or notice.kind not in APPEALABLE_NOTICE_KINDS:
        return None
    return end_of(_after(case, notice.sent_at, Setting.APPEAL_WINDOW, organisation))


def appealable_notices(case: CaseState, restriction_id: UUID) -> list[UUID]:
    """The notices of a restriction whose decision the customer may appeal, oldest first:
    its decision's notice, then each variation notice (``APPEALABLE_NOTICE_KINDS``)."""
    first = case.restrictions[restriction_id].notice_id
    variations = [n.notice_id for n in case.notices.values()
                  if n.about_id == restriction_id and n.kind == NoticeKind.VARIATION]
    return ([first] if first is not None else []) + variations


def appeal_decision_due_on(case: CaseState, appeal_id: UUID,
                           organisation: PolicyValues) -> date | None:
    """The last day for the decision: the decision period from receipt (or late acceptance).

    None for a late appeal not yet accepted: its clock has not started.
    """
    started = case.appeals[appeal_id].clock_from
    if started is None:
        return None
    return _after(case, started, Setting.APPEAL_DECISION, organisation)


def appeal_decision_overdue_at(case: CaseState, appeal_id: UUID,
                               organisation: PolicyValues) -> datetime | None:
    due_on = appeal_decision_due_on(case, appeal_id, organisation)
    return None if due_on is None else end_of(due_on)


def appeal_decision_reminder_at(case: CaseState, appeal_id: UUID,
                                organisation: PolicyValues) -> datetime | None:
    """Start of the day the reminder period before the decision's last day.

    Never before the decision clock started: with a reminder period as long as the decision
    period, the reminder goes when the appeal is received (or accepted as late).
    """
    appeal = case.appeals[appeal_id]
    due_on = appeal_decision_due_on(case, appeal_id, organisation)
    if due_on is None or appeal.clock_from is None:
        return None
    policy = case.policy(organisation)
    remind_on = policy.calendar.before(due_on, policy.period(Setting.APPEAL_DECISION_REMINDER))
    return max(start_of(remind_on), appeal.clock_from)


def warning_lapses_at(case: CaseState, warning_id: UUID, organisation: PolicyValues) -> datetime:
    """A warning lapses after the lapse period with no further incidents."""
    given = case.warnings[warning_id].given_at
    later = [i.occurred_at for i in case.incidents.values() if i.occurred_at > given]
    since = max(later, default=given)
    return start_of(_after(case, since, Setting.WARNING_LAPSE, organisation))


def notice_overdue_at(case: CaseState, notice_id: UUID, organisation: PolicyValues) -> datetime:
    owed = case.notices[notice_id].owed_since
    return end_of(_after(case, owed, Setting.NOTICE_DISPATCH, organisation))


def subject_access_overdue_at(case: CaseState, request_id: UUID) -> datetime:
    """End of the day the response is due, as recorded with the request or its extension.

    The recorded date is ``subject_access_due_on`` at receipt (``extended=True`` after an
    extension): a statutory deadline the customer was told, so a later change of the
    organisation's settings does not move it.
    """
    return end_of(case.sar_due_on[request_id])


def subject_access_due_on(case: CaseState, request_id: UUID, organisation: PolicyValues,
                          extended: bool = False) -> date:
    due = _after(case, case.subject_access_requests[request_id], Setting.SAR_RESPONSE,
                 organisation)
    return _after(case, due, Setting.SAR_EXTENSION, organisation) if extended else due


def ombudsman_due_at(case: CaseState, matter_id: UUID) -> datetime | None:
    due_on = case.ombudsman[matter_id].due_on
    return None if due_on is None else start_of(due_on)


def ombudsman_overdue_at(case: CaseState, matter_id: UUID) -> datetime | None:
    """End of the Ombudsman's due date: from then on the matter is overdue."""
    due_on = case.ombudsman[matter_id].due_on
    return None if due_on is None else end_of(due_on)


def remedy_overdue_at(case: CaseState, remedy_id: UUID) -> datetime:
    """End of the day the Ombudsman ordered the remedy by: from then on it is overdue. The
    Ombudsman's date is its own: no policy setting moves it."""
    return end_of(case.remedies[remedy_id].due_on)


def contact_triage_due_on(recorded_at: datetime, policy: PolicyValues) -> date:
    """The last day to classify a contact recorded at ``recorded_at``, under ``policy`` (the
    organisation's settings merged with the case's overrides): counted from the day it was
    recorded, not the day it happened, since a back-dated contact cannot be read earlier."""
    return policy.calendar.after(uk_date(recorded_at), policy.period(
        Setting.CONTACT_TRIAGE_PERIOD))


def contact_triage_due_at(case: CaseState, contact_id: UUID, organisation: PolicyValues) -> datetime:
    """From this instant an unclassified contact is late (the end of its last day)."""
    contact = case.contacts[contact_id]
    received = contact.recorded_at or contact.occurred_at
    return end_of(contact_triage_due_on(received, case.policy(organisation)))
