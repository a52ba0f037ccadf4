"""``upc demo``: fourteen realistic cases at every stage of the lifecycle, through the
application service, so every view, work queue, audit and workflow has something to show.

Run it beside ``upc serve`` (same data directory, or the same ``DATABASE_URL``). The cases
are seeded as if recorded over the past months (the service runs on a clock set back, then
moved forward step by step), so reviews fall due and appeal windows close on their own. It is
safe to run twice: a customer whose demo case exists is skipped. All names and details are
invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.actors import Actor, Role
from domain.application import CaseService
from domain.case import Case
from domain.errors import CaseAlreadyOpen
from domain.terms import RestrictionTerms
from domain.vocabulary import Channel
from letters.mail import SmtpSettings, TemporarySmtpError
from letters.outbox import SINK_FILE
from letters.sending import email_now, record_posted
from upc.settings import Settings, eventsourcing_env

CARA = Actor("cara.caseworker", Role.CASEWORKER)
CARL = Actor("carl.caseworker", Role.CASEWORKER)
MAYA = Actor("maya.manager", Role.MANAGER)
MILO = Actor("milo.manager", Role.MANAGER)
SANA = Actor("sana.senior", Role.SENIOR_MANAGER)
SETH = Actor("seth.senior", Role.SENIOR_MANAGER)

SINGLE_POINT = RestrictionTerms(single_point_of_contact="Tenancy team inbox",
                                permitted_channels=frozenset({Channel.EMAIL, Channel.LETTER}),
                                services=("housing management", "repairs"))
WEEKDAY_MORNINGS = RestrictionTerms(permitted_days=frozenset({0, 1, 2, 3, 4}),
                                    permitted_hours=(datetime(2000, 1, 1, 9).time(),
                                                     datetime(2000, 1, 1, 12).time()),
                                    services=("repairs",))
NO_VISITS = RestrictionTerms(no_face_to_face=True, excluded_premises=("Leeds area office",),
                             services=("housing management",))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Seeding:
    """One demo case being written, on the shared clock."""

    service: CaseService
    clock: Clock
    customer_ref: str
    case_id: UUID = field(init=False)
    evidence: list[str] = field(default_factory=list)
    restriction: UUID | None = None
    smtp: SmtpSettings | None = None

    def at(self, days_ago: float) -> Seeding:
        self.clock.now = max(self.clock.now, _now() - timedelta(days=days_ago))
        return self

    def open(self) -> Seeding:
        self.case_id = self.service.open_case(self.customer_ref, CARA).id
        return self

    @property
    def case(self) -> Case:
        return self.service.get_case(self.case_id)

    def contact(self, summary: str, channel: str = "phone", by: Actor = CARA) -> UUID:
        case = self.service.record_contact(self.case_id, by, channel=channel,
                                           direction="inbound", occurred_at=self.clock.now,
                                           summary=summary)
        return list(case.contacts)[-1]

    def incident(self, category: str, description: str, by: Actor = CARA,
                 staff: tuple[str, ...] = ("cara.caseworker",)) -> str:
        case = self.service.record_incident(self.case_id, by, category=category,
                                            description=description,
                                            occurred_at=self.clock.now, staff_ids=staff)
        ref = str(list(case.incidents)[-1])
        self.evidence.append(ref)
        return ref

    def concern(self, reason: str, categories: tuple[str, ...]) -> Seeding:
        self.service.raise_concern(self.case_id, CARA, evidence=self.evidence, reason=reason,
                                   categories=list(categories))
        return self

    def informal_warning(self) -> Seeding:
        self.service.give_warning(self.case_id, CARA, kind="informal", evidence=self.evidence,
                                  reason="Asked to keep calls civil and to one a day.")
        return self

    def checks(self, *, adjustments: tuple[str, ...] = (), written_ok: bool = True) -> Seeding:
        self.service.record_check(self.case_id, MAYA, kind="vulnerability_assessment",
                                  notes="Discussed needs with the customer.",
                                  written_communication_ok=written_ok,
                                  adjustments=list(adjustments))
        self.service.record_check(self.case_id, MAYA, kind="legitimate_issue",
                                  notes="No open complaint; repairs completed on time.")
        self.service.record_check(self.case_id, MAYA, kind="complaint_handling",
                                  notes="Last complaint closed at stage 2.")
        self.service.record_check(self.case_id, MAYA, kind="other_agency",
                                  notes="No social care involvement known.")
        return self

    def formal_warning(self) -> Seeding:
        self.service.give_warning(self.case_id, MAYA, kind="formal", evidence=self.evidence,
                                  reason="Abuse continued after the informal warning.")
        return self

    def propose(self, terms: RestrictionTerms, review_in_days: int = 90) -> Seeding:
        case = self.service.propose_restriction(
            self.case_id, CARA, terms=terms, evidence=self.evidence,
            reason="Contact continued at a level that stops others being served.",
            review_date=(self.clock.now + timedelta(days=review_in_days)).date())
        self.restriction = list(case.restrictions)[-1]
        return self

    def approve(self, by: Actor = MAYA) -> Seeding:
        self.service.approve_restriction(self.case_id, by, restriction_id=self.restriction,
                                         reason="Proportionate; checks are current.")
        return self

    def send_owed_notices(self, notice_format: str = "standard") -> Seeding:
        """Each owed letter, rendered, emailed (to the SMTP server or ``upc serve``'s sink)
        and recorded with its text, on the demo's clock; printed and posted when no SMTP
        server answers. ``via_advocate``: a letter the advocate passes on (posted)."""
        for notice_id, notice in self.case.notices.items():
            if notice.sent_at is not None:
                continue
            if self.smtp is not None and notice_format == "standard":
                try:
                    email_now(self.service, self.case_id, CARL, notice_id,
                              f"{self.customer_ref.lower()}@customers.invalid", self.smtp)
                    continue
                except TemporarySmtpError:
                    self.smtp = None  # no server: post the rest
            record_posted(self.service, self.case_id, CARL, notice_id,
                          notice_format=notice_format)
        return self

    def appeal(self, grounds: str) -> UUID:
        case = self.service.lodge_appeal(self.case_id, MILO, restriction_id=self.restriction,
                                         grounds=grounds)
        return list(case.appeals)[-1]


def _now() -> datetime:
    return datetime.now(UTC)


def _stories() -> list[tuple[str, str, Callable[[Seeding], object]]]:
    def concern_open(s: Seeding) -> None:
        s.at(20).open()
        for days in (20, 19, 19, 18):
            s.at(days).contact("Asked again when the kitchen repair will be booked.")
        s.incident("unreasonable_levels_of_contact", "Eleven calls in two days on one repair.")
        s.concern("Contact level is taking officer time from other customers.",
                  ("unreasonable_levels_of_contact",))

    def informal_warning(s: Seeding) -> None:
        s.at(40).open()
        s.contact("Shouted that the officer was useless.")
        s.incident("abusive_or_aggressive", "Swore at the officer repeatedly on the phone.")
        s.concern("Abusive language to staff.", ("abusive_or_aggressive",)).informal_warning()

    def formal_warning(s: Seeding) -> None:
        s.at(60).open()
        s.incident("abusive_or_aggressive", "Shouted at the receptionist.")
        s.concern("Abuse at the office counter.", ("abusive_or_aggressive",))
        s.informal_warning()
        s.at(30).incident("abuse_on_social_media", "Posted the officer's name with insults.")
        s.service.record_vulnerability_info(s.case_id, CARA,
                                            details="Says they have depression; no support "
                                                    "worker at present.")
        s.checks(adjustments=("large_print",)).formal_warning()  # notice not yet sent

    def proposed(s: Seeding) -> None:
        s.at(50).open()
        for _ in range(3):
            s.incident("repeated_contact_settled_matter",
                       "Raised the 2024 boundary fence decision again.")
        s.concern("Repeated contact on a settled matter.", ("repeated_contact_settled_matter",))
        s.checks().at(3).propose(SINGLE_POINT)  # awaiting a manager's decision

    def active_with_contacts(s: Seeding) -> None:
        s.at(45).open()
        s.incident("unreasonable_demands", "Demanded the director call back within the hour.")
        s.concern("Unreasonable demands on staff.", ("unreasonable_demands",))
        s.checks().propose(WEEKDAY_MORNINGS).approve().send_owed_notices()
        s.at(2).contact("Rang on Saturday about the same repair.")
        s.contact("Rang about a leak through the ceiling.", channel="phone")  # awaiting triage

    def awaiting_ratification(s: Seeding) -> None:
        s.at(1).open()
        threat = s.incident("threats_or_violence", "Threatened to hurt the officer at the door.",
                            staff=("carl.caseworker",))
        case = s.service.impose_immediate_restriction(
            s.case_id, CARL, terms=NO_VISITS, evidence=[threat],
            reason="Threat of violence to a visiting officer.")
        s.restriction = list(case.restrictions)[-1]
        s.service.record_staff_support(s.case_id, CARA, incident_id=UUID(threat),
                                       staff_id="carl.caseworker", response="offered")

    def appeal_pending(s: Seeding) -> None:
        s.at(30).open()
        s.incident("abusive_or_aggressive", "Abusive emails to the repairs team.")
        s.concern("Abusive emails.", ("abusive_or_aggressive",))
        s.checks().propose(SINGLE_POINT).approve().send_owed_notices()
        s.at(6).appeal("Says the emails were about an urgent damp problem.")

    def review_due(s: Seeding) -> None:
        s.at(95).open()
        s.incident("unreasonable_levels_of_contact", "Forty calls in one week.")
        s.concern("Contact level.", ("unreasonable_levels_of_contact",))
        s.checks().propose(SINGLE_POINT, review_in_days=93).approve().send_owed_notices()

    def review_overdue(s: Seeding) -> None:
        s.at(120).open()
        s.incident("abusive_or_aggressive", "Abuse on the phone.")
        s.concern("Abuse.", ("abusive_or_aggressive",))
        s.checks().propose(WEEKDAY_MORNINGS, review_in_days=100).approve()
        s.send_owed_notices()

    def lifted(s: Seeding) -> None:
        s.at(150).open()
        s.incident("unreasonable_use_of_complaints", "Ninth complaint on the same matter.")
        s.concern("Complaints process used for a settled matter.",
                  ("unreasonable_use_of_complaints",))
        s.checks().propose(SINGLE_POINT, review_in_days=60).approve().send_owed_notices()
        s.at(88)
        s.service.complete_review(s.case_id, MILO, restriction_id=s.restriction, outcome="lift",
                                  reason="No incidents since the restriction began.")
        s.send_owed_notices()

    def closed(s: Seeding) -> None:
        s.at(200).open()
        s.incident("abusive_or_aggressive", "Abuse at the office.")
        s.concern("Abuse.", ("abusive_or_aggressive",))
        s.checks().propose(NO_VISITS, review_in_days=60).approve().send_owed_notices()
        s.at(150)
        s.service.lift_restriction(s.case_id, MAYA, restriction_id=s.restriction,
                                   reason="Customer moved to supported housing; lifted early.")
        s.send_owed_notices()
        s.at(10)
        s.service.close_case(s.case_id, MAYA, reason="Restriction lifted and notice sent.")

    def appeal_decided(s: Seeding) -> None:
        s.at(70).open()
        s.incident("abusive_or_aggressive", "Abuse on the phone.")
        s.concern("Abuse.", ("abusive_or_aggressive",))
        s.service.nominate_representative(s.case_id, CARA, kind="advocate",
                                          details="Advocacy service, Tuesday clinic.",
                                          consent_on=(s.clock.now - timedelta(days=1)).date())
        s.checks(adjustments=("via_advocate",)).propose(SINGLE_POINT).approve()
        s.send_owed_notices("via_advocate")
        s.at(55)
        appeal = s.appeal("Advocate says the restriction is too broad.")
        s.at(50)
        s.service.decide_appeal(s.case_id, SANA, appeal_id=appeal, outcome="dismissed",
                                reason="Terms are the least restrictive that work.")
        s.send_owed_notices("via_advocate")
        # An Ombudsman order now past its due date and an unanswered subject access request:
        # the ombudsman_overdue and subject_access work queues.
        s.service.record_ombudsman_contact(
            s.case_id, SANA, stage="order", reference="HOS-DEMO-0011",
            due_on=(_now() - timedelta(days=20)).date())
        s.service.record_subject_access_request(s.case_id, CARA)

    def late_appeal_and_ombudsman(s: Seeding) -> None:
        s.at(80).open()
        s.incident("threats_or_violence", "Threatened staff by email.")
        s.concern("Threats.", ("threats_or_violence",))
        s.checks().propose(SINGLE_POINT).approve(by=MILO).send_owed_notices()
        s.at(20)
        s.service.record_counter_allegation(s.case_id, CARA, staff_id="maya.manager",
                                            summary="Says the manager was dismissive.")
        s.appeal("Did not receive the letter in time.")  # late: awaits a senior manager
        s.service.record_ombudsman_contact(
            s.case_id, MILO, stage="enquiry", reference="HOS-DEMO-0012",
            due_on=(_now() + timedelta(days=14)).date())
        s.service.record_ombudsman_contact(  # determined: remedies in the remedies queue
            s.case_id, SANA, stage="order", reference="HOS-DEMO-0013",
            due_on=(_now() + timedelta(days=30)).date())
        matter = list(s.case.ombudsman)[-1]
        s.service.record_ombudsman_determination(
            s.case_id, SANA, matter_id=matter,
            remedies=[("apology", (_now() + timedelta(days=10)).date()),
                      ("compensation", (_now() + timedelta(days=28)).date())])

    def extended(s: Seeding) -> None:
        s.at(60).open()
        s.incident("unreasonable_levels_of_contact", "Thirty emails in a week to the chief "
                   "executive about the same repair.")
        s.concern("Contact level.", ("unreasonable_levels_of_contact",))
        s.checks().propose(SINGLE_POINT, review_in_days=120).approve().send_owed_notices()
        s.at(5)
        s.service.extend_restriction(s.case_id, MAYA, restriction_id=s.restriction,
                                     ends_on=(s.clock.now + timedelta(days=150)).date(),
                                     reason="Contact has continued at the same level.")
        s.send_owed_notices()  # the extension notice opens a fresh appeal window

    return [
        ("DEMO-01", "concern open", concern_open),
        ("DEMO-02", "informal warning", informal_warning),
        ("DEMO-03", "formal warning, notice not sent", formal_warning),
        ("DEMO-04", "restriction proposed, awaiting decision", proposed),
        ("DEMO-05", "restriction active, contacts awaiting triage", active_with_contacts),
        ("DEMO-06", "immediate restriction awaiting ratification", awaiting_ratification),
        ("DEMO-07", "appeal pending", appeal_pending),
        ("DEMO-08", "review due", review_due),
        ("DEMO-09", "review overdue", review_overdue),
        ("DEMO-10", "restriction lifted at review", lifted),
        ("DEMO-11", "closed (retained)", closed),
        ("DEMO-12", "appeal dismissed; late appeal and Ombudsman enquiry", appeal_decided),
        ("DEMO-13", "late appeal awaiting acceptance, counter-allegation",
         late_appeal_and_ombudsman),
        ("DEMO-14", "restriction extended; appeal window open on the extension", extended),
    ]


def seed(env: dict[str, str], prefix: str = "DEMO",
         report: Callable[[str], None] = print,
         smtp: SmtpSettings | None = None) -> dict[str, str]:
    """Seed every demo case; returns customer ref -> what it shows (skipped ones included)."""
    seeded: dict[str, str] = {}
    for ref, shows, story in _stories():
        ref = ref.replace("DEMO", prefix, 1)
        clock = Clock(_now() - timedelta(days=365))
        service = CaseService(env=env, clock=clock)
        try:
            story(Seeding(service, clock, ref, smtp=smtp))
        except CaseAlreadyOpen:
            report(f"  {ref:<10} already there: {shows}")
        else:
            report(f"  {ref:<10} {shows}")
        finally:
            service.close()
        seeded[ref] = shows
    return seeded


def run(settings: Settings) -> int:
    from upc import bootstrap

    database_url = bootstrap.require_database_url(settings)  # or beside `upc serve`
    bootstrap.migrate(database_url)
    env = {**eventsourcing_env(database_url), "CREATE_TABLE": "false"}
    print("Seeding demo cases through the application service:")
    sink = settings.data_dir / SINK_FILE
    url = settings.upc_smtp_url or (sink.read_text().strip() if sink.exists() else None)
    smtp = SmtpSettings.parse(url, settings.upc_smtp_sender) if url else None
    seed(env, smtp=smtp)
    from upc.hints import api_base, upc_command

    if smtp is None:
        print("Letters: no SMTP server (UPC_SMTP_URL unset, no upc serve sink): the demo's "
              "notices are recorded as printed and posted, with their letters.")
    else:
        outbox = settings.data_dir / "outbox"
        print(f"Letters: every notice the demo sent was emailed with its PDF to {url}"
              + (f" (upc serve's outbox: {outbox}, an .eml and a .pdf per letter)"
                 if not settings.upc_smtp_url else "")
              + "; the notices_unsent queue holds the ones still owed (send one with "
              "POST .../notices/{notice_id}/email).")
    print("Done. Read them with, for example:\n"
          f"  TOKEN=$({upc_command()} token --user maya.manager --role manager)\n"
          f"  curl -s {api_base(settings)}/api/v1/queues/reviews_due -H \"Authorization: "
          "Bearer $TOKEN\"")
    return 0

