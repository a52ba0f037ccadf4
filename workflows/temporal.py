"""Connecting to Temporal: one place for the data converter and connection errors."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import SearchAttributeKey

from workflows.codec import data_converter
from workflows.tracing import client_interceptors

TASK_QUEUE = "upc"


class TemporalUnavailable(RuntimeError):
    pass


async def connect(address: str, namespace: str = "default") -> Client:
    try:
        return await Client.connect(address, namespace=namespace,
                                    data_converter=data_converter(),
                                    interceptors=client_interceptors())
    except Exception as exc:  # noqa: BLE001 - reported as one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TemporalUnavailable(
            f"TEMPORAL_ADDRESS: cannot connect to {address}: {first}") from None

#: Typed search attributes operators filter on (opaque ids only: no personal data).
SEARCH_ATTRIBUTES = {"UpcCaseId": "Keyword", "UpcWorkflowKind": "Keyword"}

CASE_ID = SearchAttributeKey.for_keyword("UpcCaseId")
WORKFLOW_KIND = SearchAttributeKey.for_keyword("UpcWorkflowKind")


async def register_search_attributes(client: Client, namespace: str = "default") -> None:
    """Add our search attributes to a namespace (test servers; a cluster's operator does it).

    Already registered is fine.
    """
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
    from temporalio.service import RPCError, RPCStatusCode

    keyword = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    try:
        await client.operator_service.add_search_attributes(AddSearchAttributesRequest(
            namespace=namespace, search_attributes=dict.fromkeys(SEARCH_ATTRIBUTES, keyword)))
    except RPCError as exc:
        if exc.status is not RPCStatusCode.ALREADY_EXISTS:
            raise
