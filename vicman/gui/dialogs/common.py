"""What the record's dialogs share: a UK-time date-time field, error and notice boxes, and a base dialog
that validates, writes through the runner and reports the result.

Signals of `EntryDialog`:
    saved(object): the service call returned; the argument is its result (GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from vicman.gui.errors import describe_error
from vicman.gui.formatting import QT_DATETIME_FORMAT, local_datetime
from vicman.gui.workers import Runner
from vicman.rules.localtime import to_utc
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput

FUTURE_TOLERANCE = timedelta(minutes=5)
ERROR_STYLE = "color: #842029; background: #f8d7da; padding: 6px; border-radius: 3px;"
NOTICE_STYLE = "color: #052c65; background: #cfe2ff; padding: 6px; border-radius: 3px;"
WARNING_STYLE = "color: #4d3800; background: #fff3cd; padding: 6px; border-radius: 3px;"

ServiceCall = tuple[Callable[..., Any], tuple, dict]

# Fields the record's services name in `InvalidInput`, beyond those `describe_error` already knows.
MORE_FIELD_LABELS = {
    "reason": "The reason",
    "type": "The event",
    "duty": "The duty",
    "frequency": "How often",
    "every_days": "The number of days between updates",
    "every_months": "The number of months between updates",
    "vps_answer": "The answer to the VPS offer",
    "safe_times": "The safe times",
    "name": "The name",
    "dob": "The date of birth",
    "email": "The email address",
    "phone": "The phone number",
    "address": "The address",
    "preferred_method": "The preferred contact method",
    "changes": "The correction",
    "details": "The details",
}


def describe(exc: BaseException) -> str:
    """As `describe_error`, with the record's own field names in plain words."""
    if isinstance(exc, InvalidInput) and exc.field in MORE_FIELD_LABELS and not exc.file and exc.row is None:
        return f"{MORE_FIELD_LABELS[exc.field]} {exc.reason}."
    return describe_error(exc)


def buddy(text: str, widget: QWidget) -> QLabel:
    """A form label whose mnemonic (the letter after &) moves focus to `widget`."""
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def make_form() -> QFormLayout:
    """A form whose fields take the room there is and whose labels never wrap above their fields."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.isEnabled():
            self.clicked.emit()
        super().mouseReleaseEvent(event)


def wrapped_check(text: str, name: str, accessible: str) -> tuple[QCheckBox, QWidget]:
    """A tick box whose long question wraps onto several lines; clicking the words ticks the box too.

    Returns the box (to read and set) and the row widget (to lay out).
    """
    box = QCheckBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setAccessibleDescription(text)
    label = _ClickableLabel(text)
    label.setWordWrap(True)
    label.clicked.connect(box.toggle)
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
    layout.addWidget(label, 1)
    return box, row


def password_edit(name: str, accessible: str = "Password") -> QLineEdit:
    """A field for a password: never shown, at most 128 characters (the services' limit)."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


def message_label(name: str, style: str, text: str = "", accessible: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(style)
    if accessible:
        label.setAccessibleName(accessible)
    label.setVisible(bool(text))
    return label


def make_when_edit(name: str, accessible: str, moment: datetime) -> QDateTimeEdit:
    """A date-time field showing UK wall-clock time (DD/MM/YYYY HH:MM), set to `moment` (an instant)."""
    edit = QDateTimeEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    # Wall-clock UK time, kept free of this machine's own zone rules (no DST gaps or folds to trip on).
    if hasattr(edit, "setTimeZone"):  # Qt 6.7 and later
        edit.setTimeZone(QTimeZone.utc())
    else:
        edit.setTimeSpec(Qt.TimeSpec.UTC)
    edit.setDisplayFormat(QT_DATETIME_FORMAT)
    edit.setCalendarPopup(True)
    set_moment(edit, moment)
    return edit


def set_moment(edit: QDateTimeEdit, moment: datetime) -> None:
    local = local_datetime(moment)
    edit.setDateTime(
        QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), QTimeZone.utc())
    )


def moment_of(edit: QDateTimeEdit) -> datetime:
    """The date and time entered, as UK wall-clock time, converted to a UTC instant."""
    qdt = edit.dateTime()
    d, t = qdt.date(), qdt.time()
    return to_utc(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()))


def when_row(edit: QDateTimeEdit) -> QWidget:
    """The date-time field with "UK time" after it, as one form field of fixed height."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit)
    layout.addWidget(QLabel("UK time"))
    layout.addStretch(1)
    row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return row


class EntryDialog(QDialog):
    """Base of the record's dialogs. Subclasses build their form, then implement `validate` and `service_call`."""

    saved = Signal(object)

    def __init__(self, ctx: ServiceContext, runner: Runner, title: str, save_text: str, parent=None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._saving = False
        self._save_text = save_text
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(560)

        self.error = message_label("errorLabel", ERROR_STYLE, accessible="Problem")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText(save_text)
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName(save_text)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

    # --- subclasses ---------------------------------------------------------------------------

    def validate(self) -> str | None:
        """The first problem with what was entered, in plain words; None when it can be saved."""
        return None

    def service_call(self) -> ServiceCall:
        """The service function to call, with its arguments (only called once `validate` passed)."""
        raise NotImplementedError

    def inputs(self) -> list[QWidget]:
        """The fields to lock while saving."""
        return []

    def check_moment(self, moment: datetime, what: str = "The date and time") -> str | None:
        if moment > self._ctx.now() + FUTURE_TOLERANCE:
            return f"{what} is in the future. Enter when it actually happened."
        return None

    # --- saving -------------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        return self._saving

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        for widget in self.inputs():
            widget.setEnabled(not saving)
        self.save_button.setEnabled(not saving)
        self.save_button.setText("Saving…" if saving else self._save_text)

    def _on_save_clicked(self) -> None:
        if self._saving:
            return
        problem = self.validate()
        if problem:
            self.show_error(problem)
            return
        self.error.hide()
        fn, args, kwargs = self.service_call()
        self._set_saving(True)
        self._runner.write(fn, *args, **kwargs).on_success(self._on_saved).on_failure(self._on_failed)

    def _on_saved(self, result: Any) -> None:
        self._set_saving(False)
        self.saved.emit(result)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        self.show_error(describe(exc))

    def reject(self) -> None:
        if self._saving:
            return  # the write is under way; closing now would hide whether it worked
        super().reject()
