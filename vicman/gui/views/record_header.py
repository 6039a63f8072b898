"""The top of a victim's record: who they are, the crime shown, enhanced rights with reasons, how to contact them.

Signals:
    crime_chosen(str): another of the person's crimes was chosen in the crime selector.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from vicman.gui.formatting import method_label, uk_date, uk_datetime
from vicman.services.record_views import CaseView, VictimRecord

ENHANCED_STYLE = (
    "QLabel { background: #3d1a78; color: #ffffff; border-radius: 9px; padding: 2px 10px; font-weight: bold; }"
)
STANDARD_STYLE = (
    "QLabel { background: #e2e3e5; color: #2b2f32; border-radius: 9px; padding: 2px 10px; font-weight: bold; }"
)
REASONS_STYLE = "QLabel { background: #ece5f8; color: #2a1052; padding: 6px 8px; border-radius: 3px; }"


def _value(name: str, accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


def case_label(case: CaseView) -> str:
    return f"{case.crime_ref} — {case.offence}"


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def yes_no(value: bool | None, unknown: str = "not recorded") -> str:
    return unknown if value is None else ("yes" if value else "no")


class RecordHeader(QWidget):
    crime_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordHeader")
        self.name = QLabel()
        self.name.setObjectName("nameLabel")
        self.name.setAccessibleName("Victim's name")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name.setFont(font)
        self.badge = QLabel()
        self.badge.setObjectName("enhancedBadge")
        self.identity = _value("identityLabel", "Reference, age and crimes")
        self.identity.setWordWrap(False)

        self.crime_combo = QComboBox()
        self.crime_combo.setObjectName("crimeCombo")
        self.crime_combo.setAccessibleName("Crime shown")
        self.crime_combo.setToolTip("This person is a victim in more than one crime: choose which one to show")
        self.crime_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.crime_combo.activated.connect(lambda _i: self.crime_chosen.emit(self.crime_combo.currentData()))
        self.crime_caption = QLabel("Crim&e:")
        self.crime_caption.setBuddy(self.crime_combo)

        self.crime = _value("crimeLabel", "Crime")
        self.language = _value("languageLabel", "Language and interpreter")
        self.contact = _value("contactLabel", "How to contact")
        self.reach = _value("reachLabel", "Phone, email and address")
        self.opt_outs = _value("optOutsLabel", "Opt-outs")
        self.reasons = _value("enhancedReasons", "Reasons for enhanced rights")
        self.reasons.setStyleSheet(REASONS_STYLE)

        top = QHBoxLayout()
        top.addWidget(self.name)
        top.addSpacing(12)
        top.addWidget(self.badge)
        top.addSpacing(12)
        top.addWidget(self.identity, 1)
        top.addWidget(self.crime_caption)
        top.addWidget(self.crime_combo)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        rows = [
            ("Crime:", self.crime, "Contact:", self.contact),
            ("Language:", self.language, "Opt-outs:", self.opt_outs),
            ("Reach by:", self.reach, None, None),
        ]
        for r, (left, left_value, right, right_value) in enumerate(rows):
            grid.addWidget(self._caption(left), r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(left_value, r, 1)
            if right is not None:
                grid.addWidget(self._caption(right), r, 2, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(right_value, r, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.reasons)

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("color: palette(placeholder-text); font-weight: bold;")
        return label

    def show_record(self, record: VictimRecord, case: CaseView | None) -> None:
        self.name.setText(record.name)
        age = f"age {record.age}" if record.age is not None else "age not known"
        born = f" (born {uk_date(record.dob)})" if record.dob else ""
        crimes = ", ".join(c.crime_ref for c in record.cases) or "none"
        self.identity.setText(f"Victim ref {record.person_ref} · {age}{born} · crimes: {crimes}")

        self.crime_combo.blockSignals(True)
        self.crime_combo.clear()
        for c in record.cases:
            self.crime_combo.addItem(case_label(c), c.crime_ref)
        if case is not None:
            self.crime_combo.setCurrentIndex(max(self.crime_combo.findData(case.crime_ref), 0))
        self.crime_combo.blockSignals(False)
        several = len(record.cases) > 1
        self.crime_combo.setVisible(several)
        self.crime_caption.setVisible(several)

        language = record.language or "English (not recorded otherwise)"
        if record.interpreter_needed:
            language += " — needs an interpreter"
        self.language.setText(language)
        contact = [
            f"prefers {method_label(record.preferred_method).lower()}"
            if record.preferred_method
            else "no preferred method recorded"
        ]
        contact.append(f"safe times: {record.safe_times}" if record.safe_times else "safe times: not recorded")
        contact.append(f"messages may be left: {yes_no(record.may_leave_messages)}")
        self.contact.setText(first_upper("; ".join(contact)))
        reach = [record.phone or "no phone", record.email or "no email"]
        if record.address:
            reach.append(record.address.replace("\n", ", "))
        self.reach.setText(" · ".join(reach))
        self._show_case(case)

    def _show_case(self, case: CaseView | None) -> None:
        if case is None:
            self.crime.setText("Not a victim in any crime yet")
            self.opt_outs.setText("")
            self.badge.hide()
            self.reasons.hide()
            return
        oic = f"{case.oic_staff_no} {case.oic_name or ''}".strip() if case.oic_staff_no else "no officer assigned"
        state = f"closed {uk_datetime(case.closed_at)}" if case.closed_at else "open"
        self.crime.setText(
            f"{case.crime_ref} — {case.offence}; reported {uk_datetime(case.reported_at)}; {case.division}; "
            f"officer in the case {oic}; {state}"
        )
        outs = [
            "referral to support: opted out" if case.vs_opt_out else "referral to support: not opted out",
            "updates: opted out" if case.updates_opt_out else "updates: not opted out",
        ]
        self.opt_outs.setText(first_upper("; ".join(outs)))
        self.badge.show()
        if case.enhanced:
            self.badge.setText(case.enhanced_label or "Enhanced rights")
            self.badge.setStyleSheet(ENHANCED_STYLE)
            self.badge.setAccessibleName(f"{self.badge.text()}: yes")
            self.badge.setToolTip("Most duties are due within 1 working day instead of 5")
            lines = [f"{case.enhanced_label or 'Enhanced rights'} because:"]
            lines += [f"• {reason}" for reason in case.enhanced_reasons]
            self.reasons.setText("\n".join(lines))
            self.reasons.show()
        else:
            self.badge.setText("Standard rights")
            self.badge.setStyleSheet(STANDARD_STYLE)
            self.badge.setAccessibleName("Enhanced rights: no")
            self.badge.setToolTip("No reason for enhanced rights is recorded for this crime")
            self.reasons.setText("")
            self.reasons.hide()

    def enhanced_reasons_text(self) -> str:
        return self.reasons.text()
