"""Each view against a plain fold over random lifecycles (hypothesis chooses the stories)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.privacy import legal_holds
from projections import queries
from bench.simulation import build_case
from tests.projections.conftest import World, save_in_chunks
from tests.projections.oracle import expected_case, expected_rules

START = datetime(2025, 1, 6, 9, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), cases=st.integers(1, 8),
       batch_size=st.sampled_from([1, 7, 1000]), violations=st.sampled_from([0.0, 0.3]))
def test_views_equal_the_plain_fold(world: World, seed: int, cases: int, batch_size: int,
                                    violations: float) -> None:
    rng = random.Random(seed)
    prefix = uuid.uuid4().hex[:8]
    built = [build_case(rng, f"P-{prefix}-{i}", START + timedelta(days=rng.uniform(0, 200)),
                        END, violations) for i in range(cases)]
    save_in_chunks(world.app, built)
    world.catch_up(batch_size)

    case_view, rules_view = world.views["case_view"], world.views["contact_rules"]
    timeline_view = world.views["case_timeline"]
    far = date(2100, 1, 1)
    reviews = {r["restriction_id"] for r in queries.reviews_due(
        case_view, as_of=far, limit=500)["items"]}
    unsent = {n["notice_id"] for n in queries.notices_unsent(case_view, limit=500)["items"]}
    untriaged = {c["contact_id"] for c in queries.contacts_awaiting_triage(
        case_view, limit=500)["items"]}
    appeals = {a["appeal_id"] for a in queries.appeals_awaiting_decision(
        case_view, limit=500)["items"]}
    requests = queries.subject_access_requests(case_view, limit=500)["items"]
    scanned = world.app.open_subject_access_requests()
    assert [(r["request_id"], r["due_on"]) for r in requests if r["case_id"] in
            {c.id for c in built}] == [(r["request_id"], r["due_on"]) for r in scanned
                                       if r["case_id"] in {c.id for c in built}]
    late_matters = {m["matter_id"] for m in queries.ombudsman_overdue(
        case_view, as_of=far, limit=500)["items"]}

    for built_case in built:
        case = world.app.repository.get(built_case.id)
        row = queries.case_detail(case_view, case.id)
        assert row is not None
        expected = expected_case(case)
        assert row["version"] == expected["version"]
        assert row["status"] == expected["status"]
        assert row["contacts_total"] == expected["contacts_total"]
        assert row["last_contact_at"] == expected["last_contact_at"]
        assert row["restricted"] == expected["restricted"]
        assert row["appeal_open"] == expected["appeal_open"]
        assert row["flags"]["vulnerability_assessment"] == expected["vulnerability_assessment"]
        assert sorted((w["kind"], w["lapsed"]) for w in row["warnings"]) == expected["warnings"]
        current = row["current_restriction"]
        if expected["current_restriction_id"] is not None:
            assert current["restriction_id"] == expected["current_restriction_id"]
            restriction = case.restrictions[uuid.UUID(current["restriction_id"])]
            assert current["status"] == restriction.status
            assert current["review_date"] == (restriction.review_date.isoformat()
                                              if restriction.review_date else None)
            shown = {k: v for k, v in restriction.terms.items() if k != "scope_justification"}
            assert current["terms"] == shown

        rules = queries.contact_rules(rules_view, case.id)
        want = expected_rules(case)
        assert rules["restricted"] == want["restricted"]
        assert rules["permitted_channels"] == want["permitted_channels"]
        assert sorted(rules["restriction_ids"]) == want["restriction_ids"]
        assert "scope_justification" not in str(rules)

        events = list(world.app.events.get(case.id))
        page = queries.case_timeline(timeline_view, case.id, limit=500)
        assert [i["event_type"] for i in page["items"]] == [type(e).__name__ for e in events]
        assert [i["version"] for i in page["items"]] == list(range(1, case.version + 1))

        for rid, r in case.restrictions.items():
            assert (rid in reviews) == (r.status == "active"), r.status
        for nid, n in case.notices.items():
            assert (nid in unsent) == (n.sent_at is None)
        for aid, a in case.appeals.items():
            assert (aid in appeals) == (a.status in ("lodged", "late_awaiting_decision"))
        for mid, m in case.ombudsman.items():
            open_with_date = mid not in case.closed_ombudsman and m.due_on is not None
            assert (mid in late_matters) == open_with_date
        row_flags = row["flags"]
        assert row_flags["subject_access_open"] == len(
            set(case.subject_access_requests) - case.sar_fulfilled)
        assert sorted(row_flags["legal_holds"]) == sorted(
            {h.kind.value for h in legal_holds(case)})
        restricted_contacts = {
            cid for cid, c in case.contacts.items() if c.triage is None}
        assert {c for c in untriaged if c in case.contacts} <= restricted_contacts
