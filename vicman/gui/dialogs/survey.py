"""Record a victim's satisfaction survey, or correct (or retract) one: four questions on the five-point scale
(or "Not answered"), the date they answered (not in the future, not before the crime was reported) and how.
Problems are shown next to the field they are about, and once more above the buttons.

A correction is a new entry pointing at the one it corrects, with a reason; both stay in the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import (
    NOTICE_STYLE,
    EntryDialog,
    ServiceCall,
    buddy,
    describe,
    make_form,
    message_label,
)
from vicman.gui.formatting import local_datetime, uk_date
from vicman.gui.views.supervision_common import QT_DATE_FORMAT, from_qdate, to_qdate
from vicman.gui.workers import Runner
from vicman.services import satisfaction
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.services.satisfaction import SurveyView

NOT_ANSWERED = "Not answered"
CHOOSE = "Choose how…"
FIELD_ERROR_STYLE = "color: #842029; font-size: 90%;"
FIELD_WORDS = {
    "at": "The date",
    "method": "How they answered",
    "overall": "The answers",
    "kept_informed": "The answer about being kept informed",
    "treatment": "The answer about treatment by staff",
    "ease_of_contact": "The answer about ease of contact",
    "comments": "The comments",
    "reason": "The reason",
}


@dataclass(frozen=True)
class SurveyTarget:
    """The victim, in one crime, whose answers these are."""

    crime_ref: str
    person_ref: str
    name: str
    reported_on: date | None = None
    """The local date the crime was reported: no survey can be answered before it."""


def scale_combo(name: str, accessible: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.addItem(NOT_ANSWERED, None)
    for score, words in sorted(satisfaction.SCALE.items()):
        combo.addItem(f"{words} ({score})", score)
    return combo


class SurveyDialog(EntryDialog):
    """A new survey for `target`, or (with `original`) a correction or retraction of that entry."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        target: SurveyTarget,
        parent=None,
        original: SurveyView | None = None,
    ) -> None:
        correcting = original is not None
        title = "Correct a satisfaction survey" if correcting else "Record a satisfaction survey"
        super().__init__(ctx, runner, title, "Save correction" if correcting else "Save survey", parent)
        self.setObjectName("surveyDialog")
        self.setMinimumWidth(620)
        self.target = target
        self.original = original
        self.field_errors: dict[str, QLabel] = {}

        intro = QLabel(
            f"<b>{target.name}</b> ({target.person_ref}), crime {target.crime_ref}: how satisfied the victim "
            "said they were. Leave a question as “Not answered” if they did not answer it."
        )
        intro.setObjectName("surveyIntro")
        intro.setWordWrap(True)

        today = ctx.today()
        self.when = QDateEdit()
        self.when.setObjectName("surveyDateEdit")
        self.when.setAccessibleName("Date the victim answered")
        self.when.setDisplayFormat(QT_DATE_FORMAT)
        self.when.setCalendarPopup(True)
        self.when.setMinimumDate(QDate(2000, 1, 1))
        self.when.setMaximumDate(QDate(2100, 12, 31))
        self.when.setDate(to_qdate(local_datetime(original.at).date() if original else today))
        self.method = QComboBox()
        self.method.setObjectName("surveyMethodCombo")
        self.method.setAccessibleName("How the victim answered")
        self.method.addItem(CHOOSE, None)
        for value, words in satisfaction.METHODS.items():
            self.method.addItem(words, value)
        self.answers: dict[str, QComboBox] = {
            key: scale_combo(f"{key}Combo", words) for key, words in satisfaction.QUESTIONS.items()
        }
        self.comments = QPlainTextEdit()
        self.comments.setObjectName("surveyCommentsEdit")
        self.comments.setAccessibleName("The victim's comments")
        self.comments.setPlaceholderText("Anything the victim said in their own words (optional)")
        self.comments.setTabChangesFocus(True)
        self.comments.setMaximumHeight(80)

        form = make_form()
        form.addRow(buddy("&Date answered:", self.when), self._with_error("at", self.when))
        form.addRow(buddy("&How:", self.method), self._with_error("method", self.method))
        mnemonics = {
            "overall": "&Overall service:",
            "kept_informed": "Being &kept informed:",
            "treatment": "&Treatment by staff:",
            "ease_of_contact": "&Ease of contact:",
        }
        for key, combo in self.answers.items():
            form.addRow(buddy(mnemonics[key], combo), self._with_error(key, combo))
        form.addRow(buddy("Co&mments:", self.comments), self._with_error("comments", self.comments))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.correct_radio = QRadioButton("&Correct the answers recorded")
        self.correct_radio.setObjectName("surveyCorrectRadio")
        self.correct_radio.setAccessibleName("Correct the survey")
        self.retract_radio = QRadioButton("Re&tract it: it should never have been recorded")
        self.retract_radio.setObjectName("surveyRetractRadio")
        self.retract_radio.setAccessibleName("Retract the survey")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("surveyReasonEdit")
        self.reason.setAccessibleName("Reason for the correction")
        self.reason.setPlaceholderText("Why the entry was wrong, e.g. “Answers typed against the wrong question.”")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(60)
        if original is not None:
            self._fill_from(original)
            explain = message_label(
                "surveyExplainLabel",
                NOTICE_STYLE,
                "Entries are never changed or deleted: the correction is added as a new entry pointing at this one, "
                "and both stay in the record.",
                accessible="How corrections work",
            )
            layout.addWidget(explain)
            mode = QButtonGroup(self)
            mode.addButton(self.correct_radio)
            mode.addButton(self.retract_radio)
            self.correct_radio.setChecked(True)
            self.correct_radio.toggled.connect(self._on_mode_toggled)
            layout.addWidget(self.correct_radio)
            layout.addWidget(self.retract_radio)
            form.addRow(buddy("&Reason for the correction:", self.reason), self._with_error("reason", self.reason))
        else:
            for widget in (self.correct_radio, self.retract_radio, self.reason):
                widget.setParent(self)
                widget.hide()
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.reason if original else self.method).setFocus()

    def _with_error(self, field: str, widget: QWidget) -> QWidget:
        """The field with its own problem line under it (hidden while there is none)."""
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # the form lets it grow
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(widget, QDateEdit):
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            column.addWidget(widget)
        problem = QLabel()
        problem.setObjectName(f"{field}Problem")
        problem.setAccessibleName(f"Problem with {FIELD_WORDS.get(field, field).lower()}")
        problem.setStyleSheet(FIELD_ERROR_STYLE)
        problem.setWordWrap(True)
        problem.setTextFormat(Qt.TextFormat.PlainText)
        problem.hide()
        column.addWidget(problem)
        self.field_errors[field] = problem
        return box

    def _fill_from(self, original: SurveyView) -> None:
        self.method.setCurrentIndex(max(self.method.findData(original.method), 0))
        for key, combo in self.answers.items():
            combo.setCurrentIndex(max(combo.findData(getattr(original, key)), 0))
        self.comments.setPlainText(original.comments or "")

    # --- reading the form ---------------------------------------------------------------------

    @property
    def retracting(self) -> bool:
        return self.original is not None and self.retract_radio.isChecked()

    def _on_mode_toggled(self, correcting: bool) -> None:
        for widget in (self.when, self.method, self.comments, *self.answers.values()):
            widget.setEnabled(correcting)
        self._save_text = "Save correction" if correcting else "Retract survey"
        self.save_button.setText(self._save_text)

    def set_answer(self, key: str, score: int | None) -> None:
        combo = self.answers[key]
        combo.setCurrentIndex(combo.findData(score) if score is not None else 0)

    def set_method(self, method: str) -> None:
        self.method.setCurrentIndex(self.method.findData(method))

    def set_date(self, day: date) -> None:
        self.when.setDate(to_qdate(day))

    def values(self) -> dict[str, Any]:
        """Everything as the service takes it."""
        comments = self.comments.toPlainText().strip()
        return {
            "at": from_qdate(self.when.date()),
            "method": self.method.currentData(),
            **{key: combo.currentData() for key, combo in self.answers.items()},
            "comments": comments or None,
        }

    def changes(self) -> dict[str, Any]:
        """For a correction: the fields that differ from the original (empty when retracting)."""
        original = self.original
        if original is None or self.retracting:
            return {}
        values = self.values()
        before = {
            "at": local_datetime(original.at).date(),
            "method": original.method,
            **original.answers(),
            "comments": original.comments or None,
        }
        return {field: value for field, value in values.items() if value != before[field]}

    def problems(self) -> dict[str, str]:
        """What is wrong with the form, by field, in plain words (empty when it can be saved)."""
        found: dict[str, str] = {}
        if self.original is not None and not self.reason.toPlainText().strip():
            found["reason"] = "Give the reason for the correction: it is kept with the entry."
        if self.retracting:
            return found
        values = self.values()
        day: date = values["at"]
        if day > self._ctx.today():
            found["at"] = f"The date is in the future ({uk_date(day)}): enter the day the victim answered."
        elif self.target.reported_on is not None and day < self.target.reported_on:
            found["at"] = (
                f"The date is before the crime was reported ({uk_date(self.target.reported_on)}): enter the day "
                "the victim answered."
            )
        if values["method"] is None:
            found["method"] = "Choose how the victim answered."
        if all(values[key] is None for key in self.answers):
            found["overall"] = "Answer at least one question, or do not record a survey."
        if self.original is not None and not found and not self.changes():
            # Not about one field: shown above the buttons only.
            found["changes"] = "Nothing has been changed. Change what was wrong, or choose to retract the survey."
        return found

    def validate(self) -> str | None:
        problems = self.problems()
        self._show_field_problems(problems)
        return next(iter(problems.values()), None)

    def _show_field_problems(self, problems: dict[str, str]) -> None:
        for field, label in self.field_errors.items():
            label.setText(problems.get(field, ""))
            label.setVisible(field in problems)

    def service_call(self) -> ServiceCall:
        if self.original is None:
            values = self.values()
            return (
                satisfaction.record_survey,
                (self._ctx, self.target.crime_ref, self.target.person_ref),
                values,
            )
        reason = self.reason.toPlainText().strip()
        return (
            satisfaction.correct_survey,
            (self._ctx, self.original.id, reason),
            {"retract": self.retracting, **self.changes()},
        )

    def inputs(self) -> list[QWidget]:
        fields: list[QWidget] = [self.when, self.method, self.comments, *self.answers.values()]
        if self.original is not None:
            return [self.correct_radio, self.retract_radio, self.reason] + ([] if self.retracting else fields)
        return fields

    def _on_failed(self, exc: BaseException) -> None:
        """The service's refusal, next to the field it names too."""
        super()._on_failed(exc)
        if isinstance(exc, InvalidInput) and exc.field in self.field_errors:
            words = FIELD_WORDS.get(exc.field or "", "")
            text = f"{words} {exc.reason}." if words else describe(exc)
            self._show_field_problems({exc.field or "": text})
            self.show_error(text)
