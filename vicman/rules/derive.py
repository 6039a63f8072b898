"""Which duties the Victims' Code owes one person in one crime, by when, and whether they were met.

`derive_obligations` is the whole engine. It is pure: it reads the facts, the Code's editions and
the working-day calendar, never the clock or the database.

Semantics (DESIGN.md section 4):
- each duty takes the edition in force on its trigger's Europe/London date;
- a duty of N working days triggered on local date d is due add_working_days(d, N);
- an `informed` contact meets every notification and update duty whose trigger is at or before it;
  a failed attempt (`no_contact`) meets nothing; a referral meets `vs_referral`;
- updates form a chain: the first is due one agreed period after the report, each contact that
  meets one starts the next period from that contact; the chain stops when the case closes, and a
  victim who opted out of updates gets none.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

from vicman.domain.enums import ObligationState, Outcome
from vicman.domain.facts import CaseFacts, ContactFact, WaiverFact
from vicman.domain.obligations import EnhancedReason, Obligation
from vicman.rules.calendar import WorkingCalendar
from vicman.rules.code import CodeBook, Edition, Rule
from vicman.rules.enhanced import enhanced_reasons
from vicman.rules.localtime import end_of_local_day, local_date

MAX_UPDATE_CHAIN = 2000


def derive_obligations(
    facts: CaseFacts,
    code: CodeBook,
    calendar: WorkingCalendar,
    as_of: date | None = None,
) -> list[Obligation]:
    """Every duty owed to this person in this crime.

    With `as_of`, the duties as they stood at the end of that Europe/London date: entries dated
    later had not happened yet. Whether a pending duty is open or overdue is `Obligation.status`.
    """
    if as_of is not None:
        cutoff = end_of_local_day(as_of)
        if facts.reported_at > cutoff:
            return []
        facts = facts.known_by(cutoff)
    deriver = _Deriver(facts, code, calendar)
    return [*deriver.report_duties(), *deriver.event_duties(), *deriver.update_chain()]


class _Deriver:
    def __init__(self, facts: CaseFacts, code: CodeBook, calendar: WorkingCalendar) -> None:
        self.facts = facts
        self.code = code
        self.calendar = calendar
        self.offence_classes = code.offences.classify(facts.offence) if facts.offence else frozenset()
        self.informed = sorted((c for c in facts.contacts if c.outcome is Outcome.INFORMED), key=lambda c: (c.at, c.id))
        self.waivers: dict[str, WaiverFact] = {}
        for waiver in sorted(facts.waivers, key=lambda w: (w.at, w.id)):
            self.waivers.setdefault(waiver.obligation_key, waiver)

    # --- the three kinds of trigger -------------------------------------------------------

    def report_duties(self) -> Iterator[Obligation]:
        edition = self._edition_for(self.facts.reported_at)
        if edition is None:
            return
        for rule in edition.rules_triggered_by("report"):
            duty = self._duty(edition, rule, "report", self.facts.reported_at)
            if duty is not None:
                yield duty

    def event_duties(self) -> Iterator[Obligation]:
        for event in sorted(self.facts.events, key=lambda e: (e.at, e.id)):
            edition = self._edition_for(event.at)
            if edition is None:
                continue
            for rule in edition.rules_for_event(event.type):
                duty = self._duty(edition, rule, f"event:{event.id}", event.at)
                if duty is not None:
                    yield duty

    def update_chain(self) -> Iterator[Obligation]:
        stop_at = self._chain_stop()
        start = self.facts.reported_at
        next_contact = 0
        for number in range(1, MAX_UPDATE_CHAIN + 1):
            key = f"update:{number}"
            while next_contact < len(self.informed) and self.informed[next_contact].at < start:
                next_contact += 1
            start, found = self._restart_for_contracts(key, start, next_contact)
            edition = self._edition_for(start)
            rule = edition.rule("update") if edition else None
            if edition is None or rule is None or not self._eligible(edition, rule):
                return
            contract = self.facts.contract_at(start)
            opted_out = contract.updates_opt_out if contract else self.facts.updates_opt_out
            if any(e.when == "updates_opt_out" for e in rule.exempt) and opted_out:
                return
            due = _after(local_date(start), *self._period(edition, start))
            if stop_at is not None and due > local_date(stop_at):
                return
            base = self._base(edition, rule, key, start, due)
            contact = self.informed[found] if found is not None else None
            waiver = self.waivers.get(key)
            if contact is not None and (waiver is None or contact.at <= waiver.at):
                yield self._met_by_contact(base, contact)
                next_contact = (found or 0) + 1
                start = contact.at
            elif waiver is not None:
                yield self._waived(base, waiver)
                start = waiver.at
            else:
                yield Obligation(**base, state=ObligationState.PENDING)
                return

    def _restart_for_contracts(self, key: str, start: datetime, first: int) -> tuple[datetime, int | None]:
        """A contract agreed while an update is outstanding restarts that update from the contract's
        date, at the contract's frequency; updates already met keep their dates.

        Returns the (possibly later) start and the index of the contact that meets the update.
        """
        while True:
            found = next(
                (
                    i
                    for i in range(first, len(self.informed))
                    if self.informed[i].at >= start and self.informed[i].meets(key)
                ),
                None,
            )
            met_at = self.informed[found].at if found is not None else None
            agreed = [c.at for c in self.facts.contracts if start < c.at and (met_at is None or c.at <= met_at)]
            if not agreed:
                return start, found
            start = max(agreed)

    # --- one duty -------------------------------------------------------------------------

    def _duty(self, edition: Edition, rule: Rule, key: str, trigger_at: datetime) -> Obligation | None:
        if not self._eligible(edition, rule):
            return None
        reasons = self._reasons(edition, trigger_at)
        if self._excluded(rule, bool(reasons)):
            return None
        exemption_reason = None
        for exemption in rule.exempt:
            if self._fact(exemption.when):
                if exemption.effect == "omit":
                    return None
                exemption_reason = exemption.reason
        due = self.calendar.add_working_days(local_date(trigger_at), rule.days(bool(reasons)))
        base = self._base(edition, rule, key, trigger_at, due, reasons)
        if exemption_reason is not None:
            return Obligation(**base, state=ObligationState.WAIVED, waiver_reason=exemption_reason, waived_by="victim")
        meeting = self._meeting_entry(rule, key, trigger_at)
        waiver = self.waivers.get(key)
        if meeting is not None and (waiver is None or meeting[1] <= waiver.at):
            kind, at, entry_id = meeting
            return Obligation(
                **base,
                state=ObligationState.MET,
                met_at=at,
                met_by_kind=kind,
                met_by_id=entry_id,
                late=local_date(at) > due,
            )
        if waiver is not None:
            return self._waived(base, waiver)
        return Obligation(**base, state=ObligationState.PENDING)

    def _base(
        self,
        edition: Edition,
        rule: Rule,
        key: str,
        trigger_at: datetime,
        due: date,
        reasons: tuple[EnhancedReason, ...] | None = None,
    ) -> dict[str, Any]:
        """What a duty is, whatever its state: the fields every Obligation of it shares."""
        if reasons is None:
            reasons = self._reasons(edition, trigger_at)
        return {
            "crime_ref": self.facts.crime_ref,
            "person_ref": self.facts.person_ref,
            "rule": rule.id,
            "key": key,
            "edition": edition.id,
            "enhanced": bool(reasons),
            "enhanced_reasons": reasons,
            "trigger_at": trigger_at,
            "trigger_date": local_date(trigger_at),
            "due": due,
            "consent": self._consent(rule),
        }

    def _reasons(self, edition: Edition, trigger_at: datetime) -> tuple[EnhancedReason, ...]:
        explicit = self.facts.explicit_reasons_at(trigger_at)
        return enhanced_reasons(edition, self.facts, local_date(trigger_at), self.code.offences, explicit)

    def _meeting_entry(self, rule: Rule, key: str, trigger_at: datetime) -> tuple[str, datetime, int] | None:
        if rule.met_by == "referral":
            referrals = sorted(self.facts.referrals, key=lambda r: (r.at, r.id))
            return ("referral", referrals[0].at, referrals[0].id) if referrals else None
        for contact in self.informed:
            if contact.at >= trigger_at and contact.meets(key):
                return ("contact", contact.at, contact.id)
        return None

    def _met_by_contact(self, base: dict[str, Any], contact: ContactFact) -> Obligation:
        return Obligation(
            **base,
            state=ObligationState.MET,
            met_at=contact.at,
            met_by_kind="contact",
            met_by_id=contact.id,
            late=local_date(contact.at) > base["due"],
        )

    @staticmethod
    def _waived(base: dict[str, Any], waiver: WaiverFact) -> Obligation:
        return Obligation(
            **base,
            state=ObligationState.WAIVED,
            waiver_reason=waiver.reason,
            waived_by=waiver.by,
            waived_at=waiver.at,
            waiver_id=waiver.id,
        )

    # --- conditions -----------------------------------------------------------------------

    def _edition_for(self, moment: datetime) -> Edition | None:
        return self.code.edition_for(local_date(moment))

    def _eligible(self, edition: Edition, rule: Rule) -> bool:
        return self.facts.role in edition.roles

    def _excluded(self, rule: Rule, enhanced: bool) -> bool:
        if not rule.exclude_offences & self.offence_classes:
            return False
        if "enhanced" in rule.exclude_unless and enhanced:
            return False
        return not (rule.exclude_unless & self.offence_classes)

    def _fact(self, name: str) -> bool:
        return bool(getattr(self.facts, name))

    def _consent(self, rule: Rule) -> str:
        facts = self.facts
        if rule.consent == "opt_out" and (
            rule.explicit_consent_offences & self.offence_classes
            or facts.role in rule.explicit_consent_roles
            or rule.explicit_consent_reasons & facts.explicit_reasons
        ):
            return "explicit"
        return rule.consent

    def _period(self, edition: Edition, start: datetime) -> tuple[int, int]:
        """The agreed period (days, months) in force when this update's period starts: the newest
        contract by then, else what the case records, else the edition's default."""
        contract = self.facts.contract_at(start)
        for days, months in (
            (contract.every_days, contract.every_months) if contract else (None, None),
            (self.facts.update_every_days, self.facts.update_every_months),
            (edition.update_every_days, edition.update_every_months),
        ):
            if days:
                return days, 0
            if months:
                return 0, months
        return 0, 1

    def _chain_stop(self) -> datetime | None:
        stops = [e.at for e in self.facts.events if e.type in self.code.update_stop_events]
        return min(stops) if stops else None


@lru_cache(maxsize=65536)
def _after(day: date, days: int, months: int) -> date:
    """A period later, in calendar months (31 January + 1 month = 28/29 February) or days."""
    return day + relativedelta(days=days, months=months)
