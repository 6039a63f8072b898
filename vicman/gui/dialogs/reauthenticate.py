"""Asked before a bulk action when the password was last given more than a few minutes ago."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, make_form, password_edit
from vicman.gui.workers import Runner
from vicman.services import auth
from vicman.services.context import ServiceContext


class ReauthenticateDialog(EntryDialog):
    """Emits `saved(None)` once the signed-in user's password is right again."""

    def __init__(
        self, ctx: ServiceContext, runner: Runner, what: str, parent=None, *, intro: str | None = None
    ) -> None:
        super().__init__(ctx, runner, "Confirm it is you", "Confirm", parent)
        self.setObjectName("reauthenticateDialog")
        self.setMinimumWidth(420)
        words = QLabel(intro or f"{what} is a bulk action. Enter your password again to go ahead.")
        words.setWordWrap(True)
        self.password = password_edit("reauthPasswordEdit")
        form = make_form()
        form.addRow(buddy("&Password", self.password), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(words)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self.password.setFocus()

    def validate(self) -> str | None:
        return None if self.password.text() else "Enter your password."

    def service_call(self) -> ServiceCall:
        return auth.reauthenticate, (self._ctx, self.password.text()), {}

    def inputs(self) -> list:
        return [self.password]

    def _on_failed(self, exc: BaseException) -> None:
        super()._on_failed(exc)
        self.password.clear()
