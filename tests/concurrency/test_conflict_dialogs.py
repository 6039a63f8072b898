"""The edit dialogs when someone else saved first: the conflict names their change, the form shows the record
as saved now with this person's typed values kept on top, and saving again stores both changes.

Runs on both back ends: the window's context and the other desktop's share the test database.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gui"))

from gui_support import add_gui_users, make_window, write_extract
from record_support import open_record, save

from tests.concurrency.test_no_lost_updates import desktop
from vicman.gui.main_window import MainWindow
from vicman.services import casework, importing, officers, records

pytestmark = pytest.mark.gui

@pytest.fixture
def window(qtbot, ctx, tmp_path: Path) -> Iterator[MainWindow]:
    importing.import_crimes(ctx, write_extract(tmp_path / "extract.csv"))
    add_gui_users(ctx)
    signed_in = make_window(qtbot, ctx, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    yield signed_in
    signed_in.runner.wait_for_done()


@pytest.fixture
def other_desktop(db_path: Any) -> Iterator[Any]:
    other = desktop(db_path, "pc-other")
    yield other
    other.close()


def test_edit_details_conflict_names_their_change_and_keeps_what_was_typed(
    qtbot, window, other_desktop, tmp_path: Path
) -> None:
    view = open_record(qtbot, window, "V1001")
    dialog = view.edit_details()
    opened = view.record
    dialog.phone.setText("07700 900999")
    dialog.safe_times.setText("After 6pm")
    # Meanwhile, on another desktop, someone changes the phone number too, and the language.
    casework.update_person_details(other_desktop, "V1001", opened.version, phone="07700 900555", language="Welsh")

    with qtbot.waitSignal(dialog.reloaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    text = dialog.error.text()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "The record of V1001 was changed by someone else after you opened it; nothing was saved." in text
    assert f"phone: {opened.phone} → 07700 900555 by pc-other at 09:00 on 26/11/2026" in text
    assert f"language: {opened.language} → Welsh by pc-other" in text
    assert "You both changed the phone number: saved now: 07700 900555; yours, in the form: 07700 900999." in text
    assert "with your changes kept on top (the phone number, the safe times)" in text
    assert (dialog.phone.text(), dialog.safe_times.text(), dialog.language.text()) == (
        "07700 900999", "After 6pm", "Welsh"
    )
    assert records.open_victim_record(other_desktop, "V1001", consult=False).phone == "07700 900555"
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())  # grown, not clipped
    dialog.grab().save(str(tmp_path / "edit-conflict.png"))

    qtbot.waitUntil(lambda: not view.loading and view.record.language == "Welsh", timeout=10_000)
    save(qtbot, view, dialog)  # the retry, against the version now shown
    after = records.open_victim_record(other_desktop, "V1001", consult=False)
    assert (after.phone, after.safe_times, after.language) == ("07700 900999", "After 6pm", "Welsh")
    assert after.version == opened.version + 2


def test_officer_away_dialog_refuses_over_a_changed_absence_and_shows_it(qtbot, window, db_path, other_desktop) -> None:
    from vicman.gui.dialogs.officer_away import OfficerAwayDialog

    supervisor = desktop(db_path, "sgt-north")
    try:
        dialog = OfficerAwayDialog(supervisor, window.runner, "PC1234", "PC Test")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10_000)
        dialog.left_choice.setChecked(True)
        officers.mark_left(other_desktop, "PC1234", window.ctx.today())
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.current.text().startswith("Now: Left on 26/11/2026"), timeout=10_000)
        assert "was changed by someone else after you opened it; nothing was saved" in dialog.error.text()
        assert "left on: (blank) → 26/11/2026 by pc-other" in dialog.error.text()
        assert dialog.left_choice.isChecked() and dialog.isVisible()  # the person's choice is kept
        window.runner.wait_for_done()
    finally:
        supervisor.close()
