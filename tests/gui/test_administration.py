"""The administrators' Users tab (vicman/gui/administration.py, views/users_view.py, dialogs/user_edit.py),
against the real test database: who sees it, adding a user who then signs in, disabling and enabling,
changing roles, resetting a password, the services' refusals in plain words, asking for the password
again when it is more than five minutes old, and the idle-lock setting.

The database has six users (gui_support.GUI_USERS): admin (administrator), pc1234 and pc2001 (officer and
bureau), dc3001 (officer), sgt.north (supervisor) and bureau.north (bureau), all with gui_support.PASSWORD.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from gui_support import NOW, PASSWORD, as_admin, make_window, sign_in_through_dialog, write_extract
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
from sqlalchemy import func, select

from vicman.gui.dialogs.user_edit import AddUserDialog, ChangeRolesDialog, ResetPasswordDialog
from vicman.gui.main_window import MainWindow
from vicman.gui.models.user_table_model import COL_LOCKED_UNTIL, COL_OFFICER, COL_ROLES, COL_STATUS, COL_USERNAME
from vicman.gui.views.users_view import UsersView
from vicman.services import auth, importing, session_policy, users
from vicman.services.context import ServiceContext
from vicman.store.tables import AuditRow, UserRow

pytestmark = pytest.mark.gui

NEW_PASSWORD = "a-brand-new-password-9"
DAN = ("PC4001", "Dan Price", "dan.price@north.police.uk", "Response B")


# --- helpers ----------------------------------------------------------------------------------------


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


def users_view(window: MainWindow) -> UsersView:
    return window.administration.users  # type: ignore[attr-defined]


def tab_visible(window: MainWindow) -> bool:
    return window.tabs.isTabVisible(window.tabs.indexOf(users_view(window)))


@pytest.fixture
def admin(qtbot, ctx, settings) -> Iterator[MainWindow]:
    """Signed in as admin, on the Users tab with the users read."""
    window = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    open_users(qtbot, window)
    yield window
    window.runner.wait_for_done()


def open_users(qtbot, window: MainWindow) -> UsersView:
    view = users_view(window)
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view.loading and view.model.rowCount() > 0 and view.idle_spin.isEnabled(),
                    timeout=10_000)  # fmt: skip
    return view


def choose(view: UsersView, username: str) -> None:
    view.filter.clear()
    assert view.select_user(username), username
    assert view.selected_user() is not None and view.selected_user().username == username


def cell(view: UsersView, username: str, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> str:
    source = view.model.find(username)
    assert source is not None, username
    return str(view.model.index(source, column).data(role))


def status_message(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def user_row(ctx: ServiceContext, username: str) -> UserRow | None:
    with ctx.db.read() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is not None:
            session.expunge(row)
        return row


def counts(ctx: ServiceContext) -> tuple[int, int]:
    """(users, audit records of changes to users)"""
    with ctx.db.read() as session:
        accounts = session.scalar(select(func.count()).select_from(UserRow)) or 0
        changes = session.scalar(
            select(func.count()).select_from(AuditRow).where(AuditRow.action == "admin", AuditRow.object_type == "user")
        )
        return accounts, changes or 0


def save(qtbot, window: MainWindow, dialog) -> None:
    """Press the dialog's save button and wait for the list to be read again."""
    view = users_view(window)
    with qtbot.waitSignal(view.user_changed, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.loading and view.dialog is None, timeout=10_000)


def save_refused(qtbot, window: MainWindow, dialog) -> str:
    """Press save on a dialog whose entries are refused; the words shown."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible() and not dialog.saving, timeout=10_000)
    settle(qtbot, window)
    assert dialog.isVisible()
    return dialog.error.text()


def confirm(qtbot, window: MainWindow, box) -> None:
    assert box is not None and box.isVisible()
    button = box.findChild(QAbstractButton, "confirmUserChangeButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not users_view(window).loading, timeout=10_000)


def switch_to(qtbot, window: MainWindow, username: str, password: str = PASSWORD) -> None:
    window.sign_out()
    sign_in_through_dialog(qtbot, window, username, password)
    settle(qtbot, window)


def sign_in_refused(qtbot, window: MainWindow, username: str, password: str = PASSWORD) -> str:
    window.sign_out()
    dialog = window.sign_in_dialog
    assert dialog is not None
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible() and not dialog.saving, timeout=10_000)
    assert window.session is None
    return dialog.error.text()


def sign_in_again(qtbot, window: MainWindow, username: str, password: str = PASSWORD) -> None:
    """After a refused sign-in: the same dialog, another go."""
    dialog = window.sign_in_dialog
    assert dialog is not None
    dialog.username.setText(username)
    dialog.password.setText(password)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)


def needs_name(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox):
            return False
        parent = parent.parentWidget()
    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return False
    if isinstance(widget, QAbstractButton):
        return widget.isVisibleTo(widget.window())
    return isinstance(widget, QLineEdit | QComboBox | QAbstractItemView | QAbstractSpinBox)


def unnamed(top: QWidget, object_names: bool = True) -> list[str]:
    """Controls without an accessible name (or, with `object_names`, without an object name)."""
    return [
        f"{type(w).__name__} {w.objectName()!r} {getattr(w, 'text', lambda: '')()!r}"
        for w in top.findChildren(QWidget)
        if needs_name(w) and (not w.accessibleName() or (object_names and not w.objectName()))
    ]


# --- who sees the tab --------------------------------------------------------------------------------


def test_the_users_tab_is_shown_to_administrators_only(qtbot, ctx, settings) -> None:
    officer = make_window(qtbot, ctx, settings)
    assert not tab_visible(officer) and not officer.administration.action.isEnabled()  # type: ignore[attr-defined]
    assert users_view(officer).model.rowCount() == 0  # nothing read for them
    officer.close()

    sergeant = make_window(qtbot, ctx, settings, staff_no=None, username="sgt.north")
    settle(qtbot, sergeant)
    assert not tab_visible(sergeant)  # supervisors may list users, not manage them
    sergeant.close()

    window = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    view = users_view(window)
    assert tab_visible(window)
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "Us&ers"
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.my_work, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: not view.loading and view.idle_spin.isEnabled(), timeout=10_000)
    assert [u.username for u in view.model.rows()] == ["admin", "bureau.north", "dc3001", "pc1234", "pc2001",
                                                      "sgt.north"]  # fmt: skip
    assert view.count.text() == "6 users"
    assert cell(view, "pc1234", COL_ROLES) == "Officer, Bureau"
    assert cell(view, "pc1234", COL_OFFICER) == "PC1234"
    assert cell(view, "pc1234", COL_OFFICER, Qt.ItemDataRole.ToolTipRole) == "PC1234 Ann Smith — North / Response A"
    assert cell(view, "admin", COL_OFFICER) == ""
    assert cell(view, "sgt.north", COL_STATUS) == "Active"
    assert view.idle_spin.value() == 15
    assert not unnamed(view), unnamed(view)

    # Filtered as you type (any column), sortable.
    qtbot.keyClicks(view.filter, "NORTH")
    assert view.visible_usernames() == ["bureau.north", "pc1234", "pc2001", "sgt.north"]  # by division too
    assert view.count.text() == "4 of 6 users"
    view.filter.setText("response a")
    assert view.visible_usernames() == ["pc1234", "sgt.north"]
    view.filter.setText("cara")
    assert view.visible_usernames() == ["dc3001"]
    view.filter.clear()
    view.table.sortByColumn(COL_USERNAME, Qt.SortOrder.DescendingOrder)
    assert view.visible_usernames()[0] == "sgt.north"

    # Signing out empties and hides it; an officer signing in on the same window does not see it.
    window.sign_out()
    assert not tab_visible(window) and view.model.rowCount() == 0
    assert window.tabs.currentWidget() is not view
    sign_in_through_dialog(qtbot, window, "pc2001")
    settle(qtbot, window)
    assert not tab_visible(window)
    window.close()


# --- adding a user -----------------------------------------------------------------------------------


def test_an_added_user_can_sign_in_and_is_asked_to_choose_a_password(qtbot, ctx, settings, tmp_path: Path) -> None:
    with as_admin(ctx):  # an officer without an account yet
        importing.import_crimes(ctx, write_extract(tmp_path / "dan.csv", [
            ("CR/1006/26", "2026-11-02 10:00", "Burglary dwelling", "North", DAN,
             "V1006", "Olga Berg", "1970-04-05", "07700 900111", "", "no", "", "phone"),
        ]))  # fmt: skip
    window = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    view = open_users(qtbot, window)
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, AddUserDialog) and dialog.isVisible()
    assert not unnamed(dialog), unnamed(dialog)

    # Officers who have an account already cannot be chosen again.
    taken = dialog.officer.findData("PC1234")
    assert not dialog.officer.model().item(taken).isEnabled()
    assert "(has an account)" in dialog.officer.itemText(taken)
    # Picking the officer record fills in the rest from it.
    assert not dialog.roles.boxes["officer"].isEnabled()  # no officer record chosen yet
    assert dialog.choose_officer("PC4001")
    assert (dialog.username.text(), dialog.display_name.text()) == ("pc4001", "Dan Price")
    assert (dialog.division.currentText(), dialog.team.currentText()) == ("North", "Response B")
    assert not dialog.division.isEnabled() and not dialog.team.isEnabled()
    assert dialog.roles.roles() == ("officer",)
    dialog.roles.boxes["bureau"].setChecked(True)
    dialog.password.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD)
    save(qtbot, window, dialog)

    assert status_message(window).startswith("Added pc4001 (Dan Price) as officer, bureau")
    assert view.selected_user() is not None and view.selected_user().username == "pc4001"
    assert cell(view, "pc4001", COL_OFFICER, Qt.ItemDataRole.ToolTipRole) == "PC4001 Dan Price — North / Response B"
    added = users.get_user(ctx, "pc4001")
    assert (added.roles, added.staff_no, added.division, added.team, added.created_by) == (
        ("officer", "bureau"),
        "PC4001",
        "North",
        "Response B",
        "admin",
    )

    # They sign in with the first password, see their own cases, and are asked to choose their own.
    switch_to(qtbot, window, "pc4001", NEW_PASSWORD)
    assert window.session is not None and window.session.must_change_password
    assert window.officer is not None and window.officer.staff_no == "PC4001"
    assert not window.password_nag.isHidden()
    assert not tab_visible(window)
    window.close()


def test_a_user_without_an_officer_record_takes_a_division_and_team(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    dialog = view.add_user()
    dialog.username.setText("Bea.South")
    dialog.display_name.setText("Bea Southgate")
    dialog.roles.boxes["bureau"].setChecked(True)
    dialog.division.setEditText("South")
    assert dialog.team.findText("CID") >= 0  # the division's teams are offered
    dialog.team.setEditText("CID")
    dialog.password.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD)
    save(qtbot, admin, dialog)
    added = users.get_user(ctx, "bea.south")
    assert (added.roles, added.staff_no, added.division, added.team) == (("bureau",), None, "South", "CID")


def test_what_cannot_be_saved_is_said_in_plain_words_and_nothing_is_saved(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    before = counts(ctx)
    dialog = view.add_user()

    assert save_refused(qtbot, admin, dialog) == "Enter a username: what they will type to sign in."
    dialog.username.setText("nia.new")
    assert save_refused(qtbot, admin, dialog) == "Enter the user's full name."
    dialog.display_name.setText("Nia Newbie")
    assert save_refused(qtbot, admin, dialog) == "Tick at least one role."
    dialog.roles.boxes["supervisor"].setChecked(True)
    dialog.password.setText("too-short")
    dialog.confirm.setText("too-short")
    assert save_refused(qtbot, admin, dialog) == "The password must be at least 12 characters long."
    dialog.password.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD + "x")
    assert save_refused(qtbot, admin, dialog) == "The two passwords are not the same."
    dialog.confirm.setText(NEW_PASSWORD)

    # Refused by the service: its words, without field names.
    dialog.username.setText("nia new")
    assert save_refused(qtbot, admin, dialog) == ("A username is 3 to 64 characters: letters, digits, '.', '_' or '-'.")
    dialog.username.setText("PC1234")
    assert save_refused(qtbot, admin, dialog) == "There is already a user pc1234."
    assert counts(ctx) == before
    assert dialog.save_button.isEnabled() and dialog.username.isEnabled()  # try again, or cancel
    dialog.reject()
    assert view.dialog is None and counts(ctx) == before


# --- disabling and enabling --------------------------------------------------------------------------


def test_a_disabled_user_cannot_sign_in_until_enabled(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    choose(view, "pc2001")
    assert view.disable_button.isEnabled() and not view.enable_button.isEnabled()
    box = view.disable_selected()
    assert box is not None and box.text() == "Disable pc2001?"
    assert "Bob Evans (pc2001) will not be able to sign in" in box.informativeText()
    assert not unnamed(box), unnamed(box)
    box.reject()  # cancelled: nothing happens
    settle(qtbot, admin)
    assert user_row(ctx, "pc2001").active

    qtbot.mouseClick(view.disable_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, admin, view.confirm_box)
    assert status_message(admin) == "Disabled pc2001 (Bob Evans): they can no longer sign in."
    assert cell(view, "pc2001", COL_STATUS) == "Disabled"
    assert view.selected_user().username == "pc2001"
    assert view.enable_button.isEnabled() and not view.disable_button.isEnabled()
    assert not user_row(ctx, "pc2001").active

    assert sign_in_refused(qtbot, admin, "pc2001").startswith("Wrong username or password.")

    window = admin
    sign_in_again(qtbot, window, "admin")
    view = open_users(qtbot, window)
    choose(view, "pc2001")
    box = view.enable_selected()
    assert box is not None and box.text() == "Enable pc2001?"
    confirm(qtbot, window, box)
    assert status_message(window) == "Enabled pc2001 (Bob Evans): they can sign in again."
    assert cell(view, "pc2001", COL_STATUS) == "Active"
    switch_to(qtbot, window, "pc2001")
    assert window.session is not None and window.session.user.username == "pc2001"


def test_enabling_lifts_a_lockout(qtbot, ctx, settings) -> None:
    with as_admin(ctx):
        for _ in range(auth.LOCKOUT_AFTER):
            with pytest.raises(auth.SignInFailed):
                auth.sign_in(ctx, "dc3001", "not-the-password")
    window = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    view = open_users(qtbot, window)
    assert cell(view, "dc3001", COL_STATUS) == "Locked"
    # Locked for 15 minutes from 09:00 UTC (UK time in November).
    assert cell(view, "dc3001", COL_LOCKED_UNTIL) == "26/11/2026 09:15"
    choose(view, "dc3001")
    assert view.enable_button.isEnabled() and view.disable_button.isEnabled()
    box = view.enable_selected()
    assert "lift the lockout" in box.informativeText()
    confirm(qtbot, window, box)
    assert cell(view, "dc3001", COL_STATUS) == "Active" and cell(view, "dc3001", COL_LOCKED_UNTIL) == ""
    switch_to(qtbot, window, "dc3001")
    assert window.session is not None and window.session.user.username == "dc3001"


def test_an_administrator_cannot_disable_themselves(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    choose(view, "admin")
    confirm(qtbot, admin, view.disable_selected())
    assert view.notice.isVisible()
    assert view.notice.text() == "Disabling admin: not done. You cannot disable your own account."
    assert user_row(ctx, "admin").active and cell(view, "admin", COL_STATUS) == "Active"


# --- roles and passwords -----------------------------------------------------------------------------


def test_changed_roles_show_and_take_effect(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    choose(view, "sgt.north")
    qtbot.mouseClick(view.roles_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, ChangeRolesDialog) and dialog.roles.roles() == ("supervisor",)
    assert not dialog.roles.boxes["officer"].isEnabled()  # no officer record
    assert not unnamed(dialog), unnamed(dialog)
    assert save_refused(qtbot, admin, dialog) == "These are the roles they have already: change one, or cancel."
    dialog.roles.boxes["administrator"].setChecked(True)
    save(qtbot, admin, dialog)
    assert status_message(admin) == "The roles of sgt.north are now: Supervisor, Administrator."
    assert cell(view, "sgt.north", COL_ROLES) == "Supervisor, Administrator"
    change = json.loads(
        [r for r in audit_rows(ctx, "sgt.north") if r.detail and '"roles"' in r.detail][-1].detail or "{}"
    )
    assert change == {"change": "roles", "from": ["supervisor"], "to": ["supervisor", "administrator"]}

    # The last administrator keeps the role: refused in plain words in the dialog.
    choose(view, "sgt.north")
    dialog = view.change_roles()
    dialog.roles.set_roles(["supervisor"])
    save(qtbot, admin, dialog)  # someone else is an administrator now, so this is allowed…
    choose(view, "admin")
    dialog = view.change_roles()
    dialog.roles.set_roles(["supervisor"])
    assert save_refused(qtbot, admin, dialog) == (
        "Admin is the last active administrator: make someone else an administrator first."
    )
    dialog.reject()

    # …and the change takes effect: the sergeant signs in and manages users.
    choose(view, "sgt.north")
    dialog = view.change_roles()
    dialog.roles.boxes["administrator"].setChecked(True)
    save(qtbot, admin, dialog)
    switch_to(qtbot, admin, "sgt.north")
    assert tab_visible(admin)


def audit_rows(ctx: ServiceContext, username: str) -> list[AuditRow]:
    with ctx.db.read() as session:
        rows = list(
            session.scalars(
                select(AuditRow)
                .where(AuditRow.object_id == username, AuditRow.action == "admin")
                .order_by(AuditRow.seq)
            )
        )
        session.expunge_all()
        return rows


def test_a_reset_password_replaces_the_old_one(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    choose(view, "pc2001")
    qtbot.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert isinstance(dialog, ResetPasswordDialog)
    assert not unnamed(dialog), unnamed(dialog)
    dialog.password.setText(NEW_PASSWORD)
    dialog.confirm.setText("something-else-entirely")
    assert save_refused(qtbot, admin, dialog) == "The two passwords are not the same."
    dialog.password.setText("pc2001")
    dialog.confirm.setText("pc2001")
    assert save_refused(qtbot, admin, dialog) == "The password must be at least 12 characters long."
    dialog.password.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD)
    save(qtbot, admin, dialog)
    assert status_message(admin) == "Password of pc2001 reset: they choose their own when they next sign in."

    assert sign_in_refused(qtbot, admin, "pc2001", PASSWORD).startswith("Wrong username or password.")
    sign_in_again(qtbot, admin, "pc2001", NEW_PASSWORD)
    assert admin.session.must_change_password and not admin.password_nag.isHidden()


# --- the password again ------------------------------------------------------------------------------


def test_a_password_older_than_five_minutes_is_asked_for_again_then_the_change_is_made(qtbot, admin, ctx) -> None:
    view = users_view(admin)
    admin.ctx.clock = lambda: NOW + timedelta(minutes=6)
    choose(view, "pc2001")
    confirm(qtbot, admin, view.disable_selected())
    reauth = view.reauth_dialog
    assert reauth is not None and reauth.isVisible()
    assert user_row(ctx, "pc2001").active  # not yet
    assert not unnamed(reauth, object_names=False), unnamed(reauth, object_names=False)
    reauth.password.setText("not-my-password")
    assert save_refused(qtbot, admin, reauth) == "Wrong password."
    reauth.password.setText(PASSWORD)
    with qtbot.waitSignal(view.user_changed, timeout=10_000):
        qtbot.mouseClick(reauth.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert not user_row(ctx, "pc2001").active and cell(view, "pc2001", COL_STATUS) == "Disabled"
    assert status_message(admin).startswith("Disabled pc2001")

    # In a dialog: the password is asked for over it, and the dialog saves once it is given.
    admin.ctx.clock = lambda: NOW + timedelta(minutes=13)
    choose(view, "bureau.north")
    dialog = view.change_roles()
    dialog.roles.boxes["supervisor"].setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.reauth_dialog is not None, timeout=10_000)
    reauth = dialog.reauth_dialog
    reauth.password.setText(PASSWORD)
    with qtbot.waitSignal(view.user_changed, timeout=10_000):
        qtbot.mouseClick(reauth.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    assert cell(view, "bureau.north", COL_ROLES) == "Bureau, Supervisor"

    # Not given: nothing changes, and the dialog says so.
    admin.ctx.clock = lambda: NOW + timedelta(minutes=20)
    dialog = view.reset_password()
    dialog.password.setText(NEW_PASSWORD)
    dialog.confirm.setText(NEW_PASSWORD)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.reauth_dialog is not None, timeout=10_000)
    dialog.reauth_dialog.reject()
    assert dialog.error.text() == "Not saved: your password was not given again."
    dialog.reject()


# --- the idle lock -----------------------------------------------------------------------------------


def test_the_idle_lock_time_is_saved_for_every_desktop(qtbot, admin, ctx, settings) -> None:
    view = users_view(admin)
    assert (view.idle_spin.minimum(), view.idle_spin.maximum()) == (1, 30)
    view.idle_spin.setValue(31)
    assert view.idle_spin.value() == 30  # longer than 30 minutes cannot even be entered
    view.idle_spin.setValue(20)
    with qtbot.waitSignal(view.idle_saved, timeout=10_000):
        qtbot.mouseClick(view.idle_save, Qt.MouseButton.LeftButton)
    assert session_policy.idle_minutes(ctx) == 20
    assert admin.idle.limit_s == 20 * 60  # this desktop at once
    assert "locks after 20 minutes without use" in status_message(admin)
    admin.close()

    again = make_window(qtbot, ctx, settings, staff_no=None, username="admin")
    settle(qtbot, again)
    assert again.idle.limit_s == 20 * 60  # another desktop, at its sign-in
    view = open_users(qtbot, again)
    assert view.idle_spin.value() == 20

    # Refused by the service (here: no longer an administrator): said in plain words, nothing saved.
    with as_admin(ctx):
        users.add_user(ctx, "second.admin", "Sid Second", PASSWORD, ["administrator"])
        users.set_roles(ctx, "admin", ["supervisor"])
    view.idle_spin.setValue(5)
    qtbot.mouseClick(view.idle_save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.idle_error.isVisible(), timeout=10_000)
    assert view.idle_error.text().startswith("The idle lock time was not saved. You may not add, change or disable")
    assert session_policy.idle_minutes(ctx) == 20
