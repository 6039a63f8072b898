"""The supervisors' screens (vicman/gui/supervision.py): the Dip samples and Team compliance tabs, the
review form, and the officer's side of a finding, against the real test database.

Contacts recorded for these tests (the clock stands at Thursday 26/11/2026 09:00 UTC):
- North, Response A (Ann, PC1234): V1001 on 28/10 and 10/11, V1003 on 29/10, V1002 on 21/11;
- North, Response B (Bob, PC2001): V1004 on 05/10 (no contact) and 06/10, V1005 on 22/10;
- South (Cara, DC3001): V2001 on 15/10.
So division North has 7 entries from 01/10 to 26/11, and Ann's team 2 in October (last month).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from gui_support import as_admin, make_window, sign_in_through_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QWidget,
)

from tests.conftest import tamper_database
from vicman.gui.dialogs.sample_review import SUGGESTED, SampleReviewDialog
from vicman.gui.main_window import MainWindow
from vicman.gui.models.compliance_table_model import COL_OVERDUE, COL_PCT, totals
from vicman.gui.models.dto_table_model import SortRole
from vicman.gui.models.sample_table_model import COL_ACKNOWLEDGED, COL_SINCE_DRAWN, COL_VERDICT, RED
from vicman.gui.views.dip_samples import describe_draw_error
from vicman.gui.views.victim_record import VictimRecordView
from vicman.services import dip_sampling, entries, team_compliance
from vicman.services.dip_sample_views import QUESTIONS
from vicman.services.errors import InvalidInput

pytestmark = pytest.mark.gui

NORTH_PERIOD = (date(2026, 10, 1), date(2026, 11, 26))

CONTACTS = (
    ("CR/1001/26", "V1001", datetime(2026, 10, 28, 10, tzinfo=UTC), "phone", "informed", "Update given by phone."),
    ("CR/1001/26", "V1001", datetime(2026, 11, 10, 10, tzinfo=UTC), "phone", "informed", "Second update."),
    ("CR/1003/26", "V1003", datetime(2026, 10, 29, 11, tzinfo=UTC), "sms", "informed", "Texted the update."),
    ("CR/1004/26", "V1004", datetime(2026, 10, 5, 9, tzinfo=UTC), "phone", "no_contact", "No answer."),
    ("CR/1004/26", "V1004", datetime(2026, 10, 6, 9, tzinfo=UTC), "phone", "informed", "Spoke to Lena."),
    ("CR/1005/26", "V1005", datetime(2026, 10, 22, 14, tzinfo=UTC), "letter", "informed", "Letter sent."),
    ("CR/2001/26", "V2001", datetime(2026, 10, 15, 12, tzinfo=UTC), "visit", "informed", "Visited Alan."),
    ("CR/1002/26", "V1002", datetime(2026, 11, 21, 10, tzinfo=UTC), "email", "informed", "Emailed Peter."),
)


def record_contacts(ctx) -> None:
    with as_admin(ctx):
        for crime, victim, at, method, outcome, note in CONTACTS:
            entries.record_contact(ctx, crime, victim, at, method, outcome, note)


@pytest.fixture
def contacts(ctx) -> None:
    record_contacts(ctx)


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


@pytest.fixture
def supervisor(qtbot, ctx, settings, contacts) -> Iterator[MainWindow]:
    """Signed in as sgt.north (supervisor; North, Response A) on a database with the contacts above."""
    w = make_window(qtbot, ctx, settings, staff_no=None, username="sgt.north")
    settle(qtbot, w)
    yield w
    w.runner.wait_for_done()


def draw(qtbot, window: MainWindow, kind: str, value: str, period, size: int, method: str, seed: str):
    view = window.supervision.dip_samples
    window.tabs.setCurrentWidget(view)
    assert view.scope.set_scope(kind, value)
    view.period.set_period(*period)
    view.size.setValue(size)
    view.method.setCurrentIndex(view.method.findData(method))
    view.seed.setText(seed)
    with qtbot.waitSignal(view.sample_drawn, timeout=10_000) as drawn:
        qtbot.mouseClick(view.draw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.loading_samples and not view.loading_items, timeout=10_000)
    return drawn.args[0]


def shown_entry_ids(window: MainWindow) -> list[int]:
    """The entries of the selected sample in drawn order, as the table holds them."""
    return [i.entry_id for i in sorted(window.supervision.dip_samples.items_model.rows(), key=lambda i: i.position)]


def tab_visible(window: MainWindow, widget: QWidget) -> bool:
    return window.tabs.isTabVisible(window.tabs.indexOf(widget))


def test_the_tabs_are_hidden_from_an_officer_and_shown_to_a_supervisor(qtbot, ctx, settings, contacts) -> None:
    officer = make_window(qtbot, ctx, settings)
    supervision = officer.supervision
    assert not tab_visible(officer, supervision.dip_samples)
    assert not tab_visible(officer, supervision.team_compliance)
    assert not supervision.actions["dip_samples"].isEnabled()
    assert officer.fixed_tabs == 9 and officer.record_views() == []
    assert supervision.dip_samples.samples_model.rowCount() == 0  # nothing was read for the officer
    officer.close()

    window = make_window(qtbot, ctx, settings, staff_no=None, username="sgt.north")
    settle(qtbot, window)
    supervision = window.supervision
    assert tab_visible(window, supervision.dip_samples) and tab_visible(window, supervision.team_compliance)
    assert window.tabs.tabText(window.tabs.indexOf(supervision.dip_samples)) == "&Dip samples"
    for view in (supervision.dip_samples, supervision.team_compliance):  # fixed: no close button
        assert (
            window.tabs.tabBar().tabButton(window.tabs.indexOf(view), window.tabs.tabBar().ButtonPosition.RightSide)
            is None
        )
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.my_work.table, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is supervision.dip_samples
    qtbot.keyClick(supervision.dip_samples.samples, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is supervision.team_compliance

    # The defaults: the sergeant's own team; last month to draw from, this month so far for compliance.
    draw_form = supervision.dip_samples
    assert draw_form.scope.scope() == ("team", "North/Response A")
    assert draw_form.period.period() == (date(2026, 10, 1), date(2026, 10, 31))
    assert draw_form.period.start.displayFormat() == "dd/MM/yyyy"
    assert (draw_form.size.value(), draw_form.seed.text(), draw_form.method.currentData()) == (20, "", "random")
    assert draw_form.method_note.text().startswith("Every contact entry")
    draw_form.method.setCurrentIndex(draw_form.method.findData("risk"))
    assert "enhanced rights" in draw_form.method_note.text()
    compliance = supervision.team_compliance
    assert compliance.scope.scope() == ("team", "North/Response A")
    assert compliance.period.period() == (date(2026, 11, 1), date(2026, 11, 26))
    assert [r.staff_no for r in compliance.model.rows()] == ["PC1234"]

    # Every control has an accessible name, in the tabs and in the review form.
    drawn = draw(qtbot, window, "division", "North", NORTH_PERIOD, 3, "random", "7")
    assert drawn.items == 3
    assert draw_form.review_selected()
    qtbot.waitUntil(lambda: draw_form.review_dialog is not None, timeout=10_000)
    for top in (draw_form, compliance, draw_form.review_dialog):
        unnamed = [
            f"{type(w).__name__} {w.objectName()!r}"
            for w in top.findChildren(QWidget)
            if needs_name(w) and not w.accessibleName()
        ]
        assert not unnamed, unnamed
    draw_form.review_dialog.reject()

    # Signing out empties and hides the tabs.
    window.sign_out()
    assert not tab_visible(window, supervision.dip_samples) and not tab_visible(window, supervision.team_compliance)
    assert draw_form.samples_model.rowCount() == 0 and draw_form.items_model.rowCount() == 0
    assert compliance.model.rowCount() == 0
    sign_in_through_dialog(qtbot, window, "pc2001")
    settle(qtbot, window)
    assert not tab_visible(window, supervision.dip_samples)


def needs_name(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox):
            return False
        parent = parent.parentWidget()
    if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
        return False
    if isinstance(widget, QAbstractButton):
        return widget.isVisibleTo(widget.window())
    return isinstance(widget, QLineEdit | QComboBox | QAbstractItemView | QAbstractSpinBox)


def test_each_method_draws_a_listed_sample_and_the_same_seed_draws_the_same_entries(qtbot, supervisor, ctx) -> None:
    view = supervisor.supervision.dip_samples
    for method, label in (
        ("random", "Simple random"),
        ("stratified", "Stratified by officer"),
        ("risk", "Weighted towards risk"),
    ):
        first = draw(qtbot, supervisor, "division", "North", NORTH_PERIOD, 3, method, "7")
        assert (first.seed, first.population, first.items, first.method) == (7, 7, 3, method)
        assert "Seed 7" in view.draw_result.text() and view.draw_result.isVisibleTo(view)
        listed = view.selected_sample()
        assert listed is not None and listed.id == first.id
        assert (listed.seed, listed.method_label, listed.scope_label, listed.reviewed) == (
            7,
            label,
            "Division North",
            0,
        )
        row = view.samples_proxy.proxy_row_of(view.samples_model.rows().index(listed))
        texts = [view.samples_proxy.index(row, c).data() for c in range(view.samples_proxy.columnCount())]
        assert texts[6] == "7" and texts[4] == "01/10/2026 to 26/11/2026" and texts[9] == "0 of 3"
        first_ids = shown_entry_ids(supervisor)
        assert first_ids == dip_sampling.redraw(ctx, first.id) and len(set(first_ids)) == 3

        again = draw(qtbot, supervisor, "division", "North", NORTH_PERIOD, 3, method, "7")
        assert again.id != first.id and shown_entry_ids(supervisor) == first_ids

    # No seed: one is chosen and shown, and drawing with it again gives the same entries.
    blank = draw(qtbot, supervisor, "division", "North", NORTH_PERIOD, 4, "random", "")
    assert f"Seed {blank.seed}" in view.draw_result.text()
    chosen = shown_entry_ids(supervisor)
    again = draw(qtbot, supervisor, "division", "North", NORTH_PERIOD, 4, "random", str(blank.seed))
    assert shown_entry_ids(supervisor) == chosen and again.seed == blank.seed
    assert [s.id for s in view.samples_model.rows()] == [s.id for s in dip_sampling.list_samples(ctx)]
    assert view.samples_model.rowCount() == 8

    # Selecting an older sample shows its entries.
    view.select_sample(blank.id)
    qtbot.waitUntil(lambda: not view.loading_items, timeout=10_000)
    assert shown_entry_ids(supervisor) == chosen


def test_draw_problems_are_shown_in_plain_words_next_to_the_form(qtbot, supervisor, ctx) -> None:
    view = supervisor.supervision.dip_samples
    view.period.set_period(date(2026, 10, 31), date(2026, 10, 1))
    qtbot.mouseClick(view.draw_button, Qt.MouseButton.LeftButton)
    assert view.draw_error.isVisibleTo(view)
    assert view.draw_error.text() == "The period starts (31/10/2026) after it ends (01/10/2026)."
    assert not supervisor.runner.busy

    view.scope.set_scope("officer", "DC3001")
    view.period.set_period(date(2026, 11, 1), date(2026, 11, 26))
    qtbot.mouseClick(view.draw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.drawing, timeout=10_000)
    assert view.draw_error.text() == (
        "Cara Hughes (DC3001) has no contact entries dated 01/11/2026 to 26/11/2026: nothing to sample."
    )
    assert not view.draw_result.isVisibleTo(view)
    assert dip_sampling.list_samples(ctx) == []
    # The service's own checks read as sentences about the form's fields.
    assert describe_draw_error(InvalidInput("is 5,000; a dip sample takes at most 2,000 entries", field="size")) == (
        "The size is 5,000; a dip sample takes at most 2,000 entries."
    )


def test_reviewing_an_entry_shows_its_verdict_in_the_list(qtbot, supervisor, ctx) -> None:
    view = supervisor.supervision.dip_samples
    sample = draw(qtbot, supervisor, "team", "North/Response A", NORTH_PERIOD, 20, "random", "1")
    assert sample.items == 4  # every entry of Ann's team: fewer than asked
    items = view.items_model.rows()
    assert {i.verdict_label for i in items} == {None}
    assert view.items_proxy.index(0, COL_VERDICT).data() == "Not reviewed"

    # Enter on the second entry (V1001's contact of 10/11) opens the form.
    target = next(i for i in items if i.victim_ref == "V1001" and i.entry_at.month == 11)
    row = next(r for r in range(view.items_proxy.rowCount()) if view.items_proxy.row_at(r).id == target.id)
    view.items.selectRow(row)
    view.items.setFocus()
    qtbot.keyClick(view.items, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.review_dialog is not None, timeout=10_000)
    dialog = view.review_dialog
    assert isinstance(dialog, SampleReviewDialog)
    context = dip_sampling.review_context(ctx, target.id)
    text = dialog.entry.text()
    assert "Second update." in text and "Mary Jones (V1001)" in text and "10/11/2026 10:00" in text
    assert "Victim informed" in text and "Recorded by" in text
    assert dialog.duties_model.rows() == list(context.duties)
    assert not dialog.banner.isVisibleTo(dialog)
    # The record's suggestions are filled in and marked; the other questions wait for an answer.
    for field, answer in context.suggested.items():
        assert dialog.chosen_answers()[field] == answer
        assert dialog.suggestion_labels[field].text().endswith(SUGGESTED)
    assert dialog.chosen_answers()["contact_clear"] is None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Answer question 2: " + dict(QUESTIONS)["contact_clear"]
    assert not supervisor.runner.busy

    for field in ("contact_clear", "contact_accurate"):
        dialog.set_answer(field, "yes")
    dialog.set_answer("needs_addressed", "no")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text().startswith("Choose a verdict")
    dialog.set_verdict("partly")
    dialog.comments.setPlainText("Say what was agreed for the next update.")
    with qtbot.waitSignal(view.review_saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.review_dialog is None and not view.loading_items and not view.loading_samples)
    review = saved.args[0]
    assert (review.verdict, review.needs_addressed, review.by) == ("partly", "no", "sgt.north")
    assert review.comments == "Say what was agreed for the next update."

    shown = {i.id: i for i in view.items_model.rows()}
    assert shown[target.id].verdict_label == "Partly compliant"
    row = next(r for r in range(view.items_proxy.rowCount()) if view.items_proxy.row_at(r).id == target.id)
    assert view.items_proxy.index(row, COL_VERDICT).data() == "Partly compliant"
    assert view.selected_sample().reviewed == 1
    assert "1 of 4 reviewed" in view.items_footer.text()
    assert [i.verdict for i in dip_sampling.sample_items(ctx, sample.id) if i.id == target.id] == ["partly"]

    # The victim's record opens from the entry.
    with qtbot.waitSignal(view.record_requested, timeout=5000):
        qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    record = supervisor.current_record()
    assert isinstance(record, VictimRecordView) and record.person_ref == "V1001"
    qtbot.waitUntil(lambda: record.record is not None, timeout=10_000)
    settle(qtbot, supervisor)


def test_the_officer_sees_the_finding_on_my_work_and_acknowledges_it(qtbot, supervisor, ctx) -> None:
    view = supervisor.supervision.dip_samples
    sample = draw(qtbot, supervisor, "officer", "PC1234", NORTH_PERIOD, 20, "random", "3")
    first = min(view.items_model.rows(), key=lambda i: i.position)
    view.select_sample(sample.id)
    view.review_selected()
    qtbot.waitUntil(lambda: view.review_dialog is not None, timeout=10_000)
    dialog = view.review_dialog
    for field, _question in QUESTIONS:
        dialog.set_answer(field, "yes")
    dialog.set_verdict("not_compliant")
    dialog.comments.setPlainText("No note of what the victim was told.")
    with qtbot.waitSignal(view.review_saved, timeout=10_000):
        dialog.save_button.click()
    settle(qtbot, supervisor)
    assert not supervisor.my_work.findings.isVisible()  # the sergeant has no officer record

    # Ann signs in on the same window: the finding waits on My work.
    supervisor.sign_out()
    sign_in_through_dialog(qtbot, supervisor, "pc1234")
    panel = supervisor.my_work.findings
    qtbot.waitUntil(lambda: not panel.loading and not supervisor.runner.busy, timeout=10_000)
    assert not tab_visible(supervisor, supervisor.supervision.dip_samples)
    assert panel.isVisible()
    [finding] = panel.findings()
    assert (finding.item_id, finding.verdict_label, finding.reviewer) == (first.id, "Not compliant", "sgt.north")
    texts = [panel.proxy.index(0, c).data() for c in range(panel.proxy.columnCount())]
    assert texts[0] == "Not compliant" and texts[1] == f"{first.victim_name} ({first.victim_ref})"
    assert texts[-1] == "No note of what the victim was told."
    assert "reviewed one of your contact entries" in panel.heading.text()

    acknowledge = panel.acknowledge_selected()
    assert acknowledge is not None
    acknowledge.comment.setPlainText("Understood; I will note what was said.")
    with qtbot.waitSignal(panel.acknowledged, timeout=10_000):
        qtbot.mouseClick(acknowledge.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.loading and not supervisor.runner.busy, timeout=10_000)
    assert not panel.isVisible() and panel.findings() == []

    # Back as the sergeant: the entry shows as acknowledged.
    supervisor.sign_out()
    sign_in_through_dialog(qtbot, supervisor, "sgt.north")
    settle(qtbot, supervisor)
    view.select_sample(sample.id)
    qtbot.waitUntil(lambda: not view.loading_items, timeout=10_000)
    acknowledged = {i.id: i.acknowledged for i in view.items_model.rows()}
    assert acknowledged[first.id] is True
    row = next(r for r in range(view.items_proxy.rowCount()) if view.items_proxy.row_at(r).id == first.id)
    assert view.items_proxy.index(row, COL_ACKNOWLEDGED).data() == "Yes"
    with as_admin(ctx):
        [stored] = [f for f in dip_sampling.findings_for_officer(ctx, "PC1234") if f.item_id == first.id]
    assert stored.acknowledgement == "Understood; I will note what was said." and stored.acknowledged_by == "pc1234"


def test_a_correction_or_a_change_after_the_draw_shows_against_the_entry(qtbot, supervisor, ctx, gui_db) -> None:
    view = supervisor.supervision.dip_samples
    sample = draw(qtbot, supervisor, "division", "North", NORTH_PERIOD, 20, "random", "5")
    assert {view.items_proxy.index(r, COL_SINCE_DRAWN).data() for r in range(view.items_proxy.rowCount())} == {
        "As drawn"
    }
    items = sorted(view.items_model.rows(), key=lambda i: i.position)
    corrected, tampered = items[0], items[1]
    settle(qtbot, supervisor)
    with as_admin(ctx):
        entries.correct_entry(ctx, "contact", corrected.entry_id, "Recorded as a phone call in error", method="visit")
    # Behind vicman's back: tampering, with the append-only guards off.
    tamper_database(gui_db, "UPDATE contact_entry SET note = 'Nothing to add.' WHERE id = ?", tampered.entry_id)

    qtbot.keyClick(view.items, Qt.Key.Key_F5)  # the window's Refresh reads the samples and entries again
    qtbot.waitUntil(lambda: not view.loading_samples and not view.loading_items, timeout=10_000)
    by_id = {view.items_proxy.row_at(r).id: r for r in range(view.items_proxy.rowCount())}
    marker = view.items_proxy.index(by_id[corrected.id], COL_SINCE_DRAWN)
    assert marker.data() == "Corrected after the draw"
    assert "Recorded as a phone call in error" in marker.data(Qt.ItemDataRole.ToolTipRole)
    changed = view.items_proxy.index(by_id[tampered.id], COL_SINCE_DRAWN)
    assert changed.data() == "CHANGED since drawn"
    assert changed.data(Qt.ItemDataRole.BackgroundRole) == RED[0]
    assert "1 corrected after the draw" in view.items_footer.text()
    assert "1 CHANGED since drawn" in view.items_footer.text()
    assert view.items_proxy.index(by_id[items[2].id], COL_SINCE_DRAWN).data() == "As drawn"
    # Sorting by the column puts the tampered entry first when descending.
    view.items.sortByColumn(COL_SINCE_DRAWN, Qt.SortOrder.DescendingOrder)
    assert view.items_proxy.row_at(0).id == tampered.id

    for item, words in ((corrected, "corrected after the draw"), (tampered, "CHANGED since it was drawn")):
        row = next(r for r in range(view.items_proxy.rowCount()) if view.items_proxy.row_at(r).id == item.id)
        view.items.selectRow(row)
        view.review_selected()
        qtbot.waitUntil(lambda: view.review_dialog is not None, timeout=10_000)
        assert view.review_dialog.banner.isVisibleTo(view.review_dialog)
        assert words in view.review_dialog.banner.text()
        view.review_dialog.reject()
        qtbot.waitUntil(lambda: view.review_dialog is None, timeout=5000)
    assert sample.id == view.selected_sample().id


def test_team_compliance_equals_the_service_and_drills_down_to_the_record(qtbot, supervisor, ctx) -> None:
    supervision = supervisor.supervision
    view = supervision.team_compliance
    supervisor.tabs.setCurrentWidget(view)
    this_month = (date(2026, 11, 1), date(2026, 11, 26))
    assert view.model.rows() == team_compliance.team_compliance(ctx, "team", "North/Response A", *this_month)

    # The division over last month (the shortcut), read on Show.
    view.scope.set_scope("division", "North")
    qtbot.mouseClick(view.last_month_button, Qt.MouseButton.LeftButton)
    assert view.period.period() == (date(2026, 10, 1), date(2026, 10, 31))
    with qtbot.waitSignal(view.compliance_loaded, timeout=10_000):
        qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    expected = team_compliance.team_compliance(ctx, "division", "North", date(2026, 10, 1), date(2026, 10, 31))
    assert view.model.rows() == expected and len(expected) == 2
    found = totals(expected)
    assert view.totals.text().startswith(f"Totals for 2 officers: {found.due} due · {found.met_on_time} met on time")
    for r in range(view.proxy.rowCount()):
        row = view.proxy.row_at(r)
        cell = view.proxy.index(r, COL_PCT)
        if row.on_time_pct is None:
            assert cell.data() == "— (nothing judged)"
            continue
        words = "on target" if row.on_time_pct >= 90 else "below 90%" if row.on_time_pct >= 75 else "below 75%"
        assert cell.data() == f"{row.on_time_pct:.0f}% · {words}"  # the band in words, not only in colour
        assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
    # Sortable: most overdue first.
    view.table.sortByColumn(COL_OVERDUE, Qt.SortOrder.DescendingOrder)
    overdue = [view.proxy.index(r, COL_OVERDUE).data(SortRole) for r in range(view.proxy.rowCount())]
    assert overdue == sorted((r.overdue for r in expected), reverse=True)

    # Drill-down: Bob's duties, then Enter opens the victim's record.
    with qtbot.waitSignal(view.duties_loaded, timeout=10_000):
        assert view.select_officer("PC2001")
    duties = team_compliance.officer_duties(ctx, "PC2001", date(2026, 10, 1), date(2026, 10, 31))
    assert view.duties_model.rows() == duties and duties
    assert view.duties_proxy.rowCount() == len(duties)
    view.duties.selectRow(0)
    chosen = view.selected_duty()
    view.duties.setFocus()
    qtbot.keyClick(view.duties, Qt.Key.Key_Return)
    record = supervisor.current_record()
    assert isinstance(record, VictimRecordView) and record.person_ref == chosen.victim_ref
    assert record.crime_ref == chosen.crime_ref
    # Bob is not in the sergeant's team: the record asks why before it opens (and is logged with the reason).
    qtbot.waitUntil(lambda: record.stack.currentWidget() is record.reason_panel, timeout=10_000)
    settle(qtbot, supervisor)
