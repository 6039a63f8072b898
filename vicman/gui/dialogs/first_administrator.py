"""The first run on a database with no users: create the administrator (who may also be an officer)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout

from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, make_form, password_edit
from vicman.gui.workers import Runner
from vicman.services import auth
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView

MIN_PASSWORD = 12


class FirstAdministratorDialog(EntryDialog):
    """Emits `saved(SignedIn)`: the account exists and its owner is signed in."""

    def __init__(self, ctx: ServiceContext, runner: Runner, officers: Sequence[OfficerView], parent=None) -> None:
        super().__init__(ctx, runner, "Create the administrator", "Create and sign in", parent)
        self.setObjectName("firstAdministratorDialog")
        intro = QLabel(
            "<b>This database has no users yet.</b> Create the administrator's account now: the administrator "
            "adds the other users. If you will also work cases on this computer, link the account to your "
            "officer record and tick the roles you need."
        )
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("usernameEdit")
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("e.g. j.smith (letters, digits, dot, dash)")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayNameEdit")
        self.display_name.setAccessibleName("Full name")
        self.password = password_edit("passwordEdit")
        self.password.setPlaceholderText(f"at least {MIN_PASSWORD} characters")
        self.confirm = password_edit("confirmEdit", "Password again")
        self.officer = QComboBox()
        self.officer.setObjectName("officerCombo")
        self.officer.setAccessibleName("Your officer record")
        self.officer.addItem("Not an officer (administration only)", None)
        for officer in officers:
            self.officer.addItem(f"{officer.label} — {officer.division}", officer.staff_no)
        self.role_boxes: dict[str, QCheckBox] = {}
        roles_row = QHBoxLayout()
        for role, text in (("officer", "Officer"), ("bureau", "Bureau"), ("supervisor", "Supervisor")):
            box = QCheckBox(text)
            box.setObjectName(f"{role}Role")
            box.setAccessibleName(f"Also {text.lower()}")
            self.role_boxes[role] = box
            roles_row.addWidget(box)
        roles_row.addStretch(1)
        self.officer.currentIndexChanged.connect(self._on_officer_changed)

        form = make_form()
        form.addRow(buddy("&Username", self.username), self.username)
        form.addRow(buddy("Full &name", self.display_name), self.display_name)
        form.addRow(buddy("&Password", self.password), self.password)
        form.addRow(buddy("Password &again", self.confirm), self.confirm)
        form.addRow(buddy("&Officer record", self.officer), self.officer)
        form.addRow(QLabel("Also works as"), roles_row)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self._on_officer_changed()
        self.username.setFocus()

    def _on_officer_changed(self, _index: int = 0) -> None:
        linked = self.officer.currentData() is not None
        for box in self.role_boxes.values():
            box.setEnabled(linked)
            if not linked:
                box.setChecked(False)
        if linked and not any(b.isChecked() for b in self.role_boxes.values()):
            self.role_boxes["officer"].setChecked(True)

    def extra_roles(self) -> tuple[str, ...]:
        return tuple(role for role, box in self.role_boxes.items() if box.isChecked())

    def validate(self) -> str | None:
        if not self.username.text().strip():
            return "Enter a username."
        if not self.display_name.text().strip():
            return "Enter the administrator's full name."
        if len(self.password.text()) < MIN_PASSWORD:
            return f"The password must be at least {MIN_PASSWORD} characters long."
        if self.password.text() != self.confirm.text():
            return "The two passwords are not the same."
        return None

    def service_call(self) -> ServiceCall:
        return (
            auth.create_first_administrator,
            (self._ctx, self.username.text().strip(), self.display_name.text().strip(), self.password.text()),
            {"staff_no": self.officer.currentData(), "extra_roles": self.extra_roles()},
        )

    def inputs(self) -> list:
        return [self.username, self.display_name, self.password, self.confirm, self.officer, *self.role_boxes.values()]
