"""Restriction terms: structured, never free text (POLICY.md "Restriction terms")."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import time
from enum import StrEnum
from typing import Any

from domain.errors import AlwaysOpenExceptionRemoved, InvalidTerms, ScopeJustificationRequired
from domain.personal import ERASED_TEXT, PersonalData
from domain.vocabulary import Channel


class AlwaysOpen(StrEnum):
    """What stays open whatever the terms say; no one can remove these."""

    EMERGENCY_REPAIRS_AND_SAFETY = "emergency_repairs_and_safety"
    SAFEGUARDING = "safeguarding"
    RENT_AND_PAYMENTS = "rent_and_payments"
    STATUTORY_SERVICES = "statutory_services"
    SUBJECT_ACCESS_REQUEST = "subject_access_request"
    NEW_COMPLAINT_DIFFERENT_MATTER = "new_complaint_different_matter"


ALWAYS_OPEN: frozenset[AlwaysOpen] = frozenset(AlwaysOpen)

#: Terms written in staff's own words about the customer: sealed with the customer's key.
#: Named matters ("his mother's care package") and the organisation-wide justification are the
#: customer's personal data. The single point of contact (an officer or inbox, staff acting in
#: their role), excluded premises (the landlord's own offices) and named services are the
#: organisation's, and the front line needs them in the contact rules: they stay in clear.
PERSONAL_TERMS = ("same_matter_bar", "scope_justification")
WRITTEN_CHANNELS = frozenset({Channel.EMAIL, Channel.LETTER, Channel.WEB_FORM})


@dataclass(frozen=True)
class RestrictionTerms:
    permitted_channels: frozenset[Channel] = frozenset()  # empty: any channel
    permitted_days: frozenset[int] = frozenset()  # 0 = Monday; empty: any day
    permitted_hours: tuple[time, time] | None = None
    single_point_of_contact: str | None = None
    written_only: bool = False
    no_face_to_face: bool = False
    excluded_premises: tuple[str, ...] = ()
    file_without_reply: bool = False
    same_matter_bar: tuple[str, ...] = ()
    issue_quota: tuple[int, str] | None = None  # (issues, period such as "1 months")
    via_advocate_only: bool = False
    services: tuple[str, ...] = ()
    organisation_wide: bool = False
    scope_justification: str | None = None
    always_open: frozenset[AlwaysOpen] = field(default=ALWAYS_OPEN)

    def __post_init__(self) -> None:
        removed = ALWAYS_OPEN - self.always_open
        if removed:
            names = ", ".join(sorted(r.value.replace("_", " ") for r in removed))
            raise AlwaysOpenExceptionRemoved(
                f"These always stay open and cannot be removed from any restriction: {names}.")
        if self.organisation_wide:
            if not (self.scope_justification and self.scope_justification.strip()):
                raise ScopeJustificationRequired(
                    "An organisation-wide restriction needs a written justification.")
        elif not self.services:
            raise InvalidTerms("Name the services the restriction covers, or make it "
                               "organisation-wide with a justification.")
        if self.written_only and self.permitted_channels - WRITTEN_CHANNELS:
            raise InvalidTerms("Written-only terms cannot permit phone, visits or other "
                               "spoken channels.")
        if any(d not in range(7) for d in self.permitted_days):
            raise InvalidTerms("Permitted days are 0 (Monday) to 6 (Sunday).")
        if self.permitted_hours and self.permitted_hours[0] >= self.permitted_hours[1]:
            raise InvalidTerms("Permitted hours must start before they end.")
        if self.issue_quota is not None and self.issue_quota[0] < 1:
            raise InvalidTerms("An issue quota allows at least one issue per period.")
        if not self.restricts_anything:
            raise InvalidTerms("These terms restrict nothing; say what is restricted.")

    @property
    def restricts_anything(self) -> bool:
        return bool(
            self.permitted_channels or self.permitted_days or self.permitted_hours
            or self.single_point_of_contact or self.written_only or self.no_face_to_face
            or self.excluded_premises or self.file_without_reply or self.same_matter_bar
            or self.issue_quota or self.via_advocate_only)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, as stored in events."""
        data = asdict(self)
        data["permitted_channels"] = sorted(c.value for c in self.permitted_channels)
        data["permitted_days"] = sorted(self.permitted_days)
        data["permitted_hours"] = (
            [t.isoformat() for t in self.permitted_hours] if self.permitted_hours else None)
        data["excluded_premises"] = list(self.excluded_premises)
        data["same_matter_bar"] = list(self.same_matter_bar)
        data["issue_quota"] = list(self.issue_quota) if self.issue_quota else None
        data["services"] = list(self.services)
        data["always_open"] = sorted(a.value for a in self.always_open)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RestrictionTerms:
        hours = data.get("permitted_hours")
        quota = data.get("issue_quota")
        try:
            return cls(
                permitted_channels=frozenset(
                    Channel(c) for c in data.get("permitted_channels", ())),
                permitted_days=frozenset(int(d) for d in data.get("permitted_days", ())),
                permitted_hours=(time.fromisoformat(hours[0]), time.fromisoformat(hours[1]))
                if hours else None,
                single_point_of_contact=data.get("single_point_of_contact"),
                written_only=bool(data.get("written_only", False)),
                no_face_to_face=bool(data.get("no_face_to_face", False)),
                excluded_premises=tuple(data.get("excluded_premises", ())),
                file_without_reply=bool(data.get("file_without_reply", False)),
                same_matter_bar=tuple(data.get("same_matter_bar", ())),
                issue_quota=(int(quota[0]), str(quota[1])) if quota else None,
                via_advocate_only=bool(data.get("via_advocate_only", False)),
                services=tuple(data.get("services", ())),
                organisation_wide=bool(data.get("organisation_wide", False)),
                scope_justification=data.get("scope_justification"),
                always_open=frozenset(
                    AlwaysOpen(a) for a in data.get("always_open", [a.value for a in AlwaysOpen])),
            )
        except (ValueError, TypeError, IndexError) as exc:
            raise InvalidTerms(f"These restriction terms are not well formed: {exc}") from None


def split_terms(terms: Mapping[str, Any], seal: Callable[[str], PersonalData]
                ) -> tuple[dict[str, Any], dict[str, PersonalData]]:
    """(structured terms in clear, the free-text terms sealed); empty ones are left out."""
    clear = {k: v for k, v in terms.items() if k not in PERSONAL_TERMS}
    personal: dict[str, PersonalData] = {}
    if terms.get("same_matter_bar"):
        personal["same_matter_bar"] = seal(json.dumps(list(terms["same_matter_bar"])))
    justification = terms.get("scope_justification")
    if justification and str(justification).strip():
        personal["scope_justification"] = seal(str(justification))
    return clear, personal


def join_terms(clear: Mapping[str, Any], personal: Mapping[str, PersonalData]
               ) -> dict[str, Any]:
    """The whole terms again, as the aggregate keeps them (erased text shows ``[erased]``)."""
    terms = {**dict(clear), "same_matter_bar": [], "scope_justification": None}
    matters = personal.get("same_matter_bar")
    if matters is not None:
        terms["same_matter_bar"] = [ERASED_TEXT] if matters.text is None else json.loads(
            matters.text)
    justification = personal.get("scope_justification")
    if justification is not None:
        terms["scope_justification"] = str(justification)
    return terms
