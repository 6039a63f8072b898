"""Shared by the GUI tests: a small crime extract, a fixed clock, and a signed-in main window.

The clock stands at Thursday 26 November 2026, 09:00 UTC; the next working day is Friday 27th.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QSettings

from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.services import users
from vicman.services.context import Actor, ServiceContext

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)

COLUMNS = (
    "crime_ref",
    "reported_at",
    "offence",
    "division",
    "oic_id",
    "oic_name",
    "oic_email",
    "oic_team",
    "victim_ref",
    "victim_name",
    "victim_dob",
    "victim_phone",
    "enhanced_reasons",
    "vs_opt_out",
    "victim_language",
    "victim_preferred_contact",
)

ANN = ("PC1234", "Ann Smith", "ann.smith@north.police.uk", "Response A")
BOB = ("PC2001", "Bob Evans", "bob.evans@north.police.uk", "Response B")
CARA = ("DC3001", "Cara Hughes", "cara.hughes@south.police.uk", "CID")

# crime, reported, offence, division, officer, victim ref, name, dob, phone, enhanced, opt out, language, method
CRIMES = [
    # Ann: referral overdue (due 28/10), first update due today (26/11).
    ("CR/1001/26", "2026-10-26 10:00", "Burglary dwelling", "North", ANN,
     "V1001", "Mary Jones", "1960-01-02", "07700 900123", "", "no", "Polish", "phone"),
    # Ann: enhanced; referral overdue (due 24/11), update open (20/12).
    ("CR/1002/26", "2026-11-20 10:00", "Theft from the person", "North", ANN,
     "V1002", "Peter Brown", "2012-05-02", "07700 900456", "vulnerable", "no", "", "email"),
    # Ann: opted out of referral; update due the next working day (27/11).
    ("CR/1003/26", "2026-10-27 11:00", "Criminal damage", "North", ANN,
     "V1003", "Sarah Khan", "1985-03-04", "07700 900789", "", "yes", "Urdu", "sms"),
    # Bob: enhanced; referral and update both overdue.
    ("CR/1004/26", "2026-10-01 09:00", "Assault occasioning actual bodily harm", "North", BOB,
     "V1004", "Lena Novak", "1990-07-08", "07700 900321", "intimidated", "no", "Polish", "phone"),
    # Bob: update overdue (20/11).
    ("CR/1005/26", "2026-10-20 14:00", "Theft of a motor vehicle", "North", BOB,
     "V1005", "John Smith", "1975-09-10", "07700 900654", "", "yes", "English", "letter"),
    # Cara, South: referral overdue, update overdue.
    ("CR/2001/26", "2026-10-10 12:00", "Robbery", "South", CARA,
     "V2001", "Alan Jones", "1950-11-12", "07700 900987", "", "no", "", "visit"),
]  # fmt: skip


def write_extract(path: Path, crimes=CRIMES) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for crime, reported, offence, division, officer, ref, name, dob, phone, enh, opt, lang, method in crimes:
            staff_no, oic_name, email, team = officer
            writer.writerow(
                (crime, reported, offence, division, staff_no, oic_name, email, team, ref, name, dob, phone, enh, opt,
                 lang, method)
            )  # fmt: skip
    return path


PASSWORD = "gui-test-password-1"
"""Every GUI test user's password."""

# username, name, roles, staff number (officer link), division, team
GUI_USERS = (
    ("admin", "Alex Admin", ("administrator",), None, None, None),
    ("pc1234", "Ann Smith", ("officer", "bureau"), "PC1234", None, None),
    ("pc2001", "Bob Evans", ("officer", "bureau"), "PC2001", None, None),
    ("dc3001", "Cara Hughes", ("officer",), "DC3001", None, None),
    ("sgt.north", "Sam Sergeant", ("supervisor",), None, "North", "Response A"),
    ("bureau.north", "Bea Bureau", ("bureau",), None, "North", None),
)


def add_gui_users(ctx: ServiceContext) -> None:
    """The test users (the officers come from the extract, so import it first)."""
    for username, name, roles, staff_no, division, team in GUI_USERS:
        users.add_user(ctx, username, name, PASSWORD, roles, staff_no=staff_no, division=division, team=team)


def sign_in_through_dialog(qtbot, window: MainWindow, username: str, password: str = PASSWORD) -> None:
    dialog = window.sign_in_dialog
    assert dialog is not None
    dialog.username.setText(username)
    dialog.password.setText(password)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        dialog.save_button.click()


def make_window(qtbot, ctx: ServiceContext, settings: QSettings, staff_no: str | None = "PC1234",
                username: str | None = None) -> MainWindow:
    """A started main window, signed in through the sign-in dialog as the user of officer `staff_no` (or
    as `username`); with neither, left at the sign-in dialog."""
    runner = Runner()
    window = MainWindow(ctx, runner, settings, db_location="gui.sqlite3")
    runner.setParent(window)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.sign_in_dialog is not None, timeout=10_000)
    if staff_no is None and username is None:
        return window
    sign_in_through_dialog(qtbot, window, username or str(staff_no).lower())
    if staff_no is not None and username is None:
        assert window.officer is not None and window.officer.staff_no == staff_no
    qtbot.waitUntil(lambda: not window.my_work.loading and not window.bureau.loading, timeout=10_000)
    return window


@contextmanager
def as_admin(ctx: ServiceContext) -> Iterator[ServiceContext]:
    """Act on the test database directly (set-up inside a test), then give the window its user back."""
    signed_in = ctx.actor
    ctx.actor = Actor("pc-gui", "test-host", unrestricted=True)
    try:
        yield ctx
    finally:
        ctx.actor = signed_in


def create_first_administrator(qtbot, window: MainWindow, username: str = "first.admin") -> None:
    """Answer the first-run dialog of a database with no users: the administrator, signed in."""
    dialog = window.sign_in_dialog
    assert dialog is not None and dialog.objectName() == "firstAdministratorDialog"
    dialog.username.setText(username)
    dialog.display_name.setText("Fiona First")
    dialog.password.setText(PASSWORD)
    dialog.confirm.setText(PASSWORD)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        dialog.save_button.click()
