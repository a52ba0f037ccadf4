"""Replaying captured histories guards determinism: a workflow change that would break
running workflows fails here. Refresh the captures (after a deliberate, patched change) with
``UPC_CAPTURE_HISTORIES=/tmp/h pytest tests/workflows`` (``UPC_MASTER_KEY`` unset: payloads
are sealed with the codec's development key) and copy the ones worth keeping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows import registry
from workflows.codec import data_converter

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


CLOCKS = {"RestrictionWorkflow", "AppealWorkflow", "WarningWorkflow", "NoticeWorkflow",
          "SubjectAccessWorkflow", "OmbudsmanWorkflow", "RemedyWorkflow"}


def test_every_clock_workflow_has_a_captured_history() -> None:
    kinds = {json.loads(path.read_text())["events"][0]["workflowExecutionStartedEventAttributes"]
             ["workflowType"]["name"] for path in HISTORIES}
    assert kinds >= CLOCKS


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path) -> None:
    replayer = Replayer(workflows=registry.WORKFLOWS, data_converter=data_converter({}))
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    await replayer.replay_workflow(history)
