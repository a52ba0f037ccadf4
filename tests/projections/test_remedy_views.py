"""Ombudsman remedies in the case view: the outstanding-remedies work queue and the committee
report's counts, with small-cell suppression."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.case import Case
from projections import queries, report
from tests.projections.conftest import World
from tests.projections.test_audit_and_reports import T0, Story


def determined(ref: str, *remedies: tuple[str, float]) -> tuple[Story, list[str]]:
    """A case with an Ombudsman order determined on day 10, ordering ``remedies`` (kind, due
    on day N)."""
    story = Story(ref)
    matter = uuid4()
    story(Case.OmbudsmanContacted, "mgr-1", "manager", 1, matter_id=matter, stage="order",
          reference=story.note(), due_on=None, details=story.note())
    ordered = [{"remedy_id": str(uuid4()), "kind": kind,
                "due_on": (T0 + timedelta(days=due)).date().isoformat()}
               for kind, due in remedies]
    story(Case.OmbudsmanDetermined, "mgr-1", "manager", 10, matter_id=matter,
          remedies=ordered, details=story.note())
    return story, [r["remedy_id"] for r in ordered]


def done(story: Story, remedy_id: str, day: float) -> None:
    story(Case.RemedyCompleted, "mgr-1", "manager", day, remedy_id=UUID(remedy_id),
          note=story.note())


def test_outstanding_remedies_queue(world: World) -> None:
    waiting, (apology, payment) = determined("REMEDY-1", ("apology", 20), ("compensation", 40))
    done(waiting, apology, 15)
    world.app.save(waiting.case)
    world.catch_up()
    view = world.views["case_view"]
    due_on = (T0 + timedelta(days=40)).date()
    items = queries.ombudsman_remedies(view, as_of=due_on)["items"]
    assert [(str(r["remedy_id"]), r["kind"], r["due_on"], r["days_left"], r["overdue"])
            for r in items] == [(payment, "compensation", due_on, 0, False)]
    assert queries.ombudsman_remedies(view, as_of=due_on, overdue_only=True)["items"] == []
    late = queries.ombudsman_remedies(view, as_of=due_on + timedelta(days=1),
                                      overdue_only=True)["items"]
    assert [str(r["remedy_id"]) for r in late] == [payment]
    assert queries.WORK_QUEUES["ombudsman_remedies"] is queries.ombudsman_remedies


def test_committee_report_counts_remedies_with_small_cells_suppressed(world: World) -> None:
    stories = []
    for i in range(6):
        story, (apology, payment) = determined(f"REMEDY-R{i}", ("apology", 18),
                                               ("compensation", 23))
        done(story, apology, 15)
        if i == 0:  # escalated when its day passed, then done late
            story(Case.RemedyOverdue, "system", "system", 24, remedy_id=UUID(payment),
                  due_on=(T0 + timedelta(days=23)).date())
            done(story, payment, 29)
        else:
            done(story, payment, 20)
        stories.append(story)
    world.app.save(*(s.case for s in stories))
    world.catch_up()
    out = report.committee_report(world.views["case_view"], world.views["case_timeline"],
                                  "2026-Q1", threshold=5)
    sections: dict[str, Any] = out["sections"]
    assert sections["ombudsman_remedies_ordered"] == {
        "apology": {"count": 6, "suppressed": False},
        "compensation": {"count": 6, "suppressed": False},
        "review": {"count": 0, "suppressed": False},
        "policy_change": {"count": 0, "suppressed": False}}
    assert sections["ombudsman_remedies"] == {
        "completed_on_time": {"count": 11, "suppressed": False},
        "completed_late": {"count": None, "suppressed": True},
        "escalated_overdue": {"count": None, "suppressed": True}}
    assert "ombudsman_remedies,completed_late,,yes" in report.report_csv(out)
    assert date(2026, 2, 1) <= T0.date()
