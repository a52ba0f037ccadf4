"""A hypothesis state machine over the whole lifecycle: random commands by random roles.

Every command either succeeds or is refused with a ``DomainError`` that records nothing;
the invariants of POLICY.md hold after every step; and replaying the stored events rebuilds
exactly the state the commands produced. Used on memory and on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.actors import Actor
from domain.application import CaseService
from domain.case import Case
from domain.errors import DomainError
from domain.vocabulary import (
    AppealOutcome,
    BehaviourCategory,
    CheckKind,
    ReviewOutcome,
    Triage,
)
from tests.unit.domain.contract import state_of
from tests.unit.domain.story import (
    AUDITOR,
    CASEWORKER,
    MANAGER,
    MANAGER_2,
    MONDAY,
    ORG_WIDE,
    SENIOR,
    SENIOR_2,
    SYSTEM,
    TERMS,
    WRITTEN_ONLY,
    Clock,
)

# Mostly people who may act, so sequences get deep; the others check refusals.
ACTORS = st.sampled_from([CASEWORKER, MANAGER, MANAGER_2, MANAGER_2, SENIOR, SENIOR_2,
                          SENIOR_2, AUDITOR, SYSTEM])
PICK = st.integers(min_value=0, max_value=10_000)
TERMS_CHOICES = st.sampled_from([TERMS, WRITTEN_ONLY, ORG_WIDE])
CLOCK_COMMANDS = ("mark_review_due", "escalate_review_overdue", "expire_restriction",
                  "escalate_ratification_overdue")


def pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else uuid4()


def lifecycle_machine(app: CaseService, clock: Clock) -> type[RuleBasedStateMachine]:
    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            clock.set(MONDAY)  # every example starts at the same moment: reproducible
            app.policy_values()  # seeds the settings once, outside any attempt
            self.case: Case = app.open_case(f"H-{uuid4().hex[:12]}", CASEWORKER)

        # --- plumbing ----------------------------------------------------------------

        def attempt(self, command: str, actor: Actor, *args: Any, **kwargs: Any) -> None:
            before = app.recorder.max_notification_id()
            try:
                self.case = getattr(app, command)(self.case.id, actor, *args, **kwargs)
            except DomainError as refused:
                assert refused.code and refused.detail
                assert app.recorder.max_notification_id() == before, f"{command} recorded"

        def restrictions(self, *statuses: str) -> list[Any]:
            return [k for k, r in self.case.restrictions.items() if r.status in statuses]

        def open_appeals(self) -> list[Any]:
            return [k for k, a in self.case.appeals.items()
                    if a.status in ("lodged", "late_awaiting_decision")]

        def refs(self) -> list[str]:
            return [str(i) for i in [*self.case.incidents, *self.case.contacts]]

        # --- rules -------------------------------------------------------------------

        @rule(days=st.integers(0, 60), hours=st.integers(0, 23))
        def time_passes(self, days: int, hours: int) -> None:
            clock.advance(days=days, hours=hours)

        @rule(actor=ACTORS, back=st.integers(0, 3))
        def record_contact(self, actor: Actor, back: int) -> None:
            self.attempt("record_contact", actor, channel="phone", direction="inbound",
                         occurred_at=clock.now - timedelta(days=back), summary="called")

        @rule(actor=ACTORS, category=st.sampled_from(list(BehaviourCategory)))
        def record_incident(self, actor: Actor, category: BehaviourCategory) -> None:
            self.attempt("record_incident", actor, category=category.value,
                         description="what happened", occurred_at=clock.now,
                         staff_ids=["cara"])

        @precondition(lambda self: self.case.contacts)
        @rule(actor=ACTORS, i=PICK, triage=st.sampled_from(list(Triage)))
        def triage(self, actor: Actor, i: int, triage: Triage) -> None:
            self.attempt("triage_contact", actor, contact_id=pick(list(self.case.contacts), i),
                         classification=triage.value)

        @rule(actor=ACTORS, i=PICK)
        def raise_concern(self, actor: Actor, i: int) -> None:
            refs = self.refs()
            self.attempt("raise_concern", actor, evidence=[pick(refs, i)] if refs else [],
                         reason="pattern of abuse")

        @rule(actor=ACTORS, kind=st.sampled_from(["informal", "formal"]), i=PICK)
        def give_warning(self, actor: Actor, kind: str, i: int) -> None:
            self.attempt("give_warning", actor, kind=kind, evidence=[pick(self.refs(), i)],
                         reason="warned")

        @rule(actor=ACTORS, kind=st.sampled_from(list(CheckKind)), flag=st.booleans())
        def record_check(self, actor: Actor, kind: CheckKind, flag: bool) -> None:
            self.attempt("record_check", actor, kind=kind.value, notes="checked",
                         written_communication_ok=flag, legitimate_issue_found=not flag
                         and kind is CheckKind.LEGITIMATE_ISSUE)

        @rule(actor=ACTORS, chance=st.integers(0, 3))
        def vulnerability_info(self, actor: Actor, chance: int) -> None:
            if chance == 0:  # it makes every check stale: keep it occasional
                self.attempt("record_vulnerability_info", actor, details="new diagnosis")

        @rule(actor=ACTORS)
        def resolve_issue(self, actor: Actor) -> None:
            self.attempt("resolve_legitimate_issue", actor, reason="fixed")

        @rule(actor=ACTORS, terms=TERMS_CHOICES, days=st.integers(-2, 190), i=PICK)
        def propose(self, actor: Actor, terms: Any, days: int, i: int) -> None:
            self.attempt("propose_restriction", actor, terms=terms,
                         evidence=[pick(self.refs(), i)], reason="needed",
                         review_date=clock.now.date() + timedelta(days=days))

        @rule(terms=TERMS_CHOICES)
        def the_usual_restriction(self, terms: Any) -> None:
            """Groundwork, a proposal, an approval by someone else and its notice."""
            self.groundwork("abusive_or_aggressive", written_ok=True)
            self.attempt("propose_restriction", CASEWORKER, terms=terms,
                         evidence=self.refs()[-1:], reason="needed",
                         review_date=clock.now.date() + timedelta(days=60))
            for restriction in self.restrictions("proposed"):
                self.attempt("approve_restriction", SENIOR, restriction_id=restriction,
                             reason="proportionate", behaviour_justification="behaviour")
            for notice_id, notice in list(self.case.notices.items()):
                if notice.sent_at is None:
                    self.attempt("record_notice_sent", CASEWORKER, notice_id=notice_id)

        @precondition(lambda self: self.restrictions("proposed"))
        @rule(actor=ACTORS, i=PICK, approve=st.booleans(), justify=st.booleans())
        def decide_proposal(self, actor: Actor, i: int, approve: bool, justify: bool) -> None:
            restriction = pick(self.restrictions("proposed"), i)
            if approve:
                self.attempt("approve_restriction", actor, restriction_id=restriction,
                             reason="proportionate",
                             behaviour_justification="behaviour" if justify else None)
            else:
                self.attempt("reject_restriction", actor, restriction_id=restriction,
                             reason="not needed")

        @rule(actor=ACTORS, i=PICK)
        def impose_immediate(self, actor: Actor, i: int) -> None:
            self.attempt("impose_immediate_restriction", actor, terms=TERMS,
                         evidence=[pick(self.refs(), i)], reason="threat",
                         ends_on=clock.now.date() + timedelta(days=90))

        @precondition(lambda self: self.restrictions("awaiting_ratification"))
        @rule(actor=ACTORS, i=PICK, ratify=st.booleans(), days=st.integers(1, 200))
        def ratification(self, actor: Actor, i: int, ratify: bool, days: int) -> None:
            restriction = pick(self.restrictions("awaiting_ratification"), i)
            if ratify:
                self.attempt("ratify_immediate_restriction", actor, restriction_id=restriction,
                             reason="ratified", review_date=clock.now.date()
                             + timedelta(days=days))
            else:
                self.attempt("refuse_ratification", actor, restriction_id=restriction,
                             reason="no threat")

        @precondition(lambda self: self.restrictions("active", "awaiting_ratification"))
        @rule(actor=ACTORS, i=PICK)
        def lift(self, actor: Actor, i: int) -> None:
            self.attempt("lift_restriction", actor, restriction_id=pick(
                self.restrictions("active", "awaiting_ratification"), i), reason="lifted")

        @precondition(lambda self: self.case.notices)
        @rule(actor=ACTORS, i=PICK)
        def send_notice(self, actor: Actor, i: int) -> None:
            unsent = [k for k, n in self.case.notices.items() if n.sent_at is None]
            self.attempt("record_notice_sent", actor,
                         notice_id=pick(unsent or list(self.case.notices), i))

        @precondition(lambda self: self.restrictions("active", "awaiting_ratification"))
        @rule(actor=ACTORS, i=PICK)
        def lodge_appeal(self, actor: Actor, i: int) -> None:
            self.attempt("lodge_appeal", actor, restriction_id=pick(
                self.restrictions("active", "awaiting_ratification"), i), grounds="unfair")

        @precondition(lambda self: self.open_appeals())
        @rule(actor=ACTORS, i=PICK, accept=st.booleans())
        def late_appeal(self, actor: Actor, i: int, accept: bool) -> None:
            command = "accept_late_appeal" if accept else "reject_late_appeal"
            self.attempt(command, actor, appeal_id=pick(self.open_appeals(), i),
                         reason="considered")

        @precondition(lambda self: self.open_appeals())
        @rule(actor=ACTORS, i=PICK, outcome=st.sampled_from(list(AppealOutcome)))
        def decide_appeal(self, actor: Actor, i: int, outcome: AppealOutcome) -> None:
            self.attempt("decide_appeal", actor, appeal_id=pick(self.open_appeals(), i),
                         outcome=outcome.value, reason="decided",
                         new_terms=TERMS if outcome is AppealOutcome.VARIED else None)

        @precondition(lambda self: self.restrictions("active"))
        @rule(actor=ACTORS, i=PICK, outcome=st.sampled_from(list(ReviewOutcome)),
              days=st.integers(1, 200))
        def review(self, actor: Actor, i: int, outcome: ReviewOutcome, days: int) -> None:
            self.attempt("complete_review", actor,
                         restriction_id=pick(self.restrictions("active"), i),
                         outcome=outcome.value, reason="reviewed",
                         next_review_date=clock.now.date() + timedelta(days=days),
                         new_terms=TERMS if outcome is ReviewOutcome.VARY else None,
                         behaviour_justification="behaviour")

        @rule(actor=ACTORS, staff=st.sampled_from(["maya", "sana", "milo"]),
              chance=st.integers(0, 5))
        def counter_allegation(self, actor: Actor, staff: str, chance: int) -> None:
            if chance == 0:  # it conflicts a decider for good: keep it occasional
                self.attempt("record_counter_allegation", actor, staff_id=staff,
                             summary="alleged")

        @rule(actor=ACTORS, chance=st.integers(0, 9))
        def close(self, actor: Actor, chance: int) -> None:
            if chance == 0:  # closing ends a story: keep it rare
                self.attempt("close_case", actor, reason="closing")

        @rule(category=st.sampled_from(["threats_or_violence", "abusive_or_aggressive"]),
              written_ok=st.booleans())
        def groundwork(self, category: str, written_ok: bool) -> None:
            """An incident, a concern and every check: the usual way into a decision."""
            self.attempt("record_incident", CASEWORKER, category=category,
                         description="what happened", occurred_at=clock.now)
            self.attempt("raise_concern", CASEWORKER, evidence=self.refs()[-1:],
                         reason="pattern")
            for kind in CheckKind:
                self.attempt("record_check", MANAGER, kind=kind.value, notes="done",
                             written_communication_ok=written_ok)

        @precondition(lambda self: self.case.restrictions)
        @rule(command=st.sampled_from(CLOCK_COMMANDS), i=PICK)
        def clock_fires(self, command: str, i: int) -> None:
            restriction = pick(list(self.case.restrictions), i)
            before = app.recorder.max_notification_id()
            try:
                self.case = getattr(app, command)(self.case.id, restriction)
            except DomainError:
                assert app.recorder.max_notification_id() == before
                return
            again = getattr(app, command)(self.case.id, restriction)
            assert again.version == self.case.version, f"{command} is not idempotent"

        # --- invariants --------------------------------------------------------------

        @invariant()
        def policy_holds(self) -> None:
            case = self.case
            for r in case.restrictions.values():
                assert r.approver_id != r.proposer_id
                assert r.ratifier_id != r.proposer_id
                if r.in_force and r.status == "active":
                    assert r.review_date is not None
                if r.status in ("lifted", "expired"):
                    assert r.lift_notice_id in case.notices
            for a in case.appeals.values():
                if a.status == "decided":
                    r = case.restrictions[a.restriction_id]
                    assert a.decider_id not in {r.proposer_id, r.approver_id, r.ratifier_id}
            if case.status == "closed":
                assert not any(r.in_force for r in case.restrictions.values())
                assert all(n.sent_at for n in case.notices.values() if n.kind == "lift")
            for contact in case.contacts.values():
                assert contact.triage is None or contact.triage in set(Triage)

        def teardown(self) -> None:
            """Replaying the stored events rebuilds exactly what the commands produced."""
            assert state_of(app.get_case(self.case.id)) == state_of(self.case)

    return Lifecycle



def run_lifecycles(env: dict[str, str], max_examples: int, steps: int) -> None:
    """Run the machine on one application built from ``env`` (closed afterwards).

    The fast-forwarding aggregate cache keeps long random cases quick; replay is checked
    against the event store itself at the end of every example.
    """
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    clock = Clock()
    app = CaseService(env={**env, "AGGREGATE_CACHE_MAXSIZE": "50"}, clock=clock)
    try:
        run_state_machine_as_test(
            lifecycle_machine(app, clock),
            settings=settings(max_examples=max_examples, stateful_step_count=steps,
                              deadline=None, suppress_health_check=[HealthCheck.too_slow]))
    finally:
        app.close()
