"""Policy settings: every clock's organisation default, event-sourced, never a code constant.

``SEED`` only seeds the ``PolicySettings`` aggregate the first time it is created; from then
on the aggregate is the source (who changed what, when and why). A case may override any
setting with a reason (``Case.override_setting``); ``PolicyValues.with_overrides`` merges them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.actors import Actor
from domain.calendar import Period, WorkingCalendar
from domain.errors import InvalidSetting, UnknownCode
from domain.permissions import ADMIN, require_role
from domain.rules import require_reason
from domain.vocabulary import Nation, NoticeLanguage, OverdueReviewAction

SETTINGS_ID: UUID = uuid5(NAMESPACE_URL, "urn:upc:policy-settings")



class Setting(StrEnum):
    APPEAL_WINDOW = "appeal_window"
    APPEAL_DECISION = "appeal_decision"
    APPEAL_DECISION_REMINDER = "appeal_decision_reminder"
    FIRST_REVIEW = "first_review"
    REVIEW_MAXIMUM = "review_maximum"
    REVIEW_OVERDUE_ESCALATION = "review_overdue_escalation"
    RATIFICATION = "ratification"
    WARNING_LAPSE = "warning_lapse"
    NOTICE_DISPATCH = "notice_dispatch"
    SAR_RESPONSE = "sar_response"
    SAR_EXTENSION = "sar_extension"
    RETENTION = "retention"
    CONTACT_TRIAGE_PERIOD = "contact_triage_period"
    OVERDUE_REVIEW_ACTION = "overdue_review_action"
    NATION = "nation"
    NOTICE_LANGUAGE = "notice_language"


_SETTING_NAMES = frozenset(s.value for s in Setting)

# POLICY.md "Clocks": the seed of the settings aggregate, read once when it is first created.
SEED: Mapping[Setting, str] = {
    Setting.APPEAL_WINDOW: "20 working_days",
    Setting.APPEAL_DECISION: "10 working_days",
    # How long before the appeal decision falls due the deciding senior manager is reminded.
    Setting.APPEAL_DECISION_REMINDER: "2 working_days",
    Setting.FIRST_REVIEW: "3 months",
    Setting.REVIEW_MAXIMUM: "6 months",
    Setting.REVIEW_OVERDUE_ESCALATION: "5 working_days",
    Setting.RATIFICATION: "2 working_days",
    Setting.WARNING_LAPSE: "6 months",
    Setting.NOTICE_DISPATCH: "1 working_days",
    Setting.SAR_RESPONSE: "1 months",
    Setting.SAR_EXTENSION: "2 months",
    Setting.RETENTION: "6 years",
    # A contact from a restricted customer is read and classified within this period of
    # being recorded (filed contacts too: new information and safeguarding are looked for).
    Setting.CONTACT_TRIAGE_PERIOD: "2 working_days",
    Setting.OVERDUE_REVIEW_ACTION: OverdueReviewAction.ESCALATE.value,
    Setting.NATION: Nation.ENGLAND_AND_WALES.value,
    # The language of the letters: English; a case sets Welsh ("cy") for a customer who
    # chose it (with the reason, e.g. "asked for Welsh by phone on 3 March").
    Setting.NOTICE_LANGUAGE: NoticeLanguage.ENGLISH.value,
}


def parse_setting(name: str, value: str) -> tuple[Setting, str]:
    """Validate a setting name and value; return them in canonical form."""
    try:
        setting = Setting(name)
    except ValueError:
        raise UnknownCode(f"there is no policy setting called '{name}'") from None
    try:
        if setting is Setting.OVERDUE_REVIEW_ACTION:
            return setting, OverdueReviewAction(value).value
        if setting is Setting.NATION:
            return setting, Nation(value).value
        if setting is Setting.NOTICE_LANGUAGE:
            return setting, NoticeLanguage(value).value
    except ValueError:
        raise InvalidSetting(f"'{value}' is not a valid value for {name}") from None
    period = Period.parse(value)
    return setting, f"{period.amount} {period.unit.value}"


@dataclass(frozen=True)
class PolicyValues:
    """The settings in force for one case: organisation defaults plus the case's overrides."""

    values: Mapping[Setting, str] = field(default_factory=lambda: dict(SEED))

    def period(self, setting: Setting) -> Period:
        return Period.parse(self.values[setting])

    @property
    def overdue_review_action(self) -> OverdueReviewAction:
        return OverdueReviewAction(self.values[Setting.OVERDUE_REVIEW_ACTION])

    @property
    def notice_language(self) -> NoticeLanguage:
        return NoticeLanguage(self.values.get(Setting.NOTICE_LANGUAGE, NoticeLanguage.ENGLISH))

    @property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(Nation(self.values[Setting.NATION]))

    def with_overrides(self, overrides: Mapping[str, str]) -> PolicyValues:
        merged = dict(self.values)
        merged.update({Setting(k): v for k, v in overrides.items()})
        return PolicyValues(merged)


class PolicySettings(Aggregate):
    """The organisation defaults, one aggregate per organisation."""

    TOPIC = "upc.settings:PolicySettings"

    class Event(Aggregate.Event):
        TOPIC = "upc.settings:PolicySettings.Event"
        class_version = 1
        actor_id: str
        actor_role: str
        occurred_at: datetime
        recorded_at: datetime

    class Seeded(Event, Aggregate.Created):
        TOPIC = "upc.settings:PolicySettings.Seeded"
        class_version = 1
        values: dict[str, str]

        def apply(self, aggregate: Any) -> None:
            aggregate.values = dict(self.values)
            aggregate.history = []

    class Changed(Event):
        TOPIC = "upc.settings:PolicySettings.Changed"
        class_version = 1
        setting: str
        value: str
        previous: str | None
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.values[self.setting] = self.value
            aggregate.history.append(
                (self.setting, self.previous, self.value, self.actor_id, self.occurred_at,
                 self.reason))

    if TYPE_CHECKING:
        values: dict[str, str]
        history: list[tuple[str, str | None, str, str, datetime, str]]

    @classmethod
    def seed(cls, actor: Actor, now: datetime) -> PolicySettings:
        return cls._create(
            cls.Seeded, id=SETTINGS_ID, values={k.value: v for k, v in SEED.items()},
            actor_id=actor.user_id, actor_role=actor.role.value, occurred_at=now,
            recorded_at=now)

    def change(self, name: str, value: str, reason: str, actor: Actor, now: datetime) -> None:
        require_role(actor, ADMIN, "change the organisation's policy settings")
        setting, canonical = parse_setting(name, value)
        reason = require_reason(reason, "changing a policy setting")
        if self.values.get(setting.value) == canonical:
            return
        self.trigger_event(
            self.Changed, setting=setting.value, value=canonical,
            previous=self.values.get(setting.value), reason=reason,
            actor_id=actor.user_id, actor_role=actor.role.value, occurred_at=now,
            recorded_at=now)

    def current(self) -> PolicyValues:
        values = dict(SEED)
        values.update({Setting(k): v for k, v in self.values.items() if k in _SETTING_NAMES})
        return PolicyValues(values)
