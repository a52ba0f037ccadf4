"""Request and response bodies.

Unknown fields and unknown codes are refused (``422``); free text has a length limit;
timestamps must carry a UTC offset and may not lie in the future beyond a small skew.
Every request body has an example in the OpenAPI document.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from api.responses import (  # noqa: F401 - request and response bodies in one place
    AccessLogEntry,
    AccessLogPage,
    Assessments,
    DecisionOut,
    DecisionTrail,
    EventOut,
    Page,
    Recorded,
    RecordedEvent,
    SettingsOut,
    VulnerabilityRecord,
)
from domain.settings import Setting
from domain.terms import RestrictionTerms
from domain.vocabulary import (
    AppealOutcome,
    BehaviourCategory,
    Channel,
    CheckKind,
    Direction,
    NoticeFormat,
    OmbudsmanStage,
    RepresentativeKind,
    ReviewOutcome,
    SupportResponse,
    Triage,
    WarningKind,
)

# A little clock skew between the caller and us is tolerated; more is refused.
FUTURE_SKEW = timedelta(minutes=5)


def _aware_and_not_future(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a UTC offset, e.g. 2026-11-30T09:15:00+00:00")
    if value > datetime.now(UTC) + FUTURE_SKEW:
        raise ValueError("must not lie in the future")
    return value


Moment = Annotated[datetime, AfterValidator(_aware_and_not_future), Field(
    description="a date and time with its UTC offset, e.g. 2026-11-30T09:15:00+00:00; not "
                "in the future")]
# Free text: personal data, kept short enough to read and to store safely.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
                 Field(description="free text (personal data: sealed with the customer's "
                                   "key, never shown in views or reports)")]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000),
                         Field(description="free text, may be empty (personal data: sealed)")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
                   Field(description="why, as it goes on the record (sealed as personal "
                                     "data; the decision trail shows it to auditors)")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StaffId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                           pattern=r"^[^\s].*$"),
                    Field(description="a member of staff's user id (as in their token)")]
Evidence = Annotated[list[UUID], Field(min_length=1, max_length=100,
                                       description="ids of recorded incidents or contacts")]
CustomerRef = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                               pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]*$"),
                        Field(description="the customer's reference in your housing system: "
                                          "letters, digits and . _ / -, e.g. T-1001")]
Period = Annotated[str, StringConstraints(
    strip_whitespace=True, max_length=40,
    pattern=r"^[0-9]{1,4} (working_days|calendar_days|months|years)$")]

EXAMPLE_ID = "3f2b8a86-5a4c-5c8e-9a51-0d8a4f8f2b11"
EXAMPLE_ID_2 = "0b9e6c0e-7a1d-5f44-8d7e-6a1b2c3d4e5f"


def example(**body: Any) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [body]})


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Command(Body):
    occurred_at: Moment | None = Field(
        default=None, description="when it happened, if earlier than now (back-dating)")


# --- cases, contacts, incidents -----------------------------------------------------------

class OpenCase(Command):
    customer_ref: CustomerRef
    model_config = example(customer_ref="T-1001")


class RecordContact(Command):
    channel: Channel
    direction: Direction
    occurred_at: Moment
    summary: Text
    model_config = example(channel="phone", direction="inbound",
                           occurred_at="2026-11-30T09:15:00+00:00",
                           summary="Called about the same repair for the fourth time today.")


class TriageContact(Command):
    classification: Triage
    note: OptionalText = ""
    model_config = example(classification="no_new_information",
                           note="Same repair, already answered on 2 November.")


class RecordIncident(Command):
    category: BehaviourCategory
    description: Text
    occurred_at: Moment
    staff_ids: list[StaffId] = Field(default_factory=list, max_length=50)
    contact_id: UUID | None = None
    model_config = example(category="abusive_or_aggressive",
                           description="Shouted and swore at the officer on the phone.",
                           occurred_at="2026-11-30T09:20:00+00:00", staff_ids=["cara"])


class RecordStaffSupport(Command):
    staff_id: StaffId
    response: SupportResponse
    model_config = example(staff_id="cara", response="offered")


# --- concern, warnings, vulnerability, checks ---------------------------------------------

class RaiseConcern(Command):
    evidence: Evidence
    reason: Reason
    categories: list[BehaviourCategory] = Field(default_factory=list, max_length=8)
    model_config = example(evidence=[EXAMPLE_ID], reason="Repeated abuse on the phone.",
                           categories=["abusive_or_aggressive"])


class GiveWarning(Command):
    kind: WarningKind
    evidence: Evidence
    reason: Reason
    behaviour_justification: Reason | None = None
    model_config = example(kind="informal", evidence=[EXAMPLE_ID],
                           reason="The abuse continued after we asked it to stop.")


class RecordVulnerability(Command):
    details: Text
    model_config = example(details="Has told us of anxiety; prefers written contact.")


class RecordCheck(Command):
    kind: CheckKind
    notes: OptionalText = ""
    customer_declined: bool = False
    written_communication_ok: bool = False
    legitimate_issue_found: bool = False
    adjustments: list[NoticeFormat] = Field(default_factory=list, max_length=7)
    model_config = example(kind="vulnerability_assessment",
                           notes="Discussed with the customer; large print helps.",
                           written_communication_ok=True, adjustments=["large_print"])


class ResolveLegitimateIssue(Command):
    reason: Reason
    evidence: list[UUID] = Field(default_factory=list, max_length=100)
    model_config = example(reason="The boiler was replaced on 3 December.", evidence=[])


# --- restrictions --------------------------------------------------------------------------

class Hours(Body):
    start: time
    end: time


class IssueQuota(Body):
    issues: int = Field(ge=1, le=1000)
    period: Period


TERMS_EXAMPLE = {"single_point_of_contact": "housing officer inbox",
                 "services": ["housing management"]}


class Terms(Body):
    """Structured terms; the always-open exceptions are added by the service, always."""

    permitted_channels: list[Channel] = Field(default_factory=list, max_length=7)
    permitted_days: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=list,
                                                                      max_length=7)
    permitted_hours: Hours | None = None
    single_point_of_contact: Name | None = None
    written_only: bool = False
    no_face_to_face: bool = False
    excluded_premises: list[Name] = Field(default_factory=list, max_length=20)
    file_without_reply: bool = False
    same_matter_bar: list[Name] = Field(default_factory=list, max_length=20)
    issue_quota: IssueQuota | None = None
    via_advocate_only: bool = False
    services: list[Name] = Field(default_factory=list, max_length=20)
    organisation_wide: bool = False
    scope_justification: Reason | None = None
    model_config = example(**TERMS_EXAMPLE)

    def to_domain(self) -> RestrictionTerms:
        return RestrictionTerms(
            permitted_channels=frozenset(self.permitted_channels),
            permitted_days=frozenset(self.permitted_days),
            permitted_hours=(self.permitted_hours.start, self.permitted_hours.end)
            if self.permitted_hours else None,
            single_point_of_contact=self.single_point_of_contact,
            written_only=self.written_only, no_face_to_face=self.no_face_to_face,
            excluded_premises=tuple(self.excluded_premises),
            file_without_reply=self.file_without_reply,
            same_matter_bar=tuple(self.same_matter_bar),
            issue_quota=(self.issue_quota.issues, self.issue_quota.period)
            if self.issue_quota else None,
            via_advocate_only=self.via_advocate_only, services=tuple(self.services),
            organisation_wide=self.organisation_wide,
            scope_justification=self.scope_justification)


class ProposeRestriction(Command):
    terms: Terms
    evidence: Evidence
    reason: Reason
    review_date: date
    ends_on: date | None = None
    model_config = example(terms=TERMS_EXAMPLE, evidence=[EXAMPLE_ID],
                           reason="Abuse continued after the formal warning.",
                           review_date="2027-02-26")


class ImposeImmediateRestriction(Command):
    terms: Terms
    evidence: Evidence
    reason: Reason
    ends_on: date | None = None
    model_config = example(terms=TERMS_EXAMPLE, evidence=[EXAMPLE_ID],
                           reason="Threatened the officer at the office counter.")


class DecideRestriction(Command):
    outcome: Literal["approved", "rejected"]
    reason: Reason
    review_date: date | None = None
    behaviour_justification: Reason | None = None
    model_config = example(outcome="approved",
                           reason="Proportionate to the abuse recorded; checks are current.")


class Ratify(Command):
    outcome: Literal["ratified", "refused"]
    reason: Reason
    review_date: date | None = Field(default=None, description="required to ratify")
    model_config = example(outcome="ratified", reason="The threat was serious and recorded.",
                           review_date="2027-02-26")


class LiftRestriction(Command):
    reason: Reason
    model_config = example(reason="No further incidents for two months.")


class ExtendRestriction(Command):
    ends_on: date = Field(description="the new end date: after today and after the current "
                                      "one (an earlier end is a lift or a review)")
    reason: Reason
    model_config = example(ends_on="2027-05-26",
                           reason="Breaches of the terms continued this quarter.")


class CompleteReview(Command):
    outcome: ReviewOutcome
    reason: Reason
    evidence: list[UUID] = Field(default_factory=list, max_length=100)
    next_review_date: date | None = None
    new_terms: Terms | None = None
    behaviour_justification: Reason | None = None
    model_config = example(outcome="continue", reason="Two breaches of terms this quarter.",
                           evidence=[EXAMPLE_ID], next_review_date="2027-05-26")


class LodgeAppeal(Command):
    grounds: OptionalText = ""
    notice_id: UUID | None = Field(
        default=None, description="the variation notice (a review that varied the "
        "restriction, an extension) whose decision the appeal answers; its own appeal window "
        "counts from that notice. Default: the restriction's own notice")
    model_config = example(grounds="The customer says the calls were about an urgent repair.",
                           occurred_at="2026-11-30T09:15:00+00:00")


class DecideAppeal(Command):
    outcome: AppealOutcome
    reason: Reason
    evidence: list[UUID] = Field(default_factory=list, max_length=100)
    new_terms: Terms | None = None
    model_config = example(outcome="dismissed",
                           reason="The restriction was proportionate and reviewed on time.")


class LateAppealDecision(Command):
    reason: Reason
    model_config = example(reason="The customer was in hospital during the appeal window.")


class RecordNoticeSent(Command):
    notice_format: NoticeFormat = NoticeFormat.STANDARD
    model_config = example(notice_format="large_print")


# --- other events a case must take -----------------------------------------------------------

class AssignOwner(Command):
    owner_id: StaffId = Field(description="the staff user id of the new case owner")
    reason: Reason
    model_config = example(owner_id="maya", reason="Knows the customer's housing history.")


class RecordCounterAllegation(Command):
    staff_id: StaffId
    summary: Text
    model_config = example(staff_id="maya", summary="Says the officer was rude on the phone.")


class NominateRepresentative(Command):
    kind: RepresentativeKind
    details: Text
    consent_on: date
    model_config = example(kind="advocate", details="Citizens Advice, Leeds office.",
                           consent_on="2026-11-27")


class RecordOmbudsmanContact(Command):
    stage: OmbudsmanStage
    reference: Name
    due_on: date | None = None
    details: OptionalText = ""
    model_config = example(stage="enquiry", reference="HOS-2026-1234", due_on="2026-12-14")


class RecordRestrictionComplaint(Command):
    summary: Text
    model_config = example(summary="Complains that the single point of contact never replies.")


class RecordSubjectAccessRequest(Command):
    model_config = example(occurred_at="2026-11-30T09:15:00+00:00")


class RecordTenancyEnded(Command):
    ended_on: date
    model_config = example(ended_on="2026-11-27")


class OverrideSetting(Command):
    setting: Setting
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    reason: Reason
    model_config = example(setting="appeal_window", value="30 working_days",
                           reason="The customer's advocate is only available fortnightly.")


class CloseCase(Command):
    reason: Reason
    model_config = example(reason="Restriction lifted, notice sent, no contact for 6 months.")


class ChangeSetting(Body):
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    reason: Reason
    model_config = example(value="3 months", reason="Committee recommendation, Q3 2026.")
