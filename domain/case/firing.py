"""Clocks firing: each command records its fact once and is a no-op after (see
``domain.clocks``); called early it refuses with ``NotYetDue``."""

from __future__ import annotations

from uuid import UUID

from domain import events as ev
from domain.calendar import start_of
from domain.case.core import CaseCore
from domain.case.stamp import Stamp
from domain.clocks import (
    appeal_decision_due_on,
    appeal_decision_overdue_at,
    appeal_decision_reminder_at,
    notice_appeal_window_closes,
    notice_overdue_at,
    ombudsman_overdue_at,
    ratification_overdue_at,
    review_overdue_at,
    subject_access_overdue_at,
    warning_lapses_at,
)
from domain.errors import (
    NotFound,
    NotYetDue,
)
from domain.permissions import (
    CLOCK,
    CLOCK_OR_MANAGEMENT,
)
from domain.settings import PolicyValues
from domain.vocabulary import (
    AppealStatus,
    LiftCause,
    OverdueReviewAction,
    RestrictionStatus,
)


class ClockCommands(CaseCore):

    def mark_review_due(self, restriction_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "mark a review due", closed_ok=True)
        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE or restriction.review_due:
            return
        assert restriction.review_date is not None
        self._require_due(start_of(restriction.review_date), stamp, "the review")
        self._record(ev.ReviewDue, stamp, restriction_id=restriction_id,
                     review_date=restriction.review_date)

    def escalate_review_overdue(self, restriction_id: UUID, stamp: Stamp,
                                policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue review",
                       closed_ok=True)

        restriction = self._restriction(restriction_id)
        if restriction.status != RestrictionStatus.ACTIVE or restriction.review_overdue:
            return
        assert restriction.review_date is not None
        self._require_due(review_overdue_at(self, restriction_id, policy), stamp,
                          "the review escalation")
        self._record(ev.ReviewOverdue, stamp, restriction_id=restriction_id,
                     review_date=restriction.review_date)
        if self.policy(policy).overdue_review_action is OverdueReviewAction.LIFT:
            self._lift(restriction_id, LiftCause.REVIEW_OVERDUE,
                       "The review was not done in time; policy lifts the restriction.", stamp)

    def expire_restriction(self, restriction_id: UUID, stamp: Stamp) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "record a restriction as expired",
                       closed_ok=True)
        restriction = self._restriction(restriction_id)
        if not restriction.in_force:
            return
        if restriction.ends_on is None:
            raise NotYetDue("This restriction has no end date; it ends by review or lift.")
        self._require_due(start_of(restriction.ends_on), stamp, "the expiry")
        self._record(ev.RestrictionExpired, stamp, restriction_id=restriction_id,
                     notice_id=self.new_id("notice"))

    def escalate_ratification_overdue(self, restriction_id: UUID, stamp: Stamp,
                                      policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue ratification",
                       closed_ok=True)

        restriction = self._restriction(restriction_id)
        if (restriction.status != RestrictionStatus.AWAITING_RATIFICATION
                or restriction.ratification_overdue):
            return
        self._require_due(ratification_overdue_at(self, restriction_id, policy),
                          stamp, "the ratification escalation")
        self._record(ev.RatificationOverdue, stamp, restriction_id=restriction_id)

    def mark_appeal_overdue(self, appeal_id: UUID, stamp: Stamp,
                            policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "mark an appeal overdue", closed_ok=True)

        appeal = self._appeal(appeal_id)
        if appeal.status != AppealStatus.LODGED or appeal.overdue:
            return
        due = appeal_decision_overdue_at(self, appeal_id, policy)
        assert due is not None
        self._require_due(due, stamp, "the appeal decision")
        self._record(ev.AppealOverdue, stamp, appeal_id=appeal_id)

    def lapse_warning(self, warning_id: UUID, stamp: Stamp, policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "lapse a warning", closed_ok=True)

        warning = self._warning(warning_id)
        if warning.lapsed:
            return
        self._require_due(warning_lapses_at(self, warning_id, policy), stamp,
                          "the warning's lapse")
        self._record(ev.WarningLapsed, stamp, warning_id=warning_id)

    def escalate_notice_overdue(self, notice_id: UUID, stamp: Stamp,
                                policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an unsent notice",
                       closed_ok=True)

        notice = self._notice(notice_id)
        if notice.sent_at is not None or notice.overdue:
            return
        self._require_due(notice_overdue_at(self, notice_id, policy), stamp,
                          "the notice")
        self._record(ev.NoticeOverdue, stamp, notice_id=notice_id)

    def appeal_window_pending(self, restriction_id: UUID, notice_id: UUID | None = None) -> bool:
        """The restriction is in force, and the appeal window of its notice ``notice_id`` (its
        own when None; a variation's) has not been recorded as closed nor met by an appeal
        lodged in time against it (whether the window has started or not)."""
        restriction = self._restriction(restriction_id)
        own = restriction.notice_id
        notice = notice_id or own
        return (restriction.in_force and notice is not None
                and notice not in self.closed_appeal_windows
                and not (notice == own and restriction.appeal_window_closed)
                and not any(a.restriction_id == restriction_id and not a.late
                            and (a.notice_id or own) == notice
                            for a in self.appeals.values()))

    def close_appeal_window(self, restriction_id: UUID, stamp: Stamp,
                            policy: PolicyValues, notice_id: UUID | None = None) -> None:
        """The window of the restriction's notice (or of the variation notice ``notice_id``)
        closed with no appeal lodged: recorded, and nothing else changes; a late appeal is
        still recorded as late, for a senior manager to accept or a manager to reject."""
        self._open_for(stamp, CLOCK, "record that the appeal window closed", closed_ok=True)
        notice = self.appealed_notice(restriction_id, notice_id)
        if notice is None or not self.appeal_window_pending(restriction_id, notice):
            return
        closes = notice_appeal_window_closes(self, notice, policy)
        if closes is None:
            raise NotYetDue("The notice has not been sent, so its appeal window has not "
                            "started.")
        self._require_due(closes, stamp, "the close of the appeal window")
        self._record(ev.AppealWindowClosed, stamp, restriction_id=restriction_id,
                     notice_id=notice)

    def remind_appeal_decision(self, appeal_id: UUID, stamp: Stamp,
                               policy: PolicyValues) -> None:
        self._open_for(stamp, CLOCK, "remind the decider of an appeal decision",
                       closed_ok=True)
        appeal = self._appeal(appeal_id)
        if appeal.status != AppealStatus.LODGED or appeal.reminded or appeal.overdue:
            return
        remind_at = appeal_decision_reminder_at(self, appeal_id, policy)
        due_on = appeal_decision_due_on(self, appeal_id, policy)
        assert remind_at is not None and due_on is not None  # lodged: the clock has started
        self._require_due(remind_at, stamp, "the appeal decision reminder")
        self._record(ev.AppealDecisionReminded, stamp, appeal_id=appeal_id, due_on=due_on)

    def escalate_subject_access_overdue(self, request_id: UUID, stamp: Stamp) -> None:
        """Not answered by its due date (the extended one, if extended): escalated once; an
        extension recorded after the escalation does not undo it."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue subject access request",
                       closed_ok=True)
        if request_id not in self.subject_access_requests:
            raise NotFound(f"There is no subject access request {request_id} on this case.")
        if request_id in self.sar_fulfilled or request_id in self.sar_overdue:
            return
        self._require_due(subject_access_overdue_at(self, request_id), stamp,
                          "the subject access response")
        self._record(ev.SubjectAccessOverdue, stamp, request_id=request_id,
                     due_on=self.sar_due_on[request_id])

    def escalate_ombudsman_overdue(self, matter_id: UUID, stamp: Stamp) -> None:
        """An Ombudsman enquiry or order not closed by its due date: escalated once."""
        self._open_for(stamp, CLOCK_OR_MANAGEMENT, "escalate an overdue Ombudsman matter",
                       closed_ok=True)
        matter = self._found(self.ombudsman, matter_id, "Ombudsman matter")
        if matter_id in self.closed_ombudsman or matter.overdue or matter.determined_at:
            return  # closed, escalated, or determined: the remedies have their own clocks
        due = ombudsman_overdue_at(self, matter_id)
        if due is None:
            raise NotYetDue("This Ombudsman matter has no due date.")
        self._require_due(due, stamp, "the Ombudsman's due date")
        self._record(ev.OmbudsmanMatterOverdue, stamp, matter_id=matter_id,
                     due_on=matter.due_on)
