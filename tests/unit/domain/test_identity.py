"""Pseudonymous identity: random case ids, the customer reference sealed and found through a
keyed index (one case per customer), released with erasure; cases opened before (derived
ids, reference in clear) still load, are still found and still refuse a duplicate."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain import errors
from domain.application import CaseService
from domain.case import Case, Stamp
from domain.identity import LOOKUP_KEY_SUBJECT, CustomerIndex, index_id, legacy_case_id
from tests.unit.domain.story import ADMIN, CASEWORKER, COMMITTEE
from tests.unit.domain.test_sealed_text import stored_text

REF = "T-4242"


def test_case_ids_are_random_and_the_reference_is_sealed(app: CaseService) -> None:
    case = app.open_case(REF, CASEWORKER)
    other = app.open_case("T-4243", CASEWORKER)
    assert case.id.version == 4 and case.id != legacy_case_id(REF) and other.id != case.id
    assert REF not in stored_text(app, case.id)
    assert str(app.get_case(case.id).customer_ref) == REF
    assert app.case_id_of(REF) == case.id and app.case_id_of(f" {REF} ") == case.id
    assert app.case_id_of("T-0000") is None
    assert app.customer_refs([case.id, other.id]) == {case.id: REF, other.id: "T-4243"}
    # the index holds the keyed hash (as its id) and the case id, never the reference
    lookup = app.customer_lookup(REF)
    assert len(lookup) == 64 and REF not in lookup
    index: CustomerIndex = app.repository.get(index_id(lookup))
    assert index.case_id == case.id and REF not in stored_text(app, index.id)
    assert app.key_store.existing_key(LOOKUP_KEY_SUBJECT) is not None


def test_one_case_per_customer(app: CaseService) -> None:
    case = app.open_case(REF, CASEWORKER, command_id="open-1")
    assert app.open_case(REF, CASEWORKER, command_id="open-1").id == case.id  # redelivery
    with pytest.raises(errors.CaseAlreadyOpen) as refused:
        app.open_case(REF, CASEWORKER, command_id="open-2")
    assert refused.value.code == "case-already-open"
    with pytest.raises(errors.InvalidInput):
        app.open_case("   ", CASEWORKER)
    with pytest.raises(errors.RoleNotPermitted):
        app.open_case("T-4244", COMMITTEE)
    assert app.case_id_of("T-4244") is None  # a refused opening recorded nothing


def test_erasure_releases_the_reference(app: CaseService) -> None:
    case = app.open_case(REF, CASEWORKER)
    app.erase_person(case.id, ADMIN)
    assert app.case_id_of(REF) is None
    assert app.customer_refs([case.id]) == {case.id: None}
    assert str(app.get_case(case.id).customer_ref) == "[erased]"
    again = app.open_case(REF, CASEWORKER)  # a new case for someone with that reference
    assert again.id != case.id and app.case_id_of(REF) == again.id
    app.erase_person(case.id, ADMIN, command_id="again")  # idempotent, and leaves the new
    assert app.case_id_of(REF) == again.id


def old_opened(app: CaseService, ref: str) -> UUID:
    """A case opened by the code before this change: derived id, ``Opened`` v2 with the
    reference in clear."""
    case_id = legacy_case_id(ref)
    now = datetime.now(UTC)
    event = Case.open(case_id, ref, Stamp(CASEWORKER, now, now)).collect_events()[0]
    stored = app.mapper.to_stored_event(event)
    state = app.mapper.transcoder.decode(stored.state)
    state.update(customer_ref=ref, class_version=2)
    app.recorder.insert_events([StoredEvent(case_id, 1, stored.topic,
                                            app.mapper.transcoder.encode(state))])
    return case_id


def test_a_case_opened_before_still_loads_is_found_and_refuses_a_duplicate(
        app: CaseService) -> None:
    old = old_opened(app, REF)
    assert str(app.get_case(old).customer_ref) == REF
    assert app.case_id_of(REF) == old
    assert app.customer_refs([old]) == {old: REF}
    with pytest.raises(errors.CaseAlreadyOpen):
        app.open_case(REF, CASEWORKER)
    app.erase_person(old, ADMIN)
    assert app.case_id_of(REF) is None and app.customer_refs([old]) == {old: None}
    assert str(app.get_case(old).customer_ref) == "[erased]"
    assert app.open_case(REF, CASEWORKER).id != old
