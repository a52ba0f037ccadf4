"""`upc reconcile` knows every kind of clock workflow the launcher opens (a kind missing from
its table made every run fail with a KeyError, found by the fault suite)."""

from __future__ import annotations

from workflows.reconcile import SPECS
from workflows.registry import OPEN_WORKFLOWS


def test_reconcile_has_a_spec_for_every_open_workflow_kind() -> None:
    assert set(OPEN_WORKFLOWS) <= set(SPECS)
