"""Shared by the GUI tests: a small crime extract, a fixed clock, and a signed-in main window.

The clock stands at Thursday 26 November 2026, 09:00 UTC; the next working day is Friday 27th.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QSettings

from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.services.context import ServiceContext

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


def make_window(qtbot, ctx: ServiceContext, settings: QSettings, staff_no: str | None = "PC1234") -> MainWindow:
    """A started main window; signed in as `staff_no` through the sign-in dialog (None: left unanswered)."""
    runner = Runner()
    window = MainWindow(ctx, runner, settings, db_location="gui.sqlite3")
    runner.setParent(window)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.people_loaded, timeout=10_000):
        window.start()
    if staff_no is None:
        return window
    dialog = window.sign_in_dialog
    assert dialog is not None
    dialog.filter_edit.setText(staff_no)
    with qtbot.waitSignal(window.my_work.rows_loaded, timeout=10_000):
        dialog.accept()
    assert window.officer is not None and window.officer.staff_no == staff_no
    qtbot.waitUntil(lambda: not window.bureau.loading, timeout=10_000)
    return window
