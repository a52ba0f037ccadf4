"""Dates, periods, categories and restriction terms in words, in the letter's language.

Every phrase is English text looked up in the language's catalogue (``letters.catalogue``),
so the Welsh catalogue translates these as it translates the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.calendar import Period, Unit
from domain.terms import RestrictionTerms

Translate = Callable[[str], str]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

CATEGORIES = {
    "abusive_or_aggressive": "abusive or aggressive behaviour",
    "threats_or_violence": "threats or violence",
    "unreasonable_demands": "unreasonable demands",
    "unreasonable_levels_of_contact": "an unreasonable level of contact",
    "repeated_contact_settled_matter": "repeated contact about a matter that has been settled",
    "unreasonable_use_of_complaints": "unreasonable use of the complaints process",
    "abuse_on_social_media": "abuse on social media",
    "breach_of_terms": "contact that did not keep to the arrangements for contacting us",
}

ALWAYS_OPEN = {
    "emergency_repairs_and_safety": "emergency repairs, and anything urgent about health "
                                    "and safety",
    "safeguarding": "worries about the safety of a child or an adult (safeguarding)",
    "rent_and_payments": "paying your rent and other payments",
    "statutory_services": "services we must provide by law",
    "subject_access_request": "asking for a copy of the information we hold about you",
    "new_complaint_different_matter": "a new complaint about a different matter, which we "
                                      "will consider on its merits",
}

CHANNELS = {"phone": "phone", "email": "email", "letter": "letter", "in_person": "in person",
            "web_form": "our web form", "social_media": "social media",
            "text_message": "text message"}

ROLES = {"caseworker": "Caseworker", "manager": "Manager", "senior_manager": "Senior manager",
         "system": "Customer services"}

UNITS = {Unit.WORKING_DAYS: ("working day", "working days"),
         Unit.CALENDAR_DAYS: ("day", "days"), Unit.MONTHS: ("month", "months"),
         Unit.YEARS: ("year", "years")}


def long_date(day: date | None, _: Translate) -> str:
    """``Friday 27 March 2026``."""
    if day is None:
        return ""
    return f"{_(DAYS[day.weekday()])} {day.day} {_(MONTHS[day.month - 1])} {day.year}"


def period(text: str | None, _: Translate) -> str:
    if not text:
        return ""
    parsed = Period.parse(text)
    one, many = UNITS[parsed.unit]
    return f"{parsed.amount} {_(one if parsed.amount == 1 else many)}"


def listing(items: list[str], _: Translate) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {_('and')} {items[-1]}"


def terms_in_words(terms: RestrictionTerms | None, _: Translate) -> list[str]:
    """One plain sentence per term, in the order a reader needs them."""
    if terms is None:
        return []
    lines: list[str] = []
    if terms.organisation_wide:
        lines.append(_("These arrangements apply to all our services."))
    elif terms.services:
        lines.append(_("These arrangements apply to: %(services)s.") % {
            "services": listing(list(terms.services), _)})
    if terms.single_point_of_contact:
        lines.append(_("Please make all your contact through: %(contact)s.") % {
            "contact": terms.single_point_of_contact})
    if terms.permitted_channels:
        channels = [_(CHANNELS[c]) for c in sorted(terms.permitted_channels)]
        lines.append(_("Please contact us only by %(channels)s.") % {
            "channels": listing(channels, _)})
    if terms.written_only:
        lines.append(_("Please contact us in writing only: by letter, email or our web form."))
    if terms.permitted_days:
        days = [_(DAYS[d]) for d in sorted(terms.permitted_days)]
        lines.append(_("Please contact us only on %(days)s.") % {"days": listing(days, _)})
    if terms.permitted_hours:
        start, end = terms.permitted_hours
        lines.append(_("Please contact us only between %(start)s and %(end)s.") % {
            "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
    if terms.no_face_to_face:
        lines.append(_("Please do not ask for face-to-face meetings or visits."))
    if terms.excluded_premises:
        lines.append(_("Please do not come to: %(places)s.") % {
            "places": listing(list(terms.excluded_premises), _)})
    if terms.file_without_reply:
        lines.append(_("We will read everything you send us but may not reply to all of it. We "
                       "still look at every message for new information and anything urgent."))
    if terms.same_matter_bar:
        lines.append(_("We have fully answered these matters and will not reply about them "
                       "again: %(matters)s.") % {"matters": "; ".join(terms.same_matter_bar)})
    if terms.issue_quota:
        count, per = terms.issue_quota
        lines.append(_("You can raise up to %(count)s new issues every %(period)s.") % {
            "count": count, "period": period(per, _)})
    if terms.via_advocate_only:
        lines.append(_("Please contact us through your advocate or representative."))
    return lines
