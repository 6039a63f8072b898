"""The signed-in session: the idle lock hides victims' data, the 12-hour limit, a reason to open someone
else's record, and who viewed a record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_support import NOW, PASSWORD, sign_in_through_dialog
from PySide6.QtCore import Qt
from sqlalchemy import select

from vicman.gui.views.timeline_pane import VIEWED
from vicman.store.tables import AuditRow, SettingRow

pytestmark = pytest.mark.gui


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def consultations(ctx, person_ref: str) -> list[tuple[str, str | None, str | None]]:
    with ctx.db.read() as session:
        return list(
            session.execute(
                select(AuditRow.actor, AuditRow.reason_code, AuditRow.reason_text)
                .where(AuditRow.action == "consult", AuditRow.object_type == "person", AuditRow.object_id == person_ref)
                .order_by(AuditRow.seq)
            ).all()
        )


def test_the_idle_lock_hides_every_record_and_dialog_until_the_password_is_given(qtbot, window) -> None:
    clock = FakeMonotonic()
    window.idle.clock = clock
    window.idle.arm()
    assert window.idle.limit_s == 15 * 60  # the default: 15 minutes
    view = window.open_record("V1001", "CR/1001/26")
    qtbot.waitUntil(lambda: view.record is not None, timeout=10_000)
    window.my_work.table.selectRow(0)
    dialog = window.my_work.log_contact_for_selection()
    clock.now += 14 * 60
    window.idle.check()
    assert not window.is_locked
    clock.now += 60
    with qtbot.waitSignal(window.locked, timeout=2_000):
        window.idle.check()
    assert window.stack.currentWidget() is window.lock_page
    assert not window.tabs.isVisible() and not dialog.isVisible()  # nothing of the victims' shows
    assert "Ann Smith" in window.lock_page.who.text()

    window.lock_page.password.setText("wrong password!")
    qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.lock_page.error.isVisible(), timeout=10_000)
    assert window.is_locked and window.lock_page.error.text() == "Wrong password."

    window.lock_page.password.setText(PASSWORD)
    qtbot.mouseClick(window.lock_page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10_000)
    assert window.tabs.isVisible() and dialog.isVisible() and window.idle.armed  # back where the user was
    dialog.reject()


def test_activity_keeps_the_window_unlocked(qtbot, window) -> None:
    clock = FakeMonotonic()
    window.idle.clock = clock
    window.idle.arm()
    clock.now += 10 * 60
    qtbot.keyClick(window.my_work.table, Qt.Key.Key_Down)  # any key press counts as activity
    clock.now += 10 * 60
    window.idle.check()
    assert not window.is_locked


def test_the_idle_limit_is_a_database_setting_of_at_most_30_minutes(qtbot, ctx, settings) -> None:
    from gui_support import make_window

    with ctx.db.transaction() as session:
        session.add(SettingRow(key="session.idle_minutes", value="25"))
    window = make_window(qtbot, ctx, settings)
    qtbot.waitUntil(lambda: window.idle.limit_s == 25 * 60, timeout=5_000)
    with ctx.db.transaction() as session:
        session.get(SettingRow, "session.idle_minutes").value = "90"  # too long: the default applies
    window.sign_out()
    sign_in_through_dialog(qtbot, window, "pc1234")
    qtbot.waitUntil(lambda: window.idle.limit_s == 15 * 60, timeout=5_000)


def test_lock_now_and_sign_out_from_the_lock_page(qtbot, window) -> None:
    window.lock_action.trigger()
    assert window.is_locked
    qtbot.mouseClick(window.lock_page.sign_out_button, Qt.MouseButton.LeftButton)
    assert not window.is_locked and window.session is None
    assert window.sign_in_dialog is not None and window.signed_in_label.text() == "Not signed in"


def test_a_session_ends_after_twelve_hours(qtbot, window) -> None:
    window.ctx.clock = lambda: NOW + timedelta(hours=11, minutes=59)
    assert not window.check_session_age()
    window.ctx.clock = lambda: NOW + timedelta(hours=12)
    assert window.check_session_age()
    assert window.session is None and "12 hours" in window.statusBar().currentMessage()


def test_opening_a_record_outside_ones_division_asks_why_and_logs_it_once(qtbot, window) -> None:
    """Ann (North) may not open Cara's South victim at all; the sergeant may, with a reason."""
    view = window.open_record("V2001", "CR/2001/26")
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert view.record is None and "No victim with reference V2001." in view.message.text()
    assert consultations(window.ctx, "V2001") == []


def test_a_supervisor_gives_a_reason_beyond_their_team(qtbot, supervisor_window) -> None:
    window = supervisor_window
    view = window.open_record("V2001", "CR/2001/26")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.reason_panel, timeout=10_000)
    assert view.record is None and consultations(window.ctx, "V2001") == []  # nothing read yet
    panel = view.reason_panel
    panel.submit()
    assert panel.error.text() == "Choose a reason from the list."
    panel.reason.setCurrentIndex(panel.reason.findData("other"))
    panel.submit()
    assert panel.error.text() == "Say in a few words why you are opening the record."
    panel.reason.setCurrentIndex(panel.reason.findData("supervision"))
    panel.details.setText("Monthly dip sample of South")
    with qtbot.waitSignal(view.record_loaded, timeout=10_000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert consultations(window.ctx, "V2001") == [("sgt.north", "supervision", "Monthly dip sample of South")]
    view.reload()  # re-reading after an action is the same viewing: not logged twice
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert len(consultations(window.ctx, "V2001")) == 1

    pane = view.timeline
    view.tabs.setCurrentWidget(pane)
    pane.viewings.setChecked(True)
    viewed = [e for e in pane.model.rows() if e.kind == VIEWED]
    assert [(e.author, e.summary) for e in viewed] == [
        ("sgt.north", "Opened by sgt.north: Supervision or dip sampling: Monthly dip sample of South")
    ]
    assert "record opened 1 time" in pane.count.text()


def test_declining_to_give_a_reason_closes_the_record(qtbot, supervisor_window) -> None:
    window = supervisor_window
    view = window.open_record("V2001", "CR/2001/26")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.reason_panel, timeout=10_000)
    qtbot.mouseClick(view.reason_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert window.record_views() == []
    assert consultations(window.ctx, "V2001") == []


def contact_count(ctx) -> int:
    from sqlalchemy import func

    from vicman.store.tables import ContactEntryRow

    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ContactEntryRow)) or 0)


def select_crimes(bureau, crime_refs) -> int:
    from PySide6.QtCore import QItemSelectionModel

    bureau.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    rows = [r for r in range(bureau.proxy.rowCount()) if bureau.proxy.duty_at(r).crime_ref in crime_refs]
    for r in rows:
        bureau.table.selectionModel().select(bureau.proxy.index(r, 0), flags)
    return len(rows)


def test_bulk_actions_ask_for_the_password_again_once_it_is_stale(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    window.ctx.clock = lambda: NOW + timedelta(minutes=6)  # the password was given six minutes ago
    assert select_crimes(bureau, ("CR/1004/26", "CR/1005/26")) >= 2
    bureau.assign_selected_to_me()
    qtbot.waitUntil(lambda: getattr(bureau, "reauth_dialog", None) is not None, timeout=10_000)
    dialog = bureau.reauth_dialog
    assert dialog.isVisible() and not bureau.assigning
    dialog.password.setText("not it at all")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert dialog.error.text() == "Wrong password."
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(bureau.assignment_changed, timeout=10_000):
        dialog.save_button.click()
    assert "Assigned 2 victims to you." in bureau.notice.text()

    # Logging one contact for several victims is a bulk action too.
    window.ctx.clock = lambda: NOW + timedelta(minutes=12)
    qtbot.waitUntil(lambda: not bureau.loading, timeout=10_000)
    assert select_crimes(bureau, ("CR/1004/26", "CR/1005/26")) >= 2
    log = bureau.log_contact_for_selection()
    qtbot.mouseClick(log.outcome_informed, Qt.MouseButton.LeftButton)
    log.note.setPlainText("Update given to both victims.")
    qtbot.mouseClick(log.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(log, "reauth_dialog", None) is not None, timeout=10_000)
    before = contact_count(window.ctx)
    log.reauth_dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(log.contacts_recorded, timeout=10_000):
        log.reauth_dialog.save_button.click()
    assert contact_count(window.ctx) - before == 2


def test_a_user_whose_password_an_administrator_set_is_asked_to_change_it(qtbot, window) -> None:
    assert window.password_nag.isVisible()
    qtbot.mouseClick(window.password_nag, Qt.MouseButton.LeftButton)
    dialog = window.password_dialog
    dialog.current.setText(PASSWORD)
    dialog.new.setText("short")
    dialog.confirm.setText("short")
    dialog.save_button.click()
    assert "at least 12 characters" in dialog.error.text()
    dialog.new.setText("a much longer passphrase")
    dialog.confirm.setText("a much longer passphrase")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    assert window.statusBar().currentMessage() == "Your password has been changed."
    assert not window.password_nag.isVisible()
    window.sign_out()
    sign_in_through_dialog(qtbot, window, "pc1234", "a much longer passphrase")
    assert window.session is not None and not window.session.must_change_password
