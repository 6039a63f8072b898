"""What the reports return: plain, frozen data that the dashboard, the exports and the command line share.

A report covers the duties that fell due in a period (both dates included, Europe/London) within a scope
(the force, a division, a team or one officer). "Overdue" and "open" are as of the day it was produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

REPORT_KINDS = ("compliance", "moj", "satisfaction")
TREND_BUCKETS = ("week", "month")


@dataclass(frozen=True, slots=True)
class ReportScope:
    """At most one of division, team ("Division/Team" or a team name) and officer (staff number); none: the
    whole force."""

    division: str | None = None
    team: str | None = None
    officer: str | None = None

    @property
    def label(self) -> str:
        if self.officer:
            return f"Officer {self.officer}"
        if self.team:
            return f"Team {self.team}"
        if self.division:
            return f"{self.division} division"
        return "Whole force"


@dataclass(frozen=True, slots=True)
class ReportHeader:
    kind: str
    """compliance, moj or satisfaction."""
    title: str
    force_name: str
    period_from: date
    period_to: date
    scope: ReportScope
    as_of: date
    """The local date "overdue now" is counted on."""
    produced_at: datetime
    """UTC."""
    produced_by: str


@dataclass(frozen=True, slots=True)
class WaiverReasonCount:
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class DutyCounts:
    """Duties that fell due in the period, by what became of them."""

    rule: str
    """A Code rule id, or "all" for a total row."""
    title: str
    due: int
    met_on_time: int
    met_late: int
    overdue: int
    """Still pending and past their due date on `as_of`."""
    open: int
    """Still pending, not yet past their due date."""
    waived: int
    waiver_reasons: tuple[WaiverReasonCount, ...]
    on_time_pct: float | None
    """met_on_time / (due - waived - open) * 100: of the duties whose outcome is known; None when none."""


@dataclass(frozen=True, slots=True)
class TrendPoint:
    bucket_start: date
    label: str
    """"Nov 2026" or "w/c 23/11/2026"."""
    due: int
    met_on_time: int
    on_time_pct: float | None


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """One division (or team or officer, one level below the scope): the breakdown the dashboard charts."""

    group: str
    due: int
    met_on_time: int
    overdue: int
    on_time_pct: float | None
    key: str = ""
    """What `reports.duties_behind(group=...)` takes for this group: a division's name (force scope), a
    team's name (division scope; "" for duties of officers with no team or no officer in the case), an
    officer's staff number (team scope) or a rule id (officer scope)."""


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    header: ReportHeader
    duties: tuple[DutyCounts, ...]
    """One row per rule that had duties due, in the Code's order."""
    total: DutyCounts
    trend_bucket: str
    trend: tuple[TrendPoint, ...]
    by_group: tuple[GroupCounts, ...]
    group_level: str
    """division, team or officer: what `by_group` breaks the scope down by."""


@dataclass(frozen=True, slots=True)
class MojMeasure:
    """One Ministry of Justice compliance measure: of the victims (or duties) it applies to, how many met it."""

    measure: str
    """acknowledgement, referral, updates, vps_offered, release_information."""
    label: str
    applicable: int
    met: int
    met_on_time: int | None
    """For measures with a deadline; None for those without one (VPS offered)."""
    pct: float | None
    note: str
    """How it is counted, in one sentence (printed under the table)."""


@dataclass(frozen=True, slots=True)
class MojReport:
    header: ReportHeader
    measures: tuple[MojMeasure, ...]


@dataclass(frozen=True, slots=True)
class Proportion:
    """Satisfied (4 or 5 on the five-point scale) of those who answered, with a Wilson 95% interval."""

    satisfied: int
    answered: int
    pct: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True, slots=True)
class GroupSatisfaction:
    group: str
    """An ethnic group as recorded (or "Not recorded"), or "White" / "Minority ethnic" for the aggregate."""
    questions: dict[str, Proportion]
    """Question key (overall, kept_informed, treatment, ease_of_contact) -> proportion satisfied."""


@dataclass(frozen=True, slots=True)
class GapTest:
    """The difference between white and minority ethnic victims on one question, with a two-proportion test."""

    question: str
    white: Proportion
    minority: Proportion
    gap_points: float | None
    """white pct - minority pct, in percentage points."""
    ci_low: float | None
    ci_high: float | None
    """95% interval of the gap (Newcombe's hybrid score interval), in percentage points."""
    p_value: float | None
    significant: bool | None
    """p < 0.05; None when either group is too small to test."""
    verdict: str
    """One sentence a manager can read aloud."""


@dataclass(frozen=True, slots=True)
class SatisfactionReport:
    header: ReportHeader
    surveys: int
    groups: tuple[GroupSatisfaction, ...]
    aggregates: tuple[GroupSatisfaction, ...]
    """White, Minority ethnic, Not recorded, All."""
    gaps: tuple[GapTest, ...]


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: str
    format: str
    bytes: int
    audit_seq: int | None
