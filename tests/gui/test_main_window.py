"""The main window: signing in, shortcuts, About, remembered layout, accessible names."""

from __future__ import annotations

import pytest
from gui_support import make_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from vicman import __version__
from vicman.gui import ui_state

pytestmark = pytest.mark.gui


def test_sign_in_lists_officers_and_remembers_the_choice(qtbot, ctx, settings) -> None:
    window = make_window(qtbot, ctx, settings, staff_no=None)
    dialog = window.sign_in_dialog
    labels = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert labels == [
        "PC1234 Ann Smith  —  North, Response A",
        "PC2001 Bob Evans  —  North, Response B",
        "DC3001 Cara Hughes  —  South, CID",
    ]
    qtbot.keyClicks(dialog.filter_edit, "evans")
    assert dialog.chosen().staff_no == "PC2001"
    with qtbot.waitSignal(window.signed_in, timeout=5000):
        qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    assert window.signed_in_label.text() == "Signed in as PC2001 Bob Evans"
    assert window.ctx.actor.user == "PC2001"  # entries are stamped with the officer's staff number
    assert settings.value(ui_state.LAST_OFFICER) == "PC2001"
    qtbot.waitUntil(lambda: not window.my_work.loading)
    assert {d.oic_staff_no for d in window.my_work.visible_duties()} == {"PC2001"}
    window.close()

    again = make_window(qtbot, ctx, settings, staff_no=None)
    assert again.sign_in_dialog.chosen().staff_no == "PC2001"  # remembered
    again.sign_in_dialog.reject()


def test_switching_officer(qtbot, window) -> None:
    window.switch_action.trigger()
    dialog = window.sign_in_dialog
    assert dialog.chosen().staff_no == "PC1234"
    dialog.filter_edit.setText("DC3001")
    with qtbot.waitSignal(window.my_work.rows_loaded, timeout=10_000):
        dialog.accept()
    assert window.my_work.title.text() == "My work — DC3001 Cara Hughes"
    assert {d.crime_ref for d in window.my_work.visible_duties()} == {"CR/2001/26"}


def test_empty_database_does_not_ask_and_says_why(qtbot, empty_ctx, settings) -> None:
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    assert window.sign_in_dialog is None
    assert "no officers" in window.signed_in_label.text()
    assert "import a crime extract" in window.bureau.message.text()


def test_shortcuts(qtbot, window) -> None:
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.my_work.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.search
    assert QApplication.focusWidget() is window.search.search_edit
    qtbot.keyClick(window.search.search_edit, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.bureau
    with qtbot.waitSignal(window.bureau.rows_loaded, timeout=10_000):
        qtbot.keyClick(window.bureau.table, Qt.Key.Key_F5)
    qtbot.keyClick(window.bureau.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.my_work
    assert window.log_action.shortcut().toString() == "Ctrl+L"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


def test_about_shows_version_and_database(qtbot, window) -> None:
    box = window.show_about()
    assert f"vicman {__version__}" in box.text()
    assert "Database: gui.sqlite3" in box.text()
    box.close()


def test_layout_is_remembered_between_runs(qtbot, ctx, settings) -> None:
    window = make_window(qtbot, ctx, settings)
    window.resize(720, 520)
    window.my_work.table.setColumnWidth(2, 333)
    window.tabs.setCurrentWidget(window.search)
    window.close()
    assert settings.value(ui_state.CURRENT_TAB) in (2, "2")

    again = make_window(qtbot, ctx, settings)
    assert again.size().width() == 720 and again.size().height() == 520
    assert again.tabs.currentWidget() is again.search
    assert again.my_work.table.columnWidth(2) == 333
    again.close()


def test_every_control_has_an_accessible_name(qtbot, window) -> None:
    window.my_work.table.selectRow(0)
    dialog = window.my_work.log_contact_for_selection()
    window.switch_action.trigger()
    for top in (window, dialog, window.sign_in_dialog):
        unnamed = [describe(w) for w in top.findChildren(QWidget) if needs_name(w) and not w.accessibleName()]
        assert not unnamed, f"controls without an accessible name in {top.objectName()}: {unnamed}"
    dialog.reject()
    window.sign_in_dialog.reject()


def needs_name(widget: QWidget) -> bool:
    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return False
    parent = widget.parentWidget()
    while parent is not None:  # parts of composite controls (combo pop-ups, spin-box editors) are covered
        if isinstance(parent, QComboBox | QAbstractSpinBox):
            return False
        parent = parent.parentWidget()
    if isinstance(widget, QAbstractButton):
        return widget.isVisibleTo(widget.window())
    return isinstance(widget, QLineEdit | QComboBox | QAbstractItemView | QPlainTextEdit | QAbstractSpinBox)


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__}({widget.objectName() or getattr(widget, 'text', lambda: '')()})"
