"""The desktop under store faults (issue 7 item 5): a locked database or a full disk while logging a contact.

The dialog says what happened in plain words, keeps what the officer typed, stays open and usable, and a second
try once the fault is gone logs the contact exactly once.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from tests.faults.fault_support import release, write_lock_held
from vicman.gui.dialogs.log_contact import ContactTarget, LogContactDialog

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only(reason="SQLite's file lock and max_page_count")]

MARY = ("CR/1001/26", "V1001")
NOTE = "Told Mary about the arrest and the bail conditions."


def database_file(window) -> Path:
    return Path(make_url(window.ctx.db.url).database or "")


def contacts_with_mary(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT count(*) FROM contact_entry c JOIN crime_person l ON l.id = c.link_id "
            "JOIN person p ON p.id = l.person_id WHERE p.ref = ?",
            (MARY[1],),
        ).fetchone()[0]


def filled_in_dialog(qtbot, window, note: str = NOTE) -> LogContactDialog:
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        dialog = LogContactDialog(window.ctx, window.runner, [ContactTarget(*MARY, "Mary Jones", "phone")], window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    dialog.note.setPlainText(note)
    return dialog


def save_and_wait_for_the_error(qtbot, dialog: LogContactDialog) -> str:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.save_button.isEnabled(), timeout=30_000)
    return dialog.error.text()


def test_a_locked_database_is_explained_and_the_retry_logs_one_contact(qtbot, window, tmp_path) -> None:
    path = database_file(window)
    window.ctx.db.add_connection_hook(lambda connection: connection.execute("PRAGMA busy_timeout=300"))
    dialog = filled_in_dialog(qtbot, window)
    with write_lock_held(path) as holder:
        text = save_and_wait_for_the_error(qtbot, dialog)
        assert text == (
            "The database is busy: another program has been writing to it for too long, so nothing was saved. "
            "Try again in a moment."
        )
        assert dialog.isVisible() and dialog.note.toPlainText() == NOTE and dialog.outcome_informed.isChecked()
        assert contacts_with_mary(path) == 0
        dialog.grab().save(str(tmp_path / "log-contact-busy.png"))  # to look at when changing the dialog
        release(holder)
    with qtbot.waitSignal(dialog.contacts_recorded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert contacts_with_mary(path) == 1
    assert window.isVisible()


def test_a_full_disk_is_explained_the_note_is_kept_and_the_window_carries_on(qtbot, window, tmp_path) -> None:
    path = database_file(window)
    with closing(sqlite3.connect(path)) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    window.ctx.db.add_connection_hook(lambda connection: connection.execute(f"PRAGMA max_page_count={pages}"))
    long_note = NOTE + " " + "She asked about compensation and the next hearing date. " * 3000
    dialog = filled_in_dialog(qtbot, window, long_note)
    text = save_and_wait_for_the_error(qtbot, dialog)
    assert text == "The disk holding the database is full; nothing was saved. Free some space, then try again."
    assert dialog.note.toPlainText() == long_note  # what the officer typed is all still there
    assert contacts_with_mary(path) == 0
    dialog.grab().save(str(tmp_path / "log-contact-disk-full.png"))  # to look at when changing the dialog
    # The app carries on: space freed, the same dialog saves.
    window.ctx.db.add_connection_hook(lambda connection: connection.execute("PRAGMA max_page_count=1073741823"))
    with qtbot.waitSignal(dialog.contacts_recorded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert contacts_with_mary(path) == 1
    assert window.isVisible()
