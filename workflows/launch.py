"""Actions the launcher asks of Temporal: idempotent by deterministic ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy


@dataclass(frozen=True)
class StartWorkflow:
    workflow: str
    workflow_id: str
    arg: Any
    task_queue: str
    search_attributes: Any = None

    async def run(self, client: Client) -> None:
        # USE_EXISTING: a re-delivered event finds the running workflow and changes nothing.
        await client.start_workflow(
            self.workflow, self.arg, id=self.workflow_id, task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=self.search_attributes)


@dataclass(frozen=True)
class SignalWorkflow:
    workflow_id: str
    signal: str
    arg: Any = None
    args: tuple[Any, ...] = field(default=())

    async def run(self, client: Client) -> None:
        handle = client.get_workflow_handle(self.workflow_id)
        if self.arg is None:
            await handle.signal(self.signal)
        else:
            await handle.signal(self.signal, self.arg)


LaunchAction = StartWorkflow | SignalWorkflow
