"""The main window: signing in, shortcuts, About, remembered layout, accessible names."""

from __future__ import annotations

import pytest
from gui_support import PASSWORD, make_window, sign_in_through_dialog
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
from sqlalchemy import select

from vicman import __version__
from vicman.gui import ui_state
from vicman.services import users
from vicman.store.tables import AuditRow

pytestmark = pytest.mark.gui


def test_sign_in_needs_the_right_password_and_remembers_the_username(qtbot, ctx, settings) -> None:
    window = make_window(qtbot, ctx, settings, staff_no=None)
    dialog = window.sign_in_dialog
    assert dialog.objectName() == "signInDialog" and window.signed_in_label.text() == "Not signed in"
    assert not window.ctx.actor.roles and not window.ctx.actor.unrestricted  # acts as no one until then
    dialog.username.setText("pc2001")
    dialog.password.setText("not the password")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert dialog.error.text().startswith("Wrong username or password.")
    assert dialog.password.text() == ""  # typed again, never kept
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert window.signed_in_label.text() == "Signed in as Bob Evans (pc2001) · officer, bureau"
    assert window.ctx.actor.user == "pc2001"  # entries are stamped with the user's name
    assert settings.value(ui_state.LAST_OFFICER) == "pc2001"
    qtbot.waitUntil(lambda: not window.my_work.loading)
    assert {d.oic_staff_no for d in window.my_work.visible_duties()} == {"PC2001"}
    with ctx.db.read() as session:
        logins = session.execute(
            select(AuditRow.action, AuditRow.object_id).where(AuditRow.action.in_(("login", "login-failed")))
        ).all()
    assert logins == [("login-failed", "pc2001"), ("login", "pc2001")]
    window.close()

    again = make_window(qtbot, ctx, settings, staff_no=None)
    assert again.sign_in_dialog.username.text() == "pc2001"  # remembered
    assert again.sign_in_dialog.password.hasFocus() or not again.isActiveWindow()
    again.sign_in_dialog.reject()


def test_signing_out_hides_everything_and_another_user_signs_in(qtbot, window) -> None:
    view = window.open_record("V1001", "CR/1001/26")
    qtbot.waitUntil(lambda: view.record is not None, timeout=10_000)
    window.my_work.table.selectRow(0)
    dialog = window.my_work.log_contact_for_selection()
    assert dialog.isVisible()
    window.switch_action.trigger()  # File ▸ Sign out…
    assert window.record_views() == [] and not dialog.isVisible()
    assert window.my_work.model.rowCount() == 0 and window.officer is None
    assert window.signed_in_label.text() == "Not signed in" and not window.ctx.actor.roles
    with qtbot.waitSignal(window.my_work.rows_loaded, timeout=10_000):
        sign_in_through_dialog(qtbot, window, "dc3001")
    assert window.my_work.title.text() == "My work — DC3001 Cara Hughes"
    assert {d.crime_ref for d in window.my_work.visible_duties()} == {"CR/2001/26"}
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.bureau)) is False  # an officer only: no queue


def test_a_database_with_users_and_no_officers_still_asks_who_you_are(qtbot, empty_ctx, settings) -> None:
    users.add_user(empty_ctx, "admin", "Alex Admin", PASSWORD, ["administrator"])
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    assert window.sign_in_dialog.objectName() == "signInDialog"
    sign_in_through_dialog(qtbot, window, "admin")
    qtbot.waitUntil(lambda: window.onboarding.first_run_box is not None, timeout=10_000)
    assert "no officers" in window.signed_in_label.text()
    window.onboarding.first_run_box.close()


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
    assert_named(window)
    assert_named(dialog)
    dialog.reject()
    window.lock()
    assert_named(window.lock_page)
    window.switch_action.trigger()
    assert_named(window.sign_in_dialog)
    window.sign_in_dialog.reject()


def assert_named(top: QWidget) -> None:
    unnamed = [describe(w) for w in top.findChildren(QWidget) if needs_name(w) and not w.accessibleName()]
    assert not unnamed, f"controls without an accessible name in {top.objectName()}: {unnamed}"


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
