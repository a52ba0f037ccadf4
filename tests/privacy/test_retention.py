"""Retention, legal holds, disposal and erasure in the domain (in memory: fast)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from domain import privacy
from domain.application import CaseService
from domain.errors import (
    LegalHoldApplies,
    RetentionNotEnded,
    RoleNotPermitted,
    SubjectAccessAlreadyExtended,
    SubjectErased,
)
from domain.personal import ERASED_TEXT, InMemoryKeyStore
from domain.vocabulary import LegalHoldKind
from tests.unit.domain.story import (
    ADMIN,
    AUDITOR,
    CASEWORKER,
    MANAGER,
    SYSTEM,
    Clock,
    Story,
)

CLOSED_ON = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
AFTER_RETENTION = datetime(2032, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def keys() -> InMemoryKeyStore:
    return InMemoryKeyStore()


@pytest.fixture
def story(keys: InMemoryKeyStore) -> Iterator[Story]:
    clock = Clock()
    app = CaseService(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock,
                      key_store=keys)
    yield Story(app, clock)
    app.close()


def closed(story: Story) -> Story:
    story.record_contact("Jane Doe rang from 07700 900123")
    story.do("close_case", MANAGER, reason="no contact for a year")
    return story


def test_a_closed_case_is_kept_for_the_retention_period_in_the_settings(story: Story) -> None:
    case = closed(story).case
    assert case.retain_until == date(2032, 3, 2)  # six years, the seeded default
    story.app.change_setting("retention", "2 years", ADMIN, reason="records schedule 2026")
    other = Story(story.app, story.clock, customer_ref="T-2002")
    closed(other)
    assert other.case.retain_until == date(2028, 3, 2)


def test_disposal_waits_for_the_end_of_retention(story: Story) -> None:
    closed(story)
    story.clock.set(datetime(2032, 3, 2, 23, 0, tzinfo=UTC))  # still the last day
    with pytest.raises(RetentionNotEnded):
        story.app.dispose_case(story.case_id)
    story.clock.set(AFTER_RETENTION)
    assert not privacy.legal_holds(story.case)
    case = story.app.dispose_case(story.case_id)
    assert case.disposed_at == AFTER_RETENTION
    assert str(case.contacts[story.contact].summary) == ERASED_TEXT  # type: ignore[index]
    version = case.version
    assert story.app.dispose_case(story.case_id).version == version  # idempotent


@pytest.mark.parametrize("hold", list(LegalHoldKind))
def test_each_legal_hold_keeps_the_case_until_it_ends(story: Story,
                                                      hold: LegalHoldKind) -> None:
    release = None
    if hold is LegalHoldKind.OPEN_COMPLAINT:
        restriction = story.ready().activate()
        story.do("record_restriction_complaint", CASEWORKER, restriction_id=restriction,
                 summary="the inbox never replies")
        story.do("lift_restriction", MANAGER, restriction_id=restriction, reason="improved")
        notice = next(n for n in story.case.notices.values() if n.kind == "lift")
        story.do("record_notice_sent", CASEWORKER, notice_id=notice.notice_id)
        complaint = next(iter(story.case.complaints))
        release = ("resolve_restriction_complaint", CASEWORKER, {"complaint_id": complaint})
    elif hold is LegalHoldKind.OMBUDSMAN_CASE:
        story.do("record_ombudsman_contact", MANAGER, stage="enquiry", reference="HOS-1")
        matter = next(iter(story.case.ombudsman))
        release = ("close_ombudsman_matter", MANAGER, {"matter_id": matter})
    elif hold is LegalHoldKind.SUBJECT_ACCESS_REQUEST:
        story.do("record_subject_access_request", CASEWORKER)
        request = next(iter(story.case.subject_access_requests))
        release = ("fulfil_subject_access", CASEWORKER, {"request_id": request})
    closed(story)
    if hold is LegalHoldKind.LITIGATION:
        story.do("place_legal_hold", ADMIN, reason="county court claim issued")
        hold_id = next(iter(story.case.litigation_holds))
        release = ("release_legal_hold", ADMIN, {"hold_id": hold_id, "reason": "settled"})
    story.clock.set(AFTER_RETENTION)
    assert [h.kind for h in privacy.legal_holds(story.case)] == [hold]
    assert not privacy.disposable(story.case, story.today)
    with pytest.raises(LegalHoldApplies, match=hold.value.replace("_", " ")):
        story.app.dispose_case(story.case_id)
    assert release is not None
    command, actor, kwargs = release
    story.do(command, actor, **kwargs)
    assert privacy.disposable(story.case, story.today)
    assert story.app.dispose_case(story.case_id).disposed_at is not None


def test_erasure_destroys_the_persons_key_and_records_no_data(story: Story,
                                                              keys: InMemoryKeyStore) -> None:
    story.record_contact("Jane Doe, 07700 900123, jane@example.org")
    story.do("record_vulnerability_info", CASEWORKER, details="Jane has multiple sclerosis")
    case = story.do("nominate_representative", CASEWORKER, kind="advocate",
                    details="Harold Bloggs, Citizens Advice", consent_on=story.today)
    representative = next(iter(case.representatives))
    rep_subject = privacy.representative_subject_id(story.case_id, representative)
    assert case.representatives[representative].details.subject_id == rep_subject
    for actor in (CASEWORKER, MANAGER, AUDITOR):
        with pytest.raises(RoleNotPermitted):
            story.do("erase_person", actor, person="customer")

    case = story.do("erase_person", ADMIN, person="representative",
                    representative_id=representative, ground="consent_withdrawn")
    assert str(case.representatives[representative].details) == ERASED_TEXT
    assert str(case.contacts[story.contact].summary).startswith("Jane Doe")  # type: ignore
    assert keys.existing_key(rep_subject) is None

    case = story.do("erase_person", ADMIN, person="customer")
    assert str(case.contacts[story.contact].summary) == ERASED_TEXT  # type: ignore[index]
    assert keys.existing_key(str(story.case_id)) is None
    erasures = [e for e in story.app.events.get(story.case_id)
                if type(e).__name__ == "PersonErased"]
    assert [(e.person, e.ground) for e in erasures] == [
        ("representative", "consent_withdrawn"), ("customer", "erasure_request")]
    assert all(not hasattr(e, "details") and not hasattr(e, "summary") for e in erasures)
    # Non-personal facts stay; nothing personal can be recorded about the person any more.
    assert case.contacts[story.contact].channel == "phone"  # type: ignore[index]
    with pytest.raises(SubjectErased):
        story.record_contact("Jane again")
    story.do("record_contact", CASEWORKER, channel="email", direction="inbound",
             occurred_at=story.clock.now, summary="")  # a coded fact, no text: fine
    version = story.case.version
    assert story.do("erase_person", ADMIN, person="customer").version == version


def test_the_customer_is_not_erased_under_a_legal_hold(story: Story) -> None:
    story.do("place_legal_hold", ADMIN, reason="claim issued")
    with pytest.raises(LegalHoldApplies):
        story.do("erase_person", ADMIN, person="customer")


def test_a_subject_access_request_is_due_in_a_month_extendable_once(story: Story) -> None:
    case = story.do("record_subject_access_request", CASEWORKER)
    request = next(iter(case.subject_access_requests))
    assert case.sar_due_on[request] == date(2026, 4, 2)
    case = story.do("extend_subject_access", MANAGER, request_id=request,
                    reason="eight years of records")
    assert case.sar_due_on[request] == date(2026, 6, 2)
    with pytest.raises(SubjectAccessAlreadyExtended):
        story.do("extend_subject_access", MANAGER, request_id=request, reason="again")
    assert story.app.open_subject_access_requests()[0]["due_on"] == date(2026, 6, 2)
    story.do("fulfil_subject_access", ADMIN, request_id=request)
    assert story.app.open_subject_access_requests() == []


def test_disposal_is_for_the_schedule_or_an_administrator(story: Story) -> None:
    closed(story)
    story.clock.set(AFTER_RETENTION)
    with pytest.raises(RoleNotPermitted):
        story.app.dispose_case(story.case_id, MANAGER)
    assert story.app.disposal_candidates(story.today)[0].id == story.case_id
    story.app.dispose_case(story.case_id, SYSTEM)
    assert story.app.disposal_candidates(story.today) == []
