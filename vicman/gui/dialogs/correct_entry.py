"""Correct or retract an entry. The original stays in the record, marked and linked to its correction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import ContactMethod, EventType, Outcome
from vicman.gui.dialogs.common import (
    NOTICE_STYLE,
    EntryDialog,
    ServiceCall,
    buddy,
    make_form,
    make_when_edit,
    message_label,
    moment_of,
    when_row,
)
from vicman.gui.formatting import METHOD_LABELS, OUTCOME_LABELS, uk_datetime
from vicman.gui.models.record_duty_table_model import KIND_WORDS
from vicman.gui.models.timeline_table_model import CORRECTABLE
from vicman.gui.workers import Runner
from vicman.services import entries
from vicman.services.context import ServiceContext
from vicman.services.record_views import TimelineEntry
from vicman.services.records import EVENT_WORDS

AS_RECORDED = "(as recorded)"


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class CorrectEntryDialog(EntryDialog):
    """Change the time, outcome, method or note of an entry, or retract it; a reason is always required."""

    def __init__(self, ctx: ServiceContext, runner: Runner, entry: TimelineEntry, parent=None) -> None:
        if entry.kind not in CORRECTABLE:
            raise ValueError(f"a {entry.kind} entry cannot be corrected here")
        super().__init__(ctx, runner, "Correct an entry", "Save correction", parent)
        self.setObjectName("correctEntryDialog")
        self.entry = entry
        kind_word = KIND_WORDS.get(entry.kind, entry.kind).lower()

        original = QLabel(
            f"{KIND_WORDS.get(entry.kind, entry.kind)} entry {entry.id}, {uk_datetime(entry.at)}, by {entry.author}:\n"
            f"{entry.summary}" + (f"\n“{entry.detail}”" if entry.detail else "")
        )
        original.setObjectName("originalLabel")
        original.setWordWrap(True)
        original.setStyleSheet("background: palette(alternate-base); padding: 6px; border-radius: 3px;")
        explain = message_label(
            "explainLabel",
            NOTICE_STYLE,
            "Entries are never changed or deleted. Your correction is added as a new entry that points at this one; "
            "both stay in the record, and duties are worked out again from the corrected facts.",
            accessible="How corrections work",
        )

        self.mode = QButtonGroup(self)
        self.correct_radio = QRadioButton(f"&Correct what was recorded in this {kind_word}")
        self.correct_radio.setObjectName("correctRadio")
        self.correct_radio.setAccessibleName("Correct the entry")
        self.retract_radio = QRadioButton("Re&tract it: it should never have been recorded")
        self.retract_radio.setObjectName("retractRadio")
        self.retract_radio.setAccessibleName("Retract the entry")
        for button in (self.correct_radio, self.retract_radio):
            self.mode.addButton(button)
        self.correct_radio.setChecked(True)
        self.correct_radio.toggled.connect(self._on_mode_toggled)

        self.when = make_when_edit("whenEdit", "Corrected date and time (UK time)", entry.at)
        self.method = self._combo("methodCombo", "Corrected contact method", METHOD_LABELS, ContactMethod)
        self.outcome = self._combo("outcomeCombo", "Corrected outcome", OUTCOME_LABELS, Outcome)
        self.event_type = self._combo("eventTypeCombo", "Corrected event", EVENT_WORDS, EventType)
        self.text = QPlainTextEdit(entry.detail or "")
        self.text.setObjectName("textEdit")
        self.text_label = "reason for the waiver" if entry.kind == "waiver" else "note"
        self.text.setAccessibleName(f"Corrected {self.text_label}")
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(90)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonEdit")
        self.reason.setAccessibleName("Reason for the correction")
        self.reason.setPlaceholderText("Why the entry was wrong, e.g. “Logged against the wrong victim.”")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(70)

        self.fields = make_form()
        self.fields.addRow(buddy("&When:", self.when), when_row(self.when))
        self.correctable: list[QWidget] = [self.when]
        if entry.kind == "contact":
            self.fields.addRow(buddy("&Method:", self.method), self.method)
            self.fields.addRow(buddy("&Outcome:", self.outcome), self.outcome)
            self.correctable += [self.method, self.outcome]
        if entry.kind == "event":
            self.fields.addRow(buddy("&Event:", self.event_type), self.event_type)
            self.correctable.append(self.event_type)
        label = "Wa&iver reason:" if entry.kind == "waiver" else "&Note:"
        self.fields.addRow(buddy(label, self.text), self.text)
        self.correctable.append(self.text)
        self.fields.addRow(buddy("Reason for the &correction:", self.reason), self.reason)
        for w in (self.method, self.outcome, self.event_type):
            if w not in self.correctable:  # not asked for this kind of entry
                w.setParent(self)
                w.hide()
            else:
                w.setMinimumWidth(260)

        layout = QVBoxLayout(self)
        layout.addWidget(original)
        layout.addWidget(explain)
        layout.addWidget(self.correct_radio)
        layout.addWidget(self.retract_radio)
        layout.addLayout(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    @staticmethod
    def _combo(name: str, accessible: str, labels: dict[str, str], values: Any) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.addItem(AS_RECORDED, None)
        for value in values:
            combo.addItem(labels.get(value.value, value.value), value.value)
        return combo

    def _on_mode_toggled(self, correcting: bool) -> None:
        for widget in self.correctable:
            widget.setEnabled(correcting)
        self.save_button.setText("Save correction" if correcting else "Retract entry")
        self._save_text = self.save_button.text()

    @property
    def retracting(self) -> bool:
        return self.retract_radio.isChecked()

    def choose(self, combo: QComboBox, value: str | None) -> None:
        index = combo.findData(value) if value is not None else 0
        if index < 0:
            raise ValueError(f"{combo.accessibleName()} has no choice {value!r}")
        combo.setCurrentIndex(index)

    def changes(self) -> dict[str, Any]:
        """The fields the correction changes (empty when retracting)."""
        if self.retracting:
            return {}
        found: dict[str, Any] = {}
        moment = moment_of(self.when)
        if moment != _minute(self.entry.at):
            found["at"] = moment
        if self.entry.kind == "contact":
            for field, combo in (("method", self.method), ("outcome", self.outcome)):
                if combo.currentData() is not None:
                    found[field] = combo.currentData()
        if self.entry.kind == "event" and self.event_type.currentData() is not None:
            found["type"] = self.event_type.currentData()
        text = self.text.toPlainText().strip()
        if text != (self.entry.detail or "").strip():
            found["reason" if self.entry.kind == "waiver" else "note"] = text or None
        return found

    def inputs(self) -> list[QWidget]:
        return [self.correct_radio, self.retract_radio, self.reason] + (self.correctable if not self.retracting else [])

    def validate(self) -> str | None:
        if not self.reason.toPlainText().strip():
            return "Give the reason for the correction: it is kept with the entry for supervisors to review."
        if self.retracting:
            return None
        changes = self.changes()
        if not changes:
            return "Nothing has been changed. Change what was wrong, or choose to retract the entry."
        if self.entry.kind == "waiver" and "reason" in changes and not changes["reason"]:
            return "A waiver needs a reason; to undo the waiver, retract it instead."
        if "at" in changes:
            return self.check_moment(changes["at"], "The corrected date and time")
        return None

    def service_call(self) -> ServiceCall:
        reason = self.reason.toPlainText().strip()
        return (
            entries.correct_entry,
            (self._ctx, self.entry.kind, self.entry.id, reason),
            {"retract": self.retracting, **self.changes()},
        )
