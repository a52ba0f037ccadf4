"""Customer references in responses: opened from the case's events for the roles that see
them (``api.access.CUSTOMER_REF_READERS``); no view holds them (``domain.identity``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.access import CUSTOMER_REF_READERS
from domain.actors import Actor
from domain.application import CaseService


def with_customer_refs(service: CaseService, rows: Iterable[dict[str, Any]],
                       actor: Actor | None = None) -> None:
    """Set each row's ``customer_ref`` (by its ``case_id``): the reference, or None for a
    role that does not see references, or once the customer is erased."""
    rows = list(rows)
    if actor is not None and actor.role not in CUSTOMER_REF_READERS:
        refs: dict[Any, str | None] = {}
    else:
        refs = dict(service.customer_refs(row["case_id"] for row in rows))
    for row in rows:
        row["customer_ref"] = refs.get(row["case_id"])
