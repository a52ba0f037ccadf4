"""Concern, warnings, vulnerability information and the pre-decision checks."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from api.access import MANAGEMENT, require, sees_special_category
from api.access_log import record_read
from api.auth import CurrentActor
from api.commands import Command, recorded
from api.deps import Pool, Service
from api.routes import CASE, guarded_router
from api.schemas import (
    Assessments,
    GiveWarning,
    RaiseConcern,
    RecordCheck,
    Recorded,
    RecordVulnerability,
    ResolveLegitimateIssue,
    VulnerabilityRecord,
)
from domain.case import Case
from domain.vocabulary import CheckKind, WarningKind

router = guarded_router("concern, warnings and checks")


@router.post(f"{CASE}/concerns", status_code=201, response_model=Recorded,
             summary="Raise a concern, referencing recorded incidents or contacts")
def raise_concern(case_id: UUID, body: RaiseConcern, ctx: Command,
                  response: Response) -> Recorded:
    """Raise a concern about the customer's behaviour, referencing recorded
    incidents or contacts (`evidence`: their ids). Nothing formal can happen on a case without a
    concern."""
    case = ctx.run(lambda **o: ctx.service.raise_concern(
        case_id, ctx.actor, evidence=[str(e) for e in body.evidence], reason=body.reason,
        categories=[c.value for c in body.categories], occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/warnings", status_code=201, response_model=Recorded,
             summary="Give an informal warning, or issue a formal one (managers)")
def give_warning(case_id: UUID, body: GiveWarning, ctx: Command,
                 response: Response) -> Recorded:
    """Give an informal warning (front line) or issue a formal one (managers), with
    its evidence and reason; it owes the customer a notice (`notices_unsent` queue). A formal
    warning needs every pre-decision check recorded first."""
    if body.kind is WarningKind.FORMAL:
        require(ctx.actor, MANAGEMENT, "issue a formal warning")
    case = ctx.run(lambda **o: ctx.service.give_warning(
        case_id, ctx.actor, kind=body.kind.value, evidence=[str(e) for e in body.evidence],
        reason=body.reason, behaviour_justification=body.behaviour_justification,
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/assessments", status_code=201, response_model=Recorded,
             summary="Record vulnerability or health information (special category)")
def record_vulnerability(case_id: UUID, body: RecordVulnerability, ctx: Command,
                         response: Response) -> Recorded:
    """Record vulnerability or health information the customer or others
    gave (special category: sealed, shown only to managers and auditors). It makes an earlier
    vulnerability assessment stale."""
    case = ctx.run(lambda **o: ctx.service.record_vulnerability_info(
        case_id, ctx.actor, details=body.details, occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.get(f"{CASE}/assessments", response_model=Assessments,
            summary="Vulnerability information and assessments (details: managers, auditors)")
def read_assessments(case_id: UUID, actor: CurrentActor, service: Service,
                     pool: Pool) -> Assessments:
    """The vulnerability information and assessments recorded on the case. The
    details are shown to managers, senior managers and auditors only (each read is logged); others
    see that they exist, when, and which adjustments apply."""
    service.get_case(case_id)  # 404 when there is no such case
    shown = sees_special_category(actor)
    records = []
    for event in service.events.get(case_id):
        if isinstance(event, Case.VulnerabilityInfoRecorded):
            records.append(VulnerabilityRecord(
                kind="information", recorded_at=event.recorded_at,
                occurred_at=event.occurred_at, recorded_by=event.actor_id,
                details=str(event.details) if shown else None))
        elif (isinstance(event, Case.CheckRecorded)
              and event.kind == CheckKind.VULNERABILITY_ASSESSMENT.value):
            records.append(VulnerabilityRecord(
                kind="assessment", recorded_at=event.recorded_at,
                occurred_at=event.occurred_at, recorded_by=event.actor_id,
                details=str(event.notes) if shown else None,
                adjustments=list(event.adjustments),
                customer_declined=event.customer_declined,
                written_communication_ok=event.written_communication_ok))
    if shown and records:
        record_read(pool, actor, case_id, f"GET /api/v1/cases/{case_id}/assessments",
                    ["vulnerability_details"])
    return Assessments(case_id=case_id, records=records)


@router.post(f"{CASE}/checks", status_code=201, response_model=Recorded,
             summary="Record a pre-decision check")
def record_check(case_id: UUID, body: RecordCheck, ctx: Command,
                 response: Response) -> Recorded:
    """Record a pre-decision check: `vulnerability_assessment` (with the
    adjustments the customer needs, or that they declined), `legitimate_issue`,
    `complaint_handling` and `other_agency`. All four are needed before a formal warning or a
    restriction; new vulnerability information makes the assessment stale."""
    case = ctx.run(lambda **o: ctx.service.record_check(
        case_id, ctx.actor, kind=body.kind.value, notes=body.notes,
        customer_declined=body.customer_declined,
        written_communication_ok=body.written_communication_ok,
        legitimate_issue_found=body.legitimate_issue_found,
        adjustments=[a.value for a in body.adjustments], occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


@router.post(f"{CASE}/legitimate-issue-resolutions", status_code=201, response_model=Recorded,
             summary="Record that the legitimate issue behind the contact was fixed")
def resolve_legitimate_issue(case_id: UUID, body: ResolveLegitimateIssue, ctx: Command,
                             response: Response) -> Recorded:
    """Record that the legitimate issue (service failure) found by the
    check was fixed, so a decision no longer needs a behaviour justification."""
    case = ctx.run(lambda **o: ctx.service.resolve_legitimate_issue(
        case_id, ctx.actor, reason=body.reason, evidence=[str(e) for e in body.evidence],
        occurred_at=body.occurred_at, **o))
    return recorded(ctx, case, response)


