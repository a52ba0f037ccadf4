"""The plain fold: what each view should say, computed from the domain aggregate's own state
(replayed by the repository), independently of the projection code."""

from __future__ import annotations

from typing import Any

IN_FORCE = ("active", "awaiting_ratification")


def vulnerability_assessment(case: Any) -> str:
    check = case.checks.get("vulnerability_assessment")
    if check is None:
        return "missing"
    if case.vulnerability_info_at is not None and check.occurred_at < case.vulnerability_info_at:
        return "stale"
    return "declined" if check.customer_declined else "current"


def expected_case(case: Any) -> dict[str, Any]:
    in_force = [r for r in case.restrictions.values() if r.status in IN_FORCE]
    current = max(in_force, key=lambda r: r.proposed_at, default=None)
    contacts = [c.occurred_at for c in case.contacts.values()]
    return {
        "version": case.version,
        "status": "closed" if case.status == "closed" else "open",
        "contacts_total": len(case.contacts),
        "last_contact_at": max(contacts) if contacts else None,
        "restricted": bool(in_force),
        "current_restriction_id": str(current.restriction_id) if current else None,
        "appeal_open": any(a.status in ("lodged", "late_awaiting_decision")
                           for a in case.appeals.values()),
        "vulnerability_assessment": vulnerability_assessment(case),
        "warnings": sorted((w.kind, w.lapsed) for w in case.warnings.values()),
    }


def expected_rules(case: Any) -> dict[str, Any]:
    in_force = [r for r in case.restrictions.values() if r.status in IN_FORCE]
    channels = None
    for r in in_force:
        if r.terms.get("permitted_channels"):
            new = set(r.terms["permitted_channels"])
            channels = new if channels is None else channels & new
    return {"restricted": bool(in_force),
            "permitted_channels": sorted(channels) if channels is not None else None,
            "restriction_ids": sorted(str(r.restriction_id) for r in in_force)}
