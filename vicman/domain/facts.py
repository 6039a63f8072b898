"""What the rules engine reads: everything known about one person in one crime.

Instants are timezone-aware (UTC); the engine turns them into Europe/London dates itself.
Entries here are the effective ones: a corrected entry is replaced by its correction and a
retracted one is left out before the facts reach the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from vicman.domain.enums import ContactMethod, EventType, Outcome, Role


@dataclass(frozen=True, slots=True)
class EventFact:
    id: int
    type: EventType
    at: datetime


@dataclass(frozen=True, slots=True)
class ContactFact:
    id: int
    at: datetime
    outcome: Outcome
    method: ContactMethod
    not_meeting: frozenset[str] = frozenset()
    """Keys of duties the officer unticked: this contact does not meet them."""

    def meets(self, key: str) -> bool:
        return self.outcome is Outcome.INFORMED and key not in self.not_meeting


@dataclass(frozen=True, slots=True)
class ReferralFact:
    id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class WaiverFact:
    id: int
    obligation_key: str
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AssessmentFact:
    """A needs assessment's finding: which of the assessed reasons (vulnerable, intimidated,
    persistently targeted) it found. It applies to duties that arise from its date on."""

    id: int
    at: datetime
    reasons: frozenset[str]


@dataclass(frozen=True, slots=True)
class ContractFact:
    """A contact contract agreed with the victim: from its date on, it sets how often updates fall
    due (or that the victim wants none). Updates already due keep the period they started with."""

    id: int
    at: datetime
    every_days: int | None
    every_months: int | None
    updates_opt_out: bool


ASSESSED_REASONS = frozenset({"vulnerable", "intimidated", "persistently_targeted"})


@dataclass(frozen=True, slots=True)
class CaseFacts:
    crime_ref: str
    person_ref: str
    offence: str
    reported_at: datetime
    role: Role = Role.VICTIM
    dob: date | None = None
    explicit_reasons: frozenset[str] = frozenset()
    vs_opt_out: bool = False
    updates_opt_out: bool = False
    update_every_months: int | None = None
    update_every_days: int | None = None
    events: tuple[EventFact, ...] = field(default=())
    contacts: tuple[ContactFact, ...] = field(default=())
    referrals: tuple[ReferralFact, ...] = field(default=())
    waivers: tuple[WaiverFact, ...] = field(default=())
    assessments: tuple[AssessmentFact, ...] = field(default=())
    contracts: tuple[ContractFact, ...] = field(default=())

    def contract_at(self, moment: datetime) -> ContractFact | None:
        """The newest contract agreed by `moment`, if any."""
        made = [c for c in self.contracts if c.at <= moment]
        return max(made, key=lambda c: (c.at, c.id)) if made else None

    def explicit_reasons_at(self, moment: datetime) -> frozenset[str]:
        """The recorded reasons in force at `moment`: the newest assessment made by then decides the
        assessed reasons, so a later assessment never shortens a deadline that had already started."""
        made = [a for a in self.assessments if a.at <= moment]
        if not made:
            return self.explicit_reasons
        latest = max(made, key=lambda a: (a.at, a.id))
        return (self.explicit_reasons - ASSESSED_REASONS) | latest.reasons

    def known_by(self, cutoff: datetime) -> CaseFacts:
        """The facts as they stood at `cutoff`: entries dated after it had not happened yet."""
        return replace(
            self,
            events=tuple(e for e in self.events if e.at <= cutoff),
            contacts=tuple(c for c in self.contacts if c.at <= cutoff),
            referrals=tuple(r for r in self.referrals if r.at <= cutoff),
            waivers=tuple(w for w in self.waivers if w.at <= cutoff),
            assessments=tuple(a for a in self.assessments if a.at <= cutoff),
            contracts=tuple(c for c in self.contracts if c.at <= cutoff),
        )
