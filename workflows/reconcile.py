"""Reconcile Temporal with the events: every open clock runs, at the right time; no other does.

For every case with a clock-relevant event, the case is read and each open clock (as
``workflows.registry.OPEN_WORKFLOWS`` says) must have a running workflow whose last step
(its ``schedule`` query) names the next due instant the events give. A running clock
workflow the events say is closed is drift too (found through visibility; a server that
cannot list, the time-skipping test server, skips that half and says so).

Repair is what the launcher would have done: start a missing workflow (the same id and
input), or signal ``changed`` so a workflow re-reads its case (a wrong next fire; a closed
clock that still runs then ends itself). Both are idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from pydantic import BaseModel
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from domain.application import CaseService
from domain.case import Case
from domain.settings import PolicyValues
from workflows.appeal.activities import AppealInput, appeal_clocks
from workflows.appeal.workflows import CLOCK as APPEAL
from workflows.firing import OpenClock
from workflows.launch import CHANGED, search_attributes
from workflows.notice.activities import NoticeInput, notice_clocks
from workflows.notice.workflows import CLOCK as NOTICE
from workflows.ombudsman.activities import OmbudsmanInput, ombudsman_clocks
from workflows.ombudsman.workflows import CLOCK as OMBUDSMAN
from workflows.remedy.activities import RemedyInput, remedy_clocks
from workflows.remedy.workflows import CLOCK as REMEDY
from workflows.restriction.activities import RestrictionInput, restriction_clocks
from workflows.restriction.workflows import CLOCK as RESTRICTION
from workflows.schedule import Change, ClockKind, Schedule
from workflows.subject_access.activities import SubjectAccessInput, subject_access_clocks
from workflows.subject_access.workflows import CLOCK as SAR
from workflows.warning.activities import WarningInput, warning_clocks
from workflows.warning.workflows import CLOCK as WARNING

log = logging.getLogger("upc.reconcile")

QUERY_TIMEOUT = timedelta(seconds=5)


@dataclass(frozen=True)
class ClockSpec:
    clock: ClockKind
    clocks: Callable[[Case, UUID, PolicyValues], Sequence[OpenClock]]
    arg: Callable[[Case, UUID], BaseModel]


SPECS: dict[str, ClockSpec] = {s.clock.kind: s for s in (
    ClockSpec(RESTRICTION, restriction_clocks,
              lambda c, i: RestrictionInput(case_id=c.id, restriction_id=i)),
    ClockSpec(APPEAL, appeal_clocks,
              lambda c, i: AppealInput(case_id=c.id, appeal_id=i,
                                       restriction_id=c.appeals[i].restriction_id)),
    ClockSpec(WARNING, warning_clocks, lambda c, i: WarningInput(case_id=c.id, warning_id=i)),
    ClockSpec(NOTICE, notice_clocks, lambda c, i: NoticeInput(case_id=c.id, notice_id=i)),
    ClockSpec(SAR, subject_access_clocks,
              lambda c, i: SubjectAccessInput(case_id=c.id, request_id=i)),
    ClockSpec(OMBUDSMAN, ombudsman_clocks,
              lambda c, i: OmbudsmanInput(case_id=c.id, matter_id=i)),
    ClockSpec(REMEDY, remedy_clocks, lambda c, i: RemedyInput(case_id=c.id, remedy_id=i)),
)}


class ClockDrift(BaseModel):
    workflow_id: str
    case_id: UUID | None
    problem: str  # missing | not running | next fire differs | closed but running | no answer
    expected_next: datetime | None = None
    found_next: datetime | None = None
    repaired: str | None = None  # started | signalled


class ClockReport(BaseModel):
    cases: int = 0
    open_clocks: int = 0
    listed_running: int | None = None  # None: the server cannot list workflows
    unchecked_kinds: list[str] = []  # clock kinds this module has no SPECS entry for (a bug)
    drift: list[ClockDrift] = []


@dataclass
class OpenWorkflow:
    workflow_id: str
    case: Case
    spec: ClockSpec
    part_id: UUID
    next_due: datetime | None


@dataclass
class ClockReconciler:
    client: Client
    app: CaseService
    task_queue: str
    batch: int = 1000
    topics: tuple[str, ...] = field(default=())
    unchecked: set[str] = field(default_factory=set)

    def case_ids(self) -> list[UUID]:
        """Cases with any event that starts, moves or closes a clock."""
        from domain.settings import PolicySettings
        from workflows.registry import ROUTES

        topics = self.topics or tuple(t for t in ROUTES if t != PolicySettings.Changed.TOPIC)
        seen: dict[UUID, None] = {}
        position = 0
        while True:
            notes = self.app.recorder.select_notifications(
                position, self.batch, topics=topics, inclusive_of_start=False)
            for note in notes:
                seen.setdefault(note.originator_id, None)
            if len(notes) < self.batch:
                return list(seen)
            position = notes[-1].id

    def open_workflows(self, case_ids: list[UUID]) -> list[OpenWorkflow]:
        from workflows.registry import OPEN_WORKFLOWS

        organisation = self.app.policy_values()
        found = []
        for case_id in case_ids:
            case: Case = self.app.repository.get(case_id)
            for kind, open_ids in OPEN_WORKFLOWS.items():
                spec = SPECS.get(kind)
                if spec is None:
                    self.unchecked.add(kind)
                    continue
                for workflow_id in open_ids(case):
                    part = UUID(workflow_id.removeprefix(f"{kind}-"))
                    due = [c.due_at for c in spec.clocks(case, part, organisation)]
                    found.append(OpenWorkflow(workflow_id, case, spec, part,
                                              min(due, default=None)))
        return found

    async def check(self, repair: bool = False) -> ClockReport:
        case_ids = await asyncio.to_thread(self.case_ids)
        opened = await asyncio.to_thread(self.open_workflows, case_ids)
        report = ClockReport(cases=len(case_ids), open_clocks=len(opened),
                             unchecked_kinds=sorted(self.unchecked))
        for item in opened:
            drift = await self._check_one(item)
            if drift is not None:
                if repair:
                    drift.repaired = await self._repair(item, drift)
                report.drift.append(drift)
        open_ids = {o.workflow_id for o in opened}
        running = await self._running_clock_ids()
        if running is not None:
            report.listed_running = len(running)
            for workflow_id in sorted(running - open_ids):
                drift = ClockDrift(workflow_id=workflow_id, case_id=None,
                                   problem="closed but running")
                if repair:
                    await self._signal(workflow_id)
                    drift.repaired = "signalled"
                report.drift.append(drift)
        return report

    async def _check_one(self, item: OpenWorkflow) -> ClockDrift | None:
        handle = self.client.get_workflow_handle(item.workflow_id)
        base = {"workflow_id": item.workflow_id, "case_id": item.case.id,
                "expected_next": item.next_due}
        try:
            described = await handle.describe()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                return ClockDrift(problem="missing", **base)
            raise
        if described.status is not WorkflowExecutionStatus.RUNNING:
            return ClockDrift(problem="not running", **base)
        try:
            schedule = await handle.query("schedule", result_type=Schedule,
                                          rpc_timeout=QUERY_TIMEOUT)
        except Exception:  # noqa: BLE001 - no worker answered in time: reported
            return ClockDrift(problem="no answer", **base)
        if schedule is None:  # its first step has not finished yet
            return None
        found = schedule.next_due
        if found != item.next_due:
            return ClockDrift(problem="next fire differs", found_next=found, **base)
        return None

    async def _repair(self, item: OpenWorkflow, drift: ClockDrift) -> str | None:
        if drift.problem in ("missing", "not running"):
            await self.client.start_workflow(
                item.spec.clock.workflow, item.spec.arg(item.case, item.part_id),
                id=item.workflow_id, task_queue=self.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                search_attributes=search_attributes(item.case.id, item.spec.clock.kind))
            return "started"
        if drift.problem == "next fire differs":
            await self._signal(item.workflow_id)
            return "signalled"
        return None

    async def _signal(self, workflow_id: str) -> None:
        try:
            await self.client.get_workflow_handle(workflow_id).signal(
                CHANGED, Change(event="reconcile"))
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise

    async def _running_clock_ids(self) -> set[str] | None:
        kinds = ", ".join(f"'{k}'" for k in SPECS)
        query = f"ExecutionStatus = 'Running' AND UpcWorkflowKind IN ({kinds})"
        try:
            return {w.id async for w in self.client.list_workflows(query)}
        except RPCError as exc:
            log.info("cannot list running workflows (%s): closed clocks not checked", exc)
            return None
