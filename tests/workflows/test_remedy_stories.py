"""Ombudsman remedies on the time-skipping server: each ordered remedy has its clock
(``remedy-<id>``), escalates once when its due date passes, and ends when it is done."""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import end_of
from tests.unit.domain.story import MANAGER
from tests.workflows.conftest import Clockwork


async def test_remedies_escalate_when_overdue_and_end_when_done(clockwork: Clockwork) -> None:
    cw = clockwork
    story = cw.story
    due = story.today + timedelta(days=14)
    case = story.do("record_ombudsman_contact", MANAGER, stage="order", reference="HOS-2026-7",
                    due_on=due)
    mid = list(case.ombudsman)[-1]
    await cw.launch()
    apology_on, payment_on = story.today + timedelta(days=7), story.today + timedelta(days=28)
    case = story.do("record_ombudsman_determination", MANAGER, matter_id=mid,
                    remedies=[("apology", apology_on), ("compensation", payment_on)],
                    details="Maladministration: the restriction was not reviewed.")
    apology, payment = list(case.remedies)
    await cw.settle()
    # the determination ends the matter's own due-date clock
    assert (await cw.until_closed(f"ombudsman-{mid}")).outcome == "determined"

    await cw.sleep(days=3)
    story.do("complete_remedy", MANAGER, remedy_id=apology, note="Letter of apology sent.")
    await cw.settle()
    assert (await cw.until_closed(f"remedy-{apology}")).outcome == "completed"

    await cw.sleep_until(end_of(payment_on) + timedelta(hours=1))
    (overdue,) = await cw.until_fact("RemedyOverdue")
    assert (overdue.occurred_at, overdue.actor_role) == (end_of(payment_on), "system")
    assert (overdue.fields["remedy_id"], overdue.fields["due_on"]) == (payment, payment_on)
    assert (await cw.until_closed(f"remedy-{payment}")).outcome == "overdue"
    assert cw.facts("OmbudsmanMatterOverdue") == []
    story.do("complete_remedy", MANAGER, remedy_id=payment, note="Paid, late.")
    story.do("close_ombudsman_matter", MANAGER, matter_id=mid)
    await cw.settle()
    assert len(cw.facts("RemedyOverdue")) == 1
