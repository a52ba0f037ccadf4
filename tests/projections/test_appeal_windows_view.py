"""Each appealable notice's own appeal window in the case view: the work queue of open
windows, the notice an appeal answers, and the window closing."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain.case import Case
from projections import queries
from tests.projections.conftest import World
from tests.projections.test_audit_and_reports import Story

AS_OF = date(2026, 3, 10)  # the restriction's own window has closed; the extension's is open


def variation_of(story: Story) -> str:
    return next(str(e.notice_id) for e in story.case.pending_events
                if isinstance(e, Case.RestrictionExtended))


def test_open_appeal_windows_queue(world: World) -> None:
    open_one = Story("WINDOW-1").lifecycle(lift=False, review_done=None,
                                           late_after_variation=True)
    answered = Story("WINDOW-2").lifecycle(lift=False, review_done=None,
                                           late_after_variation=True)
    answered(Case.AppealLodged, "mgr-1", "manager", 36, appeal_id=uuid4(),
             restriction_id=answered.rid, late=False, grounds=answered.note(),
             notice_id=variation_of(answered))
    closed = Story("WINDOW-3").lifecycle(lift=False, review_done=None,
                                         late_after_variation=True)
    closed(Case.AppealWindowClosed, "system", "system", 33, restriction_id=closed.rid,
           notice_id=variation_of(closed))
    expected = variation_of(open_one)
    world.app.save(open_one.case, answered.case, closed.case)
    world.catch_up()

    view = world.views["case_view"]
    items = queries.appeal_windows_open(view, as_of=AS_OF)["items"]
    assert [(r["case_id"], str(r["notice_id"]), r["kind"]) for r in items] == [
        (open_one.case.id, expected, "variation")]
    row = items[0]
    assert row["restriction_id"] == open_one.rid and row["days_left"] > 0
    assert queries.WORK_QUEUES["appeal_windows_open"] is queries.appeal_windows_open
    last_day = queries.appeal_windows_open(view, as_of=row["appeal_window_closes_on"])
    assert len(last_day["items"]) == 1  # open until its last day
    assert queries.appeal_windows_open(view, as_of=date(2026, 6, 1))["items"] == []
