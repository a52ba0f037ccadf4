"""Ombudsman determinations: each ordered remedy (apology, compensation, review, policy
change) with its due date is a clock that escalates once when overdue, and records completion.
Each rule: the allowed path, and the refused path recording nothing."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from domain import clocks, errors
from domain.calendar import end_of
from tests.unit.domain.story import AUDITOR, CASEWORKER, MANAGER, SENIOR, Story
from tests.unit.domain.test_clocks import fire
from tests.unit.domain.test_rules import refused


def matter(story: Story, due_on: date | None = None) -> UUID:
    case = story.do("record_ombudsman_contact", MANAGER, stage="order", reference="HOS-7",
                    due_on=due_on)
    return list(case.ombudsman)[-1]


def determine(story: Story, matter_id: UUID, *remedies: tuple[str, date]) -> list[UUID]:
    before = set(story.case.remedies)
    case = story.do("record_ombudsman_determination", MANAGER, matter_id=matter_id,
                    remedies=list(remedies), details="Maladministration in complaint handling.")
    return [r for r in case.remedies if r not in before]


def test_a_determination_records_each_remedy_with_its_due_date(story: Story) -> None:
    mid = matter(story, date(2026, 4, 1))
    apology, payment = determine(story, mid, ("apology", date(2026, 3, 16)),
                                 ("compensation", date(2026, 3, 30)))
    case = story.case
    assert [(r.kind, r.due_on, r.matter_id) for r in (case.remedies[apology],
                                                      case.remedies[payment])] == [
        ("apology", date(2026, 3, 16), mid), ("compensation", date(2026, 3, 30), mid)]
    assert case.ombudsman[mid].determined_at == story.clock.now
    assert clocks.remedy_overdue_at(case, apology) == end_of(date(2026, 3, 16))
    events = [e for e in story.app.repository.event_store.get(story.case_id)
              if type(e).__name__ == "OmbudsmanDetermined"]
    assert events[0].details.text == "Maladministration in complaint handling."  # type: ignore[attr-defined]
    # the determination ends the matter's own due-date clock
    story.clock.set(end_of(date(2026, 4, 1)))
    assert fire(story, "escalate_ombudsman_overdue", mid) == 0
    # a senior manager records one too (on another matter)
    other = matter(story)
    story.do("record_ombudsman_determination", SENIOR, matter_id=other, remedies=[])
    assert story.case.ombudsman[other].determined_at is not None


def test_an_overdue_remedy_escalates_once_and_is_still_completed(story: Story) -> None:
    mid = matter(story)
    (review,) = determine(story, mid, ("review", date(2026, 3, 20)))
    refused(story, errors.NotYetDue, lambda: story.app.escalate_remedy_overdue(
        story.case_id, review))
    story.clock.set(end_of(date(2026, 3, 20)))
    assert fire(story, "escalate_remedy_overdue", review) == 1
    assert story.case.remedies[review].overdue
    refused(story, errors.RemediesOutstanding, lambda: story.do(
        "close_ombudsman_matter", MANAGER, matter_id=mid))
    story.do("complete_remedy", MANAGER, remedy_id=review, note="Case reviewed by the panel.")
    assert story.case.remedies[review].completed_at == story.clock.now
    story.do("close_ombudsman_matter", MANAGER, matter_id=mid)
    assert mid in story.case.closed_ombudsman


def test_a_remedy_done_in_time_never_escalates(story: Story) -> None:
    mid = matter(story)
    (change,) = determine(story, mid, ("policy_change", date(2026, 6, 1)))
    story.do("complete_remedy", SENIOR, remedy_id=change, note="Policy updated.")
    refused(story, errors.RemedyAlreadyCompleted, lambda: story.do(
        "complete_remedy", MANAGER, remedy_id=change, note="again"))
    story.clock.set(end_of(date(2026, 7, 1)))
    assert fire(story, "escalate_remedy_overdue", change) == 0


def test_determination_rules(story: Story) -> None:
    mid = matter(story)
    refused(story, errors.UnknownCode, lambda: determine(story, mid, ("a_hug", date(2026, 4, 1))))
    code = refused(story, errors.RemedyDueBeforeDetermination, lambda: determine(
        story, mid, ("apology", story.today - timedelta(days=1))))
    assert code == "remedy-due-before-determination"
    refused(story, errors.NotFound, lambda: determine(story, uuid4(), ("apology", date(2026, 4, 1))))
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "record_ombudsman_determination", CASEWORKER, matter_id=mid,
        remedies=[("apology", date(2026, 4, 1))]))
    determine(story, mid, ("apology", story.today))  # due the day it was determined: fine
    refused(story, errors.OmbudsmanAlreadyDetermined, lambda: determine(
        story, mid, ("apology", date(2026, 4, 1))))
    closed = matter(story)
    story.do("close_ombudsman_matter", MANAGER, matter_id=closed)
    refused(story, errors.OmbudsmanMatterClosed, lambda: determine(
        story, closed, ("apology", date(2026, 4, 1))))


@pytest.mark.parametrize("actor", [CASEWORKER, AUDITOR])
def test_only_managers_complete_remedies(story: Story, actor: object) -> None:
    mid = matter(story)
    (apology,) = determine(story, mid, ("apology", date(2026, 4, 1)))
    refused(story, errors.RoleNotPermitted, lambda: story.do(
        "complete_remedy", actor, remedy_id=apology))  # type: ignore[arg-type]
    refused(story, errors.NotFound, lambda: story.do("complete_remedy", MANAGER,
                                                     remedy_id=uuid4()))
    story.clock.set(end_of(date(2026, 4, 1)))
    refused(story, errors.RoleNotPermitted, lambda: story.app.escalate_remedy_overdue(
        story.case_id, apology, actor))  # type: ignore[arg-type]
