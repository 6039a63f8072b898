"""The minimum standards an officer works to, and the officer's own figures against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from vicman.services import permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import NotFound
from vicman.store.tables import ObligationRow, OfficerRow


@dataclass(frozen=True, slots=True)
class StandardView:
    rule: str
    title: str
    standard: str
    days_standard: int | None
    days_enhanced: int | None
    section: str

    @property
    def deadline(self) -> str:
        if self.days_standard is None:
            return "At the agreed frequency (monthly unless agreed otherwise)"
        if self.days_standard == self.days_enhanced:
            return f"{self.days_standard} working days"
        return f"{self.days_standard} working days (enhanced: {self.days_enhanced})"


@dataclass(frozen=True, slots=True)
class OfficerFigures:
    """This month so far: duties that fell due, how many were met on time, and what is overdue now."""

    month_start: date
    due: int
    met_on_time: int
    met_late: int
    waived: int
    overdue_now: int

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.met_on_time / self.due, 1) if self.due else None


@dataclass(frozen=True, slots=True)
class MinimumStandards:
    edition: str
    edition_title: str
    summary: str
    enhanced_label: str
    standards: tuple[StandardView, ...]
    figures: OfficerFigures | None


def minimum_standards(ctx: ServiceContext, staff_no: str | None = None, as_of: date | None = None) -> MinimumStandards:
    """The Code's minimum standards in force on `as_of`, and, given `staff_no`, that officer's month so far.

    The standards are the published Code and open to every user; an officer's figures are checked
    (`standards.read`: one's own, a division's, or any for a supervisor).
    """
    if staff_no:
        with ctx.db.read() as session:
            target = permissions.officer_target(session, staff_no)
        if target is None:  # officers are listed to everyone: no secret in saying so
            raise NotFound(f"no officer with staff number {staff_no}")
        permissions.require(ctx, permissions.READ_STANDARDS, target, object_type="standards", object_id=staff_no)
    as_of = as_of or ctx.today()
    edition = ctx.code.edition_for(as_of) or ctx.code.editions[-1]
    standards = tuple(
        StandardView(r.id, r.title, r.standard, r.days_standard, r.days_enhanced, r.section) for r in edition.rules
    )
    figures = _figures(ctx, staff_no, as_of) if staff_no else None
    return MinimumStandards(edition.id, edition.title, edition.summary, edition.enhanced.label, standards, figures)


def _figures(ctx: ServiceContext, staff_no: str, as_of: date) -> OfficerFigures:
    month_start = as_of.replace(day=1)
    with ctx.db.read() as session:
        officer_id = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == staff_no))
        if officer_id is None:
            raise NotFound(f"no officer with staff number {staff_no}")
        mine = ObligationRow.oic_id == officer_id
        in_month = and_(mine, ObligationRow.due >= month_start, ObligationRow.due <= as_of)
        rows = session.execute(
            select(ObligationRow.state, ObligationRow.late, func.count())
            .where(in_month)
            .group_by(ObligationRow.state, ObligationRow.late)
        ).all()
        counts = {(state, bool(late)): n for state, late, n in rows}
        overdue = session.scalar(
            select(func.count())
            .select_from(ObligationRow)
            .where(mine, ObligationRow.state == "pending", ObligationRow.due < as_of)
        )
    return OfficerFigures(
        month_start=month_start,
        due=sum(counts.values()),
        met_on_time=counts.get(("met", False), 0),
        met_late=counts.get(("met", True), 0),
        waived=counts.get(("waived", False), 0) + counts.get(("waived", True), 0),
        overdue_now=overdue or 0,
    )
