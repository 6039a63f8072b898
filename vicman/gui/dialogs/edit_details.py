"""Edit a victim's details. If someone else saved first, say what they changed, reload the form, and keep
what this person typed on top of it, so they can check it against the other change and save again.

Signals (besides `saved(object)`, the new version number):
    reloaded(object): the form was refilled from a freshly read `VictimRecord` after an edit conflict.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import ContactMethod
from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, describe, make_form
from vicman.gui.formatting import METHOD_LABELS
from vicman.gui.workers import Runner
from vicman.services import casework, concurrency, records
from vicman.services.context import ServiceContext
from vicman.services.record_views import VictimRecord
from vicman.services.satisfaction import ethnicity_groups

NOT_RECORDED = "Not recorded"
NOT_ASKED = "Not asked"
RELOADED = "The form now shows the details as they are saved. Make your change again if it is still needed, then save."
KEPT = (
    "The form now shows the details as they are saved, with your changes kept on top ({fields}). "
    "Check them against the other change, then save again, or cancel."
)
BOTH_CHANGED = "You both changed {field}: saved now: {theirs}; yours, in the form: {yours}."
FIELD_LABELS = {
    "name": "the name",
    "dob": "the date of birth",
    "phone": "the phone number",
    "email": "the email address",
    "address": "the address",
    "language": "the language",
    "interpreter_needed": "the interpreter need",
    "ethnicity": "the ethnicity",
    "preferred_method": "the preferred contact method",
    "safe_times": "the safe times",
    "may_leave_messages": "whether messages may be left",
    "safe_channel": "the safe channel",
}


class EditDetailsDialog(EntryDialog):
    """The person's own details (not the crime's). Only the fields changed are sent."""

    reloaded = Signal(object)

    def __init__(self, ctx: ServiceContext, runner: Runner, record: VictimRecord, parent=None) -> None:
        super().__init__(ctx, runner, "Edit victim's details", "Save details", parent)
        self.setObjectName("editDetailsDialog")
        self.setMinimumWidth(860)
        self.person_ref = record.person_ref
        self.record = record

        self.name = self._line("nameEdit", "Name")
        self.dob_known = QCheckBox("Known")
        self.dob_known.setObjectName("dobKnownCheck")
        self.dob_known.setAccessibleName("Date of birth known")
        self.dob = QDateEdit()
        self.dob.setObjectName("dobEdit")
        self.dob.setAccessibleName("Date of birth")
        self.dob.setDisplayFormat("dd/MM/yyyy")
        self.dob.setCalendarPopup(True)
        self.dob_known.toggled.connect(self.dob.setEnabled)
        self.phone = self._line("phoneEdit", "Phone number")
        self.email = self._line("emailEdit", "Email address")
        self.address = QPlainTextEdit()
        self.address.setObjectName("addressEdit")
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(84)
        self.language = self._line("languageEdit", "Language")
        self.interpreter = QCheckBox("Needs an interpreter")
        self.interpreter.setObjectName("interpreterCheck")
        self.interpreter.setAccessibleName("Needs an interpreter")
        self.ethnicity = self._line("ethnicityEdit", "Ethnicity (self-defined)")
        self.ethnicity.setPlaceholderText("Type to choose a 2021 census group, or the victim's own words")
        suggestions = QCompleter(list(ethnicity_groups().census_2021), self.ethnicity)
        suggestions.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        suggestions.setFilterMode(Qt.MatchFlag.MatchContains)
        self.ethnicity.setCompleter(suggestions)
        self.method = QComboBox()
        self.method.setObjectName("methodCombo")
        self.method.setAccessibleName("Preferred contact method")
        self.method.addItem(NOT_RECORDED, None)
        for m in ContactMethod:
            self.method.addItem(METHOD_LABELS.get(m.value, m.value), m.value)
        self.safe_times = self._line("safeTimesEdit", "Safe times to contact")
        self.safe_times.setPlaceholderText("e.g. weekdays after 6pm; never Saturdays")
        self.messages = QComboBox()
        self.messages.setObjectName("messagesCombo")
        self.messages.setAccessibleName("May messages be left")
        for text, value in ((NOT_RECORDED, None), ("Yes", True), ("No: never leave a message", False)):
            self.messages.addItem(text, value)
        self.safe_channel = QComboBox()
        self.safe_channel.setObjectName("safeChannelCombo")
        self.safe_channel.setAccessibleName("Safe contact channel")
        self.safe_channel.setToolTip(
            "The one channel the victim says is safe to use (domestic abuse: only this channel is used, "
            "and only its detail goes to Victim Support)."
        )
        self.safe_channel.addItem(NOT_ASKED, None)
        for m in ContactMethod:
            self.safe_channel.addItem(METHOD_LABELS.get(m.value, m.value), m.value)

        dob_row = QHBoxLayout()
        dob_row.addWidget(self.dob_known)
        dob_row.addWidget(self.dob)
        dob_row.addStretch(1)
        left = make_form()
        left.addRow(buddy("&Name:", self.name), self.name)
        left.addRow(buddy("Date of &birth:", self.dob_known), dob_row)
        left.addRow(buddy("&Phone:", self.phone), self.phone)
        left.addRow(buddy("E&mail:", self.email), self.email)
        left.addRow(buddy("&Address:", self.address), self.address)
        right = make_form()
        right.addRow(buddy("&Language:", self.language), self.language)
        right.addRow(buddy("&Interpreter:", self.interpreter), self.interpreter)
        right.addRow(buddy("E&thnicity:", self.ethnicity), self.ethnicity)
        right.addRow(buddy("Prefers &contact by:", self.method), self.method)
        right.addRow(buddy("&Safe times:", self.safe_times), self.safe_times)
        right.addRow(buddy("Messa&ges:", self.messages), self.messages)
        right.addRow(buddy("Sa&fe channel:", self.safe_channel), self.safe_channel)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        intro = QLabel(
            f"Details of {record.name} ({record.person_ref}). Every change is kept in the record with its "
            "before and after values."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.load(record)
        self.name.setFocus()

    @staticmethod
    def _line(name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    # --- values -------------------------------------------------------------------------------

    def load(self, record: VictimRecord) -> None:
        """Fill the form from `record` and take its version as the one to save over."""
        self.record = record
        self.name.setText(record.name)
        self.dob_known.setChecked(record.dob is not None)
        self.dob.setEnabled(record.dob is not None)
        born = record.dob or date(1980, 1, 1)
        self.dob.setDate(QDate(born.year, born.month, born.day))
        self.phone.setText(record.phone or "")
        self.email.setText(record.email or "")
        self.address.setPlainText(record.address or "")
        self.language.setText(record.language or "")
        self.interpreter.setChecked(record.interpreter_needed)
        self.ethnicity.setText(record.ethnicity or "")
        self.method.setCurrentIndex(max(self.method.findData(record.preferred_method), 0))
        self.messages.setCurrentIndex(max(self.messages.findData(record.may_leave_messages), 0))
        self.safe_times.setText(record.safe_times or "")
        for edit in (self.name, self.phone, self.email, self.language, self.ethnicity, self.safe_times):
            edit.setCursorPosition(0)  # show a long value from its start, not its end
        self.safe_channel.setCurrentIndex(max(self.safe_channel.findData(record.safe_channel), 0))

    def apply_values(self, values: dict[str, Any]) -> None:
        """Put `values` (as `values()` gives them) into the form, leaving the other fields alone."""
        setters = {
            "name": lambda v: self.name.setText(v or ""),
            "phone": lambda v: self.phone.setText(v or ""),
            "email": lambda v: self.email.setText(v or ""),
            "address": lambda v: self.address.setPlainText(v or ""),
            "language": lambda v: self.language.setText(v or ""),
            "interpreter_needed": lambda v: self.interpreter.setChecked(bool(v)),
            "ethnicity": lambda v: self.ethnicity.setText(v or ""),
            "preferred_method": lambda v: self.method.setCurrentIndex(max(self.method.findData(v), 0)),
            "safe_times": lambda v: self.safe_times.setText(v or ""),
            "may_leave_messages": lambda v: self.messages.setCurrentIndex(max(self.messages.findData(v), 0)),
            "safe_channel": lambda v: self.safe_channel.setCurrentIndex(max(self.safe_channel.findData(v), 0)),
        }
        for field, value in values.items():
            if field == "dob":
                self.dob_known.setChecked(value is not None)
                self.dob.setEnabled(value is not None)
                if value is not None:
                    self.dob.setDate(QDate(value.year, value.month, value.day))
            elif field in setters:
                setters[field](value)

    def values(self) -> dict[str, Any]:
        d = self.dob.date()
        return {
            "name": self.name.text().strip(),
            "dob": date(d.year(), d.month(), d.day()) if self.dob_known.isChecked() else None,
            "phone": self.phone.text().strip() or None,
            "email": self.email.text().strip() or None,
            "address": self.address.toPlainText().strip() or None,
            "language": self.language.text().strip() or None,
            "interpreter_needed": self.interpreter.isChecked(),
            "ethnicity": self.ethnicity.text().strip() or None,
            "preferred_method": self.method.currentData(),
            "safe_times": self.safe_times.text().strip() or None,
            "may_leave_messages": self.messages.currentData(),
            "safe_channel": self.safe_channel.currentData(),
        }

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.values().items() if getattr(self.record, k) != v}

    def inputs(self) -> list[QWidget]:
        return [
            self.name,
            self.dob_known,
            self.phone,
            self.email,
            self.address,
            self.language,
            self.interpreter,
            self.ethnicity,
            self.method,
            self.safe_times,
            self.messages,
            self.safe_channel,
        ]

    def _set_saving(self, saving: bool) -> None:
        super()._set_saving(saving)
        if not saving:
            self.dob.setEnabled(self.dob_known.isChecked())
        else:
            self.dob.setEnabled(False)

    def validate(self) -> str | None:
        if not self.name.text().strip():
            return "The victim's name cannot be blank."
        if self.dob_known.isChecked() and self.values()["dob"] > self._ctx.today():
            return "The date of birth is in the future."
        if not self.changes():
            return "Nothing has been changed."
        return None

    def service_call(self) -> ServiceCall:
        return casework.update_person_details, (self._ctx, self.person_ref, self.record.version), self.changes()

    # --- someone else saved first -------------------------------------------------------------

    def _on_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, casework.EditConflict):
            super()._on_failed(exc)
            return
        conflict = "\n".join(
            [exc.headline, "Their change:", *(f"• {concurrency.describe_change(c)}" for c in exc.changes)]
        )
        mine, opened = self.changes(), self.record
        self.show_error(conflict)
        self._set_saving(True)
        self.save_button.setText("Reloading…")
        self._runner.write(records.open_victim_record, self._ctx, self.person_ref, consult=False).on_success(
            lambda record: self._on_reloaded(record, conflict, mine, opened)
        ).on_failure(self._on_reload_failed)

    def _on_reloaded(self, record: VictimRecord, conflict: str, mine: dict[str, Any], opened: VictimRecord) -> None:
        """Show the details as saved now, with this person's changes put back on top of them."""
        self._set_saving(False)
        self.load(record)
        self.apply_values(mine)
        kept = {field: value for field, value in mine.items() if getattr(record, field) != value}
        lines = [conflict]
        for field, value in kept.items():
            if getattr(record, field) != getattr(opened, field):
                lines.append(
                    BOTH_CHANGED.format(
                        field=FIELD_LABELS.get(field, field),
                        theirs=_shown(getattr(record, field)),
                        yours=_shown(value),
                    )
                )
        if kept:
            lines.append(KEPT.format(fields=", ".join(FIELD_LABELS.get(f, f) for f in kept)))
        else:
            lines.append(RELOADED)
        self.show_error("\n\n".join(lines))
        self.adjustSize()  # the message is several lines long: grow rather than clip it
        self.reloaded.emit(record)

    def _on_reload_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        self.show_error(f"{self.error.text()}\n\nThe record could not be read again: {describe(exc)}")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
