"""What a victim's record shows: frozen results for the record screen and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from vicman.domain.enums import Status


@dataclass(frozen=True, slots=True)
class DutyDetail:
    crime_ref: str
    rule: str
    key: str
    title: str
    standard: str
    edition: str
    edition_title: str
    trigger_at: datetime
    due: date
    status: Status
    late: bool
    enhanced: bool
    consent: str
    met_at: datetime | None
    met_by_kind: str | None
    met_by_id: int | None
    waiver_reason: str | None
    waived_by: str | None


@dataclass(frozen=True, slots=True)
class NeedsAssessmentView:
    id: int
    at: datetime
    by: str
    mental_disorder: bool
    impaired_intelligence: bool
    physical_disability: bool
    fear_or_distress: bool
    repeatedly_targeted: bool
    needs: str | None

    @property
    def vulnerable(self) -> bool:
        return self.mental_disorder or self.impaired_intelligence or self.physical_disability


@dataclass(frozen=True, slots=True)
class ContractView:
    id: int
    at: datetime
    by: str
    every_days: int | None
    every_months: int | None
    updates_opt_out: bool
    method: str | None
    safe_times: str | None
    may_leave_messages: bool
    vps_offered: bool
    vps_answer: str | None
    notes: str | None

    @property
    def frequency(self) -> str:
        if self.updates_opt_out:
            return "No updates (the victim opted out)"
        if self.every_days:
            return f"Every {self.every_days} days"
        months = self.every_months or 1
        return "Every month" if months == 1 else f"Every {months} months"


@dataclass(frozen=True, slots=True)
class CertificationView:
    id: int
    at: datetime
    by: str
    duties: int
    note: str | None


@dataclass(frozen=True, slots=True)
class CaseView:
    """The victim's part in one crime."""

    crime_ref: str
    offence: str
    kind: str
    reported_at: datetime
    division: str
    oic_staff_no: str | None
    oic_name: str | None
    closed_at: datetime | None
    role: str
    enhanced_label: str
    enhanced_reasons: tuple[str, ...]
    vs_opt_out: bool
    updates_opt_out: bool
    duties: tuple[DutyDetail, ...]
    assessment: NeedsAssessmentView | None
    contract: ContractView | None
    certification: CertificationView | None

    @property
    def enhanced(self) -> bool:
        return bool(self.enhanced_reasons)

    @property
    def open_duties(self) -> tuple[DutyDetail, ...]:
        return tuple(d for d in self.duties if d.status in (Status.OPEN, Status.OVERDUE))


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One time-stamped entry, newest first on the record's Timeline."""

    kind: str
    id: int
    at: datetime
    recorded_at: datetime
    author: str
    on_behalf_of: str | None
    crime_ref: str | None
    summary: str
    detail: str | None
    corrects_id: int | None
    corrected_by_id: int | None
    retracted: bool
    correction_reason: str | None


@dataclass(frozen=True, slots=True)
class ViewerView:
    """One opening of the record: when, by whom, acting in which roles, and why (if a reason was given)."""

    at: datetime
    user: str
    role: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class VictimRecord:
    person_ref: str
    name: str
    dob: date | None
    age: int | None
    phone: str | None
    email: str | None
    address: str | None
    language: str | None
    interpreter_needed: bool
    preferred_method: str | None
    safe_times: str | None
    may_leave_messages: bool | None
    ethnicity: str | None
    version: int
    cases: tuple[CaseView, ...]
    timeline: tuple[TimelineEntry, ...]
    viewers: tuple[ViewerView, ...] = ()
    """Who has opened this record, newest first (at most `records.VIEWERS_SHOWN`), from the audit trail."""
    viewers_total: int = 0
    """How many times the record has been opened in all."""
    safe_channel: str | None = None
    """The contact channel the victim says is safe (phone, email, letter, sms, visit); None: not asked."""

    @property
    def enhanced(self) -> bool:
        return any(c.enhanced for c in self.cases)
