"""The users of a database as a Qt table (`users.UserView`), for the administrators' Users tab.

The officer column gives the staff number of the linked officer record, and its tooltip the officer's name
and place from the officers the window has read (`set_officers`); the status is Active, Disabled or Locked
(after failed sign-ins), coloured.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from PySide6.QtGui import QColor

from vicman.gui.formatting import uk_date, uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.services.people import OfficerView
from vicman.services.users import UserView

RED = (QColor("#f8d7da"), QColor("#58151c"))
AMBER = (QColor("#fff3cd"), QColor("#4d3800"))

ROLE_LABELS = {
    "officer": "Officer",
    "bureau": "Bureau",
    "supervisor": "Supervisor",
    "administrator": "Administrator",
}


def roles_text(user: UserView) -> str:
    return ", ".join(ROLE_LABELS.get(r, r) for r in user.roles)


def status_text(user: UserView) -> str:
    """Disabled outranks a lockout: a disabled account cannot sign in however the lockout stands."""
    if not user.active:
        return "Disabled"
    return "Locked" if user.locked else "Active"


def status_tip(user: UserView) -> str | None:
    if not user.active:
        return "Cannot sign in. Enable the account to let them sign in again."
    if user.locked:
        return (
            f"Locked after failed sign-ins until {uk_datetime(user.locked_until)}. "
            "Enable the account to lift the lockout now."
        )
    return None


COL_USERNAME, COL_NAME, COL_ROLES, COL_DIVISION, COL_TEAM, COL_OFFICER, COL_STATUS, COL_LOCKED_UNTIL = range(8)
COL_CREATED = 8


class UserTableModel(DtoTableModel[UserView]):
    """Every user, in the order the service lists them (by username)."""

    COLUMNS: ClassVar[Mapping[int, Column[UserView]]] = {
        COL_USERNAME: Column("Username", "What they type to sign in", lambda _, u: u.username),
        COL_NAME: Column("Name", "Their full name", lambda _, u: u.display_name),
        COL_ROLES: Column("Roles", "What they may do (see the role table)", lambda _, u: roles_text(u)),
        COL_DIVISION: Column("Division", "The division their work is measured from", lambda _, u: u.division or ""),
        COL_TEAM: Column("Team", "The team their work is measured from", lambda _, u: u.team or ""),
        COL_OFFICER: Column(
            "Officer",
            "The staff number of the officer record the account is linked to (officers work their cases through it)",
            lambda _, u: u.staff_no or "",
            tip=lambda m, u: m.officer_label(u) or None,
        ),
        COL_STATUS: Column(
            "Status",
            "Active, Disabled (cannot sign in) or Locked (after failed sign-ins)",
            lambda _, u: status_text(u),
            sort=lambda _, u: (not u.active, u.locked),
            tip=lambda _, u: status_tip(u),
        ),
        COL_LOCKED_UNTIL: Column(
            "Locked until",
            "When a lockout after failed sign-ins ends (UK time)",
            lambda _, u: uk_datetime(u.locked_until),
            sort=lambda _, u: u.locked_until,
        ),
        COL_CREATED: Column(
            "Added",
            "When the account was added, and by whom",
            lambda _, u: f"{uk_date(u.created_at)} by {u.created_by}",
            sort=lambda _, u: u.created_at,
            tip=lambda _, u: f"Added {uk_datetime(u.created_at)} by {u.created_by}",
        ),
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._officers: dict[str, OfficerView] = {}

    def set_officers(self, officers: Iterable[OfficerView]) -> None:
        with self._resetting():
            self._officers = {o.staff_no: o for o in officers}

    def officer_label(self, user: UserView) -> str:
        """The linked officer record as the app names officers ("PC1234 Ann Smith"), with where they work."""
        if not user.staff_no:
            return ""
        officer = self._officers.get(user.staff_no)
        if officer is None:
            return user.staff_no
        place = f"{officer.division} / {officer.team}" if officer.team else officer.division
        return f"{officer.label} — {place}"

    def cell_style(self, user: UserView, column: int, role: int) -> Any:
        if column == COL_STATUS and not user.active:
            return role_colour(RED, role)
        if column in (COL_STATUS, COL_LOCKED_UNTIL) and user.locked:
            return role_colour(AMBER, role)
        return None

    def find(self, username: str) -> int | None:
        """The source row of `username`, if listed."""
        for row, user in enumerate(self._rows):
            if user.username == username:
                return row
        return None
