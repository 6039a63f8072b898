"""Bureau queue: a division's due and overdue duties, filters, and one contact per selected victim."""

from __future__ import annotations

import pytest
from gui_support import TODAY
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from vicman.services import queries
from vicman.store.tables import ContactEntryRow, OfficerRow

pytestmark = pytest.mark.gui


def crimes(view) -> set[str]:
    return {d.crime_ref for d in view.visible_duties()}


def test_shows_the_divisions_due_and_overdue_duties(window) -> None:
    bureau = window.bureau
    assert bureau.current_division() == "North"  # the signed-in officer's division
    assert [bureau.division.itemText(i) for i in range(bureau.division.count())] == ["North", "South"]
    duties = bureau.visible_duties()
    assert {d.division for d in duties} == {"North"}
    assert all(d.due <= window.ctx.calendar.next_working_day(TODAY) for d in duties)
    assert crimes(bureau) == {"CR/1001/26", "CR/1002/26", "CR/1003/26", "CR/1004/26", "CR/1005/26"}
    assert ("CR/1002/26", "update:1") not in {(d.crime_ref, d.key) for d in duties}  # due 20/12: not yet


def test_filters_narrow_rows(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    total = bureau.proxy.rowCount()

    qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton)
    assert all(d.due < TODAY for d in bureau.visible_duties())
    assert 0 < bureau.proxy.rowCount() < total
    qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(bureau.enhanced_only, Qt.MouseButton.LeftButton)
    assert crimes(bureau) == {"CR/1002/26", "CR/1004/26"}
    qtbot.mouseClick(bureau.enhanced_only, Qt.MouseButton.LeftButton)

    bureau.select_choice(bureau.language, "Polish")
    assert {d.victim_name for d in bureau.visible_duties()} == {"Mary Jones", "Lena Novak"}
    bureau.select_choice(bureau.language, None)

    bureau.select_choice(bureau.team, "Response B")
    assert {d.oic_staff_no for d in bureau.visible_duties()} == {"PC2001"}
    bureau.select_choice(bureau.team, None)

    bureau.select_choice(bureau.oic, "PC1234")
    assert crimes(bureau) == {"CR/1001/26", "CR/1002/26", "CR/1003/26"}
    bureau.select_choice(bureau.oic, None)

    bureau.select_choice(bureau.duty, "vs_referral")
    assert {d.rule for d in bureau.visible_duties()} == {"vs_referral"}
    bureau.select_choice(bureau.duty, None)

    bureau.select_choice(bureau.method, "letter")
    assert {d.victim_name for d in bureau.visible_duties()} == {"John Smith"}
    bureau.select_choice(bureau.method, None)

    qtbot.keyClicks(bureau.filter_edit, "novak")
    assert {d.victim_name for d in bureau.visible_duties()} == {"Lena Novak"}
    bureau.filter_edit.clear()
    assert bureau.proxy.rowCount() == total


def test_changing_division_reloads_and_is_remembered(qtbot, window, settings) -> None:
    bureau = window.bureau
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        bureau.set_current_division("South")
    assert crimes(bureau) == {"CR/2001/26"}
    assert settings.value("bureau/division") == "South"
    assert [bureau.language.itemText(i) for i in range(bureau.language.count())] == ["Any"]


def test_multi_select_logs_one_contact_per_selected_victim(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    wanted = ("CR/1004/26", "CR/1005/26")
    chosen = [r for r in range(bureau.proxy.rowCount()) if bureau.proxy.duty_at(r).crime_ref in wanted]
    assert len(chosen) == 3  # Lena Novak's referral and update, John Smith's update
    for r in chosen:
        bureau.table.selectionModel().select(bureau.proxy.index(r, 0), flags)
    assert "3 selected" in bureau.footer.text()

    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(bureau.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = bureau.dialog
    assert dialog is not None and [t.victim_ref for t in dialog.targets] == ["V1004", "V1005"]
    assert {t.on_behalf_of for t in dialog.targets} == {"PC2001"}
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.note, "Update given on behalf of PC2001: enquiries continue.")
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    for crime in ("CR/1004/26", "CR/1005/26"):
        update = next(o for o in queries.obligations_as_of(window.ctx, TODAY, crime_ref=crime) if o.key == "update:1")
        assert update.status == "met" and update.late
    met_by = {
        o.met_by
        for crime in ("CR/1004/26", "CR/1005/26")
        for o in queries.obligations_as_of(window.ctx, TODAY, crime_ref=crime)
        if o.met_by
    }
    assert len(met_by) == 2  # one contact each, not one per selected row
    with window.ctx.db.read() as session:
        entries = session.execute(
            select(ContactEntryRow.recorded_by, OfficerRow.staff_no).join(
                OfficerRow, OfficerRow.id == ContactEntryRow.on_behalf_of_id
            )
        ).all()
    assert sorted(entries) == [("PC1234", "PC2001"), ("PC1234", "PC2001")]
    assert "CR/1005/26" not in crimes(bureau)  # nothing else due for John Smith
    assert window.statusBar().currentMessage() == "Contact logged for 2 victims."
    qtbot.waitUntil(lambda: not window.my_work.loading)


def test_nothing_due_says_so(qtbot, window) -> None:
    bureau = window.bureau
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        bureau.set_current_division("South")
    bureau.select_choice(bureau.method, "sms")
    assert bureau.proxy.rowCount() == 0
    assert bureau.footer.text().startswith("Showing 0 of")
