"""Plain, frozen results the services return. Screens and the CLI never see ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from vicman.domain.enums import Status


@dataclass(frozen=True, slots=True)
class ObligationView:
    crime_ref: str
    victim_ref: str
    rule: str
    title: str
    key: str
    edition: str
    enhanced: bool
    enhanced_reasons: tuple[str, ...]
    trigger_at: datetime
    due: date
    status: Status
    late: bool
    met_at: datetime | None
    met_by: str | None
    consent: str
    waiver_reason: str | None


@dataclass(frozen=True, slots=True)
class DutyRow:
    """One pending duty in a worklist, with what a bureau clerk needs to make the contact."""

    obligation_id: int
    crime_ref: str
    victim_ref: str
    victim_name: str
    rule: str
    title: str
    key: str
    due: date
    status: Status
    enhanced: bool
    division: str
    oic_staff_no: str | None
    oic_name: str | None
    language: str | None
    interpreter_needed: bool
    preferred_method: str | None
    phone: str | None
    last_contact_at: datetime | None
    team: str | None = None
    trigger_at: datetime | None = None
    assigned_to: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    person_ref: str
    name: str
    dob: date | None
    phone: str | None
    crime_refs: tuple[str, ...]
    matched_on: str
