"""The Mail tab (vicman/gui/mail_health.py, views/mail_health_view.py, views/settings_view.py,
dialogs/officer_away.py) against the real GUI test database: who sees it, pending and failed messages with
their errors, "Retry failed now", saving the settings (and refusing a bad value whole), the app's own
reminder timer sending through a real SMTP server on 127.0.0.1, and "Away / deputy…" for an officer with no
working address.

The database has the GUI users (gui_support.GUI_USERS): admin, pc1234 and pc2001 (officer and bureau),
dc3001 (officer), sgt.north (supervisor) and bureau.north (bureau).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import keyring
import pytest
from gui_support import TODAY, as_admin, make_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QWidget,
)
from sqlalchemy import select, update

from tests.notify.support import MemoryKeyring, free_port
from tests.reminder_support import smtp_servers
from vicman.gui.dialogs.officer_away import OfficerAwayDialog
from vicman.gui.mail_health import FIRST_RUN_MS, INTERVAL_MS, MailScreen
from vicman.gui.main_window import MainWindow
from vicman.gui.views.mail_health_view import COL_ERROR, COL_STATUS, MailHealthView
from vicman.notify import outbox
from vicman.services import officers, reminders
from vicman.services import settings as settings_service
from vicman.services.context import ServiceContext
from vicman.store.tables import OfficerRow, OutboxMessageRow

pytestmark = pytest.mark.gui

NORTH_BOX = "bureau.north@north.police.uk"
SOUTH_BOX = "bureau.south@south.police.uk"


# --- helpers ----------------------------------------------------------------------------------------------


def screen(window: MainWindow) -> MailScreen:
    return window.mail_health  # type: ignore[attr-defined]


def tab_visible(window: MainWindow) -> bool:
    return window.tabs.isTabVisible(window.tabs.indexOf(screen(window).pages))


def settings_visible(window: MainWindow) -> bool:
    pages = screen(window).pages
    return pages.isTabVisible(pages.indexOf(screen(window).settings_page))


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


def open_health(qtbot, window: MainWindow) -> MailHealthView:
    view = screen(window).health
    window.tabs.setCurrentWidget(screen(window).pages)
    screen(window).pages.setCurrentWidget(screen(window).health_page)
    with qtbot.waitSignal(view.health_loaded, timeout=10_000):
        view.refresh()
    assert view.health is not None
    return view


def needs_name(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox):
            return False
        parent = parent.parentWidget()
    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return False
    if isinstance(widget, QAbstractButton):
        return widget.isVisibleTo(widget.window()) and not widget.parentWidget().inherits("QTabBar")
    return isinstance(widget, QLineEdit | QComboBox | QAbstractItemView | QAbstractSpinBox)


def unnamed(top: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in top.findChildren(QWidget)
        if needs_name(w) and (not w.accessibleName() or not w.objectName())
    ]


def outbox_rows(ctx: ServiceContext) -> list[OutboxMessageRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(OutboxMessageRow).order_by(OutboxMessageRow.id)))
        session.expunge_all()
        return rows


@pytest.fixture
def admin(qtbot, ctx, settings) -> Iterator[MainWindow]:
    window = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    settle(qtbot, window)
    yield window
    window.runner.wait_for_done()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


# --- who sees it ------------------------------------------------------------------------------------------


def test_the_mail_tab_is_for_the_bureau_supervisors_and_administrators(qtbot, ctx, settings) -> None:
    officer = make_window(qtbot, ctx, settings, staff_no=None, username="dc3001")
    settle(qtbot, officer)
    assert not tab_visible(officer) and not screen(officer).action.isEnabled()
    assert not screen(officer).timer.isActive() and screen(officer).health.health is None
    officer.close()

    bureau = make_window(qtbot, ctx, settings, staff_no=None, username="bureau.north")
    view = open_health(qtbot, bureau)
    assert tab_visible(bureau) and not settings_visible(bureau)
    assert not view.send_button.isVisibleTo(bureau) and not view.away_button.isVisibleTo(bureau)
    assert not screen(bureau).timer.isActive()  # only an administrator's app queues and sends
    bureau.close()

    sergeant = make_window(qtbot, ctx, settings, staff_no=None, username="sgt.north")
    view = open_health(qtbot, sergeant)
    assert tab_visible(sergeant) and not settings_visible(sergeant)
    assert view.away_button.isVisibleTo(sergeant)  # supervisors mark officers away
    sergeant.close()

    window = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    assert tab_visible(window) and settings_visible(window)
    assert screen(window).timer.isActive() and screen(window).timer.interval() == INTERVAL_MS == 15 * 60 * 1000
    assert screen(window).first_run.isActive() and screen(window).first_run.interval() == FIRST_RUN_MS
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.my_work, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is screen(window).pages
    view = open_health(qtbot, window)
    assert view.send_button.isVisibleTo(window)
    assert "Email is not set up" in view.problem.text()
    assert not unnamed(screen(window).pages), unnamed(screen(window).pages)
    screen(window).pages.setCurrentWidget(screen(window).settings_page)
    qtbot.waitUntil(lambda: screen(window).settings.save_button.isEnabled(), timeout=10_000)
    assert not unnamed(screen(window).settings), unnamed(screen(window).settings)

    # Signing out empties and hides it, and stops the timer.
    window.sign_out()
    assert not tab_visible(window) and not screen(window).timer.isActive()
    assert view.model.rowCount() == 0 and view.health is None
    assert screen(window).settings.host.text() == ""
    window.close()


# --- the outbox -------------------------------------------------------------------------------------------


def test_pending_and_failed_messages_show_with_their_errors_and_failed_ones_can_be_retried(qtbot, ctx, admin) -> None:
    with as_admin(ctx):
        settings_service.set_setting(ctx, "bureau.mailbox.North", NORTH_BOX)
        settings_service.set_setting(ctx, "bureau.mailbox.South", SOUTH_BOX)
        report = reminders.queue_reminders(ctx, TODAY)
        assert report.queued >= 2 and not report.orphans
        first, second = outbox_rows(ctx)[:2]
        with ctx.db.transaction() as session:
            outbox.mark_failed(session, first.id, "550 5.1.1 No such user here", ctx.now(), permanent=True)
            outbox.mark_failed(session, second.id, "could not connect to 127.0.0.1:25", ctx.now())
    view = open_health(qtbot, admin)
    rows = view.model.rows()
    assert len(rows) == report.queued
    assert rows[0].id == first.id and rows[0].status == "failed"  # failed first
    assert view.model.index(0, COL_STATUS).data() == "Failed"
    assert view.model.index(0, COL_ERROR).data() == "550 5.1.1 No such user here"
    waiting = next(i for i, r in enumerate(rows) if r.id == second.id)
    assert view.model.index(waiting, COL_STATUS).data() == "Waiting"
    assert view.model.index(waiting, COL_ERROR).data() == "could not connect to 127.0.0.1:25"
    assert f"Waiting: {report.queued - 1}" in view.summary.text() and "Failed: 1." in view.summary.text()
    assert not any(name in view.model.index(r, c).data() for r in range(len(rows)) for c in range(7)
                   for name in ("Mary Jones", "Lena Novak"))  # fmt: skip  # no victim names on screen

    assert view.retry_button.isEnabled()
    with qtbot.waitSignal(view.changed, timeout=10_000) as changed:
        qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
    assert changed.args[0].startswith("1 failed message back in the queue. 0 messages sent")
    assert "email is not set up: set smtp.host and smtp.from" in changed.args[0]
    qtbot.waitUntil(lambda: view.health is not None and view.health.failed == 0 and not view.loading, timeout=10_000)
    assert not view.retry_button.isEnabled()


# --- the settings -----------------------------------------------------------------------------------------


def test_administrators_save_the_settings_and_a_bad_value_saves_nothing(
    qtbot, ctx, admin, memory_keyring: MemoryKeyring
) -> None:
    window = admin
    window.tabs.setCurrentWidget(screen(window).pages)
    view = screen(window).settings
    screen(window).pages.setCurrentWidget(screen(window).settings_page)
    qtbot.waitUntil(lambda: view.save_button.isEnabled(), timeout=10_000)
    assert sorted(view.mailbox_edits) == ["North", "South"]
    assert (view.port.value(), view.starttls.isChecked(), view.escalate.value()) == (587, True, 2)
    assert view.password.text() == "" and view.password.placeholderText() == "Not set"

    view.host.setText("smtp.north.police.uk")
    view.port.setValue(2525)
    view.starttls.setChecked(False)
    view.username.setText("vicman-relay")
    view.password.setText("a relay password 1")
    view.sender.setText("Vicman <vicman@north.police.uk>")
    view.escalate.setValue(3)
    view.mailbox_edits["North"].setText(NORTH_BOX)
    with qtbot.waitSignal(view.settings_saved, timeout=10_000) as saved:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].startswith("Saved 8 settings: smtp.host, smtp.port, smtp.starttls")
    with as_admin(ctx):
        stored = {s.key: s for s in settings_service.list_settings(ctx)}
    assert stored["smtp.host"].value == "smtp.north.police.uk"
    assert (stored["smtp.port"].value, stored["smtp.starttls"].value) == ("2525", "false")
    assert stored["smtp.from"].value == "Vicman <vicman@north.police.uk>"
    assert stored["reminders.escalate_after_days"].value == "3"
    assert stored["bureau.mailbox.North"].value == NORTH_BOX and stored["bureau.mailbox.South"].value is None
    assert stored["smtp.password"].is_set and stored["smtp.password"].stored_in == "keyring"
    assert "a relay password 1" in memory_keyring.entries.values()
    # Write-only: the password never comes back to the screen.
    assert view.password.text() == "" and view.password.placeholderText().startswith("Set (in the keyring)")
    assert view.host.text() == "smtp.north.police.uk" and view.escalate.value() == 3

    # A bad value anywhere: nothing is saved, and the field is named.
    view.escalate.setValue(5)
    view.mailbox_edits["South"].setText("not an address")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.error.isVisible() and not view.saving, timeout=10_000)
    assert "Nothing was saved" in view.error.text() and "bureau.mailbox.South" in view.error.text()
    with as_admin(ctx):
        assert settings_service.get_setting(ctx, "reminders.escalate_after_days").value == "3"

    # Removing the stored password.
    with qtbot.waitSignal(view.settings_loaded, timeout=10_000):
        view.refresh()
    assert view.clear_password.isEnabled() and view.mailbox_edits["South"].text() == ""
    view.clear_password.setChecked(True)
    with qtbot.waitSignal(view.settings_saved, timeout=10_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert memory_keyring.entries == {}


# --- the app's own timer ----------------------------------------------------------------------------------


def test_the_timer_queues_todays_reminders_and_sends_them_through_the_mail_server(qtbot, ctx, admin) -> None:
    port = free_port()
    with as_admin(ctx):
        for key, value in {"smtp.host": "127.0.0.1", "smtp.port": str(port), "smtp.starttls": "false",
                           "smtp.from": "vicman@north.police.uk", "bureau.mailbox.North": NORTH_BOX,
                           "bureau.mailbox.South": SOUTH_BOX}.items():  # fmt: skip
            settings_service.set_setting(ctx, key, value)
    mail = screen(admin)
    view = open_health(qtbot, admin)
    assert mail.timer_allowed()
    with smtp_servers() as start:
        _, inbox = start(port)
        mail.run_now()
        qtbot.waitUntil(lambda: mail.last_result is not None and not mail.running, timeout=15_000)
        result = mail.last_result
        assert result is not None and result.queued.queued > 0
        assert result.sent.sent == result.queued.queued == len(inbox.received())
        qtbot.waitUntil(lambda: view.backstop.isVisible(), timeout=10_000)
        assert f"{result.queued.queued} reminders queued, {result.sent.sent} messages sent" in view.backstop.text()
        assert "The app's own check at 26/11/2026 09:00" in view.backstop.text()
        # The next tick queues nothing new and sends nothing twice.
        mail.last_result = None
        mail.run_now()
        qtbot.waitUntil(lambda: mail.last_result is not None and not mail.running, timeout=15_000)
        assert (mail.last_result.queued.queued, mail.last_result.sent.sent) == (0, 0)
        assert len(inbox.received()) == result.sent.sent
    assert {r.status for r in outbox_rows(ctx)} == {"sent"}


def test_the_timer_reports_duties_with_no_one_to_tell(qtbot, ctx, admin) -> None:
    mail = screen(admin)
    view = open_health(qtbot, admin)
    mail.run_now()  # no bureau mailboxes, no mail server
    qtbot.waitUntil(lambda: mail.last_result is not None and view.notice.isVisible(), timeout=15_000)
    # Every officer has an email address, but the overdue duties' escalations have no supervisor (sgt.north
    # is not linked to an officer record) and no bureau mailbox to go to.
    orphans = len({o.obligation_id for o in mail.last_result.queued.orphans})
    assert orphans and all(o.kind == "escalation" for o in mail.last_result.queued.orphans)
    assert f"{orphans} duties had no one to be told about: set the bureau mailboxes." in view.notice.text()
    assert "email is not set up" in view.notice.text()
    assert "Email:" in admin.statusBar().currentMessage()


# --- away / deputy ----------------------------------------------------------------------------------------


def test_an_officer_with_no_working_address_is_given_a_deputy_or_marked_left(qtbot, ctx, admin) -> None:
    with as_admin(ctx), ctx.db.transaction() as session:
        session.execute(update(OfficerRow).where(OfficerRow.staff_no == "PC2001").values(email=None))
    view = open_health(qtbot, admin)
    problems = {p.staff_no: p for p in view.address_model.rows()}
    assert "no email address" in problems["PC2001"].why
    assert view.select_officer("PC2001") and view.away_button.isEnabled()
    dialog = view.open_away_dialog()
    assert isinstance(dialog, OfficerAwayDialog)
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10_000)
    assert "No email address" in dialog.current.text()
    assert dialog.deputy.findData("PC2001") < 0  # not their own deputy
    assert dialog.choose_deputy("PC1234")
    assert not unnamed(dialog), unnamed(dialog)
    with qtbot.waitSignal(view.changed, timeout=10_000) as changed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert changed.args[0].startswith("PC2001 Bob Evans: Away 26/11/2026 to 03/12/2026, deputy PC1234 Ann Smith.")
    with as_admin(ctx):
        absence = officers.get_absence(ctx, "PC2001")
    assert (absence.away_from, absence.away_until, absence.deputy_staff_no) == (
        TODAY, TODAY + timedelta(days=7), "PC1234"
    )  # fmt: skip

    qtbot.waitUntil(lambda: not view.loading and view.select_officer("PC2001"), timeout=10_000)
    dialog = view.open_away_dialog()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10_000)
    dialog.left_choice.setChecked(True)
    assert dialog.left_edit.isEnabled() and not dialog.deputy.isEnabled()
    with qtbot.waitSignal(view.changed, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with as_admin(ctx):
        assert officers.get_absence(ctx, "PC2001").left_on == TODAY
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert "left on 26/11/2026" in {p.staff_no: p for p in view.address_model.rows()}["PC2001"].why
