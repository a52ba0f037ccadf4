"""Actions the launcher asks of Temporal: idempotent by deterministic ids.

A start uses the USE_EXISTING conflict policy, so a re-delivered event finds the running
workflow; a workflow that already ran to its end is left alone. A signal only asks a clock
to re-read its case, so delivering it twice changes nothing; a signal to a clock that has
ended is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from temporalio.client import Client, WorkflowHandle
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.application import CaseService
from domain.case import Case
from workflows.schedule import Change, ClockKind
from workflows.temporal import CASE_ID, WORKFLOW_KIND

log = logging.getLogger("upc.launcher")

CHANGED = "changed"


@dataclass
class LaunchContext:
    client: Client
    app: CaseService
    task_queue: str
    #: Which workflows of the given kinds a case has open (``workflows.registry`` supplies
    #: it, so this module need not import the routes that import it).
    open_workflow_ids: Callable[[Case, Iterable[str]], list[str]]
    #: False once the server refused our search attributes (not registered there).
    search_attributes: bool = True


def search_attributes(case_id: UUID, kind: str) -> TypedSearchAttributes:
    return TypedSearchAttributes([SearchAttributePair(CASE_ID, str(case_id)),
                                  SearchAttributePair(WORKFLOW_KIND, kind)])


@dataclass(frozen=True)
class StartWorkflow:
    workflow: str
    workflow_id: str
    arg: Any
    case_id: UUID
    kind: str
    reuse_closed: bool = False  # start a new run when the last one has ended

    @property
    def target(self) -> str:
        return self.workflow_id

    async def run(self, context: LaunchContext) -> None:
        try:
            await self._start(context)
        except WorkflowAlreadyStartedError:
            log.debug("%s already ran to its end; nothing to start", self.workflow_id)
        except RPCError as exc:
            if not (context.search_attributes and _search_attributes_refused(exc)):
                raise
            log.warning("Temporal refused the search attributes UpcCaseId/UpcWorkflowKind "
                        "(register them on the namespace); starting without them")
            context.search_attributes = False
            await self.run(context)

    async def _start(self, context: LaunchContext) -> WorkflowHandle[Any, Any]:
        return await context.client.start_workflow(
            self.workflow, self.arg, id=self.workflow_id, task_queue=context.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=(WorkflowIDReusePolicy.ALLOW_DUPLICATE if self.reuse_closed
                             else WorkflowIDReusePolicy.REJECT_DUPLICATE),
            search_attributes=(search_attributes(self.case_id, self.kind)
                               if context.search_attributes else None))


@dataclass(frozen=True)
class SignalWorkflow:
    workflow_id: str
    event: str  # "<case_id>:<version>" of the event that asks

    @property
    def target(self) -> str:
        return self.workflow_id

    async def run(self, context: LaunchContext) -> None:
        handle = context.client.get_workflow_handle(self.workflow_id)
        try:
            await handle.signal(CHANGED, Change(event=self.event))
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND:
                raise
            log.debug("%s has ended; the change needs no clock", self.workflow_id)


@dataclass(frozen=True)
class SignalOpenClocks:
    """A change that concerns every open clock of some kinds on a case (a setting, an incident).

    Which clocks are open is read from the case when the action runs: a clock closed since
    needs nothing, and one opened since reads the case when it starts anyway.
    """

    case_id: UUID
    event: str
    kinds: frozenset[str]

    @property
    def target(self) -> str:
        return f"case-{self.case_id}"

    async def run(self, context: LaunchContext) -> None:
        case: Case = await asyncio.to_thread(context.app.repository.get, self.case_id)
        for workflow_id in context.open_workflow_ids(case, self.kinds):
            await SignalWorkflow(workflow_id, self.event).run(context)


@dataclass(frozen=True)
class SignalEveryClock:
    """An organisation default changed: every running clock of every case re-reads its case.

    Found through Temporal's visibility (our search attribute); a server that cannot list
    (the time-skipping test server) is logged, and each clock then takes the new default at
    its next re-read (its next timer or the next change on its case).
    """

    event: str

    @property
    def target(self) -> str:
        return "every-clock"

    async def run(self, context: LaunchContext) -> None:
        query = "ExecutionStatus = 'Running' AND UpcWorkflowKind IS NOT NULL"
        try:
            workflow_ids = [w.id async for w in context.client.list_workflows(query)]
        except RPCError as exc:
            log.warning("cannot list running clocks (%s); they take the new setting at "
                        "their next re-read", exc)
            return
        for workflow_id in workflow_ids:
            await SignalWorkflow(workflow_id, self.event).run(context)


LaunchAction = StartWorkflow | SignalWorkflow | SignalOpenClocks | SignalEveryClock
Route = Callable[[Any], Sequence[LaunchAction]]


def event_ref(event: Any) -> str:
    return f"{event.originator_id}:{event.originator_version}"


def signal(workflow_id: str, event: Any) -> SignalWorkflow:
    return SignalWorkflow(workflow_id, event_ref(event))


def start(clock: ClockKind, event: Any, arg: Any) -> list[LaunchAction]:
    """Start the clock the event opens (its case's id goes into the search attributes)."""
    return [StartWorkflow(clock.workflow, clock.workflow_id_of(event), arg,
                          event.originator_id, clock.kind)]


def changed(clock: ClockKind) -> Route:
    """The route of an event that may move the clock: it re-reads its case."""
    return lambda event: [signal(clock.workflow_id_of(event), event)]


def _search_attributes_refused(exc: RPCError) -> bool:
    return (exc.status is RPCStatusCode.INVALID_ARGUMENT
            and "search attribute" in str(exc).lower())
