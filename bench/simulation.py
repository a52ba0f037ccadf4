"""Synthetic case lifecycles, for the property tests and the benchmark (never in production).

Events are triggered straight on the ``Case`` aggregate with the domain's event classes, so a
lifecycle can also contain what the domain's commands would refuse (seeded violations for the
audit checks). Each lifecycle is a generator that yields after every event, so a caller can
interleave many cases the way live traffic would. Free text is synthetic ("note n").
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.case import Case
from domain.personal import PersonalData
from domain.terms import RestrictionTerms
from domain.vocabulary import BehaviourCategory, Channel

CASEWORKERS = ("cw-1", "cw-2", "cw-3")
MANAGERS = ("mgr-1", "mgr-2", "mgr-3")
SENIORS = ("sm-1", "sm-2", "sm-3")
CHECKS = ("vulnerability_assessment", "legitimate_issue", "complaint_handling",
          "other_agency")


class Lifecycle:
    """One case's story; ``run()`` yields after each event it adds to ``case``."""

    def __init__(self, rng: random.Random, customer_ref: str, start: datetime,
                 end: datetime | None = None, violations: float = 0.0) -> None:
        self.rng = rng
        self.ref = customer_ref
        self.t = start
        self.end = end or datetime.now(UTC)
        self.violations = violations
        self.case: Case | None = None
        self.n = 0
        self.evidence: list[str] = []
        self.owed: list[UUID] = []

    # --- helpers -------------------------------------------------------------------------

    def tick(self, hours: float) -> None:
        self.t += timedelta(hours=self.rng.uniform(0.1, hours))

    def stamp(self, actor: str, role: str) -> dict[str, Any]:
        self.n += 1
        return {"actor_id": actor, "actor_role": role, "occurred_at": self.t,
                "recorded_at": self.t, "command_id": None, "timestamp": self.t}

    def do(self, event_class: type, actor: str, role: str, **fields: Any) -> None:
        assert self.case is not None
        self.case.trigger_event(event_class, **self.stamp(actor, role), **fields)
        if "notice_id" in fields and fields["notice_id"] is not None:
            self.owed.append(fields["notice_id"])

    def decision(self, event_class: type, actor: str, role: str, **fields: Any) -> None:
        fields.setdefault("reason", f"reason {self.n}")
        fields.setdefault("evidence", [])
        self.do(event_class, actor, role, **fields)

    def who(self, pool: tuple[str, ...], not_: set[str] | None = None) -> str:
        choices = [p for p in pool if p not in (not_ or set())] or list(pool)
        return self.rng.choice(choices)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def over(self) -> bool:
        return self.t >= self.end

    def terms(self) -> dict[str, Any]:
        rng = self.rng
        channels = frozenset(rng.sample([Channel.EMAIL, Channel.LETTER, Channel.PHONE],
                                        rng.randint(1, 2)))
        organisation_wide = self.chance(0.3)
        return RestrictionTerms(
            permitted_channels=channels,
            permitted_days=frozenset(rng.sample(range(5), rng.randint(1, 3)))
            if self.chance(0.5) else frozenset(),
            permitted_hours=(time(10), time(12)) if self.chance(0.4) else None,
            single_point_of_contact=self.who(MANAGERS) if self.chance(0.6) else None,
            no_face_to_face=self.chance(0.3), file_without_reply=self.chance(0.1),
            services=() if organisation_wide else ("housing",),
            organisation_wide=organisation_wide,
            scope_justification="synthetic justification" if organisation_wide else None,
        ).to_dict()

    # --- the story -----------------------------------------------------------------------

    def contacts(self, count: int, restricted: bool = False) -> Iterator[None]:
        for _ in range(count):
            self.tick(72)
            if self.over():
                return
            contact_id = uuid4()
            self.do(Case.ContactRecorded, self.who(CASEWORKERS), "caseworker",
                    contact_id=contact_id, channel=self.rng.choice(list(Channel)).value,
                    direction="inbound" if self.chance(0.85) else "outbound",
                    summary=self.personal())
            self.evidence.append(str(contact_id))
            yield
            if restricted and self.chance(0.8):
                self.tick(20)
                classification = self.rng.choice(
                    ["no_new_information", "new_issue", "mandatory_service",
                     "breach_of_terms", "significant_new_information", "emergency"])
                self.do(Case.ContactTriaged, self.who(CASEWORKERS), "caseworker",
                        contact_id=contact_id, classification=classification,
                        note=self.personal(),
                        incident_id=uuid4() if classification == "breach_of_terms" else None)
                yield

    def personal(self) -> Any:
        from domain.personal import PersonalData

        assert self.case is not None
        return PersonalData(str(self.case.id), f"synthetic note {self.n}")

    def incident(self, category: str | None = None) -> Iterator[None]:
        self.tick(48)
        incident_id = uuid4()
        self.do(Case.IncidentRecorded, self.who(CASEWORKERS), "caseworker",
                incident_id=incident_id,
                category=category or self.rng.choice(list(BehaviourCategory)).value,
                staff_ids=[self.who(CASEWORKERS)], contact_id=None,
                description=self.personal())
        self.evidence.append(str(incident_id))
        yield

    def send_notices(self, p: float = 0.9) -> Iterator[None]:
        for notice_id in list(self.owed):
            if self.chance(p) and not self.over():
                self.tick(30)
                self.do(Case.NoticeSent, self.who(CASEWORKERS), "caseworker",
                        notice_id=notice_id, format="standard")
                self.owed.remove(notice_id)
                yield

    def run(self) -> Iterator[None]:
        rng = self.rng
        case_id = uuid4()  # random, as the service's (never derived from the reference)
        self.case = Case._create(Case.Opened, id=case_id,
                                 customer_ref=PersonalData(str(case_id), self.ref),
                                 **self.stamp(self.who(CASEWORKERS), "caseworker"))
        yield
        yield from self.contacts(rng.randint(1, 6))
        if self.chance(0.5):
            yield from self.incident()
        if self.over() or not self.chance(0.85):
            return
        self.tick(48)
        self.decision(Case.ConcernRaised, self.who(CASEWORKERS), "caseworker",
                      concern_id=uuid4(), categories=[rng.choice(list(BehaviourCategory)).value],
                      evidence=self.evidence[-3:])
        yield
        if self.chance(0.7):
            self.tick(72)
            self.decision(Case.WarningGiven, self.who(CASEWORKERS), "caseworker",
                          warning_id=uuid4(), kind="informal", notice_id=uuid4(),
                          behaviour_justification=None, evidence=self.evidence[-2:])
            yield
            yield from self.send_notices()
        yield from self.contacts(rng.randint(0, 5))
        if self.over() or not self.chance(0.7):
            return
        yield from self.checks()
        if self.chance(0.15):
            yield from self.immediate()
        else:
            yield from self.proposed()
        yield from self.restricted_life()
        yield from self.side_matters()
        if not self.over() and self.chance(0.5):
            yield from self.close()
            yield from self.after_closure()

    def checks(self) -> Iterator[None]:
        for kind in CHECKS:
            if self.chance(0.92):
                self.tick(24)
                found = kind == "legitimate_issue" and self.chance(0.2)
                self.do(Case.CheckRecorded, self.who(MANAGERS), "manager", kind=kind,
                        customer_declined=self.chance(0.05), written_communication_ok=True,
                        legitimate_issue_found=found, adjustments=[], notes=self.personal())
                yield
                if found and self.chance(0.6):
                    self.tick(48)
                    self.decision(Case.LegitimateIssueResolved, self.who(MANAGERS), "manager")
                    yield
        if self.chance(0.15):
            self.tick(24)
            self.do(Case.VulnerabilityInfoRecorded, self.who(CASEWORKERS), "caseworker",
                    details=self.personal())
            yield

    def review_date(self, months: int = 3) -> date:
        day = self.t.date() + timedelta(days=30 * months)
        if self.chance(self.violations):
            day += timedelta(days=200)  # beyond the maximum
        return day

    def immediate(self) -> Iterator[None]:
        yield from self.incident("threats_or_violence")
        self.tick(2)
        self.rid = uuid4()
        self.imposer = self.who(CASEWORKERS)
        self.decision(Case.ImmediateRestrictionImposed, self.imposer, "caseworker",
                      restriction_id=self.rid, terms=self.terms(), ends_on=None,
                      notice_id=uuid4(), evidence=self.evidence[-1:])
        self.involved = {self.imposer}
        yield
        yield from self.send_notices()
        if self.chance(0.8):
            self.tick(40)
            ratifier = self.who(SENIORS)
            self.involved.add(ratifier)
            self.decision(Case.ImmediateRestrictionRatified, ratifier, "senior_manager",
                          restriction_id=self.rid, review_date=self.review_date())
            yield
        elif self.chance(0.5):
            self.tick(80)
            self.do(Case.RatificationOverdue, "upc-system", "system", restriction_id=self.rid)
            yield

    def proposed(self) -> Iterator[None]:
        self.tick(48)
        self.rid = uuid4()
        proposer = self.who(MANAGERS)
        evidence = [] if self.chance(self.violations) else self.evidence[-3:]
        self.decision(Case.RestrictionProposed, proposer, "manager", restriction_id=self.rid,
                      terms=self.terms(), review_date=self.review_date(), ends_on=None,
                      evidence=evidence)
        self.involved = {proposer}
        yield
        self.tick(72)
        approver = self.who(MANAGERS, {proposer})
        if self.chance(0.15):
            self.decision(Case.RestrictionRejected, approver, "manager", restriction_id=self.rid)
            self.rid = None
            yield
            return
        self.involved.add(approver)
        notice_id = uuid4()
        self.decision(Case.RestrictionApproved, approver, "manager", restriction_id=self.rid,
                      review_date=self.review_date(), notice_id=notice_id,
                      behaviour_justification="synthetic" if self.chance(0.5) else None)
        yield
        yield from self.send_notices()
        if notice_id not in self.owed and self.chance(0.4):
            self.tick(24 * 28)
            if not self.over():
                self.do(Case.AppealWindowClosed, "upc-system", "system",
                        restriction_id=self.rid, notice_id=notice_id)
                yield

    def restricted_life(self) -> Iterator[None]:
        rng = self.rng
        if getattr(self, "rid", None) is None:
            return
        assert self.case is not None
        yield from self.contacts(rng.randint(0, 8), restricted=True)
        if self.case.restrictions[self.rid].status != "active":
            return
        if self.chance(0.1) and not self.over():
            self.tick(48)
            previous = self.case.restrictions[self.rid].ends_on
            self.decision(Case.RestrictionExtended, self.who(MANAGERS), "manager",
                          restriction_id=self.rid, previous_ends_on=previous,
                          ends_on=self.t.date() + timedelta(days=120), notice_id=uuid4())
            yield
            yield from self.send_notices()
        if self.chance(0.3) and not self.over():
            yield from self.appeal()
        for _ in range(rng.randint(0, 3)):
            restriction = self.case.restrictions[self.rid]
            if restriction.status != "active" or self.over():
                return
            assert restriction.review_date is not None
            due = datetime.combine(restriction.review_date, time(9), tzinfo=UTC)
            self.t = max(self.t, due - timedelta(days=2))
            if self.over():
                return
            self.do(Case.ReviewDue, "upc-system", "system", restriction_id=self.rid,
                    review_date=restriction.review_date)
            yield
            if self.chance(0.15 + self.violations):
                self.t += timedelta(days=9)
                self.do(Case.ReviewOverdue, "upc-system", "system", restriction_id=self.rid,
                        review_date=restriction.review_date)
                yield
            self.tick(48)
            if self.over():
                return
            outcome = rng.choice(["continue", "vary", "lift"])
            reviewer = self.who(MANAGERS)
            self.involved.add(reviewer)
            self.decision(Case.ReviewCompleted, reviewer, "manager", restriction_id=self.rid,
                          outcome=outcome,
                          next_review_date=None if outcome == "lift" else self.review_date(),
                          new_terms=self.terms() if outcome == "vary" else None,
                          notice_id=uuid4())
            yield
            if outcome == "lift":
                self.decision(Case.RestrictionLifted, reviewer, "manager",
                              restriction_id=self.rid, cause="review", notice_id=uuid4())
                yield
            yield from self.send_notices()
            yield from self.contacts(rng.randint(0, 4), restricted=outcome != "lift")

    def appeal(self) -> Iterator[None]:
        self.tick(100)
        appeal_id = uuid4()
        late = self.chance(0.1)
        self.do(Case.AppealLodged, self.who(MANAGERS), "manager", appeal_id=appeal_id,
                restriction_id=self.rid, late=late, grounds=self.personal())
        yield
        if late:
            self.tick(48)
            if self.chance(0.5):
                self.decision(Case.LateAppealRejected, self.who(MANAGERS), "manager",
                              appeal_id=appeal_id)
                yield
                return
            self.decision(Case.LateAppealAccepted, self.who(SENIORS), "senior_manager",
                          appeal_id=appeal_id)
            yield
        if self.chance(0.5):
            self.tick(24 * 7)
            if self.over():
                return
            self.do(Case.AppealDecisionReminded, "upc-system", "system", appeal_id=appeal_id,
                    due_on=self.t.date() + timedelta(days=3))
            yield
        self.tick(24 * (20 if self.chance(0.2) else 10))
        if self.over():
            return
        decider = self.who(SENIORS) if self.chance(self.violations) else \
            self.who(SENIORS, self.involved)
        outcome = self.rng.choice(["dismissed", "varied", "upheld"])
        self.decision(Case.AppealDecided, decider, "senior_manager", appeal_id=appeal_id,
                      outcome=outcome, new_terms=self.terms() if outcome == "varied" else None,
                      notice_id=uuid4())
        yield
        if outcome == "upheld":
            self.decision(Case.RestrictionLifted, decider, "senior_manager",
                          restriction_id=self.rid, cause="appeal_upheld", notice_id=uuid4())
            yield
        yield from self.send_notices()

    def close(self) -> Iterator[None]:
        assert self.case is not None
        for rid, r in list(self.case.restrictions.items()):
            if r.in_force:
                self.tick(48)
                self.decision(Case.RestrictionLifted, self.who(MANAGERS), "manager",
                              restriction_id=rid, cause="early_lift", notice_id=uuid4())
                yield
        yield from self.send_notices(p=1.0 - self.violations)
        if self.owed or self.over():
            return
        self.tick(72)
        self.decision(Case.CaseClosed, self.who(MANAGERS), "manager",
                      retain_until=self.t.date() + timedelta(days=6 * 365))
        yield


    def side_matters(self) -> Iterator[None]:
        """Subject access, Ombudsman, complaints about the restriction, litigation holds:
        each rare, each with its clock's escalation now and then."""
        rng = self.rng
        if self.chance(0.06) and not self.over():
            self.tick(72)
            request_id = uuid4()
            due = self.t.date() + timedelta(days=30)
            self.do(Case.SubjectAccessRequested, self.who(CASEWORKERS), "caseworker",
                    request_id=request_id, due_on=due)
            yield
            if self.chance(0.3):
                self.tick(24 * 10)
                due = due + timedelta(days=60)
                self.decision(Case.SubjectAccessExtended, self.who(MANAGERS), "manager",
                              request_id=request_id, due_on=due)
                yield
            if self.chance(0.2 + self.violations):
                self.t = max(self.t, datetime.combine(due, time(23), tzinfo=UTC))
                self.do(Case.SubjectAccessOverdue, "upc-system", "system",
                        request_id=request_id, due_on=due)
                yield
            if self.chance(0.8) and not self.over():
                self.tick(24 * 5)
                self.do(Case.SubjectAccessFulfilled, self.who(CASEWORKERS), "caseworker",
                        request_id=request_id)
                yield
        if self.chance(0.05) and not self.over():
            self.tick(72)
            matter_id = uuid4()
            due = self.t.date() + timedelta(days=28) if self.chance(0.8) else None
            self.do(Case.OmbudsmanContacted, self.who(MANAGERS), "manager",
                    matter_id=matter_id, stage=rng.choice(["enquiry", "order"]),
                    reference=f"HOS-{self.n}", due_on=due, details=self.personal())
            yield
            if due is not None and self.chance(0.25):
                self.t = max(self.t, datetime.combine(due, time(23), tzinfo=UTC))
                self.do(Case.OmbudsmanMatterOverdue, "upc-system", "system",
                        matter_id=matter_id, due_on=due)
                yield
            if self.chance(0.7) and not self.over():
                self.tick(24 * 14)
                self.do(Case.OmbudsmanMatterClosed, self.who(MANAGERS), "manager",
                        matter_id=matter_id)
                yield
        if getattr(self, "rid", None) is not None and self.chance(0.05) and not self.over():
            self.tick(48)
            complaint_id = uuid4()
            self.do(Case.RestrictionComplaintMade, self.who(CASEWORKERS), "caseworker",
                    complaint_id=complaint_id, restriction_id=self.rid,
                    summary=self.personal())
            yield
            if self.chance(0.7) and not self.over():
                self.tick(24 * 10)
                self.do(Case.RestrictionComplaintResolved, self.who(MANAGERS), "manager",
                        complaint_id=complaint_id)
                yield
        if self.chance(0.02) and not self.over():
            self.tick(48)
            hold_id = uuid4()
            self.decision(Case.LegalHoldPlaced, self.who(SENIORS), "senior_manager",
                          hold_id=hold_id, kind="litigation")
            yield
            if self.chance(0.5) and not self.over():
                self.tick(24 * 30)
                self.decision(Case.LegalHoldReleased, self.who(SENIORS), "senior_manager",
                              hold_id=hold_id)
                yield

    def after_closure(self) -> Iterator[None]:
        """Now and then: the customer's data erased on request, or the case disposed of at
        the end of retention (compressed: a synthetic story need not wait six years)."""
        assert self.case is not None
        if self.case.status != "closed" or self.over():
            return
        if self.chance(0.05):
            self.tick(48)
            self.do(Case.PersonErased, "admin-1", "admin", person="customer",
                    subject_id=self.case.subject_id, representative_id=None,
                    ground="erasure_request")
            yield
        if self.chance(0.05) and not self.over():
            self.tick(72)
            self.do(Case.CaseDisposed, "admin-1", "admin",
                    retain_until=self.case.retain_until, erased_subjects=[self.case.subject_id])
            yield


def simulation_service(env: dict[str, str]) -> Any:
    """The domain's ``CaseService`` with keys in memory: seeding a benchmark or a test need
    not create a key row per synthetic customer."""
    from domain.application import CaseService
    from domain.personal import InMemoryKeyStore

    return CaseService(env=env, key_store=InMemoryKeyStore())


def build_case(rng: random.Random, customer_ref: str, start: datetime,
               end: datetime | None = None, violations: float = 0.0) -> Case:
    """One whole lifecycle, returned with its events pending (``app.save(case)``)."""
    life = Lifecycle(rng, customer_ref, start, end, violations)
    for _ in life.run():
        pass
    assert life.case is not None
    return life.case
