"""Every rule of POLICY.md: the allowed path works, the forbidden path is refused with its
error, and a refused command records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from domain import errors
from domain.actors import Actor, Role
from domain.case import Case
from domain.terms import RestrictionTerms
from tests.unit.domain.story import (
    ADMIN,
    AUDITOR,
    CASEWORKER,
    COMMITTEE,
    MANAGER,
    MANAGER_2,
    ORG_WIDE,
    SENIOR,
    SENIOR_2,
    TERMS,
    WRITTEN_ONLY,
    Story,
)


def refused(story: Story, error: type[errors.DomainError], action: Callable[[], Any]) -> str:
    before = story.case.version
    with pytest.raises(error) as caught:
        action()
    assert story.case.version == before, "a refused command must record nothing"
    assert caught.value.code == error.code and caught.value.detail
    return caught.value.code


# --- roles ------------------------------------------------------------------------------

def test_caseworker_records_contacts_and_proposes(story: Story) -> None:
    story.record_contact()
    story.ready()
    story.propose(actor=CASEWORKER)
    assert len(story.case.restrictions) == 1


@pytest.mark.parametrize("actor", [AUDITOR, COMMITTEE])
def test_readers_change_nothing(story: Story, actor: Any) -> None:
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "record_contact", actor, channel="phone", direction="inbound",
        occurred_at=story.clock.now, summary="x"))


def test_formal_warning_needs_a_manager(story: Story) -> None:
    story.ready()
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "give_warning", CASEWORKER, kind="formal", evidence=[story.incident], reason="r"))
    story.do("give_warning", MANAGER, kind="formal", evidence=[story.incident], reason="r")
    assert [w.kind for w in story.case.warnings.values()] == ["formal"]


def test_caseworker_gives_informal_warning(story: Story) -> None:
    story.raise_concern()
    story.do("give_warning", CASEWORKER, kind="informal", evidence=[story.incident],
             reason="asked to keep calls civil")
    assert len(story.case.warnings) == 1


def test_checks_are_completed_by_managers_only(story: Story) -> None:
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "record_check", CASEWORKER, kind="other_agency", notes="n"))
    story.do("record_check", MANAGER, kind="other_agency", notes="n")


def test_ratification_needs_a_senior_manager(story: Story) -> None:
    restriction = story.impose_immediate()
    review = story.review_date()
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "ratify_immediate_restriction", MANAGER, restriction_id=restriction, reason="r",
        review_date=review))
    story.do("ratify_immediate_restriction", SENIOR, restriction_id=restriction, reason="r",
             review_date=review)
    assert story.case.restrictions[restriction].status == "active"


def test_appeals_are_decided_by_senior_managers_only(story: Story) -> None:
    story.ready()
    story.activate()
    appeal = story.lodge_appeal()
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "decide_appeal", MANAGER_2, appeal_id=appeal, outcome="dismissed", reason="r"))
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="r")


def test_recording_an_appeal_needs_a_manager(story: Story) -> None:
    story.ready()
    story.activate()
    refused(story, errors.RoleNotPermitted, lambda: story.lodge_appeal(CASEWORKER))
    story.lodge_appeal(MANAGER_2)


def test_clock_commands_are_not_for_caseworkers(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    refused(story, errors.RoleNotPermitted, lambda: story.app.mark_review_due(
        story.case_id, restriction, CASEWORKER))


# --- separation of duties -----------------------------------------------------------------

def test_proposer_cannot_approve(story: Story) -> None:
    story.ready()
    restriction = story.propose(actor=MANAGER)
    refused(story, errors.ApproverIsProposer, lambda: story.do(
        "approve_restriction", MANAGER, restriction_id=restriction, reason="r"))
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r")


def test_imposer_cannot_ratify(story: Story) -> None:
    threat = story.record_incident("threats_or_violence")
    case = story.do("impose_immediate_restriction", SENIOR, terms=TERMS, evidence=[threat],
                    reason="threat")
    restriction = next(iter(case.restrictions))
    review = story.review_date()
    refused(story, errors.RatifierIsImposer, lambda: story.do(
        "ratify_immediate_restriction", SENIOR, restriction_id=restriction, reason="r",
        review_date=review))
    story.do("ratify_immediate_restriction", SENIOR_2, restriction_id=restriction,
             reason="r", review_date=review)


THIRD_SENIOR = Actor("sam", Role.SENIOR_MANAGER)


@pytest.mark.parametrize("involvement", ["approver", "ratifier", "reviewer"])
def test_anyone_involved_cannot_decide_the_appeal(story: Story, involvement: str) -> None:
    story.ready()
    if involvement == "ratifier":
        restriction = story.impose_immediate()
        story.do("ratify_immediate_restriction", SENIOR, restriction_id=restriction,
                 reason="r", review_date=story.review_date())
        involved = SENIOR
    else:
        restriction = story.propose(ORG_WIDE)
        story.do("approve_restriction", SENIOR, restriction_id=restriction, reason="r")
        involved = SENIOR
        if involvement == "reviewer":
            story.do("complete_review", SENIOR_2, restriction_id=restriction,
                     outcome="continue", reason="still needed",
                     next_review_date=story.review_date())
            involved = SENIOR_2
    appeal = story.lodge_appeal()
    refused(story, errors.DeciderInvolved, lambda: story.do(
        "decide_appeal", involved, appeal_id=appeal, outcome="dismissed", reason="r"))
    story.do("decide_appeal", THIRD_SENIOR, appeal_id=appeal, outcome="dismissed", reason="r")


def test_staff_under_counter_allegation_are_conflicted(story: Story) -> None:
    story.ready()
    restriction = story.propose()
    story.do("record_counter_allegation", CASEWORKER, staff_id=MANAGER.user_id,
             summary="says the manager was rude")
    refused(story, errors.StaffConflicted, lambda: story.do(
        "approve_restriction", MANAGER, restriction_id=restriction, reason="r"))
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r")


def test_conflicted_senior_cannot_decide_appeal(story: Story) -> None:
    story.ready()
    story.activate()
    appeal = story.lodge_appeal()
    story.do("record_counter_allegation", CASEWORKER, staff_id=SENIOR.user_id, summary="s")
    refused(story, errors.StaffConflicted, lambda: story.do(
        "decide_appeal", SENIOR, appeal_id=appeal, outcome="dismissed", reason="r"))
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="r")


# --- evidence, concern, checks ------------------------------------------------------------

def test_concern_needs_evidence(story: Story) -> None:
    refused(story, errors.EvidenceRequired, lambda: story.do(
        "raise_concern", CASEWORKER, evidence=[], reason="r"))
    refused(story, errors.UnknownEvidence, lambda: story.do(
        "raise_concern", CASEWORKER, evidence=["not-a-record"], reason="r"))
    contact = story.record_contact()
    story.do("raise_concern", CASEWORKER, evidence=[str(contact)], reason="r")
    assert len(story.case.concerns) == 1


def test_restriction_needs_evidence(story: Story) -> None:
    story.ready()
    refused(story, errors.EvidenceRequired, lambda: story.do(
        "propose_restriction", CASEWORKER, terms=TERMS, evidence=[], reason="r",
        review_date=story.review_date()))
    story.propose()


def test_warning_needs_a_concern(story: Story) -> None:
    incident = story.record_incident()
    refused(story, errors.ConcernRequired, lambda: story.do(
        "give_warning", CASEWORKER, kind="informal", evidence=[incident], reason="r"))
    story.raise_concern()
    story.do("give_warning", CASEWORKER, kind="informal", evidence=[incident], reason="r")


def test_no_decision_without_every_check(story: Story) -> None:
    story.raise_concern()
    restriction = story.propose()
    story.do("record_check", MANAGER, kind="vulnerability_assessment", notes="n")
    code = refused(story, errors.ChecksIncomplete, lambda: story.do(
        "approve_restriction", MANAGER_2, restriction_id=restriction, reason="r"))
    assert code == "pre-decision-checks-incomplete"
    story.complete_checks()
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r")


def test_customer_may_decline_the_assessment(story: Story) -> None:
    story.raise_concern().complete_checks()
    story.do("record_check", MANAGER, kind="vulnerability_assessment", notes="declined",
             customer_declined=True)
    story.do("give_warning", MANAGER, kind="formal", evidence=[story.incident], reason="r")


def test_new_vulnerability_information_makes_checks_stale(story: Story) -> None:
    story.ready()
    restriction = story.propose()
    story.clock.advance(minutes=5)
    story.do("record_vulnerability_info", CASEWORKER, details="recent diagnosis of PTSD")
    refused(story, errors.AssessmentStale, lambda: story.do(
        "approve_restriction", MANAGER_2, restriction_id=restriction, reason="r"))
    story.clock.advance(minutes=5)
    story.complete_checks()
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r")


def test_legitimate_issue_safeguard(story: Story) -> None:
    story.raise_concern().complete_checks(legitimate_issue=True)
    restriction = story.propose()
    refused(story, errors.LegitimateIssueUnresolved, lambda: story.do(
        "approve_restriction", MANAGER_2, restriction_id=restriction, reason="r"))
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r",
             behaviour_justification="threats continue although the leak is fixed")


def test_legitimate_issue_fixed_first(story: Story) -> None:
    story.raise_concern().complete_checks(legitimate_issue=True)
    refused(story, errors.LegitimateIssueUnresolved, lambda: story.do(
        "give_warning", MANAGER, kind="formal", evidence=[story.incident], reason="r"))
    story.clock.advance(minutes=1)
    story.do("resolve_legitimate_issue", MANAGER, reason="leak repaired, compensation paid")
    story.do("give_warning", MANAGER, kind="formal", evidence=[story.incident], reason="r")


# --- terms -----------------------------------------------------------------------------

def test_always_open_exceptions_cannot_be_removed() -> None:
    with pytest.raises(errors.AlwaysOpenExceptionRemoved):
        RestrictionTerms(no_face_to_face=True, services=("x",), always_open=frozenset())
    assert len(RestrictionTerms(no_face_to_face=True, services=("x",)).always_open) == 6


def test_organisation_wide_scope_needs_a_justification() -> None:
    with pytest.raises(errors.ScopeJustificationRequired):
        RestrictionTerms(no_face_to_face=True, organisation_wide=True)
    assert ORG_WIDE.organisation_wide


def test_terms_must_restrict_something_and_name_a_scope() -> None:
    with pytest.raises(errors.InvalidTerms):
        RestrictionTerms(services=("repairs",))
    with pytest.raises(errors.InvalidTerms):
        RestrictionTerms(no_face_to_face=True)


def test_terms_round_trip_through_events() -> None:
    terms = RestrictionTerms(written_only=True, permitted_days=frozenset({0, 2}),
                             issue_quota=(1, "1 months"), services=("repairs",),
                             same_matter_bar=("boiler",))
    assert RestrictionTerms.from_dict(terms.to_dict()) == terms


def test_written_only_needs_a_confirming_adjustment_check(story: Story) -> None:
    story.raise_concern().complete_checks(written_ok=False)
    refused(story, errors.WrittenOnlyNotConfirmed, lambda: story.propose(WRITTEN_ONLY))
    story.complete_checks(written_ok=True)
    story.propose(WRITTEN_ONLY)


def test_organisation_wide_needs_a_senior_manager(story: Story) -> None:
    story.ready()
    restriction = story.propose(ORG_WIDE)
    refused(story, errors.OrganisationWideNeedsSeniorManager, lambda: story.do(
        "approve_restriction", MANAGER, restriction_id=restriction, reason="r"))
    story.do("approve_restriction", SENIOR, restriction_id=restriction, reason="r")


# --- review dates -------------------------------------------------------------------------

def test_review_date_within_the_maximum(story: Story) -> None:
    story.ready()
    refused(story, errors.ReviewDateBeyondMaximum, lambda: story.do(
        "propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
        reason="r", review_date=story.today + timedelta(days=190)))
    story.do("propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
             reason="r", review_date=story.today + timedelta(days=180))


def test_review_date_not_in_the_past(story: Story) -> None:
    story.ready()
    refused(story, errors.ReviewDateInPast, lambda: story.do(
        "propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
        reason="r", review_date=story.today - timedelta(days=1)))


def test_continuing_needs_a_new_review_date(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    refused(story, errors.ReviewDateRequired, lambda: story.do(
        "complete_review", MANAGER_2, restriction_id=restriction, outcome="continue",
        reason="still needed"))
    story.do("complete_review", MANAGER_2, restriction_id=restriction, outcome="continue",
             reason="still needed", next_review_date=story.review_date())


def test_maximum_review_period_follows_the_case_override(story: Story) -> None:
    story.ready()
    refused(story, errors.ReasonRequired, lambda: story.do(
        "override_setting", MANAGER, setting="review_maximum", value="2 months", reason=" "))
    story.do("override_setting", MANAGER, setting="review_maximum", value="2 months",
             reason="customer's advocate asked for an early look")
    refused(story, errors.ReviewDateBeyondMaximum, lambda: story.propose())


# --- appeals ----------------------------------------------------------------------------

def test_appeal_in_time_is_not_late(story: Story) -> None:
    story.ready()
    story.activate()
    story.clock.advance(days=27)  # 19 working days later (no bank holidays in March 2026)
    appeal = story.lodge_appeal()
    assert story.case.appeals[appeal].late is False


def test_appeal_after_the_window_is_late_and_needs_a_senior_manager(story: Story) -> None:
    story.ready()
    story.activate()
    story.clock.advance(days=29)  # 21 working days after the notice
    appeal = story.lodge_appeal()
    assert story.case.appeals[appeal].late is True
    refused(story, errors.LateAppealNotAccepted, lambda: story.do(
        "decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="r"))
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "accept_late_appeal", MANAGER, appeal_id=appeal, reason="in hospital"))
    refused(story, errors.ReasonRequired, lambda: story.do(
        "accept_late_appeal", SENIOR_2, appeal_id=appeal, reason=""))
    story.do("accept_late_appeal", SENIOR_2, appeal_id=appeal, reason="in hospital")
    story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="dismissed", reason="r")


def test_late_appeal_can_be_rejected_by_a_manager(story: Story) -> None:
    story.ready()
    story.activate()
    story.clock.advance(days=40)
    appeal = story.lodge_appeal()
    story.do("reject_late_appeal", MANAGER_2, appeal_id=appeal, reason="no reason given")
    assert story.case.appeals[appeal].status == "rejected_as_late"


def test_only_late_appeals_are_accepted_late(story: Story) -> None:
    story.ready()
    story.activate()
    appeal = story.lodge_appeal()
    refused(story, errors.AppealNotLate, lambda: story.do(
        "accept_late_appeal", SENIOR_2, appeal_id=appeal, reason="r"))


def test_one_open_appeal_per_restriction(story: Story) -> None:
    story.ready()
    story.activate()
    story.lodge_appeal()
    refused(story, errors.AppealAlreadyOpen, lambda: story.lodge_appeal())


def test_upheld_appeal_lifts_and_owes_a_lift_notice(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    appeal = story.lodge_appeal()
    case = story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="upheld",
                    reason="abuse not evidenced")
    assert case.restrictions[restriction].status == "lifted"
    assert {n.kind for n in case.notices.values() if n.sent_at is None} == {
        "appeal_outcome", "lift"}


def test_varied_appeal_needs_new_terms(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    appeal = story.lodge_appeal()
    refused(story, errors.InvalidInput, lambda: story.do(
        "decide_appeal", SENIOR_2, appeal_id=appeal, outcome="varied", reason="r"))
    lighter = RestrictionTerms(permitted_days=frozenset({0, 1, 2}), services=("repairs",))
    case = story.do("decide_appeal", SENIOR_2, appeal_id=appeal, outcome="varied",
                    reason="r", new_terms=lighter)
    assert case.restrictions[restriction].terms == lighter.to_dict()


# --- immediate restrictions, lifting, closing ----------------------------------------------

def test_immediate_restriction_needs_a_threat(story: Story) -> None:
    incident = story.record_incident("abusive_or_aggressive")
    refused(story, errors.ThreatRequired, lambda: story.do(
        "impose_immediate_restriction", CASEWORKER, terms=TERMS, evidence=[incident],
        reason="r"))
    story.impose_immediate()
    assert next(iter(story.case.restrictions.values())).status == "awaiting_ratification"


def test_refused_ratification_lifts(story: Story) -> None:
    restriction = story.impose_immediate()
    story.do("refuse_ratification", SENIOR, restriction_id=restriction, reason="not a threat")
    assert story.case.restrictions[restriction].status == "lifted"


def test_no_closure_while_a_lift_notice_is_owed(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    refused(story, errors.RestrictionInForce, lambda: story.do(
        "close_case", MANAGER, reason="done"))
    story.do("lift_restriction", MANAGER, restriction_id=restriction, reason="behaviour improved")
    refused(story, errors.LiftNoticeOwed, lambda: story.do(
        "close_case", MANAGER, reason="done"))
    story.send_owed_notices()
    case = story.do("close_case", MANAGER, reason="done")
    assert case.status == "closed" and case.retain_until is not None
    assert case.retain_until.year == story.today.year + 6


def test_closed_case_takes_no_new_facts(story: Story) -> None:
    story.do("close_case", MANAGER, reason="concern not substantiated")
    refused(story, errors.CaseClosed, lambda: story.record_contact())


def test_review_only_of_an_active_restriction(story: Story) -> None:
    story.ready()
    restriction = story.propose()
    refused(story, errors.RestrictionNotActive, lambda: story.do(
        "complete_review", MANAGER, restriction_id=restriction, outcome="lift", reason="r"))
    story.do("approve_restriction", MANAGER, restriction_id=restriction, reason="r")
    story.do("complete_review", MANAGER_2, restriction_id=restriction, outcome="lift",
             reason="behaviour improved")
    assert story.case.restrictions[restriction].status == "lifted"


def test_a_proposal_is_decided_once(story: Story) -> None:
    story.ready()
    restriction = story.propose()
    story.do("reject_restriction", MANAGER, restriction_id=restriction, reason="not needed")
    refused(story, errors.RestrictionNotProposed, lambda: story.do(
        "approve_restriction", MANAGER_2, restriction_id=restriction, reason="r"))


def test_ratify_only_what_awaits_ratification(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    refused(story, errors.RestrictionNotAwaitingRatification, lambda: story.do(
        "ratify_immediate_restriction", SENIOR, restriction_id=restriction, reason="r",
        review_date=story.review_date()))


# --- contacts, incidents, support, notices --------------------------------------------------

def test_contact_is_triaged_exactly_once_and_a_breach_is_an_incident(story: Story) -> None:
    contact = story.record_contact()
    case = story.do("triage_contact", CASEWORKER, contact_id=contact,
                    classification="breach_of_terms")
    assert [i.category for i in case.incidents.values()] == ["breach_of_terms"]
    refused(story, errors.ContactAlreadyTriaged, lambda: story.do(
        "triage_contact", CASEWORKER, contact_id=contact, classification="emergency"))


def test_staff_support_is_offered_before_it_is_answered(story: Story) -> None:
    incident = story.record_incident()
    refused(story, errors.SupportNotOffered, lambda: story.do(
        "record_staff_support", MANAGER, incident_id=UUID(incident), staff_id="cara",
        response="accepted"))
    story.do("record_staff_support", MANAGER, incident_id=UUID(incident), staff_id="cara",
             response="offered")
    case = story.do("record_staff_support", MANAGER, incident_id=UUID(incident),
                    staff_id="cara", response="declined")
    assert case.incidents[UUID(incident)].support == {"cara": "declined"}


def test_notice_is_sent_once_in_the_customers_format(story: Story) -> None:
    story.raise_concern().complete_checks()
    story.do("record_check", MANAGER, kind="vulnerability_assessment", notes="sight loss",
             adjustments=["large_print"])
    case = story.do("give_warning", CASEWORKER, kind="informal", evidence=[story.incident],
                    reason="r")
    notice = next(iter(case.notices))
    refused(story, errors.InvalidInput, lambda: story.do(
        "record_notice_sent", CASEWORKER, notice_id=notice, notice_format="standard"))
    story.do("record_notice_sent", CASEWORKER, notice_id=notice, notice_format="large_print")
    refused(story, errors.NoticeAlreadySent, lambda: story.do(
        "record_notice_sent", CASEWORKER, notice_id=notice, notice_format="large_print"))


def test_representative_needs_consent(story: Story) -> None:
    refused(story, errors.InvalidInput, lambda: story.do(
        "nominate_representative", CASEWORKER, kind="advocate", details="Jo Bloggs, Mind",
        consent_on=None))
    story.do("nominate_representative", CASEWORKER, kind="advocate", details="Jo Bloggs",
             consent_on=story.today)
    assert len(story.case.representatives) == 1


def test_other_events_are_recorded(story: Story) -> None:
    story.ready()
    restriction = story.activate()
    story.do("record_ombudsman_contact", MANAGER, stage="enquiry", reference="HOS-1",
             due_on=story.today + timedelta(days=10))
    story.do("record_restriction_complaint", CASEWORKER, restriction_id=restriction,
             summary="unfair")
    story.do("record_subject_access_request", CASEWORKER)
    case: Case = story.do("record_tenancy_ended", CASEWORKER, ended_on=story.today)
    assert case.tenancy_ended_on == story.today and case.ombudsman and case.complaints


# --- bad input ------------------------------------------------------------------------------

def test_naive_timestamps_are_refused(story: Story) -> None:
    refused(story, errors.NaiveTimestamp, lambda: story.do(
        "record_contact", CASEWORKER, channel="phone", direction="inbound",
        occurred_at=story.clock.now.replace(tzinfo=None), summary="x"))


def test_future_timestamps_are_refused_but_back_dating_is_fine(story: Story) -> None:
    refused(story, errors.FutureTimestamp, lambda: story.do(
        "record_contact", CASEWORKER, channel="phone", direction="inbound",
        occurred_at=story.clock.now + timedelta(days=1), summary="x"))
    case = story.do("record_contact", CASEWORKER, channel="phone", direction="inbound",
                    occurred_at=story.clock.now - timedelta(days=30), summary="x")
    event = story.app.events.get(case.id)
    last = list(event)[-1]
    assert last.occurred_at < last.recorded_at  # type: ignore[attr-defined]


@pytest.mark.parametrize("field,value", [("channel", "pigeon"), ("direction", "sideways")])
def test_unknown_channels_are_refused(story: Story, field: str, value: str) -> None:
    kwargs = {"channel": "phone", "direction": "inbound", field: value}
    refused(story, errors.UnknownCode, lambda: story.do(
        "record_contact", CASEWORKER, occurred_at=story.clock.now, summary="x", **kwargs))


def test_unknown_behaviour_categories_are_refused(story: Story) -> None:
    refused(story, errors.UnknownCode, lambda: story.do(
        "record_incident", CASEWORKER, category="vexatious", description="x",
        occurred_at=story.clock.now))


def test_empty_reasons_are_refused(story: Story) -> None:
    story.ready()
    restriction = story.propose()
    refused(story, errors.ReasonRequired, lambda: story.do(
        "approve_restriction", MANAGER, restriction_id=restriction, reason="  "))


# --- the case owner ----------------------------------------------------------------------

def test_a_manager_assigns_the_case_owner(story: Story) -> None:
    case = story.do("assign_owner", MANAGER, owner_id="milo", reason="knows the history")
    assert case.owner_id == "milo"
    case = story.do("assign_owner", SENIOR, owner_id=" sana ", reason="escalated")
    assert case.owner_id == "sana"
    before = story.case.version
    story.do("assign_owner", MANAGER, owner_id="sana", reason="again")  # already the owner
    assert story.case.version == before


@pytest.mark.parametrize("actor", [CASEWORKER, AUDITOR, COMMITTEE, ADMIN])
def test_only_managers_assign_the_case_owner(story: Story, actor: Actor) -> None:
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "assign_owner", actor, owner_id="milo", reason="r"))


def test_the_owner_is_not_someone_the_customer_has_accused(story: Story) -> None:
    story.do("record_counter_allegation", CASEWORKER, staff_id="milo", summary="rude to me")
    refused(story, errors.OwnerConflicted, lambda: story.do(
        "assign_owner", MANAGER, owner_id="milo", reason="r"))
    story.do("assign_owner", MANAGER, owner_id="mo", reason="not involved")


def test_an_accused_manager_does_not_choose_the_owner(story: Story) -> None:
    story.do("record_counter_allegation", CASEWORKER, staff_id=MANAGER.user_id, summary="rude")
    refused(story, errors.StaffConflicted, lambda: story.do(
        "assign_owner", MANAGER, owner_id="mo", reason="r"))


def test_assigning_an_owner_needs_a_name_and_a_reason(story: Story) -> None:
    refused(story, errors.InvalidInput, lambda: story.do(
        "assign_owner", MANAGER, owner_id="  ", reason="r"))
    refused(story, errors.ReasonRequired, lambda: story.do(
        "assign_owner", MANAGER, owner_id="mo", reason=" "))
