"""Where an officer's reminders go: away (with a deputy, or to the bureau mailbox), back, or left.

Opened from the Mail tab's list of officers with no working address. The officer's current absence is read
when the dialog opens; saving calls `officers.set_away`, `officers.clear_away` or `officers.mark_left`
(checked as `officers.manage`, audited) on the runner's write thread.

Signals (from `EntryDialog`):
    saved(object): the change was saved; the argument is the officer's `OfficerAbsence` afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, make_form
from vicman.gui.formatting import uk_date
from vicman.gui.workers import Runner
from vicman.services import concurrency, officers
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView

NO_DEPUTY = "No deputy: the division's bureau mailbox"

AWAY, BACK, LEFT = "away", "back", "left"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _date_edit(name: str, accessible: str, day: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setDate(_qdate(day))
    return edit


class OfficerAwayDialog(EntryDialog):
    """Mark `staff_no` away with a deputy, back, or left."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        staff_no: str,
        name: str,
        colleagues: Sequence[OfficerView] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, runner, f"Away, deputy or left: {staff_no} {name}", "&Save", parent)
        self.setObjectName("officerAwayDialog")
        self.save_button.setAccessibleName("Save")
        self.cancel_button.setObjectName("cancelButton")
        self.staff_no = staff_no
        self.loaded: officers.OfficerAbsence | None = None
        today = ctx.today()

        self.current = QLabel("Reading where their reminders go…")
        self.current.setObjectName("officerAwayCurrent")
        self.current.setAccessibleName("Where their reminders go now")
        self.current.setWordWrap(True)

        self.away_choice = QRadioButton("&Away: their reminders go to a deputy while they are away")
        self.away_choice.setObjectName("awayChoice")
        self.away_choice.setAccessibleName("Away")
        self.back_choice = QRadioButton("&Back: their reminders go to them again")
        self.back_choice.setObjectName("backChoice")
        self.back_choice.setAccessibleName("Back")
        self.left_choice = QRadioButton("&Left the force or the role: their reminders go to the bureau mailbox")
        self.left_choice.setObjectName("leftChoice")
        self.left_choice.setAccessibleName("Left")
        self.choices = QButtonGroup(self)
        for button in (self.away_choice, self.back_choice, self.left_choice):
            self.choices.addButton(button)
        self.away_choice.setChecked(True)

        self.from_edit = _date_edit("awayFromEdit", "First day away", today)
        self.until_edit = _date_edit("awayUntilEdit", "Last day away", today + timedelta(days=7))
        self.deputy = QComboBox()
        self.deputy.setObjectName("deputyCombo")
        self.deputy.setAccessibleName("Deputy")
        self.deputy.addItem(NO_DEPUTY, None)
        for officer in sorted(colleagues, key=lambda o: (o.division, o.name.casefold())):
            if officer.staff_no != staff_no and officer.active:
                self.deputy.addItem(f"{officer.label} ({officer.division})", officer.staff_no)
        self.left_edit = _date_edit("leftOnEdit", "Left on", today)

        form = make_form()
        form.addRow(buddy("&From", self.from_edit), self.from_edit)
        form.addRow(buddy("&Until (included)", self.until_edit), self.until_edit)
        form.addRow(buddy("&Deputy", self.deputy), self.deputy)
        left_form = make_form()
        left_form.addRow(buddy("Left &on", self.left_edit), self.left_edit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.away_choice)
        layout.addLayout(form)
        layout.addWidget(self.back_choice)
        layout.addWidget(self.left_choice)
        layout.addLayout(left_form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.choices.buttonToggled.connect(lambda *_: self._update_fields())
        self._update_fields()
        runner.read(officers.get_absence, ctx, staff_no).on_success(self._on_loaded).on_failure(
            lambda exc: self.current.setText("Could not read where their reminders go now.")
        )

    # --- the form ------------------------------------------------------------------------------

    def choice(self) -> str:
        if self.back_choice.isChecked():
            return BACK
        if self.left_choice.isChecked():
            return LEFT
        return AWAY

    def choose_deputy(self, staff_no: str | None) -> bool:
        index = self.deputy.findData(staff_no)
        if index < 0:
            return False
        self.deputy.setCurrentIndex(index)
        return True

    def _update_fields(self) -> None:
        away = self.choice() == AWAY
        for widget in (self.from_edit, self.until_edit, self.deputy):
            widget.setEnabled(away and not self.saving)
        self.left_edit.setEnabled(self.choice() == LEFT and not self.saving)

    def _on_loaded(self, absence: officers.OfficerAbsence) -> None:
        self.loaded = absence
        self.current.setText(describe_absence(absence))
        if absence.away_from is not None:
            self.from_edit.setDate(_qdate(absence.away_from))
        if absence.away_until is not None:
            self.until_edit.setDate(_qdate(absence.away_until))
        self.choose_deputy(absence.deputy_staff_no)
        if absence.left_on is not None:
            self.left_edit.setDate(_qdate(absence.left_on))
            self.left_choice.setChecked(True)  # start from how things stand: this officer has left

    def validate(self) -> str | None:
        if self.choice() == AWAY and _day(self.until_edit) < _day(self.from_edit):
            return "The last day away is before the first."
        return None

    def service_call(self) -> ServiceCall:
        choice = self.choice()
        # Saved against the absence as read: if someone changed it meanwhile, the save is refused (see _on_failed).
        seen = {"expected": self.loaded} if self.loaded is not None else {}
        if choice == AWAY:
            days = (_day(self.from_edit), _day(self.until_edit))
            return officers.set_away, (self._ctx, self.staff_no, *days, self.deputy.currentData()), seen
        if choice == BACK:
            return officers.clear_away, (self._ctx, self.staff_no), seen
        return officers.mark_left, (self._ctx, self.staff_no, _day(self.left_edit)), seen

    def _on_failed(self, exc: BaseException) -> None:
        """Someone else changed the absence first: show theirs as it stands now, keep this person's choices."""
        super()._on_failed(exc)
        if isinstance(exc, concurrency.EditConflict):
            self._runner.read(officers.get_absence, self._ctx, self.staff_no).on_success(self._on_reread)

    def _on_reread(self, absence: officers.OfficerAbsence) -> None:
        self.loaded = absence
        self.current.setText(f"Now: {describe_absence(absence)}")

    def inputs(self) -> list:
        return [self.away_choice, self.back_choice, self.left_choice, self.from_edit, self.until_edit, self.deputy,
                self.left_edit]  # fmt: skip

    def _set_saving(self, saving: bool) -> None:
        super()._set_saving(saving)
        if not saving:
            self._update_fields()


def describe_absence(absence: officers.OfficerAbsence) -> str:
    """Where an officer's reminders go now, in words."""
    parts = []
    if absence.left_on is not None:
        parts.append(f"Left on {uk_date(absence.left_on)}.")
    if absence.away_from is not None or absence.away_until is not None:
        deputy = f"deputy {absence.deputy_staff_no} {absence.deputy_name}" if absence.deputy_staff_no else "no deputy"
        parts.append(f"Away {uk_date(absence.away_from)} to {uk_date(absence.away_until)}, {deputy}.")
    if not absence.email:
        parts.append("No email address: their reminders go to the division's bureau mailbox.")
    if not parts:
        parts.append(f"In: their reminders go to {absence.email}.")
    return " ".join(parts)
