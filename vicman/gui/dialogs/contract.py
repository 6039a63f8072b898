"""The contact contract agreed with the victim: how often, how, when it is safe, messages, and the VPS offer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import ContactMethod
from vicman.gui.dialogs.common import EntryDialog, ServiceCall, buddy, make_form, make_when_edit, moment_of, when_row
from vicman.gui.formatting import METHOD_LABELS
from vicman.gui.workers import Runner
from vicman.services import casework
from vicman.services.context import ServiceContext
from vicman.services.record_views import ContractView, VictimRecord

VPS_LABELS = {
    "accepted": "Accepted: they will make a statement",
    "declined": "Declined",
    "undecided": "Not decided yet",
}


class ContractDialog(EntryDialog):
    """Agree how the victim is kept informed. The update period drives when the next update falls due."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        crime_ref: str,
        record: VictimRecord,
        current: ContractView | None = None,
        parent=None,
    ) -> None:
        super().__init__(ctx, runner, "Contact contract", "Save contract", parent)
        self.setObjectName("contractDialog")
        self.setMinimumWidth(640)
        self.crime_ref = crime_ref
        self.person_ref = record.person_ref

        intro = QLabel(
            f"Agree with {record.name} ({record.person_ref}) how they want to be kept informed about crime "
            f"{crime_ref}. The next update falls due one period after the last update (or the report)."
        )
        intro.setWordWrap(True)

        # How often
        self.frequency = QButtonGroup(self)
        self.monthly = QRadioButton("Every &month (the Code's default)")
        self.monthly.setObjectName("monthlyRadio")
        self.monthly.setAccessibleName("Every month")
        self.every_days_radio = QRadioButton("Every")
        self.every_days_radio.setObjectName("everyDaysRadio")
        self.every_days_radio.setAccessibleName("Every so many days")
        self.every_days = self._spin("everyDaysSpin", "Number of days between updates", 1, 366, 14)
        self.every_months_radio = QRadioButton("Every")
        self.every_months_radio.setObjectName("everyMonthsRadio")
        self.every_months_radio.setAccessibleName("Every so many months")
        self.every_months = self._spin("everyMonthsSpin", "Number of months between updates", 1, 12, 2)
        self.opt_out = QRadioButton("No updates: the victim &opted out")
        self.opt_out.setObjectName("optOutRadio")
        self.opt_out.setAccessibleName("No updates: the victim opted out")
        for button in (self.monthly, self.every_days_radio, self.every_months_radio, self.opt_out):
            self.frequency.addButton(button)
            button.toggled.connect(self._sync_enabled)
        often = QGroupBox("How often")
        often.setObjectName("frequencyGroup")
        grid = QGridLayout(often)
        grid.addWidget(self.monthly, 0, 0, 1, 3)
        grid.addWidget(self.every_days_radio, 1, 0)
        grid.addWidget(self.every_days, 1, 1)
        grid.addWidget(QLabel("days"), 1, 2)
        grid.addWidget(self.every_months_radio, 2, 0)
        grid.addWidget(self.every_months, 2, 1)
        grid.addWidget(QLabel("months"), 2, 2)
        grid.addWidget(self.opt_out, 3, 0, 1, 3)
        grid.setColumnStretch(3, 1)

        # How and when
        self.method = QComboBox()
        self.method.setObjectName("methodCombo")
        self.method.setAccessibleName("Contact method")
        self.method.addItem("No preference", None)
        for m in ContactMethod:
            self.method.addItem(METHOD_LABELS.get(m.value, m.value), m.value)
        self.safe_times = QLineEdit()
        self.safe_times.setObjectName("safeTimesEdit")
        self.safe_times.setAccessibleName("Safe times to contact")
        self.safe_times.setPlaceholderText("e.g. weekdays after 6pm; never at work")
        self.safe_times.setMaxLength(200)
        self.messages = QCheckBox("Messages may be left (voicemail, text, or with someone else)")
        self.messages.setObjectName("messagesCheck")
        self.messages.setAccessibleName("Messages may be left")

        # Victim Personal Statement
        self.vps_offered = QCheckBox("A Victim Personal Statement was offered")
        self.vps_offered.setObjectName("vpsOfferedCheck")
        self.vps_offered.setAccessibleName("Victim Personal Statement offered")
        self.vps_offered.toggled.connect(self._sync_enabled)
        self.vps_answer = QComboBox()
        self.vps_answer.setObjectName("vpsAnswerCombo")
        self.vps_answer.setAccessibleName("The victim's answer to the VPS offer")
        for value, text in VPS_LABELS.items():
            self.vps_answer.addItem(text, value)

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notesEdit")
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("Optional: anything else agreed, e.g. “call her sister if no answer”.")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(60)
        self.when = make_when_edit("whenEdit", "Date and time the contract was agreed (UK time)", ctx.now())

        form = make_form()
        form.addRow(buddy("&How:", self.method), self.method)
        form.addRow(buddy("&Safe times:", self.safe_times), self.safe_times)
        form.addRow("Messages:", self.messages)
        vps_row = QHBoxLayout()
        vps_row.addWidget(self.vps_offered)
        vps_row.addWidget(self.vps_answer, 1)
        form.addRow(buddy("&VPS:", self.vps_offered), vps_row)
        form.addRow(buddy("&Notes:", self.notes), self.notes)
        form.addRow(buddy("Agreed &when:", self.when), when_row(self.when))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(often)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._load(record, current)
        self.monthly.setFocus()

    @staticmethod
    def _spin(name: str, accessible: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setRange(low, high)
        spin.setValue(value)
        return spin

    def _load(self, record: VictimRecord, current: ContractView | None) -> None:
        if current is not None and current.updates_opt_out:
            self.opt_out.setChecked(True)
        elif current is not None and current.every_days:
            self.every_days_radio.setChecked(True)
            self.every_days.setValue(current.every_days)
        elif current is not None and current.every_months and current.every_months != 1:
            self.every_months_radio.setChecked(True)
            self.every_months.setValue(current.every_months)
        else:
            self.monthly.setChecked(True)
        method = current.method if current and current.method else record.preferred_method
        self.method.setCurrentIndex(max(self.method.findData(method), 0))
        self.safe_times.setText((current.safe_times if current else record.safe_times) or "")
        messages = current.may_leave_messages if current else record.may_leave_messages
        self.messages.setChecked(bool(messages))
        if current is not None:
            self.vps_offered.setChecked(current.vps_offered)
            if current.vps_answer:
                self.vps_answer.setCurrentIndex(max(self.vps_answer.findData(current.vps_answer), 0))
        self._sync_enabled()

    def _sync_enabled(self, *_args) -> None:
        self.every_days.setEnabled(self.every_days_radio.isChecked() and not self.saving)
        self.every_months.setEnabled(self.every_months_radio.isChecked() and not self.saving)
        self.vps_answer.setEnabled(self.vps_offered.isChecked() and not self.saving)

    def set_every_days(self, days: int) -> None:
        self.every_days_radio.setChecked(True)
        self.every_days.setValue(days)

    def inputs(self) -> list[QWidget]:
        return [
            self.monthly,
            self.every_days_radio,
            self.every_months_radio,
            self.opt_out,
            self.method,
            self.safe_times,
            self.messages,
            self.vps_offered,
            self.notes,
            self.when,
        ]

    def _set_saving(self, saving: bool) -> None:
        super()._set_saving(saving)
        self._sync_enabled()

    def validate(self) -> str | None:
        return self.check_moment(moment_of(self.when), "The date and time the contract was agreed")

    def service_call(self) -> ServiceCall:
        kwargs: dict = {
            "updates_opt_out": self.opt_out.isChecked(),
            "method": self.method.currentData(),
            "safe_times": self.safe_times.text().strip() or None,
            "may_leave_messages": self.messages.isChecked(),
            "vps_offered": self.vps_offered.isChecked(),
            "vps_answer": self.vps_answer.currentData() if self.vps_offered.isChecked() else None,
            "notes": self.notes.toPlainText().strip() or None,
            "at": moment_of(self.when),
        }
        if self.every_days_radio.isChecked():
            kwargs["every_days"] = self.every_days.value()
        elif self.every_months_radio.isChecked():
            kwargs["every_months"] = self.every_months.value()
        return casework.agree_contract, (self._ctx, self.crime_ref, self.person_ref), kwargs
