"""What the rules engine produces: one Victims' Code duty owed to one person in one crime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from vicman.domain.enums import ObligationState, Status


@dataclass(frozen=True, slots=True)
class EnhancedReason:
    """Why a victim has enhanced rights on a date, kept so the officer can see it.

    `code` is stable (`vulnerable`, `child`, `offence:sexual_offence`, `role:bereaved_relative` …);
    `category` is one of the Code's groups (vulnerable, intimidated, persistently_targeted,
    most_serious_crime); `text` is the plain-English explanation from the edition's data.
    """

    code: str
    category: str
    text: str


@dataclass(frozen=True, slots=True)
class Obligation:
    crime_ref: str
    person_ref: str
    rule: str
    key: str
    """Identifies the duty within its crime and person: `report`, `event:<id>`, `update:<n>`."""
    edition: str
    enhanced: bool
    enhanced_reasons: tuple[EnhancedReason, ...]
    trigger_at: datetime
    trigger_date: date
    due: date
    consent: str
    state: ObligationState
    met_at: datetime | None = None
    met_by_kind: str | None = None
    met_by_id: int | None = None
    late: bool = False
    waiver_reason: str | None = None
    waived_by: str | None = None
    waived_at: datetime | None = None
    waiver_id: int | None = None

    def status(self, as_of: date) -> Status:
        if self.state is ObligationState.MET:
            return Status.MET
        if self.state is ObligationState.WAIVED:
            return Status.WAIVED
        return Status.OVERDUE if self.due < as_of else Status.OPEN
