"""Compliance per officer: of the duties that fell due in a period, how many were met on time, met late,
waived, are overdue now or still open; with the officer's latest dip-sample verdicts, and a drill-down
to the duties themselves.

Duties are the stored (derived) obligations, counted by their due date and by the officer in the case of
their crime; "overdue" and "open" are as of today (Europe/London).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_population import resolve_scope
from vicman.services.dip_sample_views import DUTY_STATUSES, VERDICTS, duty_status
from vicman.services.errors import InvalidInput, NotFound
from vicman.services.permissions import Target
from vicman.store.tables import (
    CrimePersonRow,
    CrimeRow,
    DipSampleItemRow,
    DipSampleReviewRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
)

RECENT_VERDICTS = 3


@dataclass(frozen=True, slots=True)
class VerdictView:
    review_id: int
    sample_id: int
    at: datetime
    verdict: str
    verdict_label: str
    crime_ref: str
    victim_ref: str


@dataclass(frozen=True, slots=True)
class OfficerCompliance:
    staff_no: str
    name: str
    division: str
    team: str | None
    due: int
    """Duties that fell due in the period."""
    met_on_time: int
    met_late: int
    waived: int
    overdue: int
    """Still pending and past their due date today."""
    open: int
    """Still pending and not yet past their due date."""
    on_time_pct: float | None
    """Met on time as a percentage of the duties due less those waived; None when that is nothing."""
    last_verdicts: tuple[VerdictView, ...]
    """The latest dip-sample verdicts on the officer's work, newest first (at most three)."""


@dataclass(frozen=True, slots=True)
class DutyRow:
    """One duty in an officer's compliance drill-down; open it as the victim's record (victim_ref)."""

    obligation_id: int
    crime_ref: str
    victim_ref: str
    victim_name: str
    rule: str
    key: str
    title: str
    due: date
    status: str
    """on_time, late, waived, overdue or open (see DUTY_STATUSES for the words)."""
    status_label: str
    met_at: datetime | None
    waiver_reason: str | None
    enhanced: bool
    officer: str = ""
    """The officer in the case, "Name (staff number)", where the list spans officers (reports); else ""."""


def duty_row(
    duty: ObligationRow, crime_ref: str, victim_ref: str, victim_name: str, titles: dict[str, str], today: date,
    officer: str = "",
) -> DutyRow:
    """A stored duty as a drill-down row, its status as of `today`."""
    found = duty_status(duty.state, duty.late, duty.due, today)
    return DutyRow(
        obligation_id=duty.id,
        crime_ref=crime_ref,
        victim_ref=victim_ref,
        victim_name=victim_name,
        rule=duty.rule,
        key=duty.key,
        title=titles.get(duty.rule, duty.rule),
        due=duty.due,
        status=found,
        status_label=DUTY_STATUSES[found],
        met_at=duty.met_at,
        waiver_reason=duty.waiver_reason,
        enhanced=duty.enhanced,
        officer=officer,
    )


def _check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise InvalidInput(
            f"{period_from.isoformat()} is after the end of the period, {period_to.isoformat()}", field="period_from"
        )


def _pending(as_of: date, overdue: bool) -> ColumnElement[bool]:
    pending = ObligationRow.state == "pending"
    return and_(pending, ObligationRow.due < as_of) if overdue else and_(pending, ObligationRow.due >= as_of)


def team_compliance(
    ctx: ServiceContext, scope_kind: str, scope_value: str, period_from: date, period_to: date
) -> list[OfficerCompliance]:
    """Each officer in scope (a division's officers, a team's — "Division/Team" or a team name — or one
    officer by staff number), by division, team and name: an officer with nothing due in the period is
    listed while active."""
    _check_period(period_from, period_to)
    permissions.require(ctx, permissions.TEAM_COMPLIANCE, object_type="compliance", object_id=scope_value)
    today = ctx.today()

    def count(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    state = ObligationRow.state
    with ctx.db.read() as session:
        scope = resolve_scope(session, scope_kind, scope_value)
        due = func.count(ObligationRow.id)
        query = (
            select(
                OfficerRow.id,
                OfficerRow.staff_no,
                OfficerRow.name,
                OfficerRow.division,
                OfficerRow.team,
                due,
                count(and_(state == "met", ObligationRow.late.is_(False))),
                count(and_(state == "met", ObligationRow.late.is_(True))),
                count(state == "waived"),
                count(_pending(today, overdue=True)),
                count(_pending(today, overdue=False)),
            )
            .select_from(OfficerRow)
            .outerjoin(
                ObligationRow,
                and_(
                    ObligationRow.oic_id == OfficerRow.id,
                    ObligationRow.due >= period_from,
                    ObligationRow.due <= period_to,
                ),
            )
            .where(scope.officer_condition())
            .group_by(
                OfficerRow.id,
                OfficerRow.staff_no,
                OfficerRow.name,
                OfficerRow.division,
                OfficerRow.team,
                OfficerRow.active,
            )
            .having(or_(OfficerRow.active.is_(True), due > 0))
            .order_by(OfficerRow.division, OfficerRow.team, OfficerRow.name, OfficerRow.staff_no)
        )
        rows = session.execute(query).all()
        verdicts = _recent_verdicts(session, [row[0] for row in rows])
    result = []
    for officer_id, staff_no, name, division, team, n_due, on_time, late, waived, overdue, still_open in rows:
        judged = n_due - waived
        result.append(
            OfficerCompliance(
                staff_no=staff_no,
                name=name,
                division=division,
                team=team,
                due=n_due,
                met_on_time=on_time,
                met_late=late,
                waived=waived,
                overdue=overdue,
                open=still_open,
                on_time_pct=round(100.0 * on_time / judged, 1) if judged > 0 else None,
                last_verdicts=tuple(verdicts.get(officer_id, ())),
            )
        )
    audit.consulted(
        ctx,
        "compliance",
        f"{scope.kind}:{scope.value}",
        {"from": period_from.isoformat(), "to": period_to.isoformat(), "officers": [r.staff_no for r in result]},
    )
    return result


def _recent_verdicts(session: Session, officer_ids: list[int]) -> dict[int, list[VerdictView]]:
    """The latest review of each sampled item of these officers, newest first, three per officer."""
    if not officer_ids:
        return {}
    latest = select(func.max(DipSampleReviewRow.id)).group_by(DipSampleReviewRow.item_id)
    rows = session.execute(
        select(
            DipSampleItemRow.officer_id,
            DipSampleReviewRow.id,
            DipSampleItemRow.sample_id,
            DipSampleReviewRow.at,
            DipSampleReviewRow.verdict,
            CrimeRow.ref,
            PersonRow.ref,
        )
        .join(DipSampleItemRow, DipSampleItemRow.id == DipSampleReviewRow.item_id)
        .join(CrimePersonRow, CrimePersonRow.id == DipSampleItemRow.link_id)
        .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
        .where(DipSampleReviewRow.id.in_(latest), DipSampleItemRow.officer_id.in_(officer_ids))
        .order_by(DipSampleReviewRow.at.desc(), DipSampleReviewRow.id.desc())
    ).all()
    found: dict[int, list[VerdictView]] = {}
    for officer_id, review_id, sample_id, at, verdict, crime_ref, victim_ref in rows:
        if officer_id is None:
            continue
        recent = found.setdefault(officer_id, [])
        if len(recent) < RECENT_VERDICTS:
            recent.append(
                VerdictView(review_id, sample_id, at, verdict, VERDICTS.get(verdict, verdict), crime_ref, victim_ref)
            )
    return found


def officer_duties(
    ctx: ServiceContext, staff_no: str, period_from: date, period_to: date, status: str | None = None
) -> list[DutyRow]:
    """The duties in the officer's cases that fell due in the period, soonest due first; `status`
    narrows them to on_time, late, waived, overdue or open. Audited: the rows name victims."""
    _check_period(period_from, period_to)
    if status is not None and status not in DUTY_STATUSES:
        raise InvalidInput(f"must be one of {', '.join(DUTY_STATUSES)}, not {status!r}", field="status")
    with ctx.db.read() as session:
        target = permissions.officer_target(session, staff_no)
    if target is None:
        raise NotFound(f"no officer with staff number {staff_no}")
    permissions.require(
        ctx,
        permissions.TEAM_COMPLIANCE,
        Target(target.division, target.team, target.officer_id),
        object_type="compliance",
        object_id=f"officer:{staff_no}",
    )
    today = ctx.today()
    conditions: dict[str, ColumnElement[bool]] = {
        "on_time": and_(ObligationRow.state == "met", ObligationRow.late.is_(False)),
        "late": and_(ObligationRow.state == "met", ObligationRow.late.is_(True)),
        "waived": ObligationRow.state == "waived",
        "overdue": _pending(today, overdue=True),
        "open": _pending(today, overdue=False),
    }
    query = (
        select(ObligationRow, CrimeRow.ref, PersonRow.ref, PersonRow.name)
        .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
        .join(PersonRow, PersonRow.id == ObligationRow.person_id)
        .where(
            ObligationRow.oic_id == target.officer_id,
            ObligationRow.due >= period_from,
            ObligationRow.due <= period_to,
        )
        .order_by(ObligationRow.due, CrimeRow.ref, PersonRow.ref, ObligationRow.trigger_at, ObligationRow.key)
    )
    if status is not None:
        query = query.where(conditions[status])
    titles = ctx.code.rule_titles()
    with ctx.db.read() as session:
        rows = []
        for duty, crime_ref, victim_ref, victim_name in session.execute(query):
            rows.append(duty_row(duty, crime_ref, victim_ref, victim_name, titles, today))
    audit.consulted(
        ctx,
        "compliance",
        f"officer:{staff_no}",
        {
            "from": period_from.isoformat(),
            "to": period_to.isoformat(),
            "status": status,
            "victims": sorted({r.victim_ref for r in rows}),
        },
    )
    return rows
