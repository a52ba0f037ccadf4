"""What a notice to the customer says, read from the case's events at the moment of sending.

A ``NoticeContent`` holds the facts a letter must carry (POLICY.md "A notice is sent for
every decision"): what was decided and by whom, the behaviour relied on (the recorded reason
and any behaviour justification, the incidents' coded categories and dates), the terms, the
always-open exceptions, the review date, the end date, and how and by when to appeal.
Wording, languages and formats belong to the letters adapter (``letters/``); the rules a
notice must pass before it is sent are in ``domain.notice_rules``. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.calendar import uk_date
from domain.clocks import ratification_overdue_at, warning_lapses_at
from domain.errors import NotFound
from domain.settings import PolicyValues, Setting
from domain.terms import AlwaysOpen, RestrictionTerms, join_terms
from domain.vocabulary import NoticeKind


class Variant(StrEnum):
    """Which letter: the notice kind, narrowed by the decision that owes it."""

    INFORMAL_WARNING = "informal_warning"
    FORMAL_WARNING = "formal_warning"
    RESTRICTION = "restriction"
    IMMEDIATE_RESTRICTION = "immediate_restriction"
    REVIEW_CONTINUE = "review_continue"
    REVIEW_VARY = "review_vary"
    REVIEW_LIFT = "review_lift"
    EXTENSION = "extension"
    APPEAL_DISMISSED = "appeal_dismissed"
    APPEAL_VARIED = "appeal_varied"
    APPEAL_UPHELD = "appeal_upheld"
    LIFT = "lift"
    EXPIRY = "expiry"


#: Letters about a restriction that is still in force once the notice is read.
IN_FORCE = frozenset({Variant.RESTRICTION, Variant.IMMEDIATE_RESTRICTION,
                      Variant.REVIEW_CONTINUE, Variant.REVIEW_VARY, Variant.EXTENSION,
                      Variant.APPEAL_DISMISSED, Variant.APPEAL_VARIED})
#: Letters of a decision the customer can appeal (within the appeal window of the notice).
APPEALABLE = frozenset({Variant.RESTRICTION, Variant.IMMEDIATE_RESTRICTION,
                        Variant.REVIEW_CONTINUE, Variant.REVIEW_VARY, Variant.EXTENSION})


@dataclass(frozen=True)
class Occurrence:
    """A recorded incident the decision relied on: its coded category and its date."""

    category: str
    on: date


@dataclass(frozen=True)
class NoticeContent:
    notice_id: UUID
    kind: NoticeKind
    variant: Variant
    customer_ref: str
    notice_date: date
    decided_on: date
    decided_by: str  # the staff user id (staff acting in their role)
    decided_by_role: str
    reason: str | None  # the recorded reason for the decision
    behaviour_justification: str | None = None
    categories: tuple[str, ...] = ()  # BehaviourCategory values
    occurrences: tuple[Occurrence, ...] = ()
    terms: RestrictionTerms | None = None
    always_open: tuple[AlwaysOpen, ...] = ()
    review_date: date | None = None
    ends_on: date | None = None
    previous_ends_on: date | None = None
    appeal_deadline: date | None = None
    appeal_window: str | None = None  # e.g. "20 working days"
    lapses_on: date | None = None  # a warning: when it lapses if nothing else happens
    lift_cause: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def in_force(self) -> bool:
        return self.variant in IN_FORCE

    @property
    def appealable(self) -> bool:
        return self.variant in APPEALABLE

    def customer_text(self) -> list[str]:
        """Free text staff wrote that the customer will read in the letter."""
        texts = [t for t in (self.reason, self.behaviour_justification) if t]
        if self.terms is not None:
            texts.extend(self.terms.same_matter_bar)
        return texts


_OWING = ("WarningGiven", "RestrictionApproved", "ImmediateRestrictionImposed",
          "ReviewCompleted", "AppealDecided", "RestrictionExtended", "RestrictionLifted",
          "RestrictionExpired")


def _text(value: Any) -> str | None:
    if value is None or getattr(value, "erased", False):
        return None
    text = str(value).strip()
    return text or None


def _terms_at(events: Sequence[Any], upto: int) -> dict[UUID, dict[str, Any]]:
    """Each restriction's terms as the events up to ``upto`` (an index) left them."""
    terms: dict[UUID, dict[str, Any]] = {}
    appeals: dict[UUID, UUID] = {}
    for event in events[:upto + 1]:
        name = type(event).__name__
        personal = getattr(event, "personal_terms", {}) or {}
        if name in ("RestrictionProposed", "ImmediateRestrictionImposed"):
            terms[event.restriction_id] = join_terms(event.terms, personal)
        elif name == "AppealLodged":
            appeals[event.appeal_id] = event.restriction_id
        elif name in ("ReviewCompleted", "AppealDecided") and event.new_terms is not None:
            rid = event.restriction_id if name == "ReviewCompleted" else appeals[event.appeal_id]
            terms[rid] = join_terms(event.new_terms, personal)
    return terms


def _variant(event: Any) -> Variant:
    name = type(event).__name__
    if name == "WarningGiven":
        return Variant.FORMAL_WARNING if event.kind == "formal" else Variant.INFORMAL_WARNING
    if name == "ReviewCompleted":
        return {"continue": Variant.REVIEW_CONTINUE, "vary": Variant.REVIEW_VARY,
                "lift": Variant.REVIEW_LIFT}[event.outcome]
    if name == "AppealDecided":
        return {"dismissed": Variant.APPEAL_DISMISSED, "varied": Variant.APPEAL_VARIED,
                "upheld": Variant.APPEAL_UPHELD}[event.outcome]
    return {"RestrictionApproved": Variant.RESTRICTION,
            "ImmediateRestrictionImposed": Variant.IMMEDIATE_RESTRICTION,
            "RestrictionExtended": Variant.EXTENSION, "RestrictionLifted": Variant.LIFT,
            "RestrictionExpired": Variant.EXPIRY}[name]


def notice_content(case: Any, events: Sequence[Any], notice_id: UUID,
                   organisation: PolicyValues, notice_date: date) -> NoticeContent:
    """The content of notice ``notice_id`` sent on ``notice_date``, from the case's events
    (decoded, as the application reads them) and the organisation's settings."""
    owing = [(i, e) for i, e in enumerate(events)
             if type(e).__name__ in _OWING and getattr(e, "notice_id", None) == notice_id]
    if not owing:
        raise NotFound(f"There is no notice {notice_id} on this case.")
    index, event = owing[0]
    variant = _variant(event)
    notice = case.notices[notice_id]
    policy: PolicyValues = case.policy(organisation)
    restriction_id = _restriction_of(case, event)
    restriction = case.restrictions.get(restriction_id) if restriction_id else None
    terms_dict = _terms_at(events, index).get(restriction_id) if restriction_id else None
    terms = RestrictionTerms.from_dict(terms_dict) if terms_dict is not None else None
    evidence = _evidence(events, index, event, restriction_id)
    occurrences = tuple(sorted(
        (Occurrence(i.category, uk_date(i.occurred_at)) for ref in evidence
         if (i := _incident(case, ref)) is not None), key=lambda o: (o.on, o.category)))
    categories = tuple(sorted({o.category for o in occurrences}
                              | set(_concern_categories(events, index))))
    in_force = variant in IN_FORCE
    review_date = _review_date(case, events, index, event, variant, organisation)
    window = policy.period(Setting.APPEAL_WINDOW)
    appeal_deadline = (policy.calendar.after(notice_date, window)
                       if variant in APPEALABLE else None)
    ends_on = _ends_on(events, index, restriction_id, restriction)
    lapses_on = None
    if variant in (Variant.INFORMAL_WARNING, Variant.FORMAL_WARNING):
        lapses_on = uk_date(warning_lapses_at(case, event.warning_id, organisation))
    return NoticeContent(
        notice_id=notice_id, kind=NoticeKind(notice.kind), variant=variant,
        customer_ref=str(case.customer_ref), notice_date=notice_date,
        decided_on=uk_date(event.occurred_at), decided_by=event.actor_id,
        decided_by_role=event.actor_role, reason=_text(getattr(event, "reason", None)),
        behaviour_justification=_text(getattr(event, "behaviour_justification", None)),
        categories=categories, occurrences=occurrences,
        terms=terms if in_force else None,
        always_open=tuple(a for a in AlwaysOpen if a in terms.always_open)
        if terms and in_force else (),
        review_date=review_date if in_force else None,
        ends_on=ends_on if in_force else None,
        previous_ends_on=getattr(event, "previous_ends_on", None),
        appeal_deadline=appeal_deadline,
        appeal_window=str(window) if appeal_deadline else None,
        lapses_on=lapses_on, lift_cause=getattr(event, "cause", None))


def _restriction_of(case: Any, event: Any) -> UUID | None:
    rid = getattr(event, "restriction_id", None)
    if rid is not None:
        return rid  # type: ignore[no-any-return]
    appeal_id = getattr(event, "appeal_id", None)
    if appeal_id is not None and appeal_id in case.appeals:
        return case.appeals[appeal_id].restriction_id  # type: ignore[no-any-return]
    return None


def _evidence(events: Sequence[Any], index: int, event: Any,
              restriction_id: UUID | None) -> list[str]:
    """The records the decision relied on: its own evidence, else its proposal's."""
    own = list(getattr(event, "evidence", []) or [])
    if own or restriction_id is None:
        return own
    for earlier in events[:index]:
        if (type(earlier).__name__ in ("RestrictionProposed", "ImmediateRestrictionImposed")
                and earlier.restriction_id == restriction_id):
            return list(earlier.evidence)
    return []


def _incident(case: Any, ref: str) -> Any:
    try:
        return case.incidents.get(UUID(str(ref)))
    except ValueError:
        return None


def _concern_categories(events: Sequence[Any], index: int) -> list[str]:
    found: list[str] = []
    for event in events[:index]:
        if type(event).__name__ == "ConcernRaised":
            found.extend(event.categories)
    return found


def _review_date(case: Any, events: Sequence[Any], index: int, event: Any, variant: Variant,
                 organisation: PolicyValues) -> date | None:
    """The next review as the letter must state it: the decision's own review date; for an
    immediate restriction, the day a senior manager must ratify (review) it by."""
    if variant is Variant.IMMEDIATE_RESTRICTION:
        return uk_date(ratification_overdue_at(case, event.restriction_id, organisation))
    own = getattr(event, "review_date", None) or getattr(event, "next_review_date", None)
    if own is not None:
        return own  # type: ignore[no-any-return]
    rid = _restriction_of(case, event)
    latest: date | None = None
    for earlier in events[:index + 1]:
        if getattr(earlier, "restriction_id", None) != rid:
            continue
        latest = (getattr(earlier, "review_date", None)
                  or getattr(earlier, "next_review_date", None) or latest)
    return latest


def _ends_on(events: Sequence[Any], index: int, restriction_id: UUID | None,
             restriction: Any) -> date | None:
    if restriction_id is None:
        return None
    ends_on: date | None = None
    seen = False
    for event in events[:index + 1]:
        if getattr(event, "restriction_id", None) == restriction_id and hasattr(
                event, "ends_on"):
            ends_on, seen = event.ends_on, True
    return ends_on if seen else (restriction.ends_on if restriction else None)
