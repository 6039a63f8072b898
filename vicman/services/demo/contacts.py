"""What officers did for each person: contacts after the report and each event (on time, late, or not
at all), the chain of periodic updates, failed attempts, referrals to support services, and the notes.

How prompt an officer is depends on their diligence; deadlines come from the Code in force at the time.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from vicman.domain.enums import ContactMethod, Outcome, Role
from vicman.domain.facts import CaseFacts
from vicman.rules.calendar import WorkingCalendar
from vicman.rules.code import CodeBook, Edition
from vicman.rules.enhanced import enhanced_reasons
from vicman.rules.localtime import LONDON, local_date
from vicman.services.demo.common import at_local, weighted
from vicman.services.demo.model import Contact, Crime, Link, Referral
from vicman.services.demo.notes import write_note
from vicman.services.demo.offences import SPECIALIST


class ContactSimulator:
    """Simulates, link by link, what was done for each person; nothing it makes is dated after `cutoff`."""

    def __init__(self, rng: random.Random, calendar: WorkingCalendar, code: CodeBook, cutoff: datetime) -> None:
        self.rng = rng
        self.calendar = calendar
        self.code = code
        self.cutoff = cutoff

    def _edition(self, moment: datetime) -> Edition | None:
        return self.code.edition_for(local_date(moment))

    def _enhanced(self, crime: Crime, link: Link) -> bool:
        edition = self._edition(crime.reported_at)
        if edition is None:
            return False
        facts = CaseFacts(
            crime_ref=crime.ref,
            person_ref=link.person.ref,
            offence=crime.offence.text,
            reported_at=crime.reported_at,
            role=Role(link.role),
            dob=link.person.dob,
            explicit_reasons=frozenset(link.reasons),
        )
        return bool(enhanced_reasons(edition, facts, local_date(crime.reported_at), self.code.offences))

    def _limit(self, event_type: str, at: datetime, enhanced: bool) -> int:
        edition = self._edition(at)
        rules = edition.rules_for_event(event_type) if edition else ()
        return rules[0].days(enhanced) if rules else 5

    def simulate_link(self, crime: Crime, link: Link) -> None:
        rng = self.rng
        if link.role == Role.WITNESS:
            if rng.random() < 0.6:
                at = self._after(crime.reported_at, rng.randint(1, 8))
                if at < self.cutoff:
                    link.contacts.append(
                        Contact(at, crime.reported_at, "witness", self._method(crime, link), Outcome.INFORMED)
                    )
            self._notes(crime, link)
            return
        link.enhanced = self._enhanced(crime, link)
        if crime.plant in ("contract_today", "contract_next"):
            link.every_days = 14
        elif crime.offence.category in ("domestic", "harassment") and rng.random() < 0.1:
            link.every_days = 14
        elif crime.offence.category in ("fraud", "property") and rng.random() < 0.04:
            link.every_months = 2
        diligence = crime.officer.diligence
        if crime.plant is not None:
            self._plant_contacts(crime, link)
        else:
            self._respond(crime, link, diligence)
            self._updates(crime, link, diligence)
            self._failed_attempts(crime, link)
        self._refer(crime, link)
        link.contacts.sort(key=lambda c: c.at)
        self._notes(crime, link)

    def _after(self, trigger: datetime, working_days: int) -> datetime:
        """A plausible moment `working_days` working days after `trigger` (0: later the same day)."""
        rng = self.rng
        if working_days == 0:
            return self._daytime(trigger + timedelta(minutes=rng.randint(25, 360)))
        day = self.calendar.add_working_days(local_date(trigger), working_days)
        return at_local(day, rng.randint(8 * 60 + 15, 20 * 60 + 30))

    def _daytime(self, moment: datetime) -> datetime:
        """`moment`, or if it falls at night, first thing the next morning (officers do not call at 3 a.m.)."""
        local = moment.astimezone(LONDON)
        if 8 <= local.hour < 21:
            return moment
        day = local.date() + timedelta(days=1) if local.hour >= 21 else local.date()
        return at_local(day, self.rng.randint(8 * 60, 11 * 60))

    def _respond(self, crime: Crime, link: Link, diligence: float) -> None:
        """Contacts after the report and after each event, on time, late or not at all."""
        rng = self.rng
        triggers = [(crime.reported_at, "report")] + [(e.at, e.type) for e in crime.events]
        for index, (at, kind) in enumerate(triggers):
            if kind == "case_closed":
                if rng.random() < diligence * 0.8:
                    when = self._after(at, rng.choice((0, 1, 1, 2, 3, 5)))
                    self._plan(link, when, at, "closure", crime)
                continue
            following = triggers[index + 1][0] if index + 1 < len(triggers) else None
            if following is not None and following - at < timedelta(hours=12):
                continue  # one call covers both (arrest then interview, interview then charge)
            limit = 1 if kind == "report" else self._limit(kind, at, link.enhanced)
            draw = rng.random()
            prompt = diligence * (0.95 if kind == "report" else 0.9)
            if draw < prompt:
                delay = (
                    rng.choice((0, 0, 1))
                    if limit <= 1
                    else weighted(rng, ((0, 0.35), (1, 0.3), (2, 0.15), (3, 0.1), (4, 0.06), (5, 0.04)))
                )
                delay = min(delay, limit)
            elif draw < prompt + (1 - prompt) * 0.55:
                delay = limit + rng.randint(1, 12)
            else:
                if rng.random() < 0.4:
                    when = self._after(at, rng.randint(0, limit))
                    self._plan(link, when, at, kind, crime, outcome=Outcome.NO_CONTACT)
                continue
            self._plan(link, self._after(at, delay), at, kind, crime)

    def _plan(
        self, link: Link, at: datetime, after: datetime, kind: str, crime: Crime, outcome: str = Outcome.INFORMED
    ) -> Contact | None:
        if at >= self.cutoff:
            return None
        contact = Contact(at, after, kind, self._method(crime, link, kind, outcome), outcome)
        link.contacts.append(contact)
        return contact

    def _period(self, link: Link) -> relativedelta:
        if link.every_days:
            return relativedelta(days=link.every_days)
        return relativedelta(months=link.every_months or 1)

    def _updates(self, crime: Crime, link: Link, diligence: float) -> None:
        """The chain of periodic updates, as the engine counts it: each informed contact starts the next period."""
        rng = self.rng
        closed = crime.closed_at
        closed_day = local_date(closed) if closed else None
        informed = sorted(c.at for c in link.contacts if c.outcome == Outcome.INFORMED)
        start = crime.reported_at
        period = self._period(link)
        used = 0  # like the engine: each informed contact meets one update, the first at or after its start
        for _ in range(400):
            due = local_date(start) + period
            if closed_day is not None and due > closed_day:
                return
            used = max(used, bisect_left(informed, start, lo=used))
            following = informed[used] if used < len(informed) else None
            if following is not None and local_date(following) <= due:
                start = following
                used += 1
                continue
            draw = rng.random()
            when: datetime | None = None
            if draw < diligence * 0.88:
                day = due - timedelta(days=rng.randint(0, 6))
                if day.weekday() >= 5 and rng.random() < 0.8:
                    day -= timedelta(days=day.weekday() - 4)
                when = at_local(day, rng.randint(8 * 60 + 30, 19 * 60 + 30))
            elif draw < diligence * 0.88 + (1 - diligence * 0.88) * 0.6:
                when = at_local(due + timedelta(days=rng.randint(1, 21)), rng.randint(9 * 60, 19 * 60))
            if when is not None and when <= start:
                when = self._daytime(start + timedelta(hours=rng.uniform(2, 30)))
            if when is None or when >= self.cutoff or (following is not None and following < when):
                if following is None:
                    return
                start = following
                used += 1
                continue
            self._plan(link, when, start, "update", crime)
            insort(informed, when, lo=used)
            start = when
            used += 1

    def _failed_attempts(self, crime: Crime, link: Link) -> None:
        rng = self.rng
        for contact in list(link.contacts):
            if contact.outcome != Outcome.INFORMED or contact.method in ("letter", "email"):
                continue
            gap = contact.at - contact.after
            if gap > timedelta(hours=2) and rng.random() < 0.2:
                at = self._daytime(contact.after + gap * rng.uniform(0.15, 0.75))
                if not contact.after < at < contact.at:
                    continue
                if contact.method == "visit":
                    method = "visit"
                else:
                    method = self._method(crime, link, contact.kind, Outcome.NO_CONTACT)
                link.contacts.append(Contact(at, contact.after, contact.kind, method, Outcome.NO_CONTACT))

    def _plant_contacts(self, crime: Crime, link: Link) -> None:
        """Planted crimes: a failed attempt, and (for the referral plants) one informed first contact."""
        reported = crime.reported_at
        if crime.plant in ("referral_today", "referral_next"):
            self._plan(link, reported + timedelta(hours=3), reported, "report", crime)
        else:
            self._plan(link, reported + timedelta(hours=26), reported, "report", crime, outcome=Outcome.NO_CONTACT)

    def _refer(self, crime: Crime, link: Link) -> None:
        rng = self.rng
        if link.vs_opt_out or crime.plant in ("referral_today", "referral_next"):
            return
        if rng.random() >= (0.9 if crime.plant else 0.86):
            return
        delay = weighted(rng, ((0, 0.32), (1, 0.27), (2, 0.2), (3, 0.08), (4, 0.05), (-1, 0.08)))
        if delay < 0:
            delay = rng.randint(5, 15)
        if crime.plant:
            delay = min(delay, 2)
        at = self._after(crime.reported_at, delay)
        if delay > 0:
            at = at_local(local_date(at), rng.randint(9 * 60, 17 * 60))
        if at >= self.cutoff:
            return
        category = crime.offence.category
        if link.role == Role.BEREAVED_RELATIVE:
            service, consent = "Homicide Service", "explicit"
            note = "Family gave consent for referral to the Homicide Service; details sent by secure email."
        elif category == "sexual":
            service, consent = "ISVA service (Sexual Assault Referral Centre)", "explicit"
            note = "Victim gave explicit consent for referral to an Independent Sexual Violence Adviser."
        elif category == "domestic":
            service, consent = "Domestic abuse service (IDVA)", "explicit"
            note = "Victim consented to referral to the IDVA service; DASH risk assessment attached."
        else:
            service, consent = "Victim Support", "opt_out"
            note = rng.choice(
                (
                    "Details passed to Victim Support through the secure portal.",
                    "Referred to Victim Support; victim told they will be contacted within 2 days.",
                    "Automatic referral to Victim Support sent.",
                )
            )
        link.referral = Referral(at, service, consent, note)

    def _method(self, crime: Crime, link: Link, kind: str = "", outcome: str = Outcome.INFORMED) -> str:
        rng = self.rng
        person = link.person
        safe = crime.offence.category in ("domestic", "sexual")
        if kind == "closure" and not safe and rng.random() < 0.5:
            return ContactMethod.LETTER
        if outcome == Outcome.NO_CONTACT:
            if person.mobile and person.language == "BSL":
                return ContactMethod.SMS
            return ContactMethod.PHONE if person.phone and rng.random() < 0.85 else ContactMethod.VISIT
        preferred = person.preferred
        if preferred and rng.random() < 0.7 and not (safe and preferred in ("letter", "sms", "email")):
            return preferred
        choices: list[tuple[str, float]] = [("visit", 0.12 if safe else 0.06)]
        if person.phone and person.language != "BSL":
            choices.append(("phone", 0.7))
        if not safe:
            choices.append(("letter", 0.06))
            if person.email:
                choices.append(("email", 0.12))
            if person.mobile:
                choices.append(("sms", 0.05))
        return weighted(rng, choices)

    def _notes(self, crime: Crime, link: Link) -> None:
        rng = self.rng
        bureau_ok = crime.offence.category not in SPECIALIST and link.role != Role.WITNESS
        for contact in link.contacts:
            contact.note = write_note(rng, crime, link, contact)
            share = 0.25 if contact.kind in ("update", "closure") else 0.08
            if bureau_ok and rng.random() < share:
                contact.on_behalf_of = crime.officer.staff_no
                contact.note = f"Re-contact bureau, on behalf of {crime.officer.name}: {contact.note}"
