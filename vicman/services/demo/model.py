"""What the simulation builds in memory before anything goes in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from vicman.domain.enums import EventType
from vicman.services.demo.offences import Offence
from vicman.services.demo.places import DivisionSpec


@dataclass(eq=False)
class Officer:
    staff_no: str
    name: str
    email: str
    division: str
    team: str
    diligence: float


@dataclass(eq=False)
class Person:
    ref: str
    given: str
    surname: str
    female: bool
    dob: date | None
    address: str | None
    culture: str
    language: str | None = None
    interpreter: bool = False
    ethnicity: str | None = None
    phone: str | None = None
    mobile: bool = False
    email: str | None = None
    preferred: str | None = None
    links: int = 0

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"


@dataclass(eq=False)
class Event:
    type: str
    at: datetime
    note: str


@dataclass(eq=False)
class Contact:
    at: datetime
    after: datetime
    kind: str
    method: str
    outcome: str
    note: str = ""
    on_behalf_of: str | None = None


@dataclass(eq=False)
class Referral:
    at: datetime
    service: str
    consent: str
    note: str


@dataclass(eq=False)
class Link:
    person: Person
    role: str
    reasons: tuple[str, ...] = ()
    vs_opt_out: bool = False
    every_days: int | None = None
    every_months: int | None = None
    relation: str = ""
    enhanced: bool = False
    contacts: list[Contact] = field(default_factory=list)
    referral: Referral | None = None


@dataclass(eq=False)
class Crime:
    offence: Offence
    reported_at: datetime
    division: DivisionSpec
    officer: Officer
    plant: str | None = None
    ref: str = ""
    outcome: str = "no suspect has been identified"
    disposal: str = ""
    links: list[Link] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def closed_at(self) -> datetime | None:
        return next((e.at for e in self.events if e.type == EventType.CASE_CLOSED), None)
