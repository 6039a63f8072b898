"""Choose a new password (asked after an administrator set one, and from File ▸ Change password)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, make_form, password_edit
from vicman.gui.workers import Runner
from vicman.services import users
from vicman.services.context import ServiceContext

MIN_PASSWORD = 12


class ChangePasswordDialog(EntryDialog):
    """Emits `saved(...)` once the new password is stored."""

    def __init__(self, ctx: ServiceContext, runner: Runner, reason: str | None = None, parent=None) -> None:
        super().__init__(ctx, runner, "Change your password", "Change password", parent)
        self.setObjectName("changePasswordDialog")
        intro = QLabel(reason or "Choose a new password: at least 12 characters, not your username.")
        intro.setWordWrap(True)
        self.current = password_edit("currentPasswordEdit", "Current password")
        self.new = password_edit("newPasswordEdit", "New password")
        self.confirm = password_edit("confirmPasswordEdit", "New password again")
        form = make_form()
        form.addRow(buddy("&Current password", self.current), self.current)
        form.addRow(buddy("&New password", self.new), self.new)
        form.addRow(buddy("New password &again", self.confirm), self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self.current.setFocus()

    def validate(self) -> str | None:
        if not self.current.text():
            return "Enter your current password."
        if len(self.new.text()) < MIN_PASSWORD:
            return f"The new password must be at least {MIN_PASSWORD} characters long."
        if self.new.text() != self.confirm.text():
            return "The two new passwords are not the same."
        return None

    def service_call(self) -> ServiceCall:
        return users.change_own_password, (self._ctx, self.current.text(), self.new.text()), {}

    def inputs(self) -> list:
        return [self.current, self.new, self.confirm]
