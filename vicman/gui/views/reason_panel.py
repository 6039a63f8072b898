"""Asked before a record outside your own cases opens: why you are looking (DPA 2018 s.62 consultation log).

Signals:
    chosen(object): an `audit.Reason` the user gave; the record is then read with it.
    cancelled(): the user decided not to open the record.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import ERROR_STYLE, buddy, make_form, message_label
from vicman.services.audit import REASON_CODES, Reason

OWN_CASE = "own_case"


class ReasonPanel(QWidget):
    chosen = Signal(object)
    cancelled = Signal()

    def __init__(self, person_ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonPanel")
        self.setAccessibleName("Why are you opening this record?")
        title = QLabel(f"<h3>Why are you opening {person_ref}?</h3>")
        explain = QLabel(
            "This victim is not in your own or your team's cases. The law (Data Protection Act 2018, s.62) "
            "expects every look at a victim's record to be logged with who looked and why; supervisors and "
            "professional standards read this log."
        )
        explain.setWordWrap(True)
        explain.setMinimumHeight(explain.heightForWidth(600) + 4)  # never clipped in the fixed-width panel
        self.reason = QComboBox()
        self.reason.setObjectName("reasonCombo")
        self.reason.setAccessibleName("Reason")
        self.reason.addItem("Choose a reason…", None)
        for code, words in REASON_CODES.items():
            if code != OWN_CASE:
                self.reason.addItem(words, code)
        self.details = QLineEdit()
        self.details.setObjectName("reasonDetailsEdit")
        self.details.setAccessibleName("More about the reason")
        self.details.setMaxLength(500)
        self.details.setPlaceholderText("e.g. the victim rang the front desk about CR/1004/26")
        self.details.returnPressed.connect(self.submit)
        self.error = message_label("reasonError", ERROR_STYLE, accessible="Problem")
        self.error.hide()
        self.open_button = QPushButton("&Open the record")
        self.open_button.setObjectName("openWithReasonButton")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("Do &not open")
        self.cancel_button.setObjectName("cancelReasonButton")
        self.cancel_button.clicked.connect(self.cancelled)

        form = make_form()
        form.addRow(buddy("&Reason", self.reason), self.reason)
        form.addRow(buddy("&Details", self.details), self.details)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.open_button)
        panel = QWidget()
        panel.setFixedWidth(640)  # a fixed width lets the wrapped explanation take the height it needs
        inner = QVBoxLayout(panel)
        inner.addWidget(title)
        inner.addWidget(explain)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        outer.addStretch(1)

    def problem(self) -> str | None:
        code = self.reason.currentData()
        if code is None:
            return "Choose a reason from the list."
        if code == "other" and not self.details.text().strip():
            return "Say in a few words why you are opening the record."
        return None

    def submit(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.error.hide()
        self.chosen.emit(Reason(self.reason.currentData(), self.details.text().strip()))

    def focus(self) -> None:
        self.reason.setFocus()
