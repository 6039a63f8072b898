"""Log a contact (or an attempt) with one victim, or the same contact with several.

Signals:
    contacts_recorded(list): the `Recorded` results of the contacts just written (GUI thread).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vicman.domain.enums import ContactMethod, Outcome
from vicman.gui.errors import describe_error
from vicman.gui.formatting import METHOD_LABELS, OUTCOME_LABELS, QT_DATETIME_FORMAT, local_datetime, plural
from vicman.gui.workers import Runner
from vicman.rules.localtime import to_utc
from vicman.services import entries
from vicman.services.context import ServiceContext
from vicman.services.entries import Recorded
from vicman.services.views import DutyRow

FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class ContactTarget:
    """A victim in a crime to log a contact with, and the officer it is logged for (if not oneself)."""

    crime_ref: str
    victim_ref: str
    victim_name: str
    preferred_method: str | None = None
    on_behalf_of: str | None = None
    on_behalf_of_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.victim_name} ({self.crime_ref})"

    @classmethod
    def from_duties(cls, duties: Iterable[DutyRow], signed_in: str | None) -> list[ContactTarget]:
        """One target per victim and crime, in the order given. `signed_in` is the logging officer's staff no."""
        targets: dict[tuple[str, str], ContactTarget] = {}
        for d in duties:
            behalf = d.oic_staff_no if d.oic_staff_no and d.oic_staff_no != signed_in else None
            behalf_name = d.oic_name if behalf else None
            target = cls(d.crime_ref, d.victim_ref, d.victim_name, d.preferred_method, behalf, behalf_name)
            targets.setdefault((d.crime_ref, d.victim_ref), target)
        return list(targets.values())


@dataclass(frozen=True)
class _Attempt:
    target: ContactTarget
    recorded: Recorded | None
    error: BaseException | None


def _record_each(
    ctx: ServiceContext, targets: list[ContactTarget], at: datetime, method: str, outcome: str, note: str
) -> list[_Attempt]:
    """Worker thread: one `record_contact` per target; a failure for one does not stop the others."""
    done = []
    for t in targets:
        try:
            recorded = entries.record_contact(
                ctx, t.crime_ref, t.victim_ref, at, method, outcome, note=note, on_behalf_of=t.on_behalf_of
            )
        except Exception as exc:  # reported per victim on the GUI thread
            done.append(_Attempt(t, None, exc))
        else:
            done.append(_Attempt(t, recorded, None))
    return done


class LogContactDialog(QDialog):
    """Method, outcome, when and what was said; validated here, then written by `entries.record_contact`."""

    contacts_recorded = Signal(list)

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        targets: list[ContactTarget],
        parent=None,
        notice: str | None = None,
    ) -> None:
        super().__init__(parent)
        if not targets:
            raise ValueError("a contact needs at least one victim")
        self._ctx = ctx
        self._runner = runner
        self._targets = list(targets)
        self._saving = False
        self.setObjectName("logContactDialog")
        self.setWindowTitle("Log contact")
        self.setAccessibleName("Log contact")
        self.setMinimumWidth(520)

        self._intro = QLabel()
        self._intro.setObjectName("introLabel")
        self._intro.setWordWrap(True)
        self._victims = QListWidget()
        self._victims.setObjectName("victimList")
        self._victims.setAccessibleName("Victims this contact is logged for")
        self._victims.setMaximumHeight(110)
        self._victims.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self._victims.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.method = QComboBox()
        self.method.setObjectName("methodCombo")
        self.method.setAccessibleName("Contact method")
        for m in ContactMethod:
            self.method.addItem(METHOD_LABELS.get(m.value, m.value), m.value)
        preferred = self._targets[0].preferred_method or ContactMethod.PHONE.value
        self.method.setCurrentIndex(max(self.method.findData(preferred), 0))

        self.outcome_buttons = QButtonGroup(self)
        outcome_box = QWidget()
        outcome_layout = QVBoxLayout(outcome_box)
        outcome_layout.setContentsMargins(0, 0, 0, 0)
        self.outcome_informed = QRadioButton(OUTCOME_LABELS[Outcome.INFORMED.value])
        self.outcome_informed.setObjectName("outcomeInformed")
        self.outcome_informed.setAccessibleName("Outcome: spoke to the victim")
        self.outcome_no_contact = QRadioButton(OUTCOME_LABELS[Outcome.NO_CONTACT.value])
        self.outcome_no_contact.setObjectName("outcomeNoContact")
        self.outcome_no_contact.setAccessibleName("Outcome: could not reach the victim")
        for button in (self.outcome_informed, self.outcome_no_contact):
            self.outcome_buttons.addButton(button)
            outcome_layout.addWidget(button)

        now = local_datetime(ctx.now())
        self.when = QDateTimeEdit()
        self.when.setObjectName("whenEdit")
        self.when.setAccessibleName("Date and time of the contact (UK time)")
        # Wall-clock UK time, kept free of this machine's own zone rules (no DST gaps or folds to trip on).
        if hasattr(self.when, "setTimeZone"):  # Qt 6.7 and later
            self.when.setTimeZone(QTimeZone.utc())
        else:
            self.when.setTimeSpec(Qt.TimeSpec.UTC)
        self.when.setDisplayFormat(QT_DATETIME_FORMAT)
        self.when.setCalendarPopup(True)
        self.when.setDateTime(_qdatetime(now))

        self.note = QPlainTextEdit()
        self.note.setObjectName("noteEdit")
        self.note.setAccessibleName("What was said")
        self.note.setPlaceholderText("What you told the victim, what they said, and anything agreed or to follow up.")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(110)

        self.notice = QLabel(notice or "")
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #052c65; background: #cfe2ff; padding: 6px; border-radius: 3px;")
        self.notice.setVisible(bool(notice))

        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setAccessibleName("Problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #842029; background: #f8d7da; padding: 6px; border-radius: 3px;")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("Log contact")
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName("Log contact")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_buddy("&How:", self.method), self.method)
        form.addRow("Outcome:", outcome_box)
        when_row = QHBoxLayout()
        when_row.addWidget(self.when)
        when_row.addWidget(QLabel("UK time"))
        when_row.addStretch(1)
        form.addRow(_buddy("&When:", self.when), when_row)
        form.addRow(_buddy("What was &said:", self.note), self.note)

        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self._victims)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._show_targets()
        self.note.setFocus()

    # --- state --------------------------------------------------------------------------------

    @property
    def targets(self) -> list[ContactTarget]:
        return list(self._targets)

    def _show_targets(self) -> None:
        self._victims.clear()
        for t in self._targets:
            text = t.label
            if t.on_behalf_of:
                text += f" — on behalf of {t.on_behalf_of} {t.on_behalf_of_name or ''}".rstrip()
            self._victims.addItem(text)
        if len(self._targets) == 1:
            self._intro.setText("Log a contact or attempt with this victim:")
        else:
            self._intro.setText(
                f"Log the same contact with {plural(len(self._targets), 'victim')}. "
                "One entry is made for each victim, stamped with your staff number."
            )
        self._victims.setVisible(True)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        for w in (self.method, self.outcome_informed, self.outcome_no_contact, self.when, self.note):
            w.setEnabled(not saving)
        self.save_button.setEnabled(not saving)
        self.save_button.setText("Saving…" if saving else "Log contact")

    # --- input --------------------------------------------------------------------------------

    def chosen_outcome(self) -> str | None:
        if self.outcome_informed.isChecked():
            return Outcome.INFORMED.value
        if self.outcome_no_contact.isChecked():
            return Outcome.NO_CONTACT.value
        return None

    def chosen_moment(self) -> datetime:
        """The date and time entered, as UK wall-clock time, converted to a UTC instant."""
        qdt = self.when.dateTime()
        d, t = qdt.date(), qdt.time()
        return to_utc(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()))

    def validate(self) -> str | None:
        """The first problem with what was entered, in plain words; None when it can be saved."""
        if self.chosen_outcome() is None:
            return "Choose an outcome: did you speak to the victim, or could you not reach them?"
        if not self.note.toPlainText().strip():
            return "Write down what was said (or what you tried), so the record shows the quality of the contact."
        if self.chosen_moment() > self._ctx.now() + FUTURE_TOLERANCE:
            return "The date and time of the contact is in the future. Enter when it actually happened."
        return None

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        problem = self.validate()
        if problem:
            self._show_error(problem)
            return
        self.error.hide()
        self._set_saving(True)
        self._runner.write(
            _record_each,
            self._ctx,
            list(self._targets),
            self.chosen_moment(),
            self.method.currentData(),
            self.chosen_outcome(),
            self.note.toPlainText().strip(),
        ).on_success(self._on_attempts_done).on_failure(self._on_save_failed)

    def _on_attempts_done(self, attempts: list[_Attempt]) -> None:
        self._set_saving(False)
        recorded = [a.recorded for a in attempts if a.recorded is not None]
        failed = [a for a in attempts if a.error is not None]
        if recorded:
            self.contacts_recorded.emit(recorded)
        if not failed:
            self.accept()
            return
        self._targets = [a.target for a in failed]
        self._show_targets()
        lines = [f"{a.target.label}: {describe_error(a.error)}" for a in failed if a.error is not None]
        head = (
            f"Logged for {plural(len(recorded), 'victim')}, but not for these (they are still listed above):"
            if recorded
            else "The contact could not be logged:"
        )
        self._show_error("\n".join([head, *lines]))

    def _on_save_failed(self, exc: Any) -> None:
        self._set_saving(False)
        self._show_error(describe_error(exc))

    def reject(self) -> None:
        if self._saving:
            return  # the write is under way; closing now would hide whether it worked
        super().reject()


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute), QTimeZone.utc())
