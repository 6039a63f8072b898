"""Users (administrators): everyone who may sign in, with their roles, officer record and whether they
can sign in now; adding a user, changing roles, disabling and enabling, resetting a password; and how
long a desktop may sit idle before it locks.

Every change goes through `vicman.services.users` on the runner's write thread. Those that need a
password given in the last five minutes ask for it again (`ReauthenticateDialog`) and then try again.
The services' refusals (the last administrator, disabling oneself, a username taken…) are shown in plain
words: in the dialog that asked, or in the notice line under the buttons.

Signals:
    users_loaded(): the table shows the latest read (or the read failed: see the notice).
    user_changed(str): a change was saved; the argument says what happened (for the status bar).
    idle_saved(int): the idle limit was saved; the argument is the new limit in minutes.
    load_failed(str): reading failed; the argument says why in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import ERROR_STYLE, buddy, message_label
from vicman.gui.dialogs.reauthenticate import ReauthenticateDialog
from vicman.gui.dialogs.user_edit import (
    AddUserDialog,
    ChangeRolesDialog,
    ResetPasswordDialog,
    UserDialog,
    describe_user_error,
    reauthentication_intro,
)
from vicman.gui.formatting import plural
from vicman.gui.models.sort_proxy import NativeSortProxyModel
from vicman.gui.models.user_table_model import (
    COL_CREATED,
    COL_DIVISION,
    COL_LOCKED_UNTIL,
    COL_NAME,
    COL_OFFICER,
    COL_ROLES,
    COL_STATUS,
    COL_TEAM,
    COL_USERNAME,
    UserTableModel,
    roles_text,
)
from vicman.gui.views.record_common import make_button, select_row
from vicman.gui.widgets import make_filter_edit, make_table
from vicman.gui.workers import Runner
from vicman.services import session_policy, users
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView
from vicman.services.users import UserView

IDLE_NOTE = (
    "Applies to every desktop using this database: this one from now, the others when someone next signs in "
    "there. Recommended: 15 minutes or less."
)


class UsersView(QWidget):
    users_loaded = Signal()
    user_changed = Signal(str)
    idle_saved = Signal(int)
    load_failed = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersView")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self._officers: list[OfficerView] = []
        self._divisions: list[str] = []
        self.loading = False
        self.writing = False
        self.saving_idle = False
        self.dialog: UserDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.reauth_dialog: ReauthenticateDialog | None = None

        self.title = QLabel("Users")
        self.title.setObjectName("usersTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.caption = QLabel("Everyone who may sign in to vicman on this database, and what their roles let them do.")
        self.caption.setObjectName("usersCaption")
        self.caption.setWordWrap(True)

        self.filter = make_filter_edit(
            "usersFilterEdit", "Username, name, role, division, team or staff number", "Filter the users"
        )
        self.filter.setMaximumWidth(420)
        self.filter.textChanged.connect(self._on_filter_changed)
        self.count = QLabel()
        self.count.setObjectName("usersCount")

        self.model = UserTableModel(self)
        self.proxy = NativeSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = make_table("usersTable", "Users")
        self.table.setModel(self.proxy)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.sortByColumn(COL_USERNAME, Qt.SortOrder.AscendingOrder)
        for column, width in {
            COL_USERNAME: 110,
            COL_NAME: 180,
            COL_ROLES: 190,
            COL_DIVISION: 110,
            COL_TEAM: 200,
            COL_OFFICER: 80,
            COL_STATUS: 80,
            COL_LOCKED_UNTIL: 120,
            COL_CREATED: 150,
        }.items():
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _index: self.change_roles())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.change_roles)

        self.add_button = make_button("&Add user…", "addUserButton", "Add user", "Add someone who may sign in")
        self.roles_button = make_button(
            "Change r&oles…", "changeRolesButton", "Change roles", "Change the selected user's roles (Enter)"
        )
        self.disable_button = make_button(
            "D&isable…", "disableUserButton", "Disable user", "Stop the selected user signing in"
        )
        self.enable_button = make_button(
            "E&nable…",
            "enableUserButton",
            "Enable user",
            "Let the selected user sign in again (this also lifts a lockout after failed sign-ins)",
        )
        self.reset_button = make_button(
            "Reset &password…",
            "resetPasswordButton",
            "Reset password",
            "Give the selected user a new password, which they change when they next sign in",
        )
        self.add_button.clicked.connect(self.add_user)
        self.roles_button.clicked.connect(self.change_roles)
        self.disable_button.clicked.connect(self.disable_selected)
        self.enable_button.clicked.connect(self.enable_selected)
        self.reset_button.clicked.connect(self.reset_password)
        self.notice = message_label("usersNotice", ERROR_STYLE, accessible="What happened")

        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("idleMinutesSpin")
        self.idle_spin.setAccessibleName("Minutes without use before the app locks")
        self.idle_spin.setRange(1, session_policy.MAX_IDLE_MINUTES)
        self.idle_spin.setValue(session_policy.DEFAULT_IDLE_MINUTES)
        self.idle_spin.setSuffix(" minutes")
        self.idle_spin.setEnabled(False)  # until the setting has been read
        self.idle_save = make_button(
            "Save settin&g",
            "saveIdleMinutesButton",
            "Save the idle lock time",
            "Save the idle lock time for every desktop",
        )
        self.idle_save.setEnabled(False)
        self.idle_save.clicked.connect(self.save_idle_minutes)
        self.idle_note = QLabel(IDLE_NOTE)
        self.idle_note.setObjectName("idleMinutesNote")
        self.idle_note.setWordWrap(True)
        self.idle_error = message_label("idleMinutesError", ERROR_STYLE, accessible="Why the idle time was not saved")

        head = QHBoxLayout()
        head.addWidget(buddy("Fi&lter", self.filter))
        head.addWidget(self.filter, 1)
        head.addWidget(self.count)
        head.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.roles_button, self.disable_button, self.enable_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        idle = QGroupBox("Idle lock")
        idle.setObjectName("idleLockBox")
        idle_layout = QVBoxLayout(idle)
        row = QHBoxLayout()
        row.addWidget(buddy("Loc&k the app after", self.idle_spin))
        row.addWidget(self.idle_spin)
        row.addWidget(QLabel(f"without use (1–{session_policy.MAX_IDLE_MINUTES})"))
        row.addWidget(self.idle_save)
        row.addStretch(1)
        idle_layout.addLayout(row)
        idle_layout.addWidget(self.idle_note)
        idle_layout.addWidget(self.idle_error)
        idle.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.caption)
        layout.addLayout(head)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(idle)
        self._update_buttons()

    # --- people and who is signed in -----------------------------------------------------------

    def set_people(self, officers: Sequence[OfficerView], divisions: Sequence[str]) -> None:
        self._officers = list(officers)
        self._divisions = list(divisions)
        self.model.set_officers(officers)

    def activate(self) -> None:
        """An administrator signed in: read the users and the idle limit."""
        self.clear()
        self.refresh()
        self._read_idle_minutes()

    def clear(self) -> None:
        """Forget everything shown (signing out): late answers are ignored, open dialogs closed."""
        self._generation += 1
        self.loading = self.writing = self.saving_idle = False
        self.model.set_rows([])
        self.filter.clear()
        self.count.setText("")
        self._hide_notice()
        self.idle_error.hide()
        self.idle_spin.setEnabled(False)
        self.idle_save.setEnabled(False)
        for widget in (self.dialog, self.confirm_box, self.reauth_dialog):
            if widget is not None and shiboken6.isValid(widget):
                widget.done(0)
        self.dialog = self.confirm_box = self.reauth_dialog = None
        self._update_buttons()

    # --- the list ------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True
        wanted = select or (self.selected_user().username if self.selected_user() else None)
        self._runner.read(users.list_users, self._ctx).on_success(
            lambda rows, g=generation: self._on_loaded(g, rows, wanted)
        ).on_failure(lambda exc, g=generation: self._on_load_failed(g, exc))

    def _on_loaded(self, generation: int, rows: list[UserView], select: str | None) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.model.set_rows(rows)
        self._update_count()
        if select is not None:
            self.select_user(select)
        self._update_buttons()
        self.users_loaded.emit()

    def _on_load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        text = describe_user_error(exc)
        self._show_notice(f"The users could not be read. {text}")
        self.load_failed.emit(text)
        self.users_loaded.emit()

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if not total:
            self.count.setText("")
        elif shown == total:
            self.count.setText(plural(total, "user"))
        else:
            self.count.setText(f"{shown} of {plural(total, 'user')}")

    def visible_usernames(self) -> list[str]:
        return [self.proxy.row_at(r).username for r in range(self.proxy.rowCount())]

    def selected_user(self) -> UserView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        user: UserView = self.proxy.row_at(rows[0].row())
        return user

    def select_user(self, username: str) -> bool:
        source = self.model.find(username)
        if source is None:
            return False
        row = self.proxy.proxy_row_of(source)
        if row < 0:
            return False
        select_row(self.table, row)
        return True

    def user(self, username: str) -> UserView | None:
        source = self.model.find(username)
        return None if source is None else self.model.row_at(source)

    def _update_buttons(self) -> None:
        user = self.selected_user()
        idle = not self.writing
        self.add_button.setEnabled(idle)
        self.roles_button.setEnabled(idle and user is not None)
        self.reset_button.setEnabled(idle and user is not None)
        self.disable_button.setEnabled(idle and user is not None and user.active)
        self.enable_button.setEnabled(idle and user is not None and (not user.active or user.locked))

    # --- the dialogs ---------------------------------------------------------------------------

    def add_user(self) -> AddUserDialog:
        linked = {u.staff_no for u in self.model.rows() if u.staff_no}
        dialog = AddUserDialog(self._ctx, self._runner, self._officers, self._divisions, linked, self)
        self._open(
            dialog,
            lambda u: (
                f"Added {u.username} ({u.display_name}) as {roles_text(u).lower()}: they choose their own "
                "password when they first sign in."
            ),
        )
        return dialog

    def change_roles(self) -> ChangeRolesDialog | None:
        user = self.selected_user()
        if user is None or self.writing:
            return None
        dialog = ChangeRolesDialog(self._ctx, self._runner, user, self)
        self._open(dialog, lambda u: f"The roles of {u.username} are now: {roles_text(u)}.")
        return dialog

    def reset_password(self) -> ResetPasswordDialog | None:
        user = self.selected_user()
        if user is None or self.writing:
            return None
        dialog = ResetPasswordDialog(self._ctx, self._runner, user, self)
        self._open(
            dialog,
            lambda u: f"Password of {u.username} reset: they choose their own when they next sign in.",
        )
        return dialog

    def _open(self, dialog: UserDialog, done: Callable[[UserView], str]) -> None:
        self._hide_notice()
        generation = self._generation
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda u, g=generation: self._on_changed(g, u, done(u)))
        dialog.finished.connect(lambda _r, d=dialog: self._forget_dialog(d))
        self.dialog = dialog
        dialog.open()

    def _forget_dialog(self, dialog: UserDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # --- disabling and enabling ----------------------------------------------------------------

    def disable_selected(self) -> QMessageBox | None:
        user = self.selected_user()
        if user is None or self.writing:
            return None
        return self._confirm(
            user,
            f"Disable {user.username}?",
            f"{user.display_name} ({user.username}) will not be able to sign in, and is stopped at their next "
            "action if signed in now. Their records and entries stay. You can enable the account again later.",
            f"&Disable {user.username}",
            users.disable_user,
            f"Disabled {user.username} ({user.display_name}): they can no longer sign in.",
            f"Disabling {user.username}",
        )

    def enable_selected(self) -> QMessageBox | None:
        user = self.selected_user()
        if user is None or self.writing:
            return None
        lockout = " and lift the lockout after their failed sign-ins" if user.locked else ""
        return self._confirm(
            user,
            f"Enable {user.username}?",
            f"{user.display_name} ({user.username}) will be able to sign in again with their password{lockout}.",
            f"&Enable {user.username}",
            users.enable_user,
            f"Enabled {user.username} ({user.display_name}): they can sign in again.",
            f"Enabling {user.username}",
        )

    def _confirm(
        self,
        user: UserView,
        question: str,
        details: str,
        yes_text: str,
        call: Callable[[ServiceContext, str], UserView],
        done: str,
        what: str,
    ) -> QMessageBox:
        self._hide_notice()
        box = QMessageBox(QMessageBox.Icon.Question, "vicman", question, parent=self)
        box.setObjectName("confirmUserChangeBox")
        box.setInformativeText(details)
        yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("confirmUserChangeButton")
        yes.setAccessibleName(yes_text.replace("&", ""))
        no = box.addButton(QMessageBox.StandardButton.Cancel)
        no.setObjectName("cancelUserChangeButton")
        no.setAccessibleName("Cancel")
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        generation = self._generation
        yes.clicked.connect(lambda _=False, g=generation: self._write(g, call, user.username, done, what))
        box.finished.connect(lambda _r, b=box: self._forget_box(b))
        self.confirm_box = box
        box.open()
        return box

    def _forget_box(self, box: QMessageBox) -> None:
        if self.confirm_box is box:
            self.confirm_box = None

    def _write(
        self, generation: int, call: Callable[[ServiceContext, str], UserView], username: str, done: str, what: str
    ) -> None:
        if generation != self._generation:
            return
        self.writing = True
        self._update_buttons()
        self._runner.write(call, self._ctx, username).on_success(
            lambda u, g=generation: self._on_changed(g, u, done)
        ).on_failure(lambda exc, g=generation: self._on_write_failed(g, exc, call, username, done, what))

    def _on_write_failed(
        self,
        generation: int,
        exc: BaseException,
        call: Callable[[ServiceContext, str], UserView],
        username: str,
        done: str,
        what: str,
    ) -> None:
        if generation != self._generation:
            return
        self.writing = False
        self._update_buttons()
        if isinstance(exc, ReauthenticationRequired):
            dialog = ReauthenticateDialog(self._ctx, self._runner, what, self, intro=reauthentication_intro(what))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _r, g=generation: self._write(g, call, username, done, what))
            dialog.rejected.connect(lambda: self._show_notice(f"{what}: not done, as your password was not given."))
            dialog.finished.connect(lambda _r, d=dialog: self._forget_reauth(d))
            self.reauth_dialog = dialog
            dialog.open()
            return
        self._show_notice(f"{what}: not done. {describe_user_error(exc)}")

    def _forget_reauth(self, dialog: ReauthenticateDialog) -> None:
        if self.reauth_dialog is dialog:
            self.reauth_dialog = None

    def _on_changed(self, generation: int, user: Any, text: str) -> None:
        if generation != self._generation:
            return
        self.writing = False
        self._hide_notice()
        self.user_changed.emit(text)
        self.refresh(select=user.username if isinstance(user, UserView) else None)

    # --- the idle lock -------------------------------------------------------------------------

    def _read_idle_minutes(self) -> None:
        generation = self._generation
        self._runner.read(session_policy.idle_minutes, self._ctx).on_success(
            lambda minutes, g=generation: self._on_idle_read(g, minutes)
        ).on_failure(lambda exc, g=generation: self._on_idle_failed(g, exc, "read"))

    def _on_idle_read(self, generation: int, minutes: int) -> None:
        if generation != self._generation:
            return
        self.idle_spin.setValue(minutes)
        self.idle_spin.setEnabled(True)
        self.idle_save.setEnabled(True)

    def save_idle_minutes(self) -> None:
        if self.saving_idle:
            return
        generation = self._generation
        self.saving_idle = True
        self.idle_error.hide()
        self.idle_save.setEnabled(False)
        self._runner.write(session_policy.set_idle_minutes, self._ctx, self.idle_spin.value()).on_success(
            lambda minutes, g=generation: self._on_idle_saved(g, minutes)
        ).on_failure(lambda exc, g=generation: self._on_idle_failed(g, exc, "saved"))

    def _on_idle_saved(self, generation: int, minutes: int) -> None:
        if generation != self._generation:
            return
        self.saving_idle = False
        self.idle_save.setEnabled(True)
        self.idle_spin.setValue(minutes)
        self.idle_saved.emit(minutes)

    def _on_idle_failed(self, generation: int, exc: BaseException, done: str) -> None:
        if generation != self._generation:
            return
        self.saving_idle = False
        self.idle_save.setEnabled(self.idle_spin.isEnabled())
        self.idle_error.setText(f"The idle lock time was not {done}. {describe_user_error(exc)}")
        self.idle_error.show()

    # --- the notice line -----------------------------------------------------------------------

    def _show_notice(self, text: str) -> None:
        if shiboken6.isValid(self.notice):
            self.notice.setText(text)
            self.notice.show()

    def _hide_notice(self) -> None:
        self.notice.clear()
        self.notice.hide()
