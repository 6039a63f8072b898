"""Waive one pending duty, with the reason it will not be met."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import WARNING_STYLE, EntryDialog, ServiceCall, buddy, make_form, message_label
from vicman.gui.formatting import uk_date
from vicman.gui.workers import Runner
from vicman.services import entries
from vicman.services.context import ServiceContext
from vicman.services.record_views import DutyDetail

MIN_REASON_CHARS = 10


class WaiveDialog(EntryDialog):
    """Pick a pending duty (the one selected on the Duties tab comes first) and say why it is waived."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        crime_ref: str,
        person_ref: str,
        victim_name: str,
        duties: Sequence[DutyDetail],
        selected_key: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(ctx, runner, "Waive a duty", "Waive duty", parent)
        self.setObjectName("waiveDialog")
        self.crime_ref = crime_ref
        self.person_ref = person_ref

        intro = QLabel(
            f"Waive a Code duty owed to {victim_name} ({person_ref}) in crime {crime_ref}. A waived duty counts "
            "as done for certification, so the reason must stand up to a supervisor's dip-sample."
        )
        intro.setWordWrap(True)
        self.duty = QComboBox()
        self.duty.setObjectName("dutyCombo")
        self.duty.setAccessibleName("Duty to waive")
        today = ctx.today()
        for d in duties:
            state = "overdue" if d.due < today else "open"
            self.duty.addItem(f"{d.title} — due {uk_date(d.due)} ({state})", d.key)
        if selected_key is not None:
            self.duty.setCurrentIndex(max(self.duty.findData(selected_key), 0))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonEdit")
        self.reason.setAccessibleName("Reason for waiving")
        self.reason.setPlaceholderText(
            "Why this duty will not be met, e.g. “Victim asked on 18/11 not to be told about the suspect.”"
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(90)
        self.empty = message_label(
            "nothingToWaive", WARNING_STYLE, "" if duties else "Every duty is already met or waived.", "Nothing to do"
        )

        form = make_form()
        form.addRow(buddy("&Duty:", self.duty), self.duty)
        form.addRow(buddy("&Reason:", self.reason), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.save_button.setEnabled(bool(duties))
        self.reason.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.duty, self.reason]

    def validate(self) -> str | None:
        if self.duty.currentData() is None:
            return "There is no pending duty to waive."
        reason = self.reason.toPlainText().strip()
        if not reason:
            return "Give the reason the duty is waived: it is kept in the record for supervisors to review."
        if len(reason) < MIN_REASON_CHARS:
            return "Say a little more about why the duty is waived (a few words at least)."
        return None

    def service_call(self) -> ServiceCall:
        key = self.duty.currentData()
        reason = self.reason.toPlainText().strip()
        return entries.waive, (self._ctx, self.crime_ref, self.person_ref, key, reason), {}
