"""Satisfaction surveys on the victim's record (views/survey_pane.py, dialogs/survey.py), against the real test
database: the dialog says what is wrong next to the field, saves through the service, and the Surveys tab
lists the surveys newest first, with corrections as new entries pointing at the old ones.

The clock stands at Thursday 26/11/2026 09:00 UTC; CR/1001/26 (Mary Jones, V1001, Ann's) was reported on
26/10/2026.
"""

from __future__ import annotations

from datetime import date

import pytest
from gui_support import as_admin
from PySide6.QtCore import Qt
from record_support import open_record

from vicman.gui.dialogs.survey import SurveyDialog
from vicman.gui.models.report_table_models import COL_V_OVERALL, COL_V_STATE
from vicman.gui.views.survey_pane import SurveyPane
from vicman.services import satisfaction
from vicman.services.context import Actor

pytestmark = pytest.mark.gui


def surveys_tab(qtbot, window, person_ref: str = "V1001", crime_ref: str = "CR/1001/26") -> SurveyPane:
    view = open_record(qtbot, window, person_ref, crime_ref)
    pane = view.surveys
    view.tabs.setCurrentWidget(pane)
    qtbot.waitUntil(lambda: not pane.loading, timeout=10_000)
    return pane


def open_dialog(qtbot, pane: SurveyPane) -> SurveyDialog:
    qtbot.mouseClick(pane.record_button, Qt.MouseButton.LeftButton)
    dialog = pane.dialog
    assert isinstance(dialog, SurveyDialog)
    return dialog


def save_and_wait(qtbot, pane: SurveyPane, dialog: SurveyDialog) -> None:
    with qtbot.waitSignal(pane.surveys_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert pane.dialog is None


def test_the_dialog_says_what_is_wrong_next_to_the_field_and_saves_nothing(qtbot, window, ctx) -> None:
    pane = surveys_tab(qtbot, window)
    assert pane.model.rowCount() == 0 and "No satisfaction survey has been recorded" in pane.summary.text()
    dialog = open_dialog(qtbot, pane)
    # The scale in words, "Not answered" first; the methods as the service takes them.
    combo = dialog.answers["overall"]
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Not answered",
        "Very dissatisfied (1)",
        "Fairly dissatisfied (2)",
        "Neither satisfied nor dissatisfied (3)",
        "Fairly satisfied (4)",
        "Very satisfied (5)",
    ]
    assert dialog.when.date().toPython() == date(2026, 11, 26)

    # Nothing chosen: how they answered, and at least one answer, each said next to its field.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.field_errors["method"].isVisibleTo(dialog)
    assert dialog.field_errors["method"].text() == "Choose how the victim answered."
    assert dialog.field_errors["overall"].text() == "Answer at least one question, or do not record a survey."
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text() == "Choose how the victim answered."

    # A date in the future, and one before the crime was reported.
    dialog.set_method("phone")
    dialog.set_answer("overall", 4)
    dialog.set_date(date(2026, 11, 27))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.field_errors["method"].isVisibleTo(dialog)
    assert (
        dialog.field_errors["at"].text() == "The date is in the future (27/11/2026): enter the day the victim answered."
    )
    dialog.set_date(date(2026, 10, 25))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "before the crime was reported (26/10/2026)" in dialog.field_errors["at"].text()
    assert dialog.isVisible() and not dialog.saving
    with as_admin(ctx):
        assert satisfaction.surveys_for(ctx, "CR/1001/26", "V1001") == []
    dialog.reject()


def test_a_survey_is_saved_and_listed_newest_first(qtbot, window, ctx) -> None:
    pane = surveys_tab(qtbot, window)
    dialog = open_dialog(qtbot, pane)
    dialog.set_date(date(2026, 11, 20))
    dialog.set_method("phone")
    dialog.set_answer("overall", 4)
    dialog.set_answer("kept_informed", 2)
    dialog.set_answer("ease_of_contact", 5)
    dialog.comments.setPlainText("Would like more calls.")
    save_and_wait(qtbot, pane, dialog)

    dialog = open_dialog(qtbot, pane)
    dialog.set_date(date(2026, 11, 25))
    dialog.set_method("online")
    dialog.set_answer("overall", 5)
    save_and_wait(qtbot, pane, dialog)

    with as_admin(ctx):
        stored = satisfaction.surveys_for(ctx, "CR/1001/26", "V1001")
    assert [(s.method, s.overall, s.kept_informed, s.treatment, s.ease_of_contact) for s in stored] == [
        ("online", 5, None, None, None),
        ("phone", 4, 2, None, 5),
    ]
    assert stored[1].comments == "Would like more calls." and stored[1].recorded_by == "pc1234"
    assert pane.model.rows() == stored  # newest first, as the service gives them
    assert pane.model.index(0, COL_V_OVERALL).data() == "5 · Very satisfied"
    assert pane.model.index(1, COL_V_OVERALL).data() == "4 · Fairly satisfied"
    assert pane.summary.text().startswith("2 surveys (latest answered 25/11/2026)")
    pane.table.selectRow(1)
    assert "Would like more calls." in pane.detail.text() and "Being kept informed" in pane.detail.text()


def test_a_correction_is_a_new_entry_pointing_at_the_old_one_with_a_reason(qtbot, window, ctx) -> None:
    with as_admin(ctx):
        ctx.actor = Actor("pc1234", "test-host", unrestricted=True)  # Ann's entry: she may correct it
        satisfaction.record_survey(
            ctx,
            "CR/1001/26",
            "V1001",
            at=date(2026, 11, 20),
            method="post",
            overall=2,
            kept_informed=None,
            treatment=3,
            ease_of_contact=None,
        )
    pane = surveys_tab(qtbot, window)
    original = pane.model.row_at(0)
    pane.table.selectRow(0)
    assert pane.correct_button.isEnabled()
    qtbot.mouseClick(pane.correct_button, Qt.MouseButton.LeftButton)
    dialog = pane.dialog
    assert isinstance(dialog, SurveyDialog) and dialog.original == original
    assert dialog.answers["overall"].currentData() == 2 and dialog.method.currentData() == "post"

    # No reason, nothing changed: both said.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.field_errors["reason"].text() == "Give the reason for the correction: it is kept with the entry."
    dialog.reason.setPlainText("Typed 2 for 4.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Nothing has been changed" in dialog.error.text()

    dialog.set_answer("overall", 4)
    assert dialog.changes() == {"overall": 4}
    save_and_wait(qtbot, pane, dialog)
    rows = pane.model.rows()
    assert len(rows) == 2
    correction = next(r for r in rows if r.corrects_id == original.id)
    old = next(r for r in rows if r.id == original.id)
    assert correction.overall == 4 and correction.treatment == 3 and correction.correction_reason == "Typed 2 for 4."
    assert old.corrected_by_id == correction.id and not old.standing
    states = {r.id: pane.model.index(i, COL_V_STATE).data() for i, r in enumerate(rows)}
    assert states[old.id] == f"{old.id}: Corrected (by {correction.id})"
    assert states[correction.id] == f"{correction.id}: Correction of {old.id}"
    # The corrected entry cannot be corrected again; the correction can (and may be retracted).
    pane.table.selectRow(rows.index(old))
    assert not pane.correct_button.isEnabled()
    assert pane.correct_selected() is None
    pane.table.selectRow(rows.index(correction))
    dialog = pane.correct_selected()
    assert dialog is not None
    dialog.retract_radio.setChecked(True)
    assert not dialog.method.isEnabled() and dialog.save_button.text() == "Retract survey"
    dialog.reason.setPlainText("Not this victim's answers.")
    save_and_wait(qtbot, pane, dialog)
    assert sum(1 for r in pane.model.rows() if r.standing) == 0
    assert "none stands" in pane.summary.text()
