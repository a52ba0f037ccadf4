"""Free text staff write into decisions is the customer's personal data: sealed at rest with
the customer's key, readable through the application, erased with the key; v1 events that
stored it in clear still read (as the customer's personal data)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain import errors
from domain.application import CaseService
from domain.personal import ERASED_TEXT, PersonalData
from domain.terms import RestrictionTerms
from tests.unit.domain.story import ADMIN, MANAGER, MANAGER_2, SENIOR, Story
from tests.unit.domain.test_rules import refused

SECRET = "called 40 times about his mother's cancer treatment"
MATTERS = RestrictionTerms(same_matter_bar=("his mother's care package", "the 2019 leak"),
                           services=("repairs",))
ORG_WIDE_SECRET = RestrictionTerms(no_face_to_face=True, organisation_wide=True,
                                   scope_justification=f"{SECRET} at every office")


def stored_text(app: CaseService, case_id: UUID) -> str:
    return "\n".join(s.state.decode("utf-8", "replace")
                     for s in app.recorder.select_events(case_id))


def events_named(app: CaseService, case_id: UUID, name: str) -> list[Any]:
    return [e for e in app.repository.event_store.get(case_id) if type(e).__name__ == name]


def test_decision_text_is_sealed_at_rest_and_opened_by_the_application(story: Story) -> None:
    story.raise_concern().complete_checks(legitimate_issue=True)
    restriction = story.propose(MATTERS)
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason=SECRET,
             behaviour_justification=f"threats continue; {SECRET}")
    story.do("place_legal_hold", ADMIN, reason=f"county court claim: {SECRET}")
    story.do("record_ombudsman_contact", MANAGER, stage="enquiry", reference="HOS-2026-99173")

    at_rest = stored_text(story.app, story.case_id)
    for secret in (SECRET, "his mother's care package", "the 2019 leak", "HOS-2026-99173",
                   "repeated abuse on the phone"):
        assert secret not in at_rest
    assert "repairs" in at_rest  # coded and organisational terms stay in clear

    (approved,) = events_named(story.app, story.case_id, "RestrictionApproved")
    assert isinstance(approved.reason, PersonalData) and str(approved.reason) == SECRET
    assert str(approved.behaviour_justification) == f"threats continue; {SECRET}"
    (hold,) = events_named(story.app, story.case_id, "LegalHoldPlaced")
    assert str(hold.reason) == f"county court claim: {SECRET}"
    (proposed,) = events_named(story.app, story.case_id, "RestrictionProposed")
    assert "same_matter_bar" not in proposed.terms
    assert set(proposed.personal_terms) == {"same_matter_bar"}
    case = story.case
    assert case.restrictions[restriction].terms == MATTERS.to_dict()
    (matter,) = case.ombudsman.values()
    assert str(matter.reference) == "HOS-2026-99173"


def test_organisation_wide_justification_is_sealed(story: Story) -> None:
    story.ready()
    restriction = story.propose(ORG_WIDE_SECRET)
    assert SECRET not in stored_text(story.app, story.case_id)
    assert story.case.restrictions[restriction].terms == ORG_WIDE_SECRET.to_dict()
    story.do("approve_restriction", SENIOR, restriction_id=restriction, reason="r")


def test_erasure_erases_the_decision_text_and_the_case_still_works(story: Story) -> None:
    story.ready()
    restriction = story.propose(MATTERS)
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason=SECRET)
    story.do("erase_person", ADMIN)

    (approved,) = events_named(story.app, story.case_id, "RestrictionApproved")
    assert str(approved.reason) == ERASED_TEXT
    case = story.case
    assert case.restrictions[restriction].terms["same_matter_bar"] == [ERASED_TEXT]
    # Decisions go on after an erasure: the fact is recorded, the words are not kept.
    story.do("lift_restriction", MANAGER, restriction_id=restriction, reason=SECRET)
    (lifted,) = events_named(story.app, story.case_id, "RestrictionLifted")
    assert lifted.reason.erased
    assert SECRET not in stored_text(story.app, story.case_id)


def test_a_reason_is_still_required_and_a_blank_justification_is_not_kept(
        story: Story) -> None:
    story.ready()
    restriction = story.propose()
    refused(story, errors.ReasonRequired, lambda: story.do(
        "approve_restriction", MANAGER_2, restriction_id=restriction, reason="   "))
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason=" r ",
             behaviour_justification="  ")
    (approved,) = events_named(story.app, story.case_id, "RestrictionApproved")
    assert approved.behaviour_justification is None and str(approved.reason) == "r"


def as_v1(app: CaseService, event: Any, **plain: Any) -> StoredEvent:
    """The event as version 1 stored it: free text in clear, no class_version."""
    state = {k: v for k, v in vars(event).items() if k != "personal_terms"}
    state.update(plain)
    stored = app.mapper.to_stored_event(event)
    return StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                       app.mapper.transcoder.encode(state))


def test_version_1_events_with_plain_text_still_read(story: Story) -> None:
    story.ready()
    restriction = story.propose(MATTERS)
    case_id = story.case_id
    subject = str(case_id)
    (proposed,) = events_named(story.app, case_id, "RestrictionProposed")
    old = as_v1(story.app, proposed, reason=SECRET, terms=MATTERS.to_dict())
    upcast = story.app.mapper.to_domain_event(old)
    assert upcast.reason == PersonalData(subject, SECRET)
    assert upcast.personal_terms["same_matter_bar"].subject_id == subject
    assert "same_matter_bar" not in upcast.terms

    story.do("record_ombudsman_contact", MANAGER, stage="enquiry", reference="HOS-1")
    (contacted,) = events_named(story.app, case_id, "OmbudsmanContacted")
    old = as_v1(story.app, contacted, reference="HOS-1")
    assert story.app.mapper.to_domain_event(old).reference == PersonalData(subject, "HOS-1")


def continued_review(story: Story) -> Any:
    """A restriction continued at review with no justification: the stored event."""
    story.ready()
    restriction = story.activate()
    story.do("complete_review", MANAGER_2, restriction_id=restriction, outcome="continue",
             reason="still abusive", next_review_date=story.review_date())
    (review,) = events_named(story.app, story.case_id, "ReviewCompleted")
    return review


def test_version_1_reviews_read_without_a_justification(story: Story) -> None:
    review = continued_review(story)
    old = as_v1(story.app, review, reason="still abusive")
    state = story.app.mapper.transcoder.decode(old.state)
    del state["behaviour_justification"]  # v1 reviews had no such field
    old = StoredEvent(old.originator_id, old.originator_version, old.topic,
                      story.app.mapper.transcoder.encode(state))
    upcast = story.app.mapper.to_domain_event(old)
    assert upcast.behaviour_justification is None and upcast.personal_terms == {}
    assert str(upcast.reason) == "still abusive"


# --- the legitimate-issue safeguard at review time (ReviewCompleted v2) -------------------

def test_review_despite_open_service_failure_needs_and_keeps_a_justification(
        story: Story) -> None:
    story.raise_concern().complete_checks(legitimate_issue=True)
    restriction = story.propose()
    story.do("approve_restriction", MANAGER_2, restriction_id=restriction, reason="r",
             behaviour_justification="threats continue although the leak is fixed")
    refused(story, errors.LegitimateIssueUnresolved, lambda: story.do(
        "complete_review", MANAGER, restriction_id=restriction, outcome="continue",
        reason="still abusive", next_review_date=story.review_date()))
    story.do("complete_review", MANAGER, restriction_id=restriction, outcome="continue",
             reason="still abusive", next_review_date=story.review_date(),
             behaviour_justification=f"threats, not the leak: {SECRET}")
    (review,) = events_named(story.app, story.case_id, "ReviewCompleted")
    assert str(review.behaviour_justification) == f"threats, not the leak: {SECRET}"
    assert SECRET not in stored_text(story.app, story.case_id)


def test_review_without_a_justification_records_none(story: Story) -> None:
    review = continued_review(story)
    assert review.behaviour_justification is None
