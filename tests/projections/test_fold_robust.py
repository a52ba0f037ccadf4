"""The case fold never raises, whatever order, duplicates or dangling ids the events come in.

Regression: ``RestrictionExtended`` had no handler, so the variation notice it owes was never
registered and the ``NoticeSent`` for it raised KeyError, stalling the whole case view. Every
case event type is generated here with ids drawn from a tiny pool (so references sometimes
match and often dangle) and fields of the right types but arbitrary values.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import events as domain_events
from domain.personal import PersonalData
from projections import case_fold as cf
from projections.case_view import TABLES, case_row, child_row

CASE_ID = uuid.UUID(int=1)
IDS = [uuid.UUID(int=i) for i in range(2, 5)]
EVENT_CLASSES = sorted(
    (cls for cls in vars(domain_events).values()
     if isinstance(cls, type) and issubclass(cls, domain_events.CaseEvent)
     and cls not in (domain_events.CaseEvent, domain_events.DecisionEvent)),
    key=lambda cls: cls.__name__)
WORDS = ["active", "lift", "vary", "continue", "upheld", "dismissed", "varied", "formal",
         "informal", "vulnerability_assessment", "legitimate_issue", "appeal_window",
         "notice_dispatch", "nation", "10 working days", "england_and_wales", "enquiry",
         "order", "breach_of_terms", "standard", "", "customer"]
days = st.dates(date(2024, 1, 1), date(2027, 12, 31))
moments = st.datetimes(datetime(2024, 1, 1), datetime(2027, 12, 31),
                       timezones=st.just(UTC))


def value_for(name: str, kind: str) -> st.SearchStrategy[Any]:
    optional = kind.endswith("| None")
    kind = kind.removesuffix(" | None")
    base: st.SearchStrategy[Any]
    if kind == "UUID":
        base = st.sampled_from(IDS)
    elif kind == "date":
        base = days
    elif kind == "datetime":
        base = moments
    elif kind == "bool":
        base = st.booleans()
    elif kind == "int":
        base = st.integers(0, 10)
    elif kind == "PersonalData":
        base = st.just(PersonalData(str(CASE_ID), None))
    elif kind.startswith("list"):
        base = st.lists(st.sampled_from([*WORDS, *map(str, IDS)]), max_size=3)
    elif kind.startswith("dict"):
        base = st.sampled_from([{}, {"permitted_channels": ["email"]},
                                {"scope_justification": "x", "services": ["housing"]}])
    else:
        base = st.sampled_from(WORDS)
    return st.none() | base if optional else base


@st.composite
def case_events(draw: st.DrawFn) -> list[Any]:
    count = draw(st.integers(1, 40))
    classes = draw(st.lists(st.sampled_from(EVENT_CLASSES), min_size=count, max_size=count))
    out = []
    for version, cls in enumerate(classes, start=1):
        values: dict[str, Any] = {"originator_id": CASE_ID, "originator_version": version}
        for f in dataclasses.fields(cls):
            if f.name not in values:
                values[f.name] = draw(value_for(f.name, str(f.type)))
        out.append(cls(**values))
    return out


@settings(max_examples=150, deadline=None)
@given(events=case_events(), opened_first=st.booleans())
def test_the_fold_never_raises_and_its_rows_are_writable(events: list[Any],
                                                         opened_first: bool) -> None:
    fold = cf.CaseFold()
    state = cf.new_state(str(CASE_ID))
    changes = cf.Changes()
    if opened_first:
        state["opened_at"] = cf.ts(datetime(2024, 1, 1, tzinfo=UTC))
        state["opened_by"] = "cw-1"
    for event in events:
        fold.apply(state, event, changes)
    assert state["version"] == len(events)
    json.dumps(state)  # the state is stored as jsonb
    if state["opened_at"]:
        json.dumps(case_row(state))
    parts = {"case_restriction": ("restrictions", changes.restrictions),
             "case_appeal": ("appeals", changes.appeals),
             "case_notice": ("notices", changes.notices),
             "case_warning": ("warnings", changes.warnings),
             "case_subject_access": ("subject_access", changes.subject_access),
             "case_ombudsman": ("ombudsman_matters", changes.ombudsman)}
    for table, (part, keys) in parts.items():
        for case_id, key in keys:
            row = child_row(table, key, case_id, state[part][key])
            assert set(TABLES[table][1]) <= set(row), (table, set(TABLES[table][1]) - set(row))


def _event(cls: type, version: int, **fields: Any) -> Any:
    t = datetime(2026, 3, 2, 10, tzinfo=UTC) + timedelta(hours=version)
    base = {"originator_id": CASE_ID, "originator_version": version, "timestamp": t,
            "actor_id": "mgr-1", "actor_role": "manager", "occurred_at": t, "recorded_at": t,
            "command_id": None}
    if issubclass(cls, domain_events.DecisionEvent):
        base.update(reason="r", evidence=[])
    if "originator_topic" in {f.name for f in dataclasses.fields(cls)}:
        base["originator_topic"] = "upc.case:Case"
    return cls(**base, **fields)


def test_a_restriction_extension_owes_a_variation_notice_that_can_be_sent() -> None:
    fold, changes = cf.CaseFold(), cf.Changes()
    state = cf.new_state(str(CASE_ID))
    rid, notice, extension_notice = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    story = [
        _event(domain_events.Opened, 1, customer_ref="REF-1"),
        _event(domain_events.RestrictionProposed, 2, restriction_id=rid, terms={},
               review_date=date(2026, 6, 1), ends_on=date(2026, 5, 1)),
        _event(domain_events.RestrictionApproved, 3, restriction_id=rid,
               review_date=date(2026, 6, 1), notice_id=notice, behaviour_justification=None),
        _event(domain_events.RestrictionExtended, 4, restriction_id=rid,
               ends_on=date(2026, 8, 1), previous_ends_on=date(2026, 5, 1),
               notice_id=extension_notice),
        _event(domain_events.NoticeSent, 5, notice_id=extension_notice, format="standard"),
        _event(domain_events.AppealWindowClosed, 6, restriction_id=rid, notice_id=notice),
    ]
    for event in story:
        fold.apply(state, event, changes)
    assert state["skipped"] == 0
    r = state["restrictions"][str(rid)]
    assert r["ends_on"] == "2026-08-01" and r["appeal_window_closed"]
    n = state["notices"][str(extension_notice)]
    assert n["kind"] == "variation" and n["about"] == str(rid) and n["sent_at"] is not None
    row = case_row(state)
    assert row["current_restriction"]["ends_on"] == "2026-08-01"
    assert row["current_restriction"]["appeal_window_closed"] is True


def test_an_unknown_notice_is_skipped_not_raised() -> None:
    fold, changes = cf.CaseFold(), cf.Changes()
    state = cf.new_state(str(CASE_ID))
    fold.apply(state, _event(domain_events.Opened, 1, customer_ref="REF-1"), changes)
    fold.apply(state, _event(domain_events.NoticeSent, 2, notice_id=uuid.uuid4(),
                             format="standard"), changes)
    assert state["version"] == 2 and state["skipped"] == 1


def test_case_owner_and_the_triage_period_setting() -> None:
    fold, changes = cf.CaseFold(), cf.Changes()
    state = cf.new_state(str(CASE_ID))
    rid, contact = uuid.uuid4(), uuid.uuid4()
    for event in [
        _event(domain_events.Opened, 1, customer_ref="REF-1"),
        _event(domain_events.CaseOwnerAssigned, 2, owner_id="mgr-7", previous_owner_id=None),
        _event(domain_events.SettingOverridden, 3, setting="contact_triage_period",
               value="5 working_days"),
        _event(domain_events.ImmediateRestrictionImposed, 4, restriction_id=rid, terms={},
               ends_on=None, notice_id=uuid.uuid4()),
        _event(domain_events.ContactRecorded, 5, contact_id=contact, channel="phone",
               direction="inbound", summary=PersonalData(str(CASE_ID), None)),
    ]:
        fold.apply(state, event, changes)
    assert state["skipped"] == 0 and case_row(state)["owner"] == "mgr-7"
    # Recorded Monday 2 March 2026 (15:00): five working days on is Monday 9 March.
    assert changes.contacts[str(contact)]["triage_due_on"] == "2026-03-09"
