"""A database written before NoticeSent v2 still loads: a v1 notice reads as recorded as sent,
with no letter."""

from __future__ import annotations

import json
from dataclasses import replace

from domain.application import CaseService
from tests.unit.domain.story import CASEWORKER, Clock, Story


def test_a_v1_notice_sent_is_read_as_recorded_without_a_letter() -> None:
    clock = Clock()
    app = CaseService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    try:
        story = Story(app, clock)
        story.record_incident()
        story.raise_concern()
        story.do("give_warning", CASEWORKER, kind="informal", evidence=[story.incident],
                 reason="Shouted at the officer.")
        story.send_owed_notices()
        stored = [s for s in app.recorder.select_events(story.case_id)
                  if s.topic == "upc.case:Case.NoticeSent"]
        (v2,) = stored
        state = json.loads(v2.state)
        assert state["class_version"] == 2
        for name in ("channel", "text", "document_sha256", "template_version", "language",
                     "message_id", "confirmed"):
            state.pop(name, None)
        state["class_version"] = 1
        v1 = replace(v2, state=json.dumps(state).encode())
        event = app.mapper.to_domain_event(v1)
        assert event.channel == "recorded" and event.text is None
        assert event.document_sha256 is None and event.confirmed is True
    finally:
        app.close()
