"""Connecting to Temporal: one place for the data converter and connection errors."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

TASK_QUEUE = "upc"


class TemporalUnavailable(RuntimeError):
    pass


async def connect(address: str, namespace: str = "default") -> Client:
    try:
        return await Client.connect(address, namespace=namespace,
                                    data_converter=pydantic_data_converter)
    except Exception as exc:  # noqa: BLE001 - reported as one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TemporalUnavailable(
            f"TEMPORAL_ADDRESS: cannot connect to {address}: {first}") from None

#: Typed search attributes operators filter on (opaque ids only: no personal data).
SEARCH_ATTRIBUTES = {"UpcCaseId": "Keyword", "UpcWorkflowKind": "Keyword"}
