"""The victim record: opening it from Search and the worklists, the header, the Duties tab, the crime
selector, the Record menu's shortcuts, and accessible names on every control."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_support import ANN, NOW, as_admin, write_extract
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QWidget
from record_support import duty, model_texts, open_record
from test_main_window import describe, needs_name

from vicman.gui.models.record_duty_table_model import COL_DUE, COL_DUTY, COL_STANDARD, COL_STATUS
from vicman.gui.views.victim_record import ACTIONS, TAB_CERTIFICATION, TAB_TIMELINE, VictimRecordView
from vicman.services import entries, importing
from vicman.services.audit import CONSULT

pytestmark = pytest.mark.gui


def test_open_a_record_from_search_with_enter_and_double_click(qtbot, window) -> None:
    window.show_search()
    with qtbot.waitSignal(window.search.results_loaded, timeout=10_000):
        qtbot.keyClicks(window.search.search_edit, "CR/1002")
    qtbot.keyClick(window.search.search_edit, Qt.Key.Key_Down)  # from the box to the results
    assert QApplication.focusWidget() is window.search.table
    qtbot.keyClick(window.search.table, Qt.Key.Key_Return)
    view = window.current_record()
    assert isinstance(view, VictimRecordView) and view.person_ref == "V1002"
    qtbot.waitUntil(lambda: view.record is not None, timeout=10_000)
    assert view.crime_ref == "CR/1002/26"
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Peter Brown"
    assert view.header.name.text() == "Peter Brown"

    # Opening the same person again shows the tab already open.
    window.tabs.setCurrentWidget(window.search)
    index = window.search.model.index(0, 0)
    rect = window.search.table.visualRect(index)
    qtbot.mouseClick(window.search.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.search.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_record() is view
    assert len(window.record_views()) == 1


def test_header_shows_the_enhanced_badge_and_its_reasons(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1002")
    header = view.header
    assert header.badge.text() == "Enhanced rights" and header.badge.isVisibleTo(view)
    reasons = header.enhanced_reasons_text()
    assert reasons.startswith("Enhanced rights because:")
    assert "Under 18 on the date the duty arose" in reasons and "Vulnerable" in reasons
    assert "age 14 (born 02/05/2012)" in header.identity.text()
    assert "CR/1002/26" in header.identity.text()
    assert "prefers email" in header.contact.text().lower()
    assert "not opted out" in header.opt_outs.text()
    assert not header.crime_combo.isVisibleTo(view)  # one crime only

    plain = open_record(qtbot, window, "V1003")
    assert plain.header.badge.text() == "Standard rights"
    assert not plain.header.reasons.isVisibleTo(plain)
    assert plain.header.language.text() == "Urdu"
    assert "Referral to support: opted out" in plain.header.opt_outs.text()


def test_duties_tab_shows_the_codes_standard_text(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    model = view.duties.model
    assert model_texts(model, COL_DUTY) == ["Refer the victim to support services", "Update the victim on progress"]
    assert model_texts(model, COL_STATUS) == ["Overdue", "Due today"]
    assert model_texts(model, COL_DUE) == ["28/10/2026", "26/11/2026"]
    referral = duty(view, "vs_referral")
    assert model.index(0, COL_STANDARD).data() == referral.standard
    assert "within 2 working days of the report" in referral.standard
    # The first duty still to do is selected, with the Code's words in full below the table.
    assert view.duties.selected_duty() == referral
    detail = view.duties.detail.text()
    assert "What the Code requires:" in detail and "within 2 working days of the report" in detail
    assert "2021 edition" in detail


def test_opening_a_record_is_logged_as_a_consultation(qtbot, window) -> None:
    from sqlalchemy import func, select

    from vicman.store.tables import AuditRow

    def consultations() -> int:
        with window.ctx.db.read() as s:
            query = select(func.count()).select_from(AuditRow).where(AuditRow.action == CONSULT)
            return s.scalar(query) or 0

    before = consultations()
    open_record(qtbot, window, "V1001")
    assert consultations() == before + 1


def test_open_record_from_my_work_with_ctrl_o(qtbot, window) -> None:
    my_work = window.my_work
    row = next(r for r in range(my_work.proxy.rowCount()) if my_work.proxy.duty_at(r).crime_ref == "CR/1003/26")
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    my_work.table.selectionModel().setCurrentIndex(my_work.proxy.index(row, 0), flags)
    with qtbot.waitActive(window):
        window.activateWindow()
    my_work.table.setFocus()
    qtbot.keyClick(my_work.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    view = window.current_record()
    assert view is not None and (view.person_ref, view.crime_ref) == ("V1003", "CR/1003/26")
    qtbot.waitUntil(lambda: view.record is not None, timeout=10_000)
    # Ctrl+W closes it again.
    qtbot.keyClick(view, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert window.record_views() == [] and window.tabs.currentWidget() is not view


def test_a_person_with_several_crimes_gets_a_crime_selector(qtbot, window, tmp_path: Path) -> None:
    second = ("CR/3001/26", "2026-11-02 10:00", "Criminal damage", "North", ANN, "V1001", "Mary Jones",
              "1960-01-02", "07700 900123", "", "no", "Polish", "phone")  # fmt: skip
    with as_admin(window.ctx):
        importing.import_crimes(window.ctx, write_extract(tmp_path / "second.csv", [second]))
    view = open_record(qtbot, window, "V1001", "CR/1001/26")
    combo = view.header.crime_combo
    assert combo.isVisibleTo(view)
    assert [combo.itemData(i) for i in range(combo.count())] == ["CR/3001/26", "CR/1001/26"]
    assert combo.currentData() == "CR/1001/26"
    assert duty(view, "update").due.isoformat() == "2026-11-26"
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert view.crime_ref == "CR/3001/26"
    assert "Criminal damage" in view.header.crime.text()
    assert duty(view, "update").due.isoformat() == "2026-12-02"
    assert not view.timeline.all_crimes.isHidden()


def test_record_menu_lists_every_action_with_its_shortcut(qtbot, window) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Record")
    shortcuts = {a.objectName(): a.shortcut().toString() for a in menu.actions() if not a.isSeparator()}
    for spec in ACTIONS:
        assert shortcuts[spec.name] == spec.shortcut
    assert shortcuts["closeRecord"] == "Ctrl+W"
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert not window.record_actions["recordEvent"].isEnabled()  # no record open
    view = open_record(qtbot, window, "V1003")
    assert window.record_actions["recordEvent"].isEnabled()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(view.tabs, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.tabs.currentIndex() == TAB_CERTIFICATION  # Certify shows the checklist; refused while duties are open
    assert "still open" in window.statusBar().currentMessage()
    qtbot.keyClick(view.tabs, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert view.dialog is not None and view.dialog.objectName() == "recordEventDialog"
    view.dialog.reject()


def test_every_control_on_the_record_and_its_dialogs_has_an_accessible_name(qtbot, window) -> None:
    entries.record_contact(window.ctx, "CR/1001/26", "V1001", NOW, "phone", "informed", note="Told of progress")
    view = open_record(qtbot, window, "V1001")
    view.tabs.setCurrentIndex(TAB_TIMELINE)
    view.timeline.select_entry("contact", 1)

    def unnamed(top: QWidget) -> list[str]:
        return [describe(w) for w in top.findChildren(QWidget) if needs_name(w) and not w.accessibleName()]

    for tab in range(view.tabs.count()):
        view.tabs.setCurrentIndex(tab)
        assert not unnamed(view), f"controls without an accessible name on tab {tab}: {unnamed(view)}"
    view.tabs.setCurrentIndex(0)
    assert view.correct_entry() is None  # not on the Timeline: it is shown, to choose the entry first
    assert view.tabs.currentIndex() == TAB_TIMELINE
    methods = ("record_event", "refer", "waive", "correct_entry", "edit_details", "needs_assessment", "agree_contract")
    for method in methods:
        dialog = getattr(view, method)()
        assert dialog is not None, method
        assert not unnamed(dialog), f"controls without an accessible name in {dialog.objectName()}: {unnamed(dialog)}"
        dialog.reject()
