"""Domain errors: each carries a stable code (the HTTP problem ``type``) and a plain sentence.

One class per rule of POLICY.md, so the API can map each to its own problem type and a
caseworker reads a sentence that says what to do next. Nothing is recorded when one is raised.
"""

from __future__ import annotations


class DomainError(Exception):
    """A policy rule refused a command. Nothing was recorded."""

    code: str = "domain-error"
    http_status: int = 422

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    code = "not-found"
    http_status = 404


class InvalidInput(DomainError):
    code = "invalid-input"


class ConcurrentModification(DomainError):
    code = "concurrent-modification"
    http_status = 409


# --- bad input ------------------------------------------------------------------------------

class NaiveTimestamp(InvalidInput):
    code = "naive-timestamp"


class FutureTimestamp(InvalidInput):
    code = "future-timestamp"


class UnknownCode(InvalidInput):
    code = "unknown-code"


class ReasonRequired(InvalidInput):
    code = "reason-required"


class InvalidSetting(InvalidInput):
    code = "invalid-setting"


# --- who may act ----------------------------------------------------------------------------

class RoleNotPermitted(DomainError):
    code = "role-not-permitted"
    http_status = 403


class OrganisationWideNeedsSeniorManager(RoleNotPermitted):
    code = "organisation-wide-needs-senior-manager"


class SeparationOfDuties(DomainError):
    code = "separation-of-duties"
    http_status = 403


class ApproverIsProposer(SeparationOfDuties):
    code = "approver-is-proposer"


class RatifierIsImposer(SeparationOfDuties):
    code = "ratifier-is-imposer"


class DeciderInvolved(SeparationOfDuties):
    code = "appeal-decider-involved"


class StaffConflicted(SeparationOfDuties):
    code = "staff-conflicted"


class OwnerConflicted(SeparationOfDuties):
    """The named owner is the subject of the customer's counter-allegation."""

    code = "owner-conflicted"
    http_status = 422


# --- evidence, checks and safeguards ---------------------------------------------------------

class EvidenceRequired(DomainError):
    code = "evidence-required"


class UnknownEvidence(DomainError):
    code = "unknown-evidence"


class ConcernRequired(DomainError):
    code = "concern-required"
    http_status = 409


class ChecksIncomplete(DomainError):
    code = "pre-decision-checks-incomplete"
    http_status = 409


class AssessmentStale(DomainError):
    code = "assessment-stale"
    http_status = 409


class LegitimateIssueUnresolved(DomainError):
    code = "legitimate-issue-unresolved"
    http_status = 409


class ThreatRequired(DomainError):
    code = "immediate-restriction-needs-threat"


# --- restriction terms and dates -------------------------------------------------------------

class InvalidTerms(InvalidInput):
    code = "invalid-terms"


class AlwaysOpenExceptionRemoved(InvalidTerms):
    code = "always-open-exception-removed"


class WrittenOnlyNotConfirmed(InvalidTerms):
    code = "written-only-not-confirmed"


class ScopeJustificationRequired(InvalidTerms):
    code = "scope-justification-required"


class ReviewDateRequired(InvalidInput):
    code = "review-date-required"


class ReviewDateInPast(InvalidInput):
    code = "review-date-in-past"


class ReviewDateBeyondMaximum(InvalidInput):
    code = "review-date-beyond-maximum"


class EndDateInPast(InvalidInput):
    code = "end-date-in-past"


class EndDateNotLater(InvalidInput):
    """An extension moves the end date later; an earlier end is a lift or a review."""

    code = "end-date-not-later"


# --- state of the case -----------------------------------------------------------------------

class WrongState(DomainError):
    code = "wrong-state"
    http_status = 409


class CaseAlreadyOpen(WrongState):
    code = "case-already-open"


class CaseClosed(WrongState):
    code = "case-closed"


class RestrictionNotProposed(WrongState):
    code = "restriction-not-proposed"


class RestrictionNotActive(WrongState):
    code = "restriction-not-active"


class RestrictionNotAwaitingRatification(WrongState):
    code = "restriction-not-awaiting-ratification"


class RestrictionInForce(WrongState):
    code = "restriction-in-force"


class LiftNoticeOwed(WrongState):
    code = "lift-notice-owed"


class AppealAlreadyOpen(WrongState):
    code = "appeal-already-open"


class AppealNotOpen(WrongState):
    code = "appeal-not-open"


class AppealNotLate(WrongState):
    code = "appeal-not-late"


class LateAppealNotAccepted(WrongState):
    code = "late-appeal-not-accepted"


class NoticeNotAppealable(WrongState):
    """The appeal names a notice whose decision opens no appeal window for this restriction
    (an appeal outcome is final; a review that continued it unchanged changed nothing)."""

    code = "notice-not-appealable"
    http_status = 422


class OmbudsmanMatterClosed(WrongState):
    code = "ombudsman-matter-closed"


class OmbudsmanAlreadyDetermined(WrongState):
    code = "ombudsman-already-determined"


class RemediesOutstanding(WrongState):
    """An Ombudsman matter is not closed while a remedy it ordered is not completed."""

    code = "ombudsman-remedies-outstanding"


class RemedyAlreadyCompleted(WrongState):
    code = "remedy-already-completed"


class RemedyDueBeforeDetermination(InvalidInput):
    code = "remedy-due-before-determination"


class ContactAlreadyTriaged(WrongState):
    code = "contact-already-triaged"


class SupportNotOffered(WrongState):
    code = "support-not-offered"


class NoticeAlreadySent(WrongState):
    code = "notice-already-sent"


class NotYetDue(WrongState):
    """A clock fired before its fact is due (e.g. a new incident moved the lapse date):
    recompute the due date and wait again."""

    code = "not-yet-due"


class SubjectErased(WrongState):
    code = "subject-erased"
    http_status = 410


class LegalHoldApplies(WrongState):
    """Disposal or erasure is refused while a legal hold applies (complaint, Ombudsman,
    subject access request, litigation)."""

    code = "legal-hold-applies"


class RetentionNotEnded(WrongState):
    code = "retention-not-ended"


class SubjectAccessAlreadyExtended(WrongState):
    code = "subject-access-already-extended"


class SubjectAccessClosed(WrongState):
    code = "subject-access-closed"


class LegalHoldNotPlaced(WrongState):
    code = "legal-hold-not-placed"


# --- notices: what a letter to the customer must say -----------------------------------------

class NoticeIncomplete(DomainError):
    """A notice that leaves out something the customer must be told is not sent."""

    code = "notice-incomplete"


class NoticeAppealDeadlineMissing(NoticeIncomplete):
    code = "notice-appeal-deadline-missing"


class NoticeReviewDateMissing(NoticeIncomplete):
    code = "notice-review-date-missing"


class NoticeAlwaysOpenMissing(NoticeIncomplete):
    code = "notice-always-open-missing"


class NoticePejorativeLabel(DomainError):
    """The behaviour is described, never the person."""

    code = "notice-pejorative-label"


class NoticeNotDeliverable(WrongState):
    """The notice cannot go this way (no sealed address, the customer erased...)."""

    code = "notice-not-deliverable"


# --- equality monitoring and the customer's identity ----------------------------------------

class EqualityConsentRequired(DomainError):
    """Equality answers are recorded only with the customer's own, separate consent."""

    code = "equality-consent-required"


class EqualityAnswerUnknown(InvalidInput):
    code = "equality-answer-unknown"


class EqualityAnswersRequired(InvalidInput):
    code = "equality-answers-required"


class EqualityConsentNotGiven(WrongState):
    """Nothing to withdraw: no equality answers are held with consent."""

    code = "equality-consent-not-given"
