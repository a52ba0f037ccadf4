"""The application contract, run against every persistence by subclassing (see the
``TestCaseService*`` classes in tests/unit/domain and tests/integration)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain import errors
from domain.application import CaseService
from domain.case import Case
from domain.personal import PersonalData
from domain.settings import Setting
from tests.unit.domain.story import ADMIN, CASEWORKER, MANAGER, MANAGER_2, TERMS, Clock, Story

SECRET = "lives at 12 Acacia Avenue, diagnosed with anxiety"


class ServiceContract:
    @pytest.fixture
    def env(self) -> dict[str, str]:
        raise NotImplementedError

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def app(self, env: dict[str, str], clock: Clock) -> Iterator[CaseService]:
        service = CaseService(env=env, clock=clock)
        yield service
        service.close()

    @pytest.fixture
    def story(self, app: CaseService, clock: Clock) -> Story:
        return Story(app, clock)

    def reopen(self, app: CaseService, env: dict[str, str], clock: Clock) -> CaseService:
        """A second application on the same store (the same one where it cannot outlive it)."""
        return CaseService(env=env, clock=clock)

    def reloaded(self, story: Story, env: dict[str, str], clock: Clock) -> Case:
        """The case as a freshly started application reads it from the store."""
        again = self.reopen(story.app, env, clock)
        try:
            return again.get_case(story.case_id)
        finally:
            if again is not story.app:
                again.close()

    # --- persistence and personal data ---------------------------------------------------

    def test_the_lifecycle_survives_a_restart(self, story: Story, env: dict[str, str],
                                              clock: Clock) -> None:
        story.ready()
        restriction = story.activate()
        story.lodge_appeal()
        before = story.case
        after = self.reloaded(story, env, clock)
        assert state_of(after) == state_of(before)
        assert after.restrictions[restriction].status == "active"

    def test_personal_data_is_never_stored_in_clear(self, story: Story) -> None:
        story.record_contact(summary=SECRET)
        story.do("record_vulnerability_info", CASEWORKER, details=SECRET)
        stored = story.app.recorder.select_events(story.case_id)
        assert stored and all(SECRET.encode() not in s.state for s in stored)
        assert all(b"Acacia" not in s.state for s in stored)
        contact = next(iter(story.case.contacts.values()))
        assert contact.summary.text == SECRET

    def test_erasing_a_person_keeps_every_other_fact(self, story: Story, env: dict[str, str],
                                                     clock: Clock) -> None:
        story.record_contact(summary=SECRET)
        story.ready()
        story.app.key_store.destroy(story.case.subject_id)
        case = self.reloaded(story, env, clock)
        contact = next(iter(case.contacts.values()))
        assert contact.summary == PersonalData(case.subject_id, None)
        assert str(contact.summary) == "[erased]"
        assert contact.channel == "phone" and len(case.checks) == 4
        with pytest.raises(errors.SubjectErased):
            story.record_contact(summary="after erasure")

    # --- idempotency and concurrency -----------------------------------------------------

    def test_a_command_delivered_twice_is_recorded_once(self, story: Story) -> None:
        kwargs: dict[str, Any] = {"channel": "email", "direction": "inbound",
                                  "occurred_at": story.clock.now, "summary": "s",
                                  "command_id": "cmd-1"}
        first = story.do("record_contact", CASEWORKER, **kwargs)
        second = story.do("record_contact", CASEWORKER, **kwargs)
        assert first.version == second.version == 2
        assert list(first.contacts) == list(second.contacts)

    def test_open_case_twice(self, app: CaseService) -> None:
        first = app.open_case("T-9", CASEWORKER, command_id="open-1")
        assert app.open_case("T-9", CASEWORKER, command_id="open-1").version == first.version
        with pytest.raises(errors.CaseAlreadyOpen):
            app.open_case("T-9", CASEWORKER, command_id="open-2")

    def test_a_concurrent_write_is_retried_on_a_fresh_case(self, story: Story,
                                                           monkeypatch: Any) -> None:
        stale = story.case
        story.record_contact()  # someone else wins the race
        real_get = story.app._case_for_command  # the cached case, else a replay
        calls = {"n": 0}

        def first_stale(case_id: Any) -> Case:
            calls["n"] += 1
            return stale if calls["n"] == 1 else real_get(case_id)

        monkeypatch.setattr(story.app, "_case_for_command", first_stale)
        case = story.app.record_contact(story.case_id, CASEWORKER, channel="phone",
                                        direction="inbound", occurred_at=story.clock.now,
                                        summary="second")
        assert calls["n"] == 2 and case.version == 3 and len(case.contacts) == 2
        monkeypatch.undo()
        assert story.case.version == 3

    def test_a_stale_expected_version_is_a_conflict(self, story: Story) -> None:
        version = story.case.version
        story.record_contact()
        with pytest.raises(errors.ConcurrentModification):
            story.do("record_contact", CASEWORKER, channel="phone", direction="inbound",
                     occurred_at=story.clock.now, summary="x", expected_version=version)
        story.do("record_contact", CASEWORKER, channel="phone", direction="inbound",
                 occurred_at=story.clock.now, summary="x", expected_version=version + 1)

    # --- settings -------------------------------------------------------------------------

    def test_settings_are_seeded_and_changed_with_a_reason(self, app: CaseService) -> None:
        assert str(app.policy_values().period(Setting.APPEAL_WINDOW)) == "20 working days"
        with pytest.raises(errors.RoleNotPermitted):
            app.change_setting("appeal_window", "25 working_days", MANAGER, reason="r")
        with pytest.raises(errors.ReasonRequired):
            app.change_setting("appeal_window", "25 working_days", ADMIN, reason="")
        with pytest.raises(errors.InvalidSetting):
            app.change_setting("appeal_window", "a while", ADMIN, reason="r")
        with pytest.raises(errors.UnknownCode):
            app.change_setting("coffee_break", "1 working_days", ADMIN, reason="r")
        values = app.change_setting("appeal_window", "25 working_days", ADMIN,
                                    reason="board decision 2026-02")
        assert values.values["appeal_window"] == "25 working_days"  # type: ignore[index]
        history = app.policy_settings().history
        assert history[-1][:4] == ("appeal_window", "20 working_days", "25 working_days",
                                   "adam")

    def test_organisation_settings_drive_the_rules(self, story: Story) -> None:
        story.app.change_setting("review_maximum", "1 months", ADMIN, reason="tighter policy")
        story.ready()
        with pytest.raises(errors.ReviewDateBeyondMaximum):
            story.propose()
        story.do("propose_restriction", CASEWORKER, terms=TERMS, evidence=[story.incident],
            reason="r", review_date=story.today + timedelta(days=28))

    # --- schema evolution -----------------------------------------------------------------

    def test_a_v1_contact_is_read_as_v2(self, story: Story) -> None:
        v1_state = (
            b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-03-01T09:00:00+00:00"},'
            b'"actor_id":"cara","actor_role":"caseworker",'
            b'"occurred_at":{"_type_":"datetime_iso","_data_":"2026-03-01T08:55:00+00:00"},'
            b'"command_id":null,"contact_id":{"_type_":"uuid_hex","_data_":"'
            + uuid4().hex.encode() + b'"},"channel":"letter","direction":"inbound",'
            b'"summary":"old clear summary"}')
        version = story.case.version
        story.app.recorder.insert_events([StoredEvent(
            originator_id=story.case_id, originator_version=version + 1,
            topic="upc.case:Case.ContactRecorded", state=v1_state)])
        case = story.case
        contact = next(iter(case.contacts.values()))
        assert contact.summary == PersonalData(case.subject_id, "old clear summary")
        event = list(story.app.events.get(story.case_id))[-1]
        assert event.recorded_at == event.occurred_at  # type: ignore[attr-defined]
        story.do("record_contact", MANAGER_2, channel="phone", direction="outbound",
                 occurred_at=story.clock.now, summary="reply")


def state_of(case: Case) -> dict[str, Any]:
    """Everything a case knows, without eventsourcing's bookkeeping."""
    return {k: v for k, v in vars(case).items()
            if k not in ("_pending_events", "_modified_on", "_created_on")}
