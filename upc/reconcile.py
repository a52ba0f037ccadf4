"""``upc reconcile``: the event store against the views and against Temporal.

Prints a table of drift; ``--repair`` rebuilds a drifting view (as the schema's owner) and
starts or signals a clock workflow that is missing or wrong. Every run, by hand or by the
daily Temporal Schedule, is recorded in ``upc_views.reconcile_runs`` (ids and counts only),
which ``/readyz`` and ``/metrics`` show.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity
from temporalio.client import Client

from domain.application import CaseService
from projections import reconcile as view_reconcile
from projections.rebuild import rebuild_view
from projections.registry import VIEW_CLASSES, construct_view, view_class_named
from upc import bootstrap, roles
from upc.settings import eventsourcing_env, psycopg_conninfo
from workflows.reconcile import ClockReconciler, ClockReport
from workflows.reconcile_schedule import RECONCILE_ACTIVITY, ReconcileRun, ReconcileSummary

log = logging.getLogger("upc.reconcile")


@dataclass
class Result:
    views: list[view_reconcile.ViewDrift]
    clocks: ClockReport
    lagging: list[str] = field(default_factory=list)

    @property
    def drift(self) -> int:
        return sum(v.drifting_total or int(v.drift) for v in self.views) + len(self.clocks.drift)

    @property
    def repaired(self) -> int:
        return (sum(1 for v in self.views if v.repaired)
                + sum(1 for d in self.clocks.drift if d.repaired))

    @property
    def unrepaired(self) -> int:
        return (sum(1 for v in self.views if v.drift and not v.repaired)
                + sum(1 for d in self.clocks.drift if not d.repaired))

    def as_dict(self) -> dict[str, Any]:
        return {"views": [view_reconcile.as_dict(v) for v in self.views],
                "clocks": self.clocks.model_dump(mode="json"),
                "drift": self.drift, "repaired": self.repaired}


def _small(database_url: str) -> dict[str, str]:
    """A pool of one or two connections: reconcile runs beside busy parts."""
    return {**eventsourcing_env(database_url), "CREATE_TABLE": "false",
            "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "1"}


async def reconcile(database_url: str, client: Client, task_queue: str, *,
                    repair_clocks: bool = False, owner_url: str | None = None,
                    app: CaseService | None = None) -> Result:
    """Check (and repair); ``owner_url`` given: rebuild drifting views as the owner.
    ``app``: the caller's case service (the worker's), else one of our own."""
    own_app = app is None
    if app is None:
        app = bootstrap.case_service(database_url)
    views = [construct_view(cls, _small(database_url)) for cls in VIEW_CLASSES]
    try:
        head = await asyncio.to_thread(lambda: app.recorder.max_notification_id() or 0)
        checked = await asyncio.to_thread(
            view_reconcile.check_views, psycopg_conninfo(database_url), views,
            roles.EVENTS_TABLE, head, app.name)
        clocks = await ClockReconciler(client, app, task_queue).check(repair=repair_clocks)
        if owner_url:
            for report in checked:
                if report.drift:
                    count = await asyncio.to_thread(
                        rebuild_view, app, view_class_named(report.view),
                        eventsourcing_env(owner_url), progress=False)
                    report.repaired = f"rebuilt from {count} events"
            if any(r.repaired for r in checked):  # the rebuilt tables' grants
                await asyncio.to_thread(bootstrap.migrate, owner_url, database_url)
        result = Result(checked, clocks)
        await asyncio.to_thread(view_reconcile.record_run, psycopg_conninfo(database_url),
                                result.drift, result.repaired, result.as_dict())
        return result
    finally:
        if own_app:
            app.close()
        for view in views:
            view.datastore.close()


def table(result: Result) -> str:
    """The drift table, one line per finding (ids only)."""
    lines = [f"{'where':<16} {'what':<22} {'id':<50} {'expected':<26} {'found':<26} repaired"]

    def line(where: str, what: str, ident: str, want: object, got: object,
             repaired: str | None) -> None:
        lines.append(f"{where:<16} {what:<22} {ident:<50} {_cell(want):<26} {_cell(got):<26} "
                     f"{repaired or '-'}")

    for v in result.views:
        if v.lag:
            line(v.view, "lag (events)", "-", v.position + v.lag, v.position, None)
        for case_id, want, got in v.drifting:
            what = "row missing" if got is None else ("row unknown" if want is None
                                                      else "row behind" if got < want
                                                      else "row ahead")
            line(v.view, what, case_id, want, got, v.repaired)
        if v.drifting_total > len(v.drifting):
            line(v.view, "more rows", f"{v.drifting_total - len(v.drifting)} more", "", "",
                 v.repaired)
        if v.rows_expected != v.rows_found:
            line(v.view, "row count", "-", v.rows_expected, v.rows_found, v.repaired)
    for d in result.clocks.drift:
        line("temporal", d.problem, d.workflow_id, d.expected_next, d.found_next, d.repaired)
    c = result.clocks
    listed = "not listed" if c.listed_running is None else f"{c.listed_running} running"
    summary = (f"{result.drift} drift, {result.repaired} repaired; views "
               + ", ".join(f"{v.view} {v.cases_found}/{v.cases_expected} cases"
                           for v in result.views)
               + f"; clocks {c.open_clocks} open in {c.cases} cases, {listed}")
    return "\n".join([*lines, summary]) if len(lines) > 1 else f"no drift; {summary}"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def daily_activity(database_url: str, task_queue: str, app: CaseService) -> Any:
    """The activity the daily schedule's workflow runs: check, repair the clocks, record."""

    @activity.defn(name=RECONCILE_ACTIVITY)
    async def reconcile_daily(run: ReconcileRun) -> ReconcileSummary:
        result = await reconcile(database_url, activity.client(), task_queue,
                                 repair_clocks=run.repair, app=app)
        log.info("reconcile: %d drift, %d repaired", result.drift, result.repaired)
        return ReconcileSummary(drift=result.drift, repaired=result.repaired)

    return reconcile_daily
