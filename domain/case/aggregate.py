"""The Case aggregate: one per customer; each public method checks a rule, then records.

Commands take a ``Stamp`` (who, when it happened, when it is recorded, the client's command
id). Rules are checked against the case's state before anything is recorded, so a refused
command leaves the case untouched. The commands live in mixins by the lifecycle's seams
(``domain.case.contacts``, ``warnings``, ``restrictions``, ``notices``, ``appeals``,
``matters``, ``retention``, ``firing``); the rules they share are in ``domain.case.core``.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import events as ev
from domain.case.appeals import AppealCommands
from domain.case.contacts import ContactCommands
from domain.case.core import CaseCore
from domain.case.equality import EqualityCommands
from domain.case.firing import ClockCommands
from domain.case.matters import MatterCommands
from domain.case.notices import NoticeCommands
from domain.case.remedies import RemedyCommands
from domain.case.restrictions import RestrictionCommands
from domain.case.retention import RetentionCommands
from domain.case.stamp import Stamp
from domain.case.warnings import WarningCommands
from domain.identity import normalise
from domain.permissions import (
    FRONT_LINE,
    require_role,
)
from domain.personal import PersonalData


class Case(ContactCommands, WarningCommands, RestrictionCommands, NoticeCommands,
           AppealCommands, MatterCommands, RemedyCommands, RetentionCommands, ClockCommands,
           EqualityCommands, CaseCore, Aggregate):
    TOPIC = "upc.case:Case"

    Event = ev.CaseEvent
    Created = ev.Opened
    Opened = ev.Opened
    ContactRecorded = ev.ContactRecorded
    ContactTriaged = ev.ContactTriaged
    IncidentRecorded = ev.IncidentRecorded
    StaffSupportRecorded = ev.StaffSupportRecorded
    ConcernRaised = ev.ConcernRaised
    WarningGiven = ev.WarningGiven
    WarningLapsed = ev.WarningLapsed
    CheckRecorded = ev.CheckRecorded
    VulnerabilityInfoRecorded = ev.VulnerabilityInfoRecorded
    LegitimateIssueResolved = ev.LegitimateIssueResolved
    RestrictionProposed = ev.RestrictionProposed
    RestrictionApproved = ev.RestrictionApproved
    RestrictionRejected = ev.RestrictionRejected
    ImmediateRestrictionImposed = ev.ImmediateRestrictionImposed
    ImmediateRestrictionRatified = ev.ImmediateRestrictionRatified
    RatificationOverdue = ev.RatificationOverdue
    NoticeSent = ev.NoticeSent
    NoticeOverdue = ev.NoticeOverdue
    NoticeEmailRequested = ev.NoticeEmailRequested
    NoticeEmailStarted = ev.NoticeEmailStarted
    NoticeEmailFailed = ev.NoticeEmailFailed
    AppealLodged = ev.AppealLodged
    LateAppealRejected = ev.LateAppealRejected
    LateAppealAccepted = ev.LateAppealAccepted
    AppealOverdue = ev.AppealOverdue
    AppealDecided = ev.AppealDecided
    AppealDecisionReminded = ev.AppealDecisionReminded
    AppealWindowClosed = ev.AppealWindowClosed
    RestrictionExtended = ev.RestrictionExtended
    SubjectAccessOverdue = ev.SubjectAccessOverdue
    OmbudsmanMatterOverdue = ev.OmbudsmanMatterOverdue
    ReviewDue = ev.ReviewDue
    ReviewOverdue = ev.ReviewOverdue
    ReviewCompleted = ev.ReviewCompleted
    RestrictionLifted = ev.RestrictionLifted
    RestrictionExpired = ev.RestrictionExpired
    CounterAllegationMade = ev.CounterAllegationMade
    RepresentativeNominated = ev.RepresentativeNominated
    OmbudsmanContacted = ev.OmbudsmanContacted
    RestrictionComplaintMade = ev.RestrictionComplaintMade
    SubjectAccessRequested = ev.SubjectAccessRequested
    TenancyEnded = ev.TenancyEnded
    SettingOverridden = ev.SettingOverridden
    CaseClosed = ev.CaseClosed
    SubjectAccessExtended = ev.SubjectAccessExtended
    SubjectAccessFulfilled = ev.SubjectAccessFulfilled
    RestrictionComplaintResolved = ev.RestrictionComplaintResolved
    OmbudsmanMatterClosed = ev.OmbudsmanMatterClosed
    OmbudsmanDetermined = ev.OmbudsmanDetermined
    RemedyCompleted = ev.RemedyCompleted
    RemedyOverdue = ev.RemedyOverdue
    LegalHoldPlaced = ev.LegalHoldPlaced
    LegalHoldReleased = ev.LegalHoldReleased
    PersonErased = ev.PersonErased
    CaseDisposed = ev.CaseDisposed
    CaseOwnerAssigned = ev.CaseOwnerAssigned
    EqualityMonitoringRecorded = ev.EqualityMonitoringRecorded
    EqualityConsentWithdrawn = ev.EqualityConsentWithdrawn

    @classmethod
    def open(cls, case_id: UUID, customer_ref: str, stamp: Stamp) -> Case:
        """A new case with a random id (the service picks it); the customer reference is
        sealed as the customer's personal data (their subject id is the case id)."""
        require_role(stamp.actor, FRONT_LINE, "open a case")
        ref = normalise(customer_ref)
        return cls._create(cls.Opened, id=case_id,
                           customer_ref=PersonalData(str(case_id), ref), **stamp.fields())
