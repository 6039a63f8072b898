"""Actions on the victim record, each a service call after which the record shows what changed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from record_support import duty, duty_keys, open_record, save

from vicman.domain.enums import Status
from vicman.gui.models.timeline_table_model import COL_LINK
from vicman.gui.views.victim_record import TAB_CERTIFICATION, TAB_TIMELINE
from vicman.services import casework, records

pytestmark = pytest.mark.gui


def log_contact(qtbot, view, note: str) -> None:
    dialog = view.log_contact()
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.note, note)
    with qtbot.waitSignal(view.record_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_log_a_contact_meets_the_update_and_the_next_one_appears(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    assert duty(view, "update", "update:1").status is Status.OPEN
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(view.tabs, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L on a record
    dialog = view.dialog
    assert dialog is not None and dialog.objectName() == "logContactDialog"
    assert [t.victim_ref for t in dialog.targets] == ["V1001"]
    assert "referral" in dialog.notice.text()  # the referral is still open: a contact does not meet it
    dialog.reject()

    log_contact(qtbot, view, "Told Mary the suspect has not been traced; next update by phone.")
    first = duty(view, "update", "update:1")
    assert first.status is Status.MET and first.met_by_kind == "contact"
    assert duty(view, "update", "update:2").due == date(2026, 12, 26)
    row = view.duties.model.rows().index(first)
    assert view.duties.model.met_by_text(first).endswith("Phone contact: Victim informed")
    assert view.duties.model.index(row, 0).data() == "Met"
    assert view.timeline.model.row_at(0).kind == "contact"
    assert window.statusBar().currentMessage() == "Contact logged."
    qtbot.waitUntil(lambda: not window.my_work.loading, timeout=10_000)
    assert ("CR/1001/26", "update:2") in [(d.crime_ref, d.key) for d in window.my_work.visible_duties()]


@pytest.mark.parametrize(("victim", "due"), [("V1001", date(2026, 12, 3)), ("V1002", date(2026, 11, 27))])
def test_an_arrest_adds_inform_arrest_due_in_5_working_days_or_1_when_enhanced(qtbot, window, victim, due) -> None:
    view = open_record(qtbot, window, victim)
    dialog = view.record_event()
    dialog.choose("arrest")
    assert "5 working days (1 for a victim with enhanced rights)" in dialog.consequence.text()
    dialog.note.setPlainText("Arrested at his home address.")
    save(qtbot, view, dialog)
    arrest = duty(view, "inform_arrest")
    assert arrest.due == due and arrest.status is Status.OPEN
    assert arrest.enhanced is (victim == "V1002")
    assert "Suspect arrested" == view.timeline.model.row_at(0).summary
    assert window.statusBar().currentMessage() == "Event recorded."


def test_waive_a_duty_needs_a_reason(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    view.duties.select_key("report")
    dialog = view.waive()
    assert dialog.duty.currentData() == "report"  # the duty selected on the Duties tab
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Give the reason" in dialog.error.text()
    assert not window.runner.busy
    qtbot.keyClicks(dialog.reason, "Victim declined referral when asked on 27/10.")
    save(qtbot, view, dialog)
    referral = duty(view, "vs_referral")
    assert (
        referral.status is Status.WAIVED and referral.waiver_reason == "Victim declined referral when asked on 27/10."
    )
    assert view.duties.model.index(0, 0).data() == "Waived"
    assert view.timeline.model.row_at(0).kind == "waiver"


def test_correct_an_entry_keeps_both_in_the_timeline_with_the_link(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    log_contact(qtbot, view, "Spoke to Mary.")
    assert duty(view, "update", "update:1").status is Status.MET
    view.tabs.setCurrentIndex(TAB_TIMELINE)
    original = view.timeline.selected_entry()
    assert original is not None and original.kind == "contact"

    dialog = view.correct_entry()
    dialog.choose(dialog.outcome, "no_contact")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "reason for the correction" in dialog.error.text()
    qtbot.keyClicks(dialog.reason, "The call went to voicemail")
    save(qtbot, view, dialog)

    model = view.timeline.model
    contacts = [model.row_at(r) for r in range(model.rowCount()) if model.row_at(r).kind == "contact"]
    assert len(contacts) == 2
    fix = next(e for e in contacts if e.corrects_id == original.id)
    old = next(e for e in contacts if e.id == original.id)
    assert old.corrected_by_id == fix.id
    old_row, fix_row = model.row_of("contact", old.id), model.row_of("contact", fix.id)
    assert model.index(old_row, COL_LINK).data() == f"Corrected by entry {fix.id}: The call went to voicemail"
    assert model.index(fix_row, COL_LINK).data() == f"Corrects entry {old.id}: The call went to voicemail"
    view.timeline.select_entry("contact", old.id)
    assert not view.timeline.correct_button.isEnabled()  # already corrected: correct the correction instead
    assert view.timeline.go_to_linked() and view.timeline.selected_entry().id == fix.id
    assert duty(view, "update", "update:1").status is Status.OPEN  # nobody was told after all


def test_certification_is_refused_while_a_duty_is_open_and_allowed_once_all_are_done(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1003")  # referral waived (opted out); first update open
    view.tabs.setCurrentIndex(TAB_CERTIFICATION)
    pane = view.certification
    assert not pane.certify_button.isEnabled()
    assert "You cannot certify yet: 1 duty is still open" in pane.explanation.text()
    assert "Update the victim on progress (due 27/11/2026)" in pane.explanation.text()
    assert "Case closed" in pane.explanation.text()
    states = [pane.checklist.item(i).checkState() for i in range(pane.checklist.count())]
    assert states == [Qt.CheckState.Checked, Qt.CheckState.Unchecked]
    assert view.certify() is False  # from the keyboard: refused, with the reason on the status bar
    assert "still open" in window.statusBar().currentMessage()

    dialog = view.record_event()
    dialog.choose("case_closed")
    save(qtbot, view, dialog)
    assert pane.certify_button.isEnabled() and "You can certify" in pane.explanation.text()
    pane.note.setText("Victim content; no further action.")
    with qtbot.waitSignal(view.record_loaded, timeout=10_000):
        qtbot.mouseClick(pane.certify_button, Qt.MouseButton.LeftButton)
    certificate = view.case.certification
    assert (
        certificate is not None
        and certificate.by == "pc1234"
        and certificate.note == "Victim content; no further action."
    )
    assert pane.last.text().startswith("Certified by pc1234 on 26/11/2026 09:00 (1 duty)")
    assert window.statusBar().currentMessage() == "Certified: every duty is met or waived."


def test_edit_details_and_a_concurrent_edit_shows_the_conflict_and_reloads(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    dialog = view.edit_details()
    version = view.record.version
    dialog.phone.setText("07700 900999")
    # Meanwhile, someone else saves the same record.
    casework.update_person_details(window.ctx, "V1001", version, language="Lithuanian")
    with qtbot.waitSignal(dialog.reloaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    text = dialog.error.text()
    assert "changed by someone else after you opened it; nothing was saved" in text
    assert "Lithuanian" in text and "The form now shows the details as they are saved" in text
    assert dialog.language.text() == "Lithuanian" and dialog.phone.text() == "07700 900999"  # typed value kept
    qtbot.waitUntil(lambda: not view.loading and view.record.language == "Lithuanian", timeout=10_000)

    save(qtbot, view, dialog)
    assert view.record.phone == "07700 900999"
    assert "07700 900999" in view.header.reach.text()
    change = next(e for e in view.timeline.model.rows() if e.kind == "change" and "Phone" in e.summary)
    assert change.detail == "Before: 07700 900123\nAfter: 07700 900999"


def test_edit_details_records_the_safe_contact_channel(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    dialog = view.edit_details()
    assert dialog.safe_channel.currentText() == "Not asked" and dialog.safe_channel.currentData() is None
    assert [dialog.safe_channel.itemData(i) for i in range(dialog.safe_channel.count())] == [
        None, "phone", "visit", "email", "letter", "sms"
    ]  # fmt: skip
    dialog.safe_channel.setCurrentIndex(dialog.safe_channel.findData("letter"))
    assert dialog.changes() == {"safe_channel": "letter"}
    save(qtbot, view, dialog)
    assert view.record.safe_channel == "letter"
    change = next(e for e in view.timeline.model.rows() if e.kind == "change" and "Safe contact" in e.summary)
    assert change.detail == "Before: (blank)\nAfter: letter"
    again = view.edit_details()
    assert again.safe_channel.currentData() == "letter" and again.changes() == {}
    again.reject()


def test_ethnicity_suggests_the_census_groups_and_saves_the_chosen_one(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    dialog = view.edit_details()
    dialog.show()
    dialog.activateWindow()
    dialog.ethnicity.setFocus()  # the line edit takes the completer's choice while it has the focus
    qtbot.waitUntil(dialog.ethnicity.hasFocus)
    dialog.ethnicity.clear()
    qtbot.keyClicks(dialog.ethnicity, "pakis")  # any case, matched anywhere in the label
    popup = dialog.ethnicity.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())] == [
        "Asian or Asian British: Pakistani"
    ]
    first = popup.model().index(0, 0)
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(first).center())
    assert dialog.changes() == {"ethnicity": "Asian or Asian British: Pakistani"}
    save(qtbot, view, dialog)
    assert view.record.ethnicity == "Asian or Asian British: Pakistani"


def test_needs_assessment_marking_fear_or_distress_makes_later_duties_enhanced(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    assert view.header.badge.text() == "Standard rights"
    dialog = view.needs_assessment()
    assert "No vulnerability or intimidation identified" in dialog.result.text()
    qtbot.mouseClick(dialog.answers["fear_or_distress"], Qt.MouseButton.LeftButton)
    assert dialog.findings() == ["intimidated"]
    assert "1 working day instead of 5" in dialog.result.text()
    save(qtbot, view, dialog)
    assert view.header.badge.text() == "Enhanced rights"
    assert "Intimidated" in view.header.enhanced_reasons_text()
    assert view.needs.answers["fear_or_distress"].text() == "Yes"
    assert view.needs.finding.text() == "The victim is intimidated: enhanced rights"
    assert duty(view, "update", "update:1").due == date(2026, 11, 26)  # already under way: unchanged

    event = view.record_event()
    event.choose("arrest")
    save(qtbot, view, event)
    arrest = duty(view, "inform_arrest")
    assert arrest.enhanced and arrest.due == date(2026, 11, 27)


def test_a_contract_of_every_14_days_moves_the_next_update(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1002")  # reported Fri 20/11; first update due 20/12
    assert duty(view, "update", "update:1").due == date(2026, 12, 20)
    dialog = view.agree_contract()
    assert dialog.monthly.isChecked() and dialog.method.currentData() == "email"
    dialog.set_every_days(14)
    dialog.safe_times.setText("After school, 4pm to 6pm")
    dialog.vps_offered.setChecked(True)
    dialog.vps_answer.setCurrentIndex(dialog.vps_answer.findData("declined"))
    save(qtbot, view, dialog)
    # Agreed today (Thu 26/11) while update 1 was outstanding: it restarts from today, 14 days on.
    assert duty(view, "update", "update:1").due == date(2026, 12, 10)
    assert view.needs.frequency.text() == "Every 14 days"
    assert view.needs.vps.text() == "Offered; declined"
    assert view.record.safe_times == "After school, 4pm to 6pm"
    stored = records.open_victim_record(window.ctx, "V1002").cases[0].contract
    assert stored is not None and stored.every_days == 14 and stored.vps_answer == "declined"
    assert "update:1" in duty_keys(view)


def test_refer_to_support_meets_the_referral_and_a_second_referral_is_refused_in_plain_words(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    dialog = view.refer()
    assert dialog.service.text() == "Victim Support" and not dialog.consent.isVisibleTo(dialog)
    dialog.note.setPlainText("Mary agreed to be referred.")
    save(qtbot, view, dialog)
    referral = duty(view, "vs_referral")
    assert referral.status is Status.MET and referral.met_by_kind == "referral" and referral.late

    again = view.refer()
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.isVisible()
    assert again.error.text() == "Victim V1001 has already been referred for crime CR/1001/26."
    again.reject()


def test_a_referral_that_needs_explicit_consent_asks_for_it(qtbot, window) -> None:
    from vicman.gui.dialogs.refer import ReferDialog

    dialog = ReferDialog(window.ctx, window.runner, "CR/1001/26", "V1001", "Mary Jones", explicit_consent_needed=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.consent.isVisible() and "explicit consent" in dialog.warning.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "explicit consent" in dialog.error.text() and not window.runner.busy
    dialog.consent.setChecked(True)
    assert dialog.validate() is None
    assert dialog.service_call()[2]["consent"] == "explicit"


CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ACTION_DIALOGS = {
    "logContact": ("logContactDialog", Qt.Key.Key_L, CTRL),
    "recordEvent": ("recordEventDialog", Qt.Key.Key_E, CTRL),
    "refer": ("referDialog", Qt.Key.Key_R, CTRL),
    "waive": ("waiveDialog", Qt.Key.Key_W, CTRL_SHIFT),
    "editDetails": ("editDetailsDialog", Qt.Key.Key_D, CTRL),
    "needsAssessment": ("needsAssessmentDialog", Qt.Key.Key_N, CTRL_SHIFT),
    "contract": ("contractDialog", Qt.Key.Key_K, CTRL_SHIFT),
}


def test_every_action_opens_from_the_keyboard_and_the_mouse(qtbot, window) -> None:
    view = open_record(qtbot, window, "V1001")
    with qtbot.waitActive(window):
        window.activateWindow()
    for name, (dialog_name, key, modifiers) in ACTION_DIALOGS.items():
        qtbot.keyClick(view.tabs, key, modifiers)
        assert view.dialog is not None and view.dialog.objectName() == dialog_name, name
        view.dialog.reject()
        qtbot.waitUntil(lambda: view.dialog is None)
        button = view.buttons.get(name)
        if button is not None:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        elif name == "needsAssessment":
            qtbot.mouseClick(view.needs.assess_button, Qt.MouseButton.LeftButton)
        else:
            qtbot.mouseClick(view.needs.contract_button, Qt.MouseButton.LeftButton)
        assert view.dialog is not None and view.dialog.objectName() == dialog_name, name
        view.dialog.reject()
        qtbot.waitUntil(lambda: view.dialog is None)
    # Correcting an entry starts from the Timeline, by keyboard or mouse.
    log_contact(qtbot, view, "Spoke to Mary.")
    view.tabs.setCurrentIndex(TAB_TIMELINE)
    with qtbot.waitActive(window):  # offscreen, closing a saved dialog leaves no window active
        window.activateWindow()
    qtbot.keyClick(view.tabs, Qt.Key.Key_E, CTRL_SHIFT)
    assert view.dialog is not None and view.dialog.objectName() == "correctEntryDialog"
    view.dialog.reject()
    qtbot.waitUntil(lambda: view.dialog is None)
    qtbot.mouseClick(view.timeline.correct_button, Qt.MouseButton.LeftButton)
    assert view.dialog is not None and view.dialog.objectName() == "correctEntryDialog"
    view.dialog.reject()
