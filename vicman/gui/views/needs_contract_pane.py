"""The Needs and contract tab of a victim's record: the needs assessment and the agreed contact contract.

Signals:
    assessment_requested(): record a needs assessment.
    contract_requested(): agree the contact contract.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.contract import VPS_LABELS
from vicman.gui.dialogs.needs_assessment import QUESTIONS
from vicman.gui.formatting import method_label, uk_datetime
from vicman.gui.views.record_common import make_button
from vicman.services.record_views import CaseView, VictimRecord


def _form_value(name: str, accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class NeedsContractPane(QWidget):
    assessment_requested = Signal()
    contract_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("needsContractPane")

        self.assessed = _form_value("assessedLabel", "When the needs were assessed")
        self.answers = {field: _form_value(f"{field}Answer", accessible) for field, _q, accessible in QUESTIONS}
        self.finding = _form_value("findingLabel", "What the assessment found")
        self.needs = _form_value("needsLabel", "Other needs")
        self.assess_button = make_button(
            "Record needs assessment…",
            "assessButton",
            "Record a needs assessment",
            "Ask the questions that identify a vulnerable or intimidated victim (Ctrl+Shift+N)",
        )
        self.assess_button.clicked.connect(self.assessment_requested)
        needs_box = QGroupBox("Needs assessment")
        needs_box.setObjectName("needsGroup")
        form = QFormLayout()
        form.addRow("Assessed:", self.assessed)
        for field, question, _accessible in QUESTIONS:
            form.addRow(self._question(question), self.answers[field])
        form.addRow("Finding:", self.finding)
        form.addRow("Other needs:", self.needs)
        inner = QVBoxLayout(needs_box)
        inner.addLayout(form)
        inner.addStretch(1)
        inner.addWidget(self.assess_button, 0, Qt.AlignmentFlag.AlignRight)

        self.agreed = _form_value("agreedLabel", "When the contract was agreed")
        self.frequency = _form_value("frequencyLabel", "How often")
        self.method = _form_value("methodLabel", "How")
        self.safe_times = _form_value("safeTimesLabel", "Safe times")
        self.messages = _form_value("messagesLabel", "Messages may be left")
        self.vps = _form_value("vpsLabel", "Victim Personal Statement")
        self.notes = _form_value("notesLabel", "Notes")
        self.contract_button = make_button(
            "Agree contact contract…",
            "contractButton",
            "Agree the contact contract",
            "Agree with the victim how often and how they are updated (Ctrl+Shift+K)",
        )
        self.contract_button.clicked.connect(self.contract_requested)
        contract_box = QGroupBox("Contact contract")
        contract_box.setObjectName("contractGroup")
        form = QFormLayout()
        for text, value in (
            ("Agreed:", self.agreed),
            ("How often:", self.frequency),
            ("How:", self.method),
            ("Safe times:", self.safe_times),
            ("Messages:", self.messages),
            ("Victim Personal Statement:", self.vps),
            ("Notes:", self.notes),
        ):
            form.addRow(text, value)
        inner = QVBoxLayout(contract_box)
        inner.addLayout(form)
        inner.addStretch(1)
        inner.addWidget(self.contract_button, 0, Qt.AlignmentFlag.AlignRight)

        layout = QHBoxLayout(self)
        layout.addWidget(needs_box, 3)
        layout.addWidget(contract_box, 2)

    @staticmethod
    def _question(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setMinimumWidth(300)
        return label

    def show_case(self, record: VictimRecord, case: CaseView | None) -> None:
        assessment = case.assessment if case else None
        if assessment is None:
            self.assessed.setText("Not assessed yet for this crime.")
            for label in self.answers.values():
                label.setText("—")
            self.finding.setText("—")
            self.needs.setText("—")
        else:
            self.assessed.setText(f"{uk_datetime(assessment.at)} by {assessment.by}")
            for field, label in self.answers.items():
                label.setText("Yes" if getattr(assessment, field) else "No")
            flags = (
                (assessment.vulnerable, "vulnerable"),
                (assessment.fear_or_distress, "intimidated"),
                (assessment.repeatedly_targeted, "persistently targeted"),
            )
            found = [word for flag, word in flags if flag]
            self.finding.setText(
                "The victim is " + ", ".join(found) + ": enhanced rights"
                if found
                else "No vulnerability or intimidation identified"
            )
            self.needs.setText(assessment.needs or "None recorded")
        contract = case.contract if case else None
        if contract is None:
            self.agreed.setText("No contract agreed yet: updates are due monthly, by the preferred method.")
            self.frequency.setText("Every month (the Code's default)")
            self.method.setText(method_label(record.preferred_method) or "No preference recorded")
            self.safe_times.setText(record.safe_times or "Not recorded")
            self.messages.setText({None: "Not recorded", True: "Yes", False: "No"}[record.may_leave_messages])
            self.vps.setText("Not offered yet")
            self.notes.setText("—")
            return
        self.agreed.setText(f"{uk_datetime(contract.at)} by {contract.by}")
        self.frequency.setText(contract.frequency)
        self.method.setText(method_label(contract.method) or "No preference")
        self.safe_times.setText(contract.safe_times or "Any time")
        self.messages.setText("Yes" if contract.may_leave_messages else "No: never leave a message")
        if contract.vps_offered:
            answer = VPS_LABELS.get(contract.vps_answer or "", "no answer recorded")
            self.vps.setText(f"Offered; {answer[:1].lower() + answer[1:]}")
        else:
            self.vps.setText("Not offered")
        self.notes.setText(contract.notes or "—")
