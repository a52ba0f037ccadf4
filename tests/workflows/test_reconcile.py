"""upc reconcile on the time-skipping server over a real PostgreSQL: no drift on seeded data;
a missing workflow, a terminated one and a view row behind are found, then repaired."""

from __future__ import annotations

import uuid

import psycopg
from eventsourcing.persistence import Tracking

from projections.reconcile import last_run
from projections.runner import ViewFollower
from tests.unit.domain.story import Story
from tests.workflows.conftest import Clockwork, terminate_clocks
from upc import bootstrap
from upc.reconcile import reconcile, table


def catch_up_views(cw: Clockwork, url: str) -> None:
    for view in bootstrap.views(url):
        try:
            ViewFollower(cw.app, view).catch_up()
        finally:
            view.datastore.close()


def test_every_kind_of_clock_is_reconciled() -> None:
    from workflows.reconcile import SPECS
    from workflows.registry import OPEN_WORKFLOWS

    assert set(SPECS) == set(OPEN_WORKFLOWS)  # a new clock kind needs its SPECS entry


async def test_reconcile_finds_and_repairs_planted_drift(
        clockwork: Clockwork, fresh_database_url: str) -> None:
    url, cw = fresh_database_url, clockwork
    bootstrap.migrate(url)
    cw.story.record_incident()
    rid = cw.story.ready().activate()
    await cw.settle()
    catch_up_views(cw, url)

    clean = await reconcile(url, cw.client, cw.task_queue)
    assert clean.drift == 0, table(clean)
    assert clean.clocks.open_clocks >= 1 and clean.views[0].cases_found == 1
    assert table(clean).startswith("no drift")

    # Plant drift: a second case's restriction the launcher "lost" (its position moved on
    # without starting it), the first restriction's workflow terminated, a view row behind.
    other = Story(cw.app, cw.clock, customer_ref=f"T-{uuid.uuid4().hex[:10]}")
    other.record_incident()
    lost = other.ready().activate()
    head = cw.app.recorder.max_notification_id() or 0
    cw.launcher.tracking.insert_tracking(Tracking(cw.app.name, head))
    catch_up_views(cw, url)
    await cw.client.get_workflow_handle(f"restriction-{rid}").terminate("planted drift")
    with psycopg.connect(url, autocommit=True) as owner:
        owner.execute("UPDATE upc_views.case_view SET version = version - 1 WHERE case_id = %s",
                      (cw.story.case_id,))

    found = await reconcile(url, cw.client, cw.task_queue)
    problems = {(d.workflow_id, d.problem) for d in found.clocks.drift}
    assert (f"restriction-{lost}", "missing") in problems, table(found)
    assert (f"restriction-{rid}", "not running") in problems, table(found)
    (case_view,) = [v for v in found.views if v.view == "case_view"]
    assert case_view.drifting_total == 1 and case_view.drifting[0][0] == str(cw.story.case_id)
    assert "row behind" in table(found)
    assert found.unrepaired == found.drift > 0

    repaired = await reconcile(url, cw.client, cw.task_queue, repair_clocks=True,
                               owner_url=url)
    assert repaired.unrepaired == 0 and repaired.repaired == repaired.drift, table(repaired)
    assert {d.repaired for d in repaired.clocks.drift} == {"started"}
    await cw.settle()

    after = await reconcile(url, cw.client, cw.task_queue)
    assert after.drift == 0, table(after)
    with psycopg.connect(url, autocommit=True) as conn:
        last = last_run(conn)
    assert last is not None and last["drift"] == 0
    await terminate_clocks(cw.client, other.case)
