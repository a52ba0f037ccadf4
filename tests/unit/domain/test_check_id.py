"""A pre-decision check has an id of its own (CheckRecorded v2); checks stored before it
read with the id the case would have given them."""

from __future__ import annotations

from uuid import uuid5

from eventsourcing.persistence import StoredEvent

from tests.unit.domain.story import Story
from tests.unit.domain.test_sealed_text import as_v1, events_named


def test_a_check_carries_its_id_and_an_old_one_reads_with_the_same_id(story: Story) -> None:
    story.ready()
    checks = events_named(story.app, story.case_id, "CheckRecorded")
    assert checks and all(c.check_id == uuid5(story.case_id, f"check:{c.originator_version}")
                          for c in checks)
    transcoder = story.app.mapper.transcoder
    stored = as_v1(story.app, checks[0])
    state = transcoder.decode(stored.state)
    del state["check_id"]  # as version 1 stored it
    old = StoredEvent(stored.originator_id, stored.originator_version, stored.topic,
                      transcoder.encode(state))
    assert story.app.mapper.to_domain_event(old).check_id == checks[0].check_id
