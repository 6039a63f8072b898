"""The Surveys tab of a victim's record: the satisfaction surveys the victim gave about the crime on show,
newest first (corrected and retracted entries stay, greyed), with "Record survey…" and "Correct…".

The surveys are read when the tab is shown (after the record was opened, so that opening covers this read
in the audit trail), and again when the record is read again while the tab is on show; saving goes through
the dialog, after which they are read again.

Signals:
    surveys_loaded(): the table shows the latest read (or the failure).
    survey_saved(object): a survey or a correction was saved (`SurveyRecorded`).
    status_message(str): a short message for the status bar.
"""

from __future__ import annotations

from html import escape
from typing import Any

import shiboken6
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from vicman.gui.dialogs.survey import SurveyDialog, SurveyTarget
from vicman.gui.errors import describe_error
from vicman.gui.formatting import local_datetime, plural, uk_date, uk_datetime
from vicman.gui.models.report_table_models import (
    COL_V_AT,
    COL_V_BY,
    COL_V_EASE,
    COL_V_INFORMED,
    COL_V_METHOD,
    COL_V_OVERALL,
    COL_V_STATE,
    COL_V_TREATMENT,
    SurveyTableModel,
    score_text,
    survey_state,
)
from vicman.gui.views.record_common import make_button
from vicman.gui.views.record_table_pane import RecordTablePane
from vicman.gui.workers import Runner
from vicman.services import satisfaction
from vicman.services.audit import Reason
from vicman.services.context import ServiceContext
from vicman.services.record_views import CaseView, VictimRecord

NO_SURVEYS = (
    "No satisfaction survey has been recorded for this victim in this crime. Use “Record survey…” when the victim "
    "has answered one."
)


class SurveyPane(RecordTablePane):
    surveys_loaded = Signal()
    survey_saved = Signal(object)
    status_message = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__("surveyPane", parent)
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self.loading = False
        self.target: SurveyTarget | None = None
        self._reason: Reason | None = None
        self._stale = False
        """The record changed since the surveys were read: read them when the tab is next shown."""
        self.dialog: SurveyDialog | None = None
        self._build(
            SurveyTableModel(self),
            ("surveysTable", "Satisfaction surveys, newest first"),
            {
                COL_V_AT: 90,
                COL_V_METHOD: 100,
                COL_V_OVERALL: 130,
                COL_V_INFORMED: 130,
                COL_V_TREATMENT: 130,
                COL_V_EASE: 130,
                COL_V_STATE: 150,
                COL_V_BY: 100,
            },
            ("surveyDetail", "The selected survey in full"),
        )
        self.summary = QLabel()
        self.summary.setObjectName("surveySummary")
        self.summary.setWordWrap(True)
        self.record_button = make_button(
            "Record &survey…",
            "recordSurveyButton",
            "Record a satisfaction survey",
            "Record what the victim said when asked how satisfied they are with the service",
        )
        self.record_button.clicked.connect(self.record_survey)
        self.correct_button = make_button(
            "Co&rrect survey…",
            "correctSurveyButton",
            "Correct the selected survey",
            "Correct or retract the selected survey entry (a new entry; the original stays)",
        )
        self.correct_button.clicked.connect(self.correct_selected)
        self._lay_out(self.summary, self.correct_button, self.record_button)
        self.table.doubleClicked.connect(lambda _index: self.correct_selected())
        self._show_detail()

    # --- what is shown --------------------------------------------------------------------------

    def show_case(self, record: VictimRecord, case: CaseView | None, reason: Reason | None = None) -> None:
        """Read the surveys of `record`'s victim in `case` (nothing to read without a case)."""
        self._generation += 1
        if case is None:
            self.target = None
            self.model.set_rows([])
            self.summary.setText("This person is not a victim in any crime yet.")
            self._show_detail()
            return
        target = SurveyTarget(case.crime_ref, record.person_ref, record.name, local_datetime(case.reported_at).date())
        if target != self.target:
            self.model.set_rows([])
            self.summary.setText("")
        self.target = target
        self._reason = reason
        self._stale = True
        if self.isVisible():
            self.reload(reason)

    def showEvent(self, event) -> None:
        """Read the surveys when the tab is first shown (or shown again after the record changed): most
        openings of a record never look at them."""
        super().showEvent(event)
        if self._stale and self.target is not None:
            self.reload(self._reason)

    def reload(self, reason: Reason | None = None) -> None:
        target = self.target
        if target is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.summary.setText("Working… reading the surveys.")
        self._runner.write(satisfaction.surveys_for, self._ctx, target.crime_ref, target.person_ref, reason).on_success(
            lambda rows, g=generation: self._on_loaded(g, rows)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc))

    def _on_loaded(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation or not shiboken6.isValid(self.summary):
            return
        self.loading = False
        self.model.set_rows(rows)
        standing = [s for s in rows if s.standing]
        if not rows:
            self.summary.setText(NO_SURVEYS)
        else:
            latest = standing[0] if standing else None
            words = f"latest answered {uk_date(local_datetime(latest.at).date())}" if latest else "none stands"
            self.summary.setText(
                f"{plural(len(standing), 'survey')} ({words}); {plural(len(rows), 'entry', 'entries')} in all."
            )
            self.table.selectRow(0)
        self._show_detail()
        self.surveys_loaded.emit()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation or not shiboken6.isValid(self.summary):
            return
        self.loading = False
        self.model.set_rows([])
        self.summary.setText(f"The surveys could not be read. {describe_error(exc)}")
        self._show_detail()
        self.surveys_loaded.emit()

    def _show_detail(self) -> None:
        survey = self.selected_row()
        problem = self.correct_problem(survey)
        self.correct_button.setEnabled(problem is None)
        self.correct_button.setToolTip(problem or "Correct or retract the selected survey entry")
        self.record_button.setEnabled(self.target is not None)
        if survey is None:
            self.detail.setText("Select a survey to see it in full." if self.model.rowCount() else "")
            return
        lines = [
            f"<b>Survey entry {survey.id}</b> ({escape(survey_state(survey).lower())}): answered "
            f"{uk_date(local_datetime(survey.at).date())} by {escape(survey.method_label.lower())}; recorded "
            f"{uk_datetime(survey.recorded_at)} by {escape(survey.recorded_by)}.",
            " · ".join(
                f"{escape(words)}: <b>{escape(score_text(getattr(survey, key)))}</b>"
                for key, words in satisfaction.QUESTIONS.items()
            ),
        ]
        if survey.comments:
            lines.append(f"Comments: “{escape(survey.comments)}”")
        if survey.correction_reason:
            lines.append(f"Reason for the correction: {escape(survey.correction_reason)}")
        self.detail.setText("<br>".join(lines))

    def _on_context_menu(self, pos: QPoint) -> None:
        problem = self.correct_problem(self.selected_row())
        self._popup_menu(
            pos,
            ("Correct survey…", problem is None, self.correct_selected),
            ("Record survey…", self.target is not None, self.record_survey),
        )

    @staticmethod
    def correct_problem(survey: Any) -> str | None:
        if survey is None:
            return "Select a survey entry first."
        if survey.corrected_by_id is not None:
            return f"This entry was corrected by entry {survey.corrected_by_id}; correct that one instead."
        if survey.retracted:
            return "This entry is a retraction; it cannot itself be corrected."
        return None

    # --- recording -------------------------------------------------------------------------------

    def record_survey(self) -> SurveyDialog | None:
        if self.target is None:
            return None
        return self._open(SurveyDialog(self._ctx, self._runner, self.target, self))

    def correct_selected(self) -> SurveyDialog | None:
        survey = self.selected_row()
        problem = self.correct_problem(survey)
        if self.target is None or problem is not None:
            if problem:
                self.status_message.emit(problem)
            return None
        return self._open(SurveyDialog(self._ctx, self._runner, self.target, self, original=survey))

    def _open(self, dialog: SurveyDialog) -> SurveyDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_saved)
        dialog.finished.connect(lambda _r, d=dialog: self.dialog is d and setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_saved(self, result: Any) -> None:
        correcting = self.dialog is not None and self.dialog.original is not None
        self.status_message.emit(
            "Correction saved; the original survey stays in the record, marked as corrected."
            if correcting
            else "Survey recorded."
        )
        self.survey_saved.emit(result)
        self.reload()
