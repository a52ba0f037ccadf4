"""Coded categories of the policy: never free text, so reports can count them."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    WEB_FORM = "web_form"
    SOCIAL_MEDIA = "social_media"
    TEXT_MESSAGE = "text_message"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class BehaviourCategory(StrEnum):
    """The policy's neutral language: the only words used to describe behaviour."""

    ABUSIVE_OR_AGGRESSIVE = "abusive_or_aggressive"
    THREATS_OR_VIOLENCE = "threats_or_violence"
    UNREASONABLE_DEMANDS = "unreasonable_demands"
    UNREASONABLE_LEVELS_OF_CONTACT = "unreasonable_levels_of_contact"
    REPEATED_CONTACT_SETTLED_MATTER = "repeated_contact_settled_matter"
    UNREASONABLE_USE_OF_COMPLAINTS = "unreasonable_use_of_complaints"
    ABUSE_ON_SOCIAL_MEDIA = "abuse_on_social_media"
    BREACH_OF_TERMS = "breach_of_terms"


class Triage(StrEnum):
    """How a contact from a restricted customer is classified, exactly once."""

    EMERGENCY = "emergency"
    SAFEGUARDING = "safeguarding"
    MANDATORY_SERVICE = "mandatory_service"
    NEW_ISSUE = "new_issue"
    SIGNIFICANT_NEW_INFORMATION = "significant_new_information"
    NO_NEW_INFORMATION = "no_new_information"
    BREACH_OF_TERMS = "breach_of_terms"


class CheckKind(StrEnum):
    """The pre-decision checks that must all be current before a formal step."""

    VULNERABILITY_ASSESSMENT = "vulnerability_assessment"
    LEGITIMATE_ISSUE = "legitimate_issue"
    COMPLAINT_HANDLING = "complaint_handling"
    OTHER_AGENCY = "other_agency"


class WarningKind(StrEnum):
    INFORMAL = "informal"
    FORMAL = "formal"


class RestrictionStatus(StrEnum):
    PROPOSED = "proposed"
    REJECTED = "rejected"
    AWAITING_RATIFICATION = "awaiting_ratification"
    ACTIVE = "active"
    LIFTED = "lifted"
    EXPIRED = "expired"


class AppealStatus(StrEnum):
    LODGED = "lodged"
    LATE_AWAITING_DECISION = "late_awaiting_decision"
    REJECTED_AS_LATE = "rejected_as_late"
    DECIDED = "decided"


class AppealOutcome(StrEnum):
    DISMISSED = "dismissed"
    VARIED = "varied"
    UPHELD = "upheld"


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    VARY = "vary"
    LIFT = "lift"


class LiftCause(StrEnum):
    REVIEW = "review"
    APPEAL_UPHELD = "appeal_upheld"
    EARLY_LIFT = "early_lift"
    REVIEW_OVERDUE = "review_overdue"
    RATIFICATION_REFUSED = "ratification_refused"


class NoticeKind(StrEnum):
    WARNING = "warning"
    RESTRICTION = "restriction"
    VARIATION = "variation"
    REVIEW_OUTCOME = "review_outcome"
    APPEAL_OUTCOME = "appeal_outcome"
    LIFT = "lift"


#: Notices that open an appeal window: the restriction's decision, and each variation of its
#: terms or end date (a review that varies it, an extension). An appeal outcome's notice opens
#: none: the appeal decision is final, and its notice tells the customer they may go to the
#: Housing Ombudsman. A review that continues the restriction unchanged opens none either.
APPEALABLE_NOTICE_KINDS = frozenset({NoticeKind.RESTRICTION, NoticeKind.VARIATION})


class NoticeFormat(StrEnum):
    STANDARD = "standard"
    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"
    BRAILLE = "braille"
    AUDIO = "audio"
    TRANSLATED = "translated"
    VIA_ADVOCATE = "via_advocate"


class NoticeChannel(StrEnum):
    EMAIL = "email"
    POST = "post"  # printed and posted by a caseworker
    RECORDED = "recorded"  # recorded as sent; no letter produced by the service


class NoticeLanguage(StrEnum):
    """The language of the customer's letters (a setting: organisation default, per case)."""

    ENGLISH = "en"
    WELSH = "cy"


class SupportResponse(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class RepresentativeKind(StrEnum):
    REPRESENTATIVE = "representative"
    ADVOCATE = "advocate"


class OmbudsmanStage(StrEnum):
    ENQUIRY = "enquiry"
    ORDER = "order"


class RemedyKind(StrEnum):
    """What an Ombudsman's determination may order the landlord to do."""

    APOLOGY = "apology"
    COMPENSATION = "compensation"
    REVIEW = "review"  # review the case or decision again
    POLICY_CHANGE = "policy_change"


class CaseStatus(StrEnum):
    CONCERN_OPEN = "concern_open"
    CLOSED = "closed"


class Nation(StrEnum):
    """Whose bank holidays count: the landlord's nation."""

    ENGLAND_AND_WALES = "england_and_wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"


class OverdueReviewAction(StrEnum):
    ESCALATE = "escalate"
    LIFT = "lift"


class ErasedPerson(StrEnum):
    """Whose personal data an erasure destroys (each has a key of their own)."""

    CUSTOMER = "customer"
    REPRESENTATIVE = "representative"


class ErasureGround(StrEnum):
    """Why personal data was erased: coded, so the record of an erasure holds no data."""

    ERASURE_REQUEST = "erasure_request"  # UK GDPR Art. 17, granted
    RETENTION_ENDED = "retention_ended"  # disposal at the end of the retention period
    CONSENT_WITHDRAWN = "consent_withdrawn"  # a representative's consent ended


class LegalHoldKind(StrEnum):
    """What keeps a closed case from disposal past its retention date (a legal hold)."""

    OPEN_COMPLAINT = "open_complaint"
    OMBUDSMAN_CASE = "ombudsman_case"
    SUBJECT_ACCESS_REQUEST = "subject_access_request"
    LITIGATION = "litigation"
