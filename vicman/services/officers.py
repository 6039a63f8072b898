"""Officers away (leave, a course, sickness) with a deputy, and officers who have left: where their reminders go.

While an officer is away (`away_from` to `away_until`, both days included) the reminders about their cases go
to their deputy, or to the division's bureau mailbox when they have none (or the deputy cannot take them);
from the day an officer leaves, to the bureau mailbox (see `vicman.services.reminders`). Each change is
audited (`alter` on object type `officer`) with the values before and after; checked as `officers.manage`
(supervisors in their division, administrators anywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.services import audit, concurrency, permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, NotFound
from vicman.store.tables import OfficerRow

OFFICER = "officer"
"""The audit object type of an officer record."""


@dataclass(frozen=True, slots=True)
class OfficerAbsence:
    """An officer and where their reminders go: away with a deputy, left, or neither."""

    staff_no: str
    name: str
    division: str
    team: str | None
    email: str | None
    active: bool
    away_from: date | None
    away_until: date | None
    deputy_staff_no: str | None
    deputy_name: str | None
    left_on: date | None

    def away_on(self, day: date) -> bool:
        return is_away(self.away_from, self.away_until, day)

    def left_by(self, day: date) -> bool:
        return self.left_on is not None and self.left_on <= day


def is_away(away_from: date | None, away_until: date | None, day: date) -> bool:
    """Whether an absence from `away_from` to `away_until` (both included; an open end has no limit) covers `day`."""
    if away_from is None and away_until is None:
        return False
    return (away_from is None or away_from <= day) and (away_until is None or day <= away_until)


def get_absence(ctx: ServiceContext, staff_no: str) -> OfficerAbsence:
    """An officer's absence, deputy and leaving date (officers are listed to everyone)."""
    permissions.require(ctx, permissions.LIST_OFFICERS, object_type=OFFICER, object_id=staff_no)
    with ctx.db.read() as session:
        return _view(session, _load(session, staff_no))


def set_away(
    ctx: ServiceContext,
    staff_no: str,
    from_date: date,
    until_date: date,
    deputy_staff_no: str | None = None,
    *,
    expected: OfficerAbsence | None = None,
) -> OfficerAbsence:
    """Mark an officer away from `from_date` to `until_date` (both included), with a deputy or none.

    The deputy must be another officer, active, not leaving before the absence ends, and not away
    themselves on any day of it. An absence that has already ended is refused. `expected`: the absence as
    the person saw it; if someone else has changed it since, `EditConflict` and nothing is saved.
    """
    staff = _require(ctx, staff_no)
    if until_date < from_date:
        raise InvalidInput("the last day away is before the first", field="until")
    if until_date < ctx.today():
        raise InvalidInput(f"that absence ended on {_uk(until_date)}, before today", field="until")
    deputy_no = (deputy_staff_no or "").strip() or None
    with ctx.db.transaction() as session:
        officer = _load(session, staff, expected)
        if officer.left_on is not None and officer.left_on <= from_date:
            raise InvalidInput(f"{officer.staff_no} left on {_uk(officer.left_on)}", field="officer")
        deputy = None
        if deputy_no is not None:
            deputy = session.scalar(select(OfficerRow).where(OfficerRow.staff_no == deputy_no))
            if deputy is None:
                raise InvalidInput(f"there is no officer with staff number {deputy_no}", field="deputy")
            _check_deputy(officer, deputy, from_date, until_date)
        before = _state(session, officer)
        officer.away_from = from_date
        officer.away_until = until_date
        officer.deputy_id = deputy.id if deputy is not None else None
        _audit(ctx, session, officer, "away", before)
        return _view(session, officer)


def clear_away(ctx: ServiceContext, staff_no: str, *, expected: OfficerAbsence | None = None) -> OfficerAbsence:
    """The officer is back (or the absence was a mistake): their reminders go to them again."""
    staff = _require(ctx, staff_no)
    with ctx.db.transaction() as session:
        officer = _load(session, staff, expected)
        if officer.away_from is None and officer.away_until is None and officer.deputy_id is None:
            return _view(session, officer)
        before = _state(session, officer)
        officer.away_from = None
        officer.away_until = None
        officer.deputy_id = None
        _audit(ctx, session, officer, "back", before)
        return _view(session, officer)


def mark_left(
    ctx: ServiceContext, staff_no: str, on_date: date | None, *, expected: OfficerAbsence | None = None
) -> OfficerAbsence:
    """The officer leaves (left) the force or the role on `on_date`: from then their cases' reminders go to
    the bureau mailbox. `None` withdraws a leaving date recorded by mistake."""
    staff = _require(ctx, staff_no)
    with ctx.db.transaction() as session:
        officer = _load(session, staff, expected)
        if officer.left_on == on_date:
            return _view(session, officer)
        before = _state(session, officer)
        officer.left_on = on_date
        _audit(ctx, session, officer, "left" if on_date is not None else "not left", before)
        return _view(session, officer)


# --- helpers ------------------------------------------------------------------------------------


def _require(ctx: ServiceContext, staff_no: str) -> str:
    """Permission to manage this officer; an unknown officer is simply not found (officers are listed to all)."""
    staff = (staff_no or "").strip()
    with ctx.db.read() as session:
        target = permissions.officer_target(session, staff)
    if target is None:
        raise NotFound(f"no officer with staff number {staff}")
    permissions.require(ctx, permissions.MANAGE_OFFICERS, target, object_type=OFFICER, object_id=staff)
    return staff


def _check_deputy(officer: OfficerRow, deputy: OfficerRow, from_date: date, until_date: date) -> None:
    if deputy.id == officer.id:
        raise InvalidInput("an officer cannot be their own deputy", field="deputy")
    if not deputy.active:
        raise InvalidInput(f"{deputy.staff_no} is not an active officer", field="deputy")
    if deputy.left_on is not None and deputy.left_on <= until_date:
        raise InvalidInput(
            f"{deputy.staff_no} leaves on {_uk(deputy.left_on)}, before the absence ends", field="deputy"
        )
    if deputy.away_from is not None or deputy.away_until is not None:
        starts = deputy.away_from or date.min
        ends = deputy.away_until or date.max
        if starts <= until_date and from_date <= ends:
            raise InvalidInput(
                f"{deputy.staff_no} is away themselves from {_uk(deputy.away_from)} to {_uk(deputy.away_until)}",
                field="deputy",
            )
    if not deputy.email:
        raise InvalidInput(f"{deputy.staff_no} has no email address, so reminders could not reach them", field="deputy")


def _load(session: Session, staff_no: str, expected: OfficerAbsence | None = None) -> OfficerRow:
    """The officer's row; with `expected`, refused if their absence is no longer what the person saw."""
    officer = session.scalar(select(OfficerRow).where(OfficerRow.staff_no == staff_no))
    if officer is None:
        raise NotFound(f"no officer with staff number {staff_no}")
    if expected is not None:
        seen, now = _absence_fields(expected), _absence_fields(_view(session, officer))
        if seen != now:
            last = concurrency.last_audited(session, OFFICER, officer.staff_no, [audit.ALTER])
            by, at = (last.actor, last.ts) if last is not None else ("someone else", None)
            raise concurrency.EditConflict(
                f"Where the reminders of {officer.staff_no} go",
                concurrency.differences(seen, now, by, at),
                "Check their change, then save again if yours is still needed.",
            )
    return officer


def _absence_fields(absence: OfficerAbsence) -> dict[str, object]:
    return {
        "away from": absence.away_from,
        "away until": absence.away_until,
        "deputy": absence.deputy_staff_no,
        "left on": absence.left_on,
    }


def _state(session: Session, officer: OfficerRow) -> dict[str, Any]:
    deputy = session.get(OfficerRow, officer.deputy_id) if officer.deputy_id is not None else None
    return {
        "away_from": officer.away_from.isoformat() if officer.away_from else None,
        "away_until": officer.away_until.isoformat() if officer.away_until else None,
        "deputy": deputy.staff_no if deputy is not None else None,
        "left_on": officer.left_on.isoformat() if officer.left_on else None,
    }


def _audit(ctx: ServiceContext, session: Session, officer: OfficerRow, change: str, before: dict[str, Any]) -> None:
    session.flush()
    detail = {"change": change, "before": before, "after": _state(session, officer)}
    audit.record(ctx, session, audit.ALTER, OFFICER, officer.staff_no, detail)


def _view(session: Session, officer: OfficerRow) -> OfficerAbsence:
    deputy = session.get(OfficerRow, officer.deputy_id) if officer.deputy_id is not None else None
    return OfficerAbsence(
        staff_no=officer.staff_no,
        name=officer.name,
        division=officer.division,
        team=officer.team,
        email=officer.email,
        active=bool(officer.active),
        away_from=officer.away_from,
        away_until=officer.away_until,
        deputy_staff_no=deputy.staff_no if deputy is not None else None,
        deputy_name=deputy.name if deputy is not None else None,
        left_on=officer.left_on,
    )


def _uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "?"
