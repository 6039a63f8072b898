"""The Certification tab of a victim's record: the Code duties as a checklist, and certifying them done.

Signals:
    certify_requested(str): certify, with this note (may be empty).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import Status
from vicman.gui.formatting import plural, uk_date, uk_datetime
from vicman.gui.models.duty_table_model import Day
from vicman.gui.views.record_common import make_button
from vicman.services.record_views import CaseView

DONE_COLOUR = QColor("#0a3622")
OPEN_COLOUR = QColor("#58151c")


class CertificationPane(QWidget):
    certify_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("certificationPane")
        self._open = 0
        intro = QLabel(
            "Certify that every Victims' Code duty owed to this victim in this crime has been met, or waived "
            "with a reason. Certification is kept in the record with your staff number and the time."
        )
        intro.setWordWrap(True)
        self.checklist = QListWidget()
        self.checklist.setObjectName("certificationChecklist")
        self.checklist.setAccessibleName("Code duties checklist")
        self.checklist.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.checklist.setSpacing(3)
        self.explanation = QLabel()
        self.explanation.setObjectName("certifyExplanation")
        self.explanation.setAccessibleName("Why certification is or is not possible")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLineEdit()
        self.note.setObjectName("certifyNote")
        self.note.setAccessibleName("Certification note")
        self.note.setPlaceholderText("Optional note, e.g. “Victim content with the outcome.”")
        self.certify_button = make_button(
            "Certify duties done",
            "certifyButton",
            "Certify that every duty is done",
            "Certify that every Code duty is met or waived (Ctrl+Shift+C)",
        )
        self.certify_button.clicked.connect(lambda: self.certify_requested.emit(self.note.text().strip()))
        self.note.returnPressed.connect(self.certify_button.click)
        self.last = QLabel()
        self.last.setObjectName("lastCertification")
        self.last.setAccessibleName("Last certification")
        self.last.setWordWrap(True)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.HLine)
        frame.setFrameShadow(QFrame.Shadow.Sunken)

        row = QHBoxLayout()
        label = QLabel("&Note:")
        label.setBuddy(self.note)
        row.addWidget(label)
        row.addWidget(self.note, 1)
        row.addWidget(self.certify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.checklist, 1)
        layout.addWidget(self.explanation)
        layout.addLayout(row)
        layout.addWidget(frame)
        layout.addWidget(self.last)

    @property
    def open_count(self) -> int:
        return self._open

    def show_case(self, case: CaseView | None, day: Day) -> None:
        self.checklist.clear()
        duties = case.duties if case else ()
        still_open = [d for d in duties if d.status in (Status.OPEN, Status.OVERDUE)]
        self._open = len(still_open)
        for duty in duties:
            done = duty.status in (Status.MET, Status.WAIVED)
            if duty.status == Status.MET:
                state = f"met {uk_datetime(duty.met_at)}" + (" (late)" if duty.late else "")
            elif duty.status == Status.WAIVED:
                state = f"waived: {duty.waiver_reason or 'no reason given'}"
            else:
                state = ("overdue" if duty.due < day.today else "open") + f", due {uk_date(duty.due)}"
            item = QListWidgetItem(f"{duty.title} — {state}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
            item.setForeground(DONE_COLOUR if done else OPEN_COLOUR)
            item.setData(Qt.ItemDataRole.UserRole, duty.key)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{'Done' if done else 'Not done'}: {item.text()}")
            self.checklist.addItem(item)
        if case is None:
            self.explanation.setText("There is no crime to certify.")
            self.certify_button.setEnabled(False)
        elif still_open:
            listed = "; ".join(f"{d.title} (due {uk_date(d.due)})" for d in still_open)
            text = (
                f"You cannot certify yet: {plural(len(still_open), 'duty is', 'duties are')} still open — {listed}. "
                "Meet each one, or waive it with a reason (Ctrl+Shift+W)."
            )
            if case.closed_at is None and any(d.rule == "update" for d in still_open):
                text += (
                    " Updates keep falling due until the case is closed: when the investigation ends, record "
                    "the event “Case closed” (Ctrl+E)."
                )
            self.explanation.setText(text)
            self.certify_button.setEnabled(False)
        else:
            self.explanation.setText(
                f"Every duty is met or waived ({plural(len(duties), 'duty', 'duties')}). You can certify."
            )
            self.certify_button.setEnabled(True)
        self.explanation.setStyleSheet(
            "color: #58151c; background: #f8d7da; padding: 6px; border-radius: 3px;"
            if still_open or case is None
            else "color: #0a3622; background: #d1e7dd; padding: 6px; border-radius: 3px;"
        )
        self.certify_button.setToolTip(
            self.explanation.text()
            if not self.certify_button.isEnabled()
            else "Certify that every Code duty is met or waived (Ctrl+Shift+C)"
        )
        certificate = case.certification if case else None
        if certificate is None:
            self.last.setText("Not certified yet.")
            self.certify_button.setText("Certify duties done")
        else:
            note = f" Note: “{certificate.note}”" if certificate.note else ""
            self.last.setText(
                f"Certified by {certificate.by} on {uk_datetime(certificate.at)} "
                f"({plural(certificate.duties, 'duty', 'duties')}).{note}"
            )
            self.certify_button.setText("Certify again")
        self.certify_button.setAccessibleName(self.certify_button.text())

    def show_problem(self, text: str) -> None:
        self.explanation.setText(text)
        self.explanation.setStyleSheet("color: #58151c; background: #f8d7da; padding: 6px; border-radius: 3px;")
