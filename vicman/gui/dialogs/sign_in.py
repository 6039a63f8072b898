"""Signing in: username and password, checked by `auth.sign_in` (throttled, locked out, audited)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout

from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, make_form, password_edit
from vicman.gui.workers import Runner
from vicman.services import auth
from vicman.services.context import ServiceContext


class SignInDialog(EntryDialog):
    """Emits `saved(SignedIn)` once the password is right; shows the service's words otherwise."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        last_username: str | None = None,
        *,
        hint: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(ctx, runner, "Sign in to vicman", "Sign in", parent)
        self.setObjectName("signInDialog")
        self.setMinimumWidth(440)
        intro = QLabel(
            hint
            or "Sign in with your vicman username and password. Everything you record and every record you "
            "open is stamped with your name."
        )
        intro.setWordWrap(True)
        self.username = QLineEdit(last_username or "")
        self.username.setObjectName("usernameEdit")
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(64)
        self.password = password_edit("passwordEdit")
        form = make_form()
        form.addRow(buddy("&Username", self.username), self.username)
        form.addRow(buddy("&Password", self.password), self.password)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        (self.password if last_username else self.username).setFocus()

    def validate(self) -> str | None:
        if not self.username.text().strip():
            return "Enter your username."
        if not self.password.text():
            return "Enter your password."
        return None

    def service_call(self) -> ServiceCall:
        return auth.sign_in, (self._ctx, self.username.text().strip(), self.password.text()), {}

    def inputs(self) -> list:
        return [self.username, self.password]

    def _on_failed(self, exc: BaseException) -> None:
        super()._on_failed(exc)
        hint = getattr(exc, "hint", None)
        if hint:
            self.show_error(f"{exc}\n{hint}")
        self.password.clear()
        self.password.setFocus()
