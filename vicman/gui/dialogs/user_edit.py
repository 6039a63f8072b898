"""The administrator's dialogs on the Users tab: add a user, change a user's roles, reset a password.

Each writes through the runner (never on the GUI thread) and shows the service's refusal in plain words
in the dialog. Changing roles and resetting a password need a password given in the last five minutes:
when the service says it is older (`auth.ReauthenticationRequired`) the dialog asks for it again
(`ReauthenticateDialog`) and, once it is right, saves again.

Signals (from `EntryDialog`):
    saved(object): the service call returned the changed user (`users.UserView`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import (
    NOTICE_STYLE,
    EntryDialog,
    ServiceCall,
    buddy,
    make_form,
    message_label,
    password_edit,
)
from vicman.gui.dialogs.reauthenticate import ReauthenticateDialog
from vicman.gui.errors import describe_error
from vicman.gui.workers import Runner
from vicman.services import concurrency, users
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.services.people import OfficerView

ROLE_CHOICES = (
    ("officer", "&Officer", "Works their own cases (needs an officer record)"),
    ("bureau", "&Bureau", "Works the re-contact bureau queue of their division"),
    ("supervisor", "Su&pervisor", "Dip-samples entries and reads team compliance"),
    ("administrator", "Ad&ministrator", "Manages users and imports crimes"),
)


def describe_user_error(exc: BaseException) -> str:
    """The services' words about users are whole sentences already: shown without the field's name."""
    if isinstance(exc, InvalidInput) and not exc.file and exc.row is None:
        text = exc.reason.strip()
        text = text[:1].upper() + text[1:]
        return text if text.endswith((".", "!", "?")) else text + "."
    return describe_error(exc)


def reauthentication_intro(what: str) -> str:
    return (
        f"{what} changes who may do what in vicman, so it needs your password given in the last 5 minutes. "
        "Enter your password again to go ahead."
    )


def new_password_edit(name: str, accessible: str) -> QLineEdit:
    edit = password_edit(name, accessible)
    edit.setPlaceholderText(f"at least {users.MIN_PASSWORD} characters, not the username")
    return edit


def password_problem(password: str, again: str, username: str) -> str | None:
    if len(password) < users.MIN_PASSWORD:
        return f"The password must be at least {users.MIN_PASSWORD} characters long."
    if password != again:
        return "The two passwords are not the same."
    if username and password.strip().lower() == username.strip().lower():
        return "The password must not be the username."
    return None


class RoleBoxes(QWidget):
    """One tick box per role, in the order of the role table."""

    def __init__(self, ticked: Collection[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleBoxes")
        self.boxes: dict[str, QCheckBox] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for role, text, tip in ROLE_CHOICES:
            box = QCheckBox(text)
            box.setObjectName(f"{role}RoleBox")
            box.setAccessibleName(f"Role: {text.replace('&', '')}")
            box.setToolTip(tip)
            box.setChecked(role in ticked)
            self.boxes[role] = box
            layout.addWidget(box)
        layout.addStretch(1)

    def roles(self) -> tuple[str, ...]:
        return tuple(role for role, box in self.boxes.items() if box.isChecked())

    def set_roles(self, roles: Collection[str]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


class UserDialog(EntryDialog):
    """A user dialog whose save may need the password again: asked for, then saved again."""

    reauthenticate_what = "This change"

    def __init__(self, ctx: ServiceContext, runner: Runner, title: str, save_text: str, parent=None) -> None:
        super().__init__(ctx, runner, title, save_text, parent)
        self.cancel_button.setObjectName("cancelButton")
        self.reauth_dialog: ReauthenticateDialog | None = None

    def _on_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, ReauthenticationRequired):
            dialog = ReauthenticateDialog(
                self._ctx, self._runner, self.reauthenticate_what, self,
                intro=reauthentication_intro(self.reauthenticate_what),
            )  # fmt: skip
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.saved.connect(lambda _r: self._on_save_clicked())
            dialog.rejected.connect(lambda: self.show_error("Not saved: your password was not given again."))
            dialog.finished.connect(lambda _r: setattr(self, "reauth_dialog", None))
            self.reauth_dialog = dialog
            dialog.open()
            return
        self.show_error(describe_user_error(exc))


class AddUserDialog(UserDialog):
    """Add a user: username, name, roles, an officer record (which gives division and team) or a division and
    team, and a first password that they are asked to change when they first sign in."""

    reauthenticate_what = "Adding a user"

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        officers: Sequence[OfficerView],
        divisions: Sequence[str],
        linked: Collection[str] = (),
        parent=None,
    ) -> None:
        super().__init__(ctx, runner, "Add a user", "Add user", parent)
        self.setObjectName("addUserDialog")
        self.setMinimumWidth(640)
        self._officers = {o.staff_no: o for o in officers}
        intro = QLabel(
            "Add someone who may sign in to vicman. Link officers to their officer record: their division "
            "and team come from it. For everyone else give the division (and team) their work is measured from."
        )
        intro.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setObjectName("newUsernameEdit")
        self.username.setAccessibleName("Username")
        self.username.setMaxLength(64)
        self.username.setPlaceholderText("e.g. pc1234 or j.smith (letters, digits, dot, dash, underscore)")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("newDisplayNameEdit")
        self.display_name.setAccessibleName("Full name")
        self.display_name.setMaxLength(200)
        self.roles = RoleBoxes()

        self.officer = QComboBox()
        self.officer.setObjectName("officerRecordCombo")
        self.officer.setAccessibleName("Officer record")
        self.officer.addItem("Not an officer", None)
        model = self.officer.model()
        for officer in sorted(officers, key=lambda o: o.staff_no):
            taken = officer.staff_no in linked
            place = f"{officer.division} / {officer.team}" if officer.team else officer.division
            text = f"{officer.label} — {place}" + (" (has an account)" if taken else "")
            self.officer.addItem(text, officer.staff_no)
            if taken and isinstance(model, QStandardItemModel):
                item = model.item(self.officer.count() - 1)
                item.setEnabled(False)
                item.setToolTip("This officer record is linked to an account already.")
        self.division = QComboBox()
        self.division.setObjectName("newDivisionCombo")
        self.division.setAccessibleName("Division")
        self.division.setEditable(True)
        self.division.addItem("", None)
        for name in divisions:
            self.division.addItem(name, name)
        self.team = QComboBox()
        self.team.setObjectName("newTeamCombo")
        self.team.setAccessibleName("Team")
        self.team.setEditable(True)
        for combo in (self.division, self.team):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.password = new_password_edit("newPasswordEdit", "First password")
        self.confirm = new_password_edit("newPasswordAgainEdit", "First password again")
        self.confirm.setPlaceholderText("the same again")
        note = message_label(
            "firstPasswordNote",
            NOTICE_STYLE,
            "Give them this password in person. They are asked to choose their own when they first sign in.",
        )

        form = make_form()
        form.addRow(buddy("&Username", self.username), self.username)
        form.addRow(buddy("Full &name", self.display_name), self.display_name)
        form.addRow(QLabel("Roles"), self.roles)
        form.addRow(buddy("Officer &record", self.officer), self.officer)
        form.addRow(buddy("&Division", self.division), self.division)
        form.addRow(buddy("&Team", self.team), self.team)
        form.addRow(buddy("First pass&word", self.password), self.password)
        form.addRow(buddy("Password a&gain", self.confirm), self.confirm)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self.officer.currentIndexChanged.connect(self._on_officer_changed)
        self.division.currentTextChanged.connect(lambda _t: self._fill_teams())
        self._on_officer_changed()
        self.username.setFocus()

    def chosen_officer(self) -> OfficerView | None:
        staff_no = self.officer.currentData()
        return self._officers.get(staff_no) if staff_no else None

    def choose_officer(self, staff_no: str | None) -> bool:
        index = self.officer.findData(staff_no)
        if index < 0:
            return False
        self.officer.setCurrentIndex(index)
        return True

    def _on_officer_changed(self, _index: int = 0) -> None:
        officer = self.chosen_officer()
        linked = officer is not None
        self.division.setEnabled(not linked)
        self.team.setEnabled(not linked)
        if officer is not None:
            self.division.setEditText(officer.division)
            self._fill_teams()
            self.team.setEditText(officer.team or "")
            self.roles.boxes["officer"].setChecked(True)
            if not self.display_name.text().strip():
                self.display_name.setText(officer.name)
            if not self.username.text().strip():
                self.username.setText(officer.staff_no.lower())
        else:
            self.roles.boxes["officer"].setChecked(False)
        self.roles.boxes["officer"].setEnabled(linked)
        self.roles.boxes["officer"].setToolTip(
            ROLE_CHOICES[0][2] if linked else "Choose their officer record first: officers work through it."
        )

    def _fill_teams(self) -> None:
        text = self.team.currentText()
        division = self.division.currentText().strip()
        teams = sorted({o.team for o in self._officers.values() if o.team and o.division == division})
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem("")
        self.team.addItems(teams)
        self.team.setEditText(text)
        self.team.blockSignals(False)

    def validate(self) -> str | None:
        if not self.username.text().strip():
            return "Enter a username: what they will type to sign in."
        if not self.display_name.text().strip():
            return "Enter the user's full name."
        roles = self.roles.roles()
        if not roles:
            return "Tick at least one role."
        if "officer" in roles and self.chosen_officer() is None:
            return "Choose the officer record of a user with the Officer role."
        return password_problem(self.password.text(), self.confirm.text(), self.username.text())

    def service_call(self) -> ServiceCall:
        officer = self.chosen_officer()
        return (
            users.add_user,
            (self._ctx, self.username.text().strip(), self.display_name.text().strip(), self.password.text(),
             self.roles.roles()),
            {
                "staff_no": officer.staff_no if officer else None,
                "division": None if officer else self.division.currentText().strip() or None,
                "team": None if officer else self.team.currentText().strip() or None,
            },
        )  # fmt: skip

    def inputs(self) -> list:
        return [
            self.username, self.display_name, self.roles, self.officer, self.division, self.team, self.password,
            self.confirm,
        ]  # fmt: skip

    def _set_saving(self, saving: bool) -> None:
        super()._set_saving(saving)
        if not saving:
            self._follow_officer()

    def _follow_officer(self) -> None:
        """After a save that failed, the fields that follow the officer record are locked again."""
        linked = self.chosen_officer() is not None
        self.division.setEnabled(not linked)
        self.team.setEnabled(not linked)
        self.roles.boxes["officer"].setEnabled(linked)


class ChangeRolesDialog(UserDialog):
    """Tick the roles a user has; the change bites at their next action, wherever they are signed in."""

    def __init__(self, ctx: ServiceContext, runner: Runner, user: users.UserView, parent=None) -> None:
        super().__init__(ctx, runner, f"Change the roles of {user.username}", "Change roles", parent)
        self.setObjectName("changeRolesDialog")
        self.user = user
        self.reauthenticate_what = f"Changing the roles of {user.username}"
        intro = QLabel(
            f"<b>{user.display_name}</b> ({user.username}). The new roles take effect at their next action, "
            "even if they are signed in now."
        )
        intro.setWordWrap(True)
        self.roles = RoleBoxes(user.roles)
        if user.staff_no is None:
            officer = self.roles.boxes["officer"]
            officer.setEnabled(officer.isChecked())
            officer.setToolTip("Not linked to an officer record, so cannot have the Officer role.")
        form = make_form()
        form.addRow(QLabel("Roles"), self.roles)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self.roles.boxes[self.user.roles[0] if self.user.roles else "officer"].setFocus()

    def validate(self) -> str | None:
        roles = self.roles.roles()
        if not roles:
            return "Tick at least one role. To stop someone signing in, disable the account instead."
        if set(roles) == set(self.user.roles):
            return "These are the roles they have already: change one, or cancel."
        return None

    def service_call(self) -> ServiceCall:
        # Against the account as read: if another administrator changed it meanwhile, the save is refused.
        expected = {"expected_version": self.user.version} if self.user.version else {}
        return users.set_roles, (self._ctx, self.user.username, self.roles.roles()), expected

    def _on_failed(self, exc: BaseException) -> None:
        """Another administrator changed the account first: keep the ticks, save next time against theirs."""
        super()._on_failed(exc)
        if isinstance(exc, concurrency.EditConflict):
            self._runner.read(users.get_user, self._ctx, self.user.username).on_success(self._on_reread)

    def _on_reread(self, user: users.UserView) -> None:
        self.user = user

    def inputs(self) -> list:
        return [self.roles]


class ResetPasswordDialog(UserDialog):
    """Set a new password for someone who has forgotten theirs; it also lifts a lockout."""

    def __init__(self, ctx: ServiceContext, runner: Runner, user: users.UserView, parent=None) -> None:
        super().__init__(ctx, runner, f"Reset the password of {user.username}", "Reset password", parent)
        self.setObjectName("resetPasswordDialog")
        self.user = user
        self.reauthenticate_what = f"Resetting the password of {user.username}"
        intro = QLabel(
            f"<b>{user.display_name}</b> ({user.username}). Their old password stops working at once, and any "
            "lockout after failed sign-ins is lifted. They are asked to choose their own password when they "
            "next sign in."
        )
        intro.setWordWrap(True)
        self.password = new_password_edit("resetPasswordEdit", "New password")
        self.confirm = new_password_edit("resetPasswordAgainEdit", "New password again")
        self.confirm.setPlaceholderText("the same again")
        form = make_form()
        form.addRow(buddy("&New password", self.password), self.password)
        form.addRow(buddy("Password a&gain", self.confirm), self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        self.password.setFocus()

    def validate(self) -> str | None:
        return password_problem(self.password.text(), self.confirm.text(), self.user.username)

    def service_call(self) -> ServiceCall:
        return users.reset_password, (self._ctx, self.user.username, self.password.text()), {}

    def inputs(self) -> list:
        return [self.password, self.confirm]
