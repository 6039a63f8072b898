"""The settings administrators change (`settings.change`): the mail server (host, port, STARTTLS, user name,
password, From address), how many working days before an overdue duty is escalated, and each division's
bureau mailbox. Calls `vicman.services.settings` on the runner.

The password field is write-only: it never shows what is stored, only whether one is (kept in the
operating system's keyring, never in the database); typing a new one replaces it, "Remove the stored
password" clears it. Everything is checked before anything is saved, so a bad value saves nothing.

Signals:
    settings_loaded(): the form shows the stored settings (or why they could not be read).
    settings_saved(str): the changes were saved; the argument says what (for the status bar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import ERROR_STYLE, NOTICE_STYLE, buddy, make_form, message_label, password_edit
from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural
from vicman.gui.views.record_common import make_button
from vicman.gui.workers import Runner
from vicman.services import concurrency, mail, settings
from vicman.services.context import ServiceContext

HOST, PORT, STARTTLS = settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_STARTTLS
USERNAME, PASSWORD, SENDER = settings.SMTP_USERNAME, settings.SMTP_PASSWORD, settings.SMTP_FROM
ESCALATE = settings.ESCALATE_AFTER_DAYS
MAILBOX = settings.BUREAU_MAILBOX


def save_settings(
    ctx: ServiceContext, changes: Sequence[tuple[str, str]], expected: Mapping[str, str | None] | None = None
) -> list[settings.Setting]:
    """Check every change first, then save them all in one go (nothing is saved if one is wrong or someone
    else changed one since the form was filled from `expected`); the settings after."""
    for key, value in changes:
        spec = settings.spec_for(key)
        if value.strip() and not spec.secret:
            spec.check(key, value)
    return settings.set_settings(ctx, changes, expected)


class SettingsView(QWidget):
    settings_loaded = Signal()
    settings_saved = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsView")
        self.setAccessibleName("Settings")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self.loading = False
        self.saving = False
        self.testing = False
        self.stored: dict[str, settings.Setting] = {}
        self.mailbox_edits: dict[str, QLineEdit] = {}
        self._can_clear = False

        self.host = self._line("smtpHostEdit", "Mail server", "smtp.example.org")
        self.port = QSpinBox()
        self.port.setObjectName("smtpPortSpin")
        self.port.setAccessibleName("Mail server port")
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.starttls = QCheckBox("Re&quire STARTTLS: encrypt before logging in or sending, and never send in clear")
        self.starttls.setObjectName("smtpStarttlsCheck")
        self.starttls.setAccessibleName("Require STARTTLS")
        self.starttls.setChecked(True)
        self.username = self._line("smtpUsernameEdit", "Mail server user name", "empty: no login")
        self.password = password_edit("smtpPasswordEdit", "Mail server password (write only)")
        self.clear_password = QCheckBox("Remove the stored password")
        self.clear_password.setObjectName("smtpPasswordClearCheck")
        self.clear_password.setAccessibleName("Remove the stored password")
        self.sender = self._line("smtpFromEdit", "From address", "Vicman <vicman@force.example.uk>")
        self.escalate = QSpinBox()
        self.escalate.setObjectName("escalateDaysSpin")
        self.escalate.setAccessibleName("Working days overdue before the supervisor is told")
        self.escalate.setRange(1, 365)
        self.escalate.setValue(2)
        self.escalate.setSuffix(" working days")

        mail_box = QGroupBox("Mail server")
        mail_box.setObjectName("mailServerBox")
        form = make_form()
        form.addRow(buddy("Hos&t", self.host), self.host)
        form.addRow(buddy("P&ort", self.port), self.port)
        form.addRow("", self.starttls)
        form.addRow(buddy("User name (lo&gin)", self.username), self.username)
        form.addRow(buddy("&Password", self.password), self.password)
        form.addRow("", self.clear_password)
        form.addRow(QLabel("From"), self.sender)
        mail_box.setLayout(form)

        reminders_box = QGroupBox("Reminders")
        reminders_box.setObjectName("remindersBox")
        reminders_form = make_form()
        reminders_form.addRow(buddy("Es&calate after", self.escalate), self.escalate)
        self.mailbox_form = make_form()
        self.mailbox_note = QLabel(
            "Bureau mailboxes: where an officer's reminders go when they have no email address, have left, or "
            "are away with no deputy; and escalations where a team has no supervisor."
        )
        self.mailbox_note.setObjectName("bureauMailboxNote")
        self.mailbox_note.setWordWrap(True)
        box_layout = QVBoxLayout(reminders_box)
        box_layout.addLayout(reminders_form)
        box_layout.addWidget(self.mailbox_note)
        box_layout.addLayout(self.mailbox_form)

        self.save_button = make_button(
            "Save settings", "saveSettingsButton", "Save settings", "Save the changes (Ctrl+S)"
        )
        self.reload_button = make_button(
            "Undo changes", "reloadSettingsButton", "Undo changes", "Show the stored settings again"
        )
        self.save_button.clicked.connect(self.save)
        save = QShortcut(QKeySequence("Ctrl+S"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        self.reload_button.clicked.connect(lambda: self.refresh())
        self.test_address = self._line("testAddressEdit", "Send a test message to", "your.name@force.example.uk")
        self.test_button = make_button(
            "Send test message", "sendTestButton", "Send test message",
            "Send a short message now with the saved settings, to check them",
        )  # fmt: skip
        self.test_button.clicked.connect(self.send_test)
        self.error = message_label("settingsError", ERROR_STYLE, accessible="Why the settings were not saved")
        self.done = message_label("settingsNotice", NOTICE_STYLE, accessible="What happened")

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        test = QHBoxLayout()
        test.addWidget(QLabel("Test address"))
        test.addWidget(self.test_address, 1)
        test.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.addWidget(mail_box)
        layout.addWidget(reminders_box)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.done)
        layout.addLayout(test)
        layout.addStretch(1)
        self._set_enabled(False)

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(254)
        return edit

    # --- reading ---------------------------------------------------------------------------------

    def activate(self) -> None:
        self.clear()
        self.refresh()

    def clear(self) -> None:
        self._generation += 1
        self.loading = self.saving = self.testing = False
        self.stored = {}
        for edit in (self.host, self.username, self.password, self.sender, self.test_address):
            edit.clear()
        self.clear_password.setChecked(False)
        self._fill_mailboxes([])
        self.error.hide()
        self.done.hide()
        self._set_enabled(False)

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True
        self._runner.read(settings.list_settings, self._ctx).on_success(
            lambda found, g=generation: self._on_loaded(g, found)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc, "The settings could not be read."))

    def _on_loaded(self, generation: int, found: list[settings.Setting]) -> None:
        if generation != self._generation:
            return
        self.loading = self.saving = False
        self.stored = {s.key: s for s in found}
        self.host.setText(self._stored(HOST))
        self.port.setValue(int(self._effective(PORT) or 587))
        self.starttls.setChecked(self._effective(STARTTLS) != "false")
        self.username.setText(self._stored(USERNAME))
        self.password.clear()
        secret = self.stored.get(PASSWORD)
        where = {"keyring": "in the keyring", "environment": f"from {settings.PASSWORD_ENV}"}
        self.password.setPlaceholderText(
            f"Set ({where.get(secret.stored_in, secret.stored_in)}): type a new one to replace it"
            if secret is not None and secret.is_set else "Not set"
        )  # fmt: skip
        self.clear_password.setChecked(False)
        self._can_clear = secret is not None and secret.stored_in == "keyring"
        self.sender.setText(self._stored(SENDER))
        self.escalate.setValue(int(self._effective(ESCALATE) or 2))
        self._fill_mailboxes([s for s in found if s.key.startswith(MAILBOX)])
        self._set_enabled(True)
        self.settings_loaded.emit()

    def _stored(self, key: str) -> str:
        found = self.stored.get(key)
        return found.value or "" if found is not None else ""

    def _effective(self, key: str) -> str | None:
        found = self.stored.get(key)
        return found.effective if found is not None else None

    def _fill_mailboxes(self, mailboxes: list[settings.Setting]) -> None:
        while self.mailbox_form.rowCount():
            self.mailbox_form.removeRow(0)
        self.mailbox_edits = {}
        for setting in mailboxes:
            division = setting.key[len(MAILBOX) :]
            edit = self._line(f"bureauMailboxEdit_{division}", f"Bureau mailbox for {division}",
                              f"bureau.{division.lower()}@force.example.uk")  # fmt: skip
            edit.setText(setting.value or "")
            self.mailbox_edits[division] = edit
            self.mailbox_form.addRow(buddy(division, edit), edit)

    # --- saving ----------------------------------------------------------------------------------

    def changes(self) -> list[tuple[str, str]]:
        """What differs from the stored settings, as (key, value); an empty value unsets a key."""
        wanted: list[tuple[str, str]] = []

        def differs(key: str, value: str, stored: str | None) -> None:
            if value != (stored or ""):
                wanted.append((key, value))

        differs(HOST, self.host.text().strip(), self._stored(HOST))
        if str(self.port.value()) != (self._effective(PORT) or ""):
            wanted.append((PORT, str(self.port.value())))
        starttls = "true" if self.starttls.isChecked() else "false"
        if starttls != (self._effective(STARTTLS) or "true"):
            wanted.append((STARTTLS, starttls))
        differs(USERNAME, self.username.text().strip(), self._stored(USERNAME))
        if self.clear_password.isChecked():
            wanted.append((PASSWORD, ""))
        elif self.password.text():
            wanted.append((PASSWORD, self.password.text()))
        differs(SENDER, self.sender.text().strip(), self._stored(SENDER))
        if str(self.escalate.value()) != (self._effective(ESCALATE) or ""):
            wanted.append((ESCALATE, str(self.escalate.value())))
        for division, edit in self.mailbox_edits.items():
            differs(MAILBOX + division, edit.text().strip(), self._stored(MAILBOX + division))
        return wanted

    def save(self) -> None:
        if self.saving or self.loading:
            return
        wanted = self.changes()
        self.error.hide()
        self.done.hide()
        if not wanted:
            self._show(self.done, "Nothing to save: the settings are as stored.")
            return
        self.saving = True
        self._set_enabled(False)
        generation = self._generation
        keys = [key for key, _ in wanted]
        seen = {key: self.stored[key].value for key in keys if key in self.stored and not self.stored[key].secret}
        self._runner.write(save_settings, self._ctx, wanted, seen).on_success(
            lambda found, g=generation: self._on_saved(g, found, keys)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc, "Nothing was saved."))

    def _on_saved(self, generation: int, found: list[settings.Setting], keys: list[str]) -> None:
        if generation != self._generation:
            return
        self._on_loaded(generation, found)
        text = f"Saved {plural(len(keys), 'setting')}: {', '.join(keys)}."
        self._show(self.done, text)
        self.settings_saved.emit(text)

    def _on_failed(self, generation: int, exc: BaseException, what: str) -> None:
        if generation != self._generation:
            return
        self.loading = self.saving = self.testing = False
        # A conflict says itself that nothing was saved.
        said = describe_error(exc)
        self._show(self.error, said if isinstance(exc, concurrency.EditConflict) else f"{what} {said}")
        self._set_enabled(bool(self.stored))
        if isinstance(exc, concurrency.EditConflict):
            # Someone else saved first: compare with theirs from now on, and keep what was typed here.
            self._runner.read(settings.list_settings, self._ctx).on_success(
                lambda found: self.stored.update({s.key: s for s in found})
            )

    # --- a test message --------------------------------------------------------------------------

    def send_test(self) -> None:
        address = self.test_address.text().strip()
        if self.testing or not address:
            if not address:
                self._show(self.error, "Type the address to send the test message to.")
            return
        self.testing = True
        self.test_button.setEnabled(False)
        self.error.hide()
        generation = self._generation
        self._runner.write(mail.send_test, self._ctx, address).on_success(
            lambda _r, g=generation: self._on_tested(g, address)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc, "The test message was not sent."))

    def _on_tested(self, generation: int, address: str) -> None:
        if generation != self._generation:
            return
        self.testing = False
        self.test_button.setEnabled(True)
        self._show(self.done, f"Test message sent to {address}: check that it arrived.")

    # --- helpers ---------------------------------------------------------------------------------

    def _show(self, label: QLabel, text: str) -> None:
        if shiboken6.isValid(label):
            label.setText(text)
            label.setVisible(bool(text))

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.host, self.port, self.starttls, self.username, self.password, self.sender,
                       self.escalate, self.save_button, self.reload_button, *self.mailbox_edits.values()):  # fmt: skip
            widget.setEnabled(enabled)
        self.clear_password.setEnabled(enabled and self._can_clear)
        self.test_button.setEnabled(enabled and not self.testing)
