"""Log contact: the duties a contact meets, per victim, ticked by default; unticked ones stay open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_support import NOW, TODAY
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from vicman.gui.dialogs.log_contact import NOTHING_MET, TICK_HINT, ContactTarget, LogContactDialog
from vicman.services import entries, queries
from vicman.store.tables import ContactEntryRow

pytestmark = pytest.mark.gui

MARY = ("CR/1001/26", "V1001")


def statuses(ctx, crime_ref: str) -> dict[str, str]:
    return {o.key: o.status for o in queries.obligations_as_of(ctx, TODAY, crime_ref=crime_ref)}


def open_dialog(qtbot, window, targets: list[ContactTarget]) -> LogContactDialog:
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        dialog = LogContactDialog(window.ctx, window.runner, targets, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.loading_duties
    return dialog


def save_informed(qtbot, dialog: LogContactDialog, note: str = "Told them about the arrest.") -> None:
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    dialog.note.setPlainText(note)
    with qtbot.waitSignal(dialog.contacts_recorded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def arrested(window):
    """Mary Jones's suspect was arrested yesterday: she is owed news of it (event:1) and her update (update:1)."""
    entries.record_event(window.ctx, MARY[0], "arrest", NOW - timedelta(days=1))
    return window


def test_the_duties_a_contact_meets_are_listed_ticked(qtbot, arrested) -> None:
    dialog = open_dialog(qtbot, arrested, [ContactTarget(*MARY, "Mary Jones", "phone")])
    assert dialog.listed_duties() == {MARY: [("update:1", True), ("event:1", True)]}
    victim = dialog.duties.topLevelItem(0)
    assert victim.text(0) == "Mary Jones (CR/1001/26)"
    assert [(victim.child(i).text(0), victim.child(i).text(1)) for i in range(victim.childCount())] == [
        ("Update the victim on progress", "26/11/2026 (today)"),
        ("Tell the victim about the arrest", "02/12/2026"),
    ]
    assert dialog.duties_caption.text() == TICK_HINT
    assert dialog.duties.isEnabled()
    dialog.reject()


def test_unticking_the_update_leaves_it_open_while_the_arrest_news_is_met(qtbot, arrested) -> None:
    ctx = arrested.ctx
    dialog = open_dialog(qtbot, arrested, [ContactTarget(*MARY, "Mary Jones", "phone")])
    item = dialog.duty_item("V1001", "update:1")
    assert item is not None
    # Untick it from the keyboard, as an officer would: Space on the current row.
    dialog.duties.setFocus()
    dialog.duties.setCurrentItem(item)
    qtbot.keyClick(dialog.duties, Qt.Key.Key_Space)
    assert dialog.listed_duties() == {MARY: [("update:1", False), ("event:1", True)]}
    assert dialog.not_meeting(dialog.targets[0]) == ()  # no outcome chosen yet
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    assert dialog.not_meeting(dialog.targets[0]) == ("update:1",)

    save_informed(qtbot, dialog)
    found = statuses(ctx, MARY[0])
    assert found["event:1"] == "met"
    assert found["update:1"] == "open"  # due today, still to do
    with ctx.db.read() as session:
        assert session.scalars(select(ContactEntryRow.not_meeting)).all() == ["update:1"]


def test_changing_the_time_lists_the_duties_as_they_were_then(qtbot, arrested) -> None:
    dialog = open_dialog(qtbot, arrested, [ContactTarget(*MARY, "Mary Jones", "phone")])
    dialog.duty_item("V1001", "update:1").setCheckState(0, Qt.CheckState.Unchecked)

    with qtbot.waitSignal(dialog.duties_loaded, timeout=10_000):
        dialog.when.setDateTime(dialog.when.dateTime().addDays(-2))  # before the arrest
    assert dialog.listed_duties() == {MARY: [("update:1", False)]}  # the untick is kept

    with qtbot.waitSignal(dialog.duties_loaded, timeout=10_000):
        dialog.when.setDateTime(dialog.when.dateTime().addDays(-60))  # before the crime was reported
    assert dialog.listed_duties() == {MARY: []}
    victim = dialog.duties.topLevelItem(0)
    assert victim.child(0).text(0) == "No duty that a contact meets is waiting at this time."

    with qtbot.waitSignal(dialog.duties_loaded, timeout=10_000):
        dialog.when.setDateTime(dialog.when.dateTime().addDays(62))
    assert dialog.listed_duties() == {MARY: [("update:1", False), ("event:1", True)]}
    dialog.reject()


def test_an_attempt_meets_nothing_and_the_list_says_so(qtbot, arrested) -> None:
    ctx = arrested.ctx
    dialog = open_dialog(qtbot, arrested, [ContactTarget(*MARY, "Mary Jones", "phone")])
    dialog.duty_item("V1001", "event:1").setCheckState(0, Qt.CheckState.Unchecked)

    qtbot.mouseClick(dialog.outcome_no_contact, Qt.MouseButton.LeftButton)
    assert not dialog.duties.isEnabled()
    assert dialog.duties_caption.text() == NOTHING_MET
    assert dialog.listed_duties() == {MARY: [("update:1", False), ("event:1", False)]}

    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)  # changed their mind: ticks come back
    assert dialog.duties.isEnabled()
    assert dialog.listed_duties() == {MARY: [("update:1", True), ("event:1", False)]}

    qtbot.mouseClick(dialog.outcome_no_contact, Qt.MouseButton.LeftButton)
    dialog.note.setPlainText("No answer.")
    with qtbot.waitSignal(dialog.contacts_recorded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert statuses(ctx, MARY[0]) == {"report": "overdue", "update:1": "open", "event:1": "open"}
    with ctx.db.read() as session:
        assert session.scalars(select(ContactEntryRow.not_meeting)).all() == [None]


def test_several_victims_each_have_their_own_list(qtbot, window) -> None:
    ctx = window.ctx
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in range(bureau.proxy.rowCount()):
        if bureau.proxy.duty_at(r).crime_ref in ("CR/1004/26", "CR/1005/26"):
            bureau.table.selectionModel().select(bureau.proxy.index(r, 0), flags)
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        dialog = bureau.log_contact_for_selection()
    assert dialog is not None
    tree = dialog.duties
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        "Lena Novak (CR/1004/26) — on behalf of PC2001 Bob Evans",
        "John Smith (CR/1005/26) — on behalf of PC2001 Bob Evans",
    ]
    assert dialog.listed_duties() == {
        ("CR/1004/26", "V1004"): [("update:1", True)],
        ("CR/1005/26", "V1005"): [("update:1", True)],
    }
    assert tree.topLevelItem(0).child(0).text(1) == "01/11/2026 (overdue)"
    dialog.duty_item("V1004", "update:1").setCheckState(0, Qt.CheckState.Unchecked)

    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        save_informed(qtbot, dialog, "Told them enquiries continue.")
    assert statuses(ctx, "CR/1004/26")["update:1"] == "overdue"  # unticked: still owed
    assert statuses(ctx, "CR/1005/26")["update:1"] == "met"
