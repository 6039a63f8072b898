"""Reviewing one sampled contact entry: the entry in full, the victim's duties in the case, the audit form's
questions (with the answers the record suggests), a verdict and comments. Saving calls `record_review`.

Signals: as `EntryDialog` (`saved(ReviewView)`).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import ERROR_STYLE, WARNING_STYLE, EntryDialog, ServiceCall, buddy, message_label
from vicman.gui.formatting import uk_datetime
from vicman.gui.models.sample_table_model import COL_DUE, COL_DUTY, COL_MET, COL_STATUS, ReviewDutyTableModel
from vicman.gui.views.record_common import detail_label, para
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services import dip_sampling
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_views import ANSWERS, QUESTIONS, VERDICTS, ReviewContext

ANSWER_TEXT = {"yes": "Yes", "no": "No", "n/a": "N/A"}
SUGGESTED = "suggested from the record"
VERDICT_MNEMONICS = {"compliant": "&Compliant", "partly": "&Partly compliant", "not_compliant": "&Not compliant"}


def banner_text(context: ReviewContext) -> tuple[str, str] | None:
    """(text, style) of the warning over the form, if the entry no longer stands as it was drawn."""
    item = context.item
    if item.entry_missing:
        return (
            "This entry has been DELETED from the database outside vicman since it was drawn. It cannot be "
            "reviewed: report it to the administrator.",
            ERROR_STYLE,
        )
    if item.changed_since_drawn:
        return (
            "This entry has CHANGED since it was drawn: what is stored now is not what was sampled, so it has "
            "been altered outside vicman. Report it to the administrator; a review saved now is marked as made "
            "on a changed entry.",
            ERROR_STYLE,
        )
    correction = item.corrected_by
    if correction is not None:
        verb = "retracted" if correction.retracted else "corrected"
        reason = f" Reason given: {correction.reason}" if correction.reason else ""
        return (
            f"This entry was {verb} after the draw, by entry {correction.entry_id} recorded "
            f"{uk_datetime(correction.recorded_at)} by {correction.recorded_by}.{reason} You are reviewing the "
            "entry as drawn; the correction is on the victim's record.",
            WARNING_STYLE,
        )
    return None


def entry_html(context: ReviewContext) -> str:
    item = context.item
    titles = {d.key: d.title for d in context.duties}
    rows = [
        ("Victim", f"{item.victim_name} ({item.victim_ref}), crime {item.crime_ref}"),
        ("Officer in the case", f"{item.officer_staff_no} {item.officer_name}" if item.officer_staff_no else "None"),
        ("When", uk_datetime(item.entry_at) if item.entry_at else "Missing"),
        ("Method", item.method_label or "—"),
        ("Outcome", item.outcome_label or "—"),
        ("Recorded by", f"{item.recorded_by} on {uk_datetime(item.recorded_at)}" if item.recorded_by else "—"),
    ]
    if context.on_behalf_of:
        rows.append(("On behalf of", context.on_behalf_of))
    if context.not_meeting:
        rows.append(("Marked as not meeting", "; ".join(titles.get(k, k) for k in context.not_meeting)))
    rows.append(("Risk when drawn", ", ".join(item.risk_labels) or "None"))
    lines = [f"<b>{escape(k)}:</b> {escape(v)}" for k, v in rows]
    note = context.note.strip() if context.note else ""
    lines.append(f"<b>Note:</b> {para(note) if note else '<i>No note was written.</i>'}")
    return "<br>".join(lines)


def history_text(context: ReviewContext) -> str:
    if not context.reviews:
        return "Not reviewed before."
    latest = context.reviews[-1]
    ack = (
        f"; acknowledged by {latest.acknowledged_by} on {uk_datetime(latest.acknowledged_at)}"
        if latest.acknowledged_at
        else "; not yet acknowledged by the officer"
    )
    earlier = len(context.reviews) - 1
    more = f" ({earlier} earlier review{'s' if earlier != 1 else ''} superseded)" if earlier else ""
    return (
        f"Standing review: {latest.verdict_label} by {latest.by} on {uk_datetime(latest.at)}{ack}{more}. "
        "Saving this form adds a new review that supersedes it."
    )


class _AnswerRow(QWidget):
    """Yes / No / N/A for one question; the widget itself takes focus (a label's mnemonic moves here)."""

    def __init__(self, field: str, question: str) -> None:
        super().__init__()
        self.setObjectName(f"{field}Answer")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for answer in ANSWERS:
            button = QRadioButton(ANSWER_TEXT[answer])
            button.setObjectName(f"{field}_{answer.replace('/', '')}")
            button.setAccessibleName(f"{ANSWER_TEXT[answer]}: {question}")
            self.group.addButton(button)
            self.buttons[answer] = button
            layout.addWidget(button)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.buttons["yes"])

    def answer(self) -> str | None:
        return next((a for a, b in self.buttons.items() if b.isChecked()), None)

    def set_answer(self, answer: str) -> None:
        if answer in self.buttons:
            self.buttons[answer].setChecked(True)
            self.setFocusProxy(self.buttons[answer])


class SampleReviewDialog(EntryDialog):
    """The audit form for one sampled entry, built from its `ReviewContext`."""

    def __init__(self, ctx: ServiceContext, runner: Runner, context: ReviewContext, parent=None) -> None:
        item = context.item
        super().__init__(
            ctx, runner, f"Review sampled entry {item.position}: {item.victim_name}", "&Save review", parent
        )
        self.setObjectName("sampleReviewDialog")
        self.setMinimumWidth(1160)
        self.context = context

        warning = banner_text(context)
        self.banner = message_label(
            "reviewBanner", warning[1] if warning else WARNING_STYLE, warning[0] if warning else "", "Warning"
        )

        self.entry = detail_label("reviewEntry", "The contact entry under review")
        self.entry.setText(entry_html(context))
        self.duties_model = ReviewDutyTableModel(self)
        self.duties_model.set_rows(context.duties)
        self.duties = make_table("reviewDutiesTable", "The victim's duties in this case")
        self.duties.setSortingEnabled(False)
        self.duties.setModel(self.duties_model)
        header = self.duties.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_DUTY, QHeaderView.ResizeMode.Stretch)
        for column, width in ((COL_DUE, 84), (COL_STATUS, 92), (COL_MET, 116)):
            self.duties.setColumnWidth(column, width)
        self.duties.setMinimumHeight(150)
        self.history = QLabel(history_text(context))
        self.history.setObjectName("reviewHistory")
        self.history.setAccessibleName("Earlier reviews of this entry")
        self.history.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self._heading("The contact entry"))
        left.addWidget(self.entry)
        left.addWidget(self._heading("The victim's duties in this case"))
        left.addWidget(self.duties, 1)
        left.addWidget(self.history)

        self.answers: dict[str, _AnswerRow] = {}
        self.suggestion_labels: dict[str, QLabel] = {}
        questions = QGroupBox("The audit questions")
        questions.setObjectName("reviewQuestions")
        grid = QGridLayout(questions)
        grid.setColumnStretch(0, 1)
        grid.setVerticalSpacing(4)
        for number, (field, question) in enumerate(QUESTIONS, start=1):
            row = _AnswerRow(field, question)
            self.answers[field] = row
            label = buddy(f"&{number}. {question}", row)
            label.setWordWrap(True)
            grid.addWidget(label, 2 * (number - 1), 0)
            grid.addWidget(row, 2 * (number - 1), 1, Qt.AlignmentFlag.AlignTop)
            suggestion = context.suggested.get(field)
            if suggestion is not None:
                row.set_answer(suggestion)
                note = QLabel(f"{ANSWER_TEXT.get(suggestion, suggestion)}: {SUGGESTED}")
                note.setObjectName(f"{field}Suggestion")
                note.setStyleSheet("color: #495057; font-style: italic;")
                note.setAccessibleName(f"{question} {ANSWER_TEXT.get(suggestion, suggestion)}, {SUGGESTED}")
                self.suggestion_labels[field] = note
                grid.addWidget(note, 2 * (number - 1) + 1, 0, 1, 2)

        verdicts = QGroupBox("Verdict")
        verdicts.setObjectName("reviewVerdict")
        self.verdict_group = QButtonGroup(self)
        self.verdicts: dict[str, QRadioButton] = {}
        verdict_row = QHBoxLayout(verdicts)
        for value, text in VERDICTS.items():
            button = QRadioButton(VERDICT_MNEMONICS.get(value, text))
            button.setObjectName(f"verdict_{value}")
            button.setAccessibleName(f"Verdict: {text}")
            self.verdict_group.addButton(button)
            self.verdicts[value] = button
            verdict_row.addWidget(button)
        verdict_row.addStretch(1)

        self.comments = QPlainTextEdit()
        self.comments.setObjectName("reviewComments")
        self.comments.setAccessibleName("Comments for the officer")
        self.comments.setPlaceholderText(
            "What was done well, and what should be done differently (the officer reads this)"
        )
        self.comments.setTabChangesFocus(True)
        self.comments.setMinimumHeight(70)

        right = QVBoxLayout()
        right.addWidget(questions)
        right.addWidget(verdicts)
        right.addWidget(buddy("Co&mments for the officer", self.comments))
        right.addWidget(self.comments, 1)

        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(8)
        columns.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.error.hide()
        if item.entry_missing:
            self.save_button.setEnabled(False)
        first = next(iter(self.answers.values()))
        first.setFocus()

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(f"<b>{escape(text)}</b>")
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    # --- reading and setting the form (the screen and tests) -----------------------------------

    def set_answer(self, field: str, answer: str) -> None:
        self.answers[field].set_answer(answer)

    def set_verdict(self, verdict: str) -> None:
        self.verdicts[verdict].setChecked(True)

    def chosen_answers(self) -> dict[str, str | None]:
        return {field: row.answer() for field, row in self.answers.items()}

    def verdict(self) -> str | None:
        return next((v for v, b in self.verdicts.items() if b.isChecked()), None)

    # --- EntryDialog --------------------------------------------------------------------------

    def validate(self) -> str | None:
        for number, (field, question) in enumerate(QUESTIONS, start=1):
            if self.answers[field].answer() is None:
                return f"Answer question {number}: {question}"
        if self.verdict() is None:
            return "Choose a verdict: compliant, partly compliant or not compliant."
        return None

    def service_call(self) -> ServiceCall:
        answers = {field: answer for field, answer in self.chosen_answers().items() if answer is not None}
        return (
            dip_sampling.record_review,
            (self._ctx, self.context.item.id),
            {**answers, "verdict": self.verdict(), "comments": self.comments.toPlainText()},
        )

    def inputs(self) -> list[QWidget]:
        return [*self.answers.values(), *self.verdicts.values(), self.comments]
