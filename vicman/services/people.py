"""Reading staff: officers and divisions (for sign-in, filters and pickers). Read-only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, union

from vicman.services import permissions
from vicman.services.context import ServiceContext
from vicman.store.tables import CrimeRow, OfficerRow


@dataclass(frozen=True, slots=True)
class OfficerView:
    staff_no: str
    name: str
    division: str
    team: str | None
    email: str | None
    active: bool

    @property
    def label(self) -> str:
        """How the app names an officer: staff number, then name (e.g. "PC1234 Ann Smith")."""
        return f"{self.staff_no} {self.name}"


def list_officers(
    ctx: ServiceContext, division: str | None = None, include_inactive: bool = False
) -> list[OfficerView]:
    """Officers by name (then staff number); only a division's if `division` is given; active ones unless asked."""
    permissions.require(ctx, permissions.LIST_OFFICERS, object_type="officers", object_id=division or "all")
    query = select(OfficerRow).order_by(func.lower(OfficerRow.name), OfficerRow.staff_no)
    if division is not None:
        query = query.where(OfficerRow.division == division)
    if not include_inactive:
        query = query.where(OfficerRow.active.is_(True))
    with ctx.db.read() as session:
        return [
            OfficerView(
                staff_no=row.staff_no,
                name=row.name,
                division=row.division,
                team=row.team,
                email=row.email,
                active=bool(row.active),
            )
            for row in session.scalars(query)
        ]


def list_divisions(ctx: ServiceContext) -> list[str]:
    """Every division that has crimes or officers, in alphabetical order."""
    permissions.require(ctx, permissions.LIST_OFFICERS, object_type="divisions", object_id="all")
    names = union(select(CrimeRow.division), select(OfficerRow.division)).subquery()
    with ctx.db.read() as session:
        found = session.scalars(select(names.c[0]).where(names.c[0] != "")).all()
    return sorted(set(found), key=str.casefold)
