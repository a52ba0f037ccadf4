"""One fixed case whose life owes the customer every kind of notice the domain creates.

Deterministic: a fixed clock, a fixed case id (new cases get random ids: this one is pinned
to the id the case had when ids were derived from the reference, so the golden files kept
their notice references), hence fixed notice and restriction ids, fixed words; the golden
files in ``golden/`` are its letters.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from unittest.mock import patch
from uuid import UUID

from domain.application import CaseService
from domain.calendar import start_of, uk_date
from domain.identity import legacy_case_id
from domain.notice_content import NoticeContent, Variant, notice_content
from domain.terms import RestrictionTerms
from domain.vocabulary import Channel
from tests.unit.domain.story import (
    CASEWORKER,
    MANAGER,
    MANAGER_2,
    SENIOR,
    SENIOR_2,
    Clock,
    Story,
)

TERMS = RestrictionTerms(
    single_point_of_contact="the housing officer inbox, housing@example.org",
    permitted_channels=frozenset({Channel.EMAIL, Channel.LETTER}),
    permitted_days=frozenset({0, 2}), permitted_hours=(time(10), time(12)),
    file_without_reply=True, same_matter_bar=("the 2024 kitchen refit",),
    services=("housing management", "repairs"))
FIXED_CASE_ID = legacy_case_id("T-1001")
VARIED = RestrictionTerms(single_point_of_contact="the housing officer inbox",
                          services=("housing management",))


class FixedCase:
    """The story, and which notice is which."""

    def __init__(self, app: CaseService, clock: Clock) -> None:
        self.app, self.clock = app, clock
        with patch("domain.service.identity.uuid4", return_value=FIXED_CASE_ID):
            self.story = Story(app, clock, customer_ref="T-1001")
        self.notices: dict[Variant, UUID] = {}
        self._walk()

    def _owed(self, variant: Variant) -> None:
        new = [n for n in self.story.case.notices if n not in self.notices.values()]
        self.notices[variant] = new[-1]

    def _day(self, days: int = 1) -> None:
        self.clock.advance(days=days)

    def _walk(self) -> None:
        s = self.story
        s.record_incident("unreasonable_levels_of_contact")
        s.raise_concern()
        s.do("give_warning", CASEWORKER, kind="informal", evidence=[s.incident],
             reason="You phoned the repairs line 14 times on 2 March about the same leak.")
        self._owed(Variant.INFORMAL_WARNING)
        self._day()
        s.record_incident("abusive_or_aggressive")
        s.complete_checks()
        s.do("give_warning", MANAGER, kind="formal", evidence=[s.incident],
             reason="You swore at the repairs officer on the phone on 3 March.")
        self._owed(Variant.FORMAL_WARNING)
        self._day(7)
        s.record_incident("abusive_or_aggressive")
        rid = s.do("propose_restriction", CASEWORKER, terms=TERMS, evidence=[s.incident],
                   reason="Abusive calls continued after the formal warning.",
                   review_date=s.today + timedelta(days=90)).restrictions
        self.restriction = list(rid)[-1]
        s.do("approve_restriction", MANAGER, restriction_id=self.restriction,
             reason="Three recorded incidents of abuse towards staff in ten days; written "
                    "contact through one inbox lets us keep dealing with your repairs.")
        self._owed(Variant.RESTRICTION)
        self._day(60)
        s.do("complete_review", MANAGER_2, restriction_id=self.restriction, outcome="continue",
             reason="Two further abusive emails since the decision.", evidence=[s.incident],
             next_review_date=s.today + timedelta(days=90))
        self._owed(Variant.REVIEW_CONTINUE)
        self._day(30)
        s.do("complete_review", MANAGER_2, restriction_id=self.restriction, outcome="vary",
             reason="No abuse for a month; phone hours are no longer needed.",
             evidence=[s.incident], next_review_date=s.today + timedelta(days=90),
             new_terms=VARIED)
        self._owed(Variant.REVIEW_VARY)
        self._day()
        s.do("extend_restriction", MANAGER, restriction_id=self.restriction,
             ends_on=s.today + timedelta(days=150),
             reason="The review found the arrangements still needed for the repairs works.")
        self._owed(Variant.EXTENSION)
        s.restriction = self.restriction
        self._appeal("dismissed", Variant.APPEAL_DISMISSED)
        self._appeal("varied", Variant.APPEAL_VARIED, new_terms=TERMS)
        self._appeal("upheld", Variant.APPEAL_UPHELD)
        self.notices[Variant.LIFT] = s.case.restrictions[self.restriction].lift_notice_id  # type: ignore[assignment]
        self._day()
        # an immediate restriction after a threat, ratified, then reviewed and lifted
        immediate = s.impose_immediate()
        self._owed(Variant.IMMEDIATE_RESTRICTION)
        self._day()
        s.do("ratify_immediate_restriction", SENIOR, restriction_id=immediate,
             reason="The threat was serious and recorded by two officers.",
             review_date=s.today + timedelta(days=60))
        self._day(10)
        s.do("complete_review", MANAGER, restriction_id=immediate, outcome="lift",
             reason="The police matter closed and no contact since.", evidence=[s.threat])
        self._owed(Variant.LIFT)  # the lift notice is owed last
        review_lift = [n for n in s.case.notices if n not in self.notices.values()]
        self.notices[Variant.REVIEW_LIFT] = review_lift[-1]
        # a restriction with an end date that expires
        s.record_incident("unreasonable_demands")
        later = s.do("propose_restriction", CASEWORKER, terms=VARIED, evidence=[s.incident],
                     reason="Repeated demands for a named officer's home number.",
                     review_date=s.today + timedelta(days=60), ends_on=s.today + timedelta(
                         days=30)).restrictions
        self.expiring = list(later)[-1]
        s.do("approve_restriction", MANAGER, restriction_id=self.expiring,
             reason="Proportionate for one month.")
        ends = s.case.restrictions[self.expiring].ends_on
        assert ends is not None
        self.clock.set(start_of(ends) + timedelta(hours=1))
        self.app.expire_restriction(s.case_id, self.expiring)
        self.notices[Variant.EXPIRY] = s.case.restrictions[self.expiring].lift_notice_id  # type: ignore[assignment]

    def _appeal(self, outcome: str, variant: Variant, **extra: object) -> None:
        s = self.story
        self._day()
        appeal = s.lodge_appeal(MANAGER)
        s.do("decide_appeal", SENIOR_2, appeal_id=appeal,
             outcome=outcome, reason=f"Appeal {outcome}: the officer's notes were read again.",
             evidence=[s.incident], **extra)
        appeal_notices = [n for n, rec in s.case.notices.items() if rec.about_id == appeal]
        self.notices[variant] = appeal_notices[-1]

    def content(self, variant: Variant, on: date | None = None) -> NoticeContent:
        case = self.story.case
        events = list(self.app.repository.event_store.get(case.id))
        notice = case.notices[self.notices[variant]]
        calendar = self.app.policy_values().calendar
        sent_on = on or calendar.add_working_days(uk_date(notice.owed_since), 1)
        return notice_content(case, events, notice.notice_id, self.app.policy_values(),
                              sent_on)

