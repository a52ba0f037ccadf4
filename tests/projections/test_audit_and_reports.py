"""Each audit check finds its seeded violation and flags nothing on a clean case; the
decision trail, the committee report and the absence of personal data in every view."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from domain.case import Case
from domain.events import DecisionEvent
from domain.personal import PersonalData
from domain.terms import RestrictionTerms
from domain.trail import decision_trail
from domain.vocabulary import Channel
from projections import audit, queries, report
from projections.timeline import timeline_detail
from projections.view import VIEWS_SCHEMA
from tests.projections.conftest import World

AS_OF = date(2026, 6, 1)
T0 = datetime(2026, 2, 2, 10, tzinfo=UTC)  # 119 days before AS_OF
TERMS = RestrictionTerms(permitted_channels=frozenset({Channel.EMAIL}),
                         services=("housing",)).to_dict()


class Story:
    """Writes one case's events directly (the domain would refuse the violations)."""

    def __init__(self, ref: str) -> None:
        self.t = T0
        case_id = uuid4()
        self.case = Case._create(Case.Opened, id=case_id,
                                 customer_ref=PersonalData(str(case_id), ref),
                                 **self.stamp("cw-1", "caseworker", 0))
        self.evidence: list[str] = []
        self.rid = uuid4()

    def stamp(self, actor: str, role: str, days: float) -> dict[str, Any]:
        self.t = T0 + timedelta(days=days) if days else self.t
        return {"actor_id": actor, "actor_role": role, "occurred_at": self.t,
                "recorded_at": self.t, "command_id": None, "timestamp": self.t}

    def __call__(self, event: type, actor: str, role: str, days: float, **fields: Any) -> Any:
        if issubclass(event, DecisionEvent):
            fields.setdefault("reason", PersonalData(str(self.case.id), "the recorded reason"))
            fields.setdefault("evidence", [])
        self.case.trigger_event(event, **self.stamp(actor, role, days), **fields)
        return self

    def note(self) -> PersonalData:
        return PersonalData(str(self.case.id), "SECRET-PERSONAL-NOTE")

    # --- a compliant lifecycle, with switches for each violation ---------------------

    def lifecycle(self, *, checks: bool = True, evidence: bool = True,
                  service_failure: bool = False, approver: str = "mgr-2",
                  review_days: int = 90, review_done: float | None = 88,
                  appeal_decider: str = "sm-9", appeal_days: float = 27,
                  untriaged_contact: bool = False, lift: bool = True,
                  lift_notice: bool = True, approval_justified: bool = False,
                  review_outcome: str = "continue", review_justified: bool = False,
                  matter_bar: bool = False, late_after_variation: bool = False) -> Story:
        contact = uuid4()
        self(Case.ContactRecorded, "cw-1", "caseworker", 1, contact_id=contact,
             channel="phone", direction="inbound", summary=self.note())
        incident = uuid4()
        self(Case.IncidentRecorded, "cw-1", "caseworker", 2, incident_id=incident,
             category="abusive_or_aggressive", staff_ids=["cw-1"], contact_id=None,
             description=self.note())
        self.evidence = [str(contact), str(incident)]
        self(Case.ConcernRaised, "cw-1", "caseworker", 3, concern_id=uuid4(),
             categories=["abusive_or_aggressive"], evidence=self.evidence)
        if checks:
            for kind in ("vulnerability_assessment", "legitimate_issue", "complaint_handling",
                         "other_agency"):
                self(Case.CheckRecorded, "mgr-1", "manager", 4, kind=kind,
                     customer_declined=False, written_communication_ok=True,
                     legitimate_issue_found=service_failure and kind == "legitimate_issue",
                     adjustments=[], notes=self.note())
        self(Case.RestrictionProposed, "mgr-1", "manager", 5, restriction_id=self.rid,
             terms=TERMS, review_date=(T0 + timedelta(days=review_days)).date(), ends_on=None,
             evidence=self.evidence if evidence else [],
             personal_terms={"same_matter_bar": PersonalData(
                 str(self.case.id), json.dumps(["SECRET-MATTER-NAME"]))} if matter_bar else {})
        notice = uuid4()
        self(Case.RestrictionApproved, approver, "manager", 6, restriction_id=self.rid,
             review_date=(T0 + timedelta(days=review_days)).date(), notice_id=notice,
             behaviour_justification=self.note() if approval_justified else None)
        self(Case.NoticeSent, "cw-1", "caseworker", 6.5, notice_id=notice, format="standard")
        contact2 = uuid4()
        self(Case.ContactRecorded, "cw-1", "caseworker", 10, contact_id=contact2,
             channel="email", direction="inbound", summary=self.note())
        if not untriaged_contact:
            self(Case.ContactTriaged, "cw-2", "caseworker", 10.5, contact_id=contact2,
                 classification="no_new_information", note=self.note(), incident_id=None)
        appeal = uuid4()
        self(Case.AppealLodged, "mgr-1", "manager", 20, appeal_id=appeal,
             restriction_id=self.rid, late=False, grounds=self.note())
        outcome_notice = uuid4()
        self(Case.AppealDecided, appeal_decider, "senior_manager", appeal_days,
             appeal_id=appeal, outcome="dismissed", new_terms=None, notice_id=outcome_notice)
        self(Case.NoticeSent, "cw-1", "caseworker", appeal_days + 0.2, notice_id=outcome_notice,
             format="standard")
        if late_after_variation:  # an extension's fresh window, the appeal judged on the old
            variation = uuid4()
            self(Case.RestrictionExtended, "mgr-1", "manager", 30, restriction_id=self.rid,
                 ends_on=(T0 + timedelta(days=300)).date(), previous_ends_on=None,
                 notice_id=variation)
            self(Case.NoticeSent, "cw-1", "caseworker", 30.5, notice_id=variation,
                 format="standard")
            self(Case.AppealLodged, "mgr-1", "manager", 35, appeal_id=uuid4(),
                 restriction_id=self.rid, late=True, grounds=self.note(), notice_id=notice)
        if review_done is not None:
            review_notice = uuid4()
            self(Case.ReviewCompleted, "mgr-3", "manager", review_done,
                 restriction_id=self.rid, outcome=review_outcome,
                 next_review_date=(T0 + timedelta(days=review_done + 90)).date(),
                 new_terms=None, notice_id=review_notice,
                 behaviour_justification=self.note() if review_justified else None)
            self(Case.NoticeSent, "cw-1", "caseworker", review_done + 0.2,
                 notice_id=review_notice, format="standard")
        if lift:
            lift_notice_id = uuid4()
            self(Case.RestrictionLifted, "mgr-3", "manager", max(review_done or 0, 40) + 5,
                 restriction_id=self.rid, cause="early_lift", notice_id=lift_notice_id)
            if lift_notice:
                self(Case.NoticeSent, "cw-1", "caseworker", max(review_done or 0, 40) + 5.5,
                     notice_id=lift_notice_id, format="standard")
        return self


VIOLATIONS: dict[str, dict[str, Any]] = {
    "restriction_without_current_vulnerability_assessment": {"checks": False, "lift": False,
                                                             "review_done": None,
                                                             "review_days": 150},
    "appeal_decided_by_involved_person": {"appeal_decider": "mgr-2"},
    "restriction_past_review_date_without_review": {"review_done": None, "lift": False},
    "lift_without_notice": {"lift_notice": False},
    "restriction_review_date_missing_or_beyond_maximum": {"review_days": 250,
                                                          "review_done": None, "lift": False},
    "review_done_late": {"review_done": 100},
    "appeal_decided_late": {"appeal_days": 45},
    "restriction_without_evidence": {"evidence": False},
    "decision_despite_open_service_failure_without_reason": {"service_failure": True},
    "restricted_contact_not_triaged_in_time": {"untriaged_contact": True},
    "late_appeal_within_a_variation_window": {"late_after_variation": True},
}


@pytest.fixture
def seeded(world: World) -> dict[str, Any]:
    clean = Story("CLEAN-1").lifecycle()
    bad = {name: Story(f"BAD-{i}").lifecycle(**switches)
           for i, (name, switches) in enumerate(VIOLATIONS.items())}
    world.app.save(clean.case, *(s.case for s in bad.values()))
    world.catch_up()
    return {"clean": clean.case.id, **{name: s.case.id for name, s in bad.items()}}


def test_every_check_has_a_seeded_violation() -> None:
    assert set(VIOLATIONS) == set(audit.CHECKS_BY_NAME)
    assert all(c["description"] for c in audit.audit_checks())


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_check_finds_its_violation_and_not_the_clean_case(world: World, seeded: dict[str, Any],
                                                          name: str) -> None:
    found = audit.run_check(world.views["case_view"], name, as_of=AS_OF, limit=500)["items"]
    cases = {row["case_id"] for row in found}
    assert seeded[name] in cases
    assert seeded["clean"] not in cases
    assert all(isinstance(row["event_version"], int) for row in found)
    assert audit.count_check(world.views["case_view"], name, as_of=AS_OF) == len(found)


def test_a_review_continuing_despite_an_open_service_failure_needs_a_justification(
        world: World) -> None:
    """Approval justified, so only the review (v2 carries a behaviour justification) can be
    the finding; a justified review, or one that does not continue or vary, is not one."""
    failure = {"service_failure": True, "approval_justified": True, "lift": False}
    stories = {
        "unjustified_continue": Story("REVIEW-1").lifecycle(**failure),
        "unjustified_vary": Story("REVIEW-2").lifecycle(**failure, review_outcome="vary"),
        "justified": Story("REVIEW-3").lifecycle(**failure, review_justified=True),
        "approval_only": Story("REVIEW-4").lifecycle(**failure, review_done=None),
    }
    world.app.save(*(story.case for story in stories.values()))
    world.catch_up()
    name = "decision_despite_open_service_failure_without_reason"
    found = audit.run_check(world.views["case_view"], name, as_of=AS_OF)["items"]
    by_case = {row["case_id"]: row for row in found}
    for key in ("unjustified_continue", "unjustified_vary"):
        row = by_case[stories[key].case.id]
        assert row["event_type"] == "ReviewCompleted"
        review = next(e for e in world.app.events.get(stories[key].case.id)
                      if isinstance(e, Case.ReviewCompleted))
        assert row["event_version"] == review.originator_version
    assert stories["justified"].case.id not in by_case
    assert stories["approval_only"].case.id not in by_case
    assert len(found) == 2


def test_run_all_times_every_check(world: World, seeded: dict[str, Any]) -> None:
    results = audit.run_all(world.views["case_view"], as_of=AS_OF)
    assert [r["check"] for r in results] == list(audit.CHECKS_BY_NAME)
    assert all(r["elapsed_ms"] >= 0 and r["count"] >= 1 for r in results)


def test_decision_trail_says_who_when_why(world: World, seeded: dict[str, Any]) -> None:
    # the application opens the sealed reasons (the runner's mapper never does)
    trail = decision_trail(world.app.events.get(seeded["clean"]), timeline_detail)
    kinds = [d["decision"] for d in trail]
    assert kinds[:3] == ["ConcernRaised", "RestrictionProposed", "RestrictionApproved"]
    assert all(d["reason"] == "the recorded reason" and d["actor_id"] for d in trail)
    assert "SECRET-PERSONAL-NOTE" not in repr(trail)


def test_views_hold_no_personal_data_or_reasons(world: World, seeded: dict[str, Any]) -> None:
    with psycopg.connect(world.url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (VIEWS_SCHEMA,))]
        for table in tables:
            text = repr(conn.execute(f'SELECT * FROM "{VIEWS_SCHEMA}"."{table}"').fetchall())
            assert "SECRET-PERSONAL-NOTE" not in text, table
            assert "the recorded reason" not in text, table
            assert "CLEAN-1" not in text, table  # nor a customer reference (personal data)


def test_work_queues_and_pagination(world: World, seeded: dict[str, Any]) -> None:
    view = world.views["case_view"]
    first = queries.list_cases(view, limit=4)
    second = queries.list_cases(view, cursor=first["next_cursor"], limit=4)
    ids = [r["case_id"] for r in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 8
    overdue = queries.reviews_due(view, as_of=AS_OF, overdue_only=True)["items"]
    assert seeded["restriction_past_review_date_without_review"] in {r["case_id"]
                                                                    for r in overdue}
    triage = queries.contacts_awaiting_triage(view, as_of=AS_OF)["items"]
    assert {r["case_id"] for r in triage} == {seeded["restricted_contact_not_triaged_in_time"]}
    unsent = queries.notices_unsent(view, as_of=AS_OF, overdue_only=True)["items"]
    assert {r["case_id"] for r in unsent} == {seeded["lift_without_notice"]}
    rules = queries.contact_rules(world.views["contact_rules"], seeded[list(VIOLATIONS)[2]])
    assert rules["restricted"] and rules["permitted_channels"] == ["email"]
    assert queries.contact_rules(world.views["contact_rules"], None)["known"] is False
    with pytest.raises(ValueError):
        queries.list_cases(view, cursor="not-a-cursor")


def test_contact_rules_flag_a_same_matter_bar_without_naming_the_matters(world: World) -> None:
    barred = Story("MATTER-1").lifecycle(matter_bar=True, lift=False)
    plain = Story("MATTER-2").lifecycle(lift=False)
    world.app.save(barred.case, plain.case)
    world.catch_up()
    rules_view = world.views["contact_rules"]
    rules = queries.contact_rules(rules_view, barred.case.id)
    assert rules["restricted"] and rules["same_matter_bar"] is True
    assert queries.contact_rules(rules_view, plain.case.id)["same_matter_bar"] is False
    with psycopg.connect(world.url) as conn:
        stored = repr(conn.execute(
            f'SELECT * FROM "{VIEWS_SCHEMA}"."contact_rules"').fetchall())
    assert "SECRET-MATTER-NAME" not in repr(rules) + stored


def test_committee_report_is_anonymised_and_suppressed(world: World,
                                                       seeded: dict[str, Any]) -> None:
    report.load_tenant_base(world.views["case_view"],
                            "characteristic,category,tenants\nage,16-24,3\nage,25-64,900\n"
                            "age,65+,400\n")
    out = report.committee_report(world.views["case_view"], world.views["case_timeline"],
                                  "2026-Q1", threshold=5)
    sections = out["sections"]
    # A restriction decided in Q1 per seeded case (all proposed-and-approved): shown.
    assert sections["restrictions_by_type"]["decided"] == {"count": len(VIOLATIONS) + 1,
                                                           "suppressed": False}
    assert sections["restrictions_by_type"]["immediate"] == {"count": 0, "suppressed": False}
    age = out["equality"]["characteristics"]["age"]
    assert age["16-24"]["tenants"]["suppressed"] and age["16-24"]["tenants"]["count"] is None
    text = repr(out) + report.report_csv(out)
    for forbidden in ("CLEAN-1", "BAD-", str(seeded["clean"]), "the recorded reason"):
        assert forbidden not in text
    assert report.report_csv(out).splitlines()[0] == "quarter,section,category,count,suppressed"
