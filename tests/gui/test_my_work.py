"""My work: the signed-in officer's duties, colours, counts, filtering, and logging a contact."""

from __future__ import annotations

from datetime import date

import pytest
from gui_support import ANN, TODAY, as_admin, write_extract
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from vicman.gui.dialogs.log_contact import ContactTarget, LogContactDialog
from vicman.gui.models.duty_table_model import COL_DUE, COL_VICTIM, Urgency
from vicman.services import importing, queries
from vicman.store.tables import ContactEntryRow

pytestmark = pytest.mark.gui


def select_rows(view, predicate) -> list[int]:
    """Select (only) the proxy rows whose DutyRow matches `predicate`; returns their numbers."""
    view.table.clearSelection()
    rows = [r for r in range(view.proxy.rowCount()) if predicate(view.proxy.duty_at(r))]
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in rows:
        view.table.selectionModel().select(view.proxy.index(r, 0), flags)
    return rows


def fill_and_save(qtbot, dialog: LogContactDialog, note: str, informed: bool = True) -> None:
    button = dialog.outcome_informed if informed else dialog.outcome_no_contact
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog.note.setFocus()
    qtbot.keyClicks(dialog.note, note)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_shows_my_pending_duties_sorted_by_due_date(window) -> None:
    view = window.my_work
    duties = view.visible_duties()
    assert {d.oic_staff_no for d in duties} == {"PC1234"}
    assert [(d.crime_ref, d.key) for d in duties] == [
        ("CR/1001/26", "report"),  # referral due 28/10: overdue
        ("CR/1002/26", "report"),  # referral due 24/11: overdue
        ("CR/1001/26", "update:1"),  # due today
        ("CR/1003/26", "update:1"),  # due the next working day
        ("CR/1002/26", "update:1"),  # 20/12: open
    ]
    assert [d.due for d in duties] == sorted(d.due for d in duties)
    assert view.proxy.index(0, COL_DUE).data() == "28/10/2026"
    assert window.signed_in_label.text() == "Signed in as Ann Smith (pc1234) · officer, bureau"


def test_overdue_rows_are_coloured_and_counts_are_right(window) -> None:
    view = window.my_work
    backgrounds = [view.proxy.index(r, COL_VICTIM).data(Qt.ItemDataRole.BackgroundRole) for r in range(5)]
    overdue, overdue_too, today, soon, neutral = backgrounds
    assert overdue_too == overdue
    assert overdue is not None and overdue.name() == "#f8d7da"
    assert today is not None and today.name() == "#ffe8a1"
    assert soon is not None and soon.name() == "#fff3cd"
    assert neutral is None
    assert view.counts() == (2, 1)
    assert view.overdue_count.text() == "2 overdue"
    assert view.due_today_count.text() == "1 due today"
    assert view.due_soon_count.text() == "1 due soon"
    # The header agrees with the service's own count for this officer.
    rows = queries.officer_worklist(window.ctx, "PC1234", as_of=TODAY)
    assert sum(r.due < TODAY for r in rows) == 2 and sum(r.due == TODAY for r in rows) == 1


def test_typing_in_the_filter_narrows_rows(qtbot, window) -> None:
    view = window.my_work
    qtbot.keyClicks(view.filter_edit, "khan")
    assert [d.victim_name for d in view.visible_duties()] == ["Sarah Khan"]
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "CR/1001")
    assert {d.crime_ref for d in view.visible_duties()} == {"CR/1001/26"}
    assert view.proxy.rowCount() == 2
    assert "Showing 2 of 5 duties" in view.footer.text()
    view.filter_edit.clear()
    assert view.proxy.rowCount() == 5


def test_logging_a_contact_meets_the_update_and_the_next_one_appears(qtbot, window) -> None:
    view = window.my_work
    assert select_rows(view, lambda d: d.crime_ref == "CR/1001/26" and d.rule == "update")
    dialog = view.log_contact_for_selection()
    assert dialog is not None and dialog.isVisible()
    assert [t.victim_ref for t in dialog.targets] == ["V1001"]
    assert dialog.method.currentData() == "phone"  # the victim's preferred method
    assert dialog.when.dateTime().toString("dd/MM/yyyy HH:mm") == "26/11/2026 09:00"
    with qtbot.waitSignal(view.rows_loaded, timeout=10_000):
        fill_and_save(qtbot, dialog, "Told Mary the suspect has not been traced; next update agreed by phone.")
    keys = [(d.crime_ref, d.key, d.due) for d in view.visible_duties()]
    assert ("CR/1001/26", "update:1", date(2026, 11, 26)) not in keys
    assert ("CR/1001/26", "update:2", date(2026, 12, 26)) in keys
    assert view.counts() == (2, 0)
    met = [o for o in queries.obligations_as_of(window.ctx, TODAY, crime_ref="CR/1001/26") if o.key == "update:1"]
    assert met[0].status == "met" and met[0].met_at is not None
    assert view.dialog is None  # closed (and deleted)
    assert window.statusBar().currentMessage() == "Contact logged for 1 victim."
    last = next(d for d in view.visible_duties() if d.crime_ref == "CR/1001/26")
    assert last.last_contact_at is not None


def test_an_attempt_is_logged_but_meets_nothing(qtbot, window) -> None:
    view = window.my_work
    select_rows(view, lambda d: d.crime_ref == "CR/1003/26")
    dialog = view.log_contact_for_selection()
    with qtbot.waitSignal(dialog.contacts_recorded, timeout=10_000):
        fill_and_save(qtbot, dialog, "No answer; no voicemail left (not safe to).", informed=False)
    qtbot.waitUntil(lambda: not view.loading)
    assert ("CR/1003/26", "update:1") in [(d.crime_ref, d.key) for d in view.visible_duties()]


def test_the_dialog_checks_input_before_saving(qtbot, window) -> None:
    view = window.my_work
    select_rows(view, lambda d: d.crime_ref == "CR/1003/26")
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        dialog = view.log_contact_for_selection()  # reads the duties the contact would meet
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Choose an outcome" in dialog.error.text()
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "what was said" in dialog.error.text().lower()
    qtbot.keyClicks(dialog.note, "Spoke to Sarah.")
    dialog.when.setDateTime(dialog.when.dateTime().addDays(1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "in the future" in dialog.error.text()
    assert not window.runner.busy  # nothing was sent to the service
    with window.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ContactEntryRow)) == 0
    dialog.reject()


def test_service_errors_are_shown_in_plain_words(qtbot, window) -> None:
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        dialog = LogContactDialog(window.ctx, window.runner, [ContactTarget("CR/9999/26", "V1001", "Mary Jones")])
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Could not check the duties: No crime with reference CR/9999/26." in dialog.duties.topLevelItem(0).child(
        0
    ).text(0)
    with qtbot.waitSignal(window.runner.busy_changed, timeout=10_000, check_params_cb=lambda busy: not busy):
        fill_and_save(qtbot, dialog, "Spoke to Mary.")
    assert dialog.isVisible()
    assert dialog.error.text() == (
        "The contact could not be logged:\nMary Jones (CR/9999/26): No crime with reference CR/9999/26."
    )
    assert dialog.save_button.isEnabled()


def test_a_referral_duty_warns_that_a_contact_does_not_meet_it(window) -> None:
    view = window.my_work
    select_rows(view, lambda d: d.rule == "vs_referral" and d.crime_ref == "CR/1001/26")
    dialog = view.log_contact_for_selection()
    assert dialog.notice.isVisibleTo(dialog) and "referral" in dialog.notice.text()
    dialog.reject()


def test_nobody_signed_in_says_what_to_do(qtbot, ctx, settings) -> None:
    from gui_support import make_window

    window = make_window(qtbot, ctx, settings, staff_no=None)
    window.sign_in_dialog.reject()
    qtbot.waitUntil(lambda: window.sign_in_dialog is None)
    window.my_work.refresh()
    assert window.my_work.model.rowCount() == 0
    assert isinstance(window.my_work.stack.currentWidget(), QLabel)
    assert "Switch officer" in window.my_work.message.text()
    assert window.signed_in_label.text() == "Not signed in"
    assert Urgency.OVERDUE in window.my_work.model.counts()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)  # the bureau's load, before the window goes


def test_counts_cover_every_duty_when_there_are_more_than_the_list_shows(qtbot, window, tmp_path) -> None:
    """520 more victims for Ann: the list stops at 500 rows, the counts are counted in the database."""
    reported = ["2026-10-01 09:00", "2026-10-26 10:00", "2026-10-27 11:00", "2026-10-02 09:00"]
    crimes = [
        (f"CR/{5000 + i}/26", reported[i % 4], "Theft of a pedal cycle", "North", ANN, f"V{5000 + i}",
         f"Victim {i}", "1980-01-01", "", "", "yes" if i % 2 else "no", "", "phone")
        for i in range(520)
    ]  # fmt: skip
    with as_admin(window.ctx):
        importing.import_crimes(window.ctx, write_extract(tmp_path / "many.csv", crimes))
    view = window.my_work
    with qtbot.waitSignal(view.rows_loaded, timeout=20_000):
        view.refresh()

    pending = queries.count_pending(window.ctx, TODAY, officer="PC1234")
    soon = queries.bureau_queue(window.ctx, queries.DutyFilter(oic_staff_no="PC1234"), as_of=TODAY, limit=0)
    assert view.model.rowCount() == 500  # only the first 500 are listed…
    assert pending["overdue"] > 500  # …but more than that are overdue
    assert view.counts() == (pending["overdue"], pending["due_today"])
    due_soon = soon.total - pending["overdue"] - pending["due_today"]
    assert view.overdue_count.text() == f"{pending['overdue']:,} overdue"
    assert view.due_today_count.text() == f"{pending['due_today']:,} due today"
    assert view.due_soon_count.text() == f"{due_soon:,} due soon"
    # A quarter were reported on 26/10 (update due today), a quarter on 27/10 (due the next working day).
    assert pending["due_today"] == 1 + 130 and due_soon == 1 + 130
    assert view.footer.text().startswith("The 500 due soonest are listed")


def test_f8_jumps_to_the_next_overdue_duty_and_wraps_round(qtbot, window) -> None:
    view = window.my_work
    window.tabs.setCurrentIndex(2)  # from another tab it goes to My work
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.tabs.currentWidget() is view
    assert [d.key for d in view.selected_duties()] == ["report"] and view.selected_duties()[0].crime_ref == "CR/1001/26"
    qtbot.keyClick(view.table, Qt.Key.Key_F8)
    assert view.selected_duties()[0].crime_ref == "CR/1002/26"
    qtbot.keyClick(view.table, Qt.Key.Key_F8)  # only two are overdue: back to the first
    assert view.selected_duties()[0].crime_ref == "CR/1001/26"
