"""Bureau queue: filters run in the database, header totals, paging, assignment, and one contact per victim."""

from __future__ import annotations

import threading

import pytest
from gui_support import TODAY
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from vicman.gui.views.bureau_queue import ASSIGNED_ANYONE, ASSIGNED_ME, ASSIGNED_NOBODY, COL_ASSIGNED
from vicman.services import queries
from vicman.services.queries import DutyFilter
from vicman.store.tables import ContactEntryRow, OfficerRow

pytestmark = pytest.mark.gui

NORTH = {"CR/1001/26", "CR/1002/26", "CR/1003/26", "CR/1004/26", "CR/1005/26"}


def crimes(view) -> set[str]:
    return {d.crime_ref for d in view.visible_duties()}


def loaded(qtbot, bureau, change) -> None:
    """Make a change that reloads the queue, and wait until the new rows are shown."""
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        change()
    assert not bureau.loading


def select_where(bureau, predicate) -> int:
    bureau.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    rows = [r for r in range(bureau.proxy.rowCount()) if predicate(bureau.proxy.duty_at(r))]
    for r in rows:
        bureau.table.selectionModel().select(bureau.proxy.index(r, 0), flags)
    return len(rows)


def assert_matches_service(window, wanted: DutyFilter) -> queries.DutyPage:
    """What the screen shows is exactly what `bureau_queue` returns for these filters, header included."""
    bureau = window.bureau
    assert bureau.wanted() == wanted
    page = queries.bureau_queue(window.ctx, wanted, as_of=TODAY, limit=1000)
    assert [d.obligation_id for d in bureau.model.rows()] == [d.obligation_id for d in page.rows]
    assert bureau.totals() == (page.total, page.overdue, page.due_soon)
    noun = "duty" if page.total == 1 else "duties"
    assert bureau.summary.text() == f"{page.total} {noun} ({page.overdue} overdue, {page.due_soon} due soon)"
    return page


def test_shows_the_divisions_due_and_overdue_duties(window) -> None:
    bureau = window.bureau
    assert bureau.current_division() == "North"  # the signed-in officer's division
    # A bureau user works their own division's queue only; a supervisor may look at every division's.
    assert [bureau.division.itemText(i) for i in range(bureau.division.count())] == ["North"]
    duties = bureau.visible_duties()
    assert {d.division for d in duties} == {"North"}
    assert all(d.due <= window.ctx.calendar.next_working_day(TODAY) for d in duties)
    assert crimes(bureau) == NORTH
    assert ("CR/1002/26", "update:1") not in {(d.crime_ref, d.key) for d in duties}  # due 20/12: not yet
    page = assert_matches_service(window, DutyFilter(division="North"))
    assert (page.total, page.overdue, page.due_soon) == (7, 5, 2)
    assert bureau.summary.text() == "7 duties (5 overdue, 2 due soon)"
    assert not bureau.more_button.isVisible()


def test_the_queue_is_read_on_a_worker_thread(qtbot, window, monkeypatch) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    threads = []
    real = queries.bureau_queue

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "bureau_queue", spy)
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton)
        assert bureau.loading and bureau.summary.text() == "Loading…"
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_every_filter_is_applied_in_the_database(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)

    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton))
    page = assert_matches_service(window, DutyFilter(division="North", overdue_only=True))
    assert page.total == 5 and page.due_soon == 0
    assert all(d.due < TODAY for d in bureau.visible_duties())
    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton))

    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.enhanced_only, Qt.MouseButton.LeftButton))
    assert_matches_service(window, DutyFilter(division="North", enhanced_only=True))
    assert crimes(bureau) == {"CR/1002/26", "CR/1004/26"}
    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.enhanced_only, Qt.MouseButton.LeftButton))

    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.language, "polish"))  # as stored: "Polish"
    assert_matches_service(window, DutyFilter(division="North", language="Polish"))
    assert {d.victim_name for d in bureau.model.rows()} == {"Mary Jones", "Lena Novak"}
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.language, None))

    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.team, "Response B"))
    assert_matches_service(window, DutyFilter(division="North", team="Response B"))
    assert {d.oic_staff_no for d in bureau.model.rows()} == {"PC2001"}
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.team, None))

    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.oic, "PC1234"))
    assert_matches_service(window, DutyFilter(division="North", oic_staff_no="PC1234"))
    assert crimes(bureau) == {"CR/1001/26", "CR/1002/26", "CR/1003/26"}
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.oic, None))

    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.duty, "vs_referral"))
    assert_matches_service(window, DutyFilter(division="North", rule="vs_referral"))
    assert {d.rule for d in bureau.model.rows()} == {"vs_referral"}
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.duty, None))

    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.method, "letter"))
    page = assert_matches_service(window, DutyFilter(division="North", preferred_method="letter"))
    assert {d.victim_name for d in bureau.model.rows()} == {"John Smith"}
    assert bureau.summary.text() == "1 duty (1 overdue, 0 due soon)"

    # Filters combine; the text box then narrows only the rows loaded.
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.method, None))
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.team, "Response A"))
    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton))
    assert_matches_service(window, DutyFilter(division="North", team="Response A", overdue_only=True))
    assert crimes(bureau) == {"CR/1001/26", "CR/1002/26"}
    qtbot.keyClicks(bureau.filter_edit, "brown")
    assert {d.victim_name for d in bureau.visible_duties()} == {"Peter Brown"}
    assert bureau.footer.text().startswith("Showing 1 of the 2 loaded")
    assert bureau.summary.text() == "2 duties (2 overdue, 0 due soon)"  # the text box does not change the totals


def test_load_more_pages_through_the_queue_and_the_counts_stay_right(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    bureau.page_size = 3
    loaded(qtbot, bureau, bureau.reload)
    assert bureau.model.rowCount() == 3
    assert bureau.more_button.isVisible()
    assert bureau.summary.text() == "7 duties (5 overdue, 2 due soon)"
    assert bureau.footer.text().startswith("The 3 due first of 7 duties are loaded")

    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.more_button, Qt.MouseButton.LeftButton))
    assert bureau.model.rowCount() == 6 and bureau.more_button.isVisible()
    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.more_button, Qt.MouseButton.LeftButton))
    assert bureau.model.rowCount() == 7 and not bureau.more_button.isVisible()
    assert_matches_service(window, DutyFilter(division="North"))  # same rows, same order, no duplicates
    assert bureau.footer.text().startswith("All 7 duties are loaded")

    # A refresh (F5, or after logging a contact) keeps everything that was loaded.
    loaded(qtbot, bureau, bureau.refresh)
    assert bureau.model.rowCount() == 7
    # A new filter starts again from the first page.
    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.overdue_only, Qt.MouseButton.LeftButton))
    assert bureau.model.rowCount() == 3 and bureau.summary.text() == "5 duties (5 overdue, 0 due soon)"


def test_assign_to_me_shows_my_name_and_the_filter_finds_them(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    assert not bureau.assign_button.isEnabled()  # nothing selected
    assert select_where(bureau, lambda d: d.crime_ref == "CR/1004/26" and d.rule == "update") == 1
    assert select_where(bureau, lambda d: d.crime_ref in ("CR/1004/26", "CR/1005/26") and d.rule == "update") == 2
    assert bureau.assign_button.isEnabled()

    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.assign_button, Qt.MouseButton.LeftButton))
    assert bureau.notice.text() == "Assigned 2 victims to you."
    assigned = {
        (d.crime_ref, d.key): bureau.model.display_text(d, COL_ASSIGNED) for d in bureau.model.rows() if d.assigned_to
    }
    # The victim is assigned, so Lena Novak's referral goes with her update.
    assert assigned == {
        ("CR/1004/26", "report"): "PC1234 Ann Smith",
        ("CR/1004/26", "update:1"): "PC1234 Ann Smith",
        ("CR/1005/26", "update:1"): "PC1234 Ann Smith",
    }
    assert bureau.model.headerData(COL_ASSIGNED, Qt.Orientation.Horizontal) == "Assigned to"
    assert not bureau.table.isColumnHidden(COL_ASSIGNED)

    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.assigned, ASSIGNED_ME))
    page = assert_matches_service(window, DutyFilter(division="North", assigned_to="PC1234"))
    assert crimes(bureau) == {"CR/1004/26", "CR/1005/26"} and page.total == 3
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.assigned, ASSIGNED_NOBODY))
    assert_matches_service(window, DutyFilter(division="North", unassigned_only=True))
    assert crimes(bureau) == {"CR/1001/26", "CR/1002/26", "CR/1003/26"}

    # Release Lena Novak: she is back in the unassigned queue.
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.assigned, ASSIGNED_ME))
    select_where(bureau, lambda d: d.crime_ref == "CR/1004/26")
    loaded(qtbot, bureau, lambda: qtbot.mouseClick(bureau.release_button, Qt.MouseButton.LeftButton))
    assert bureau.notice.text() == "Released 1 victim: assigned to nobody now."
    assert crimes(bureau) == {"CR/1005/26"}
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.assigned, ASSIGNED_ANYONE))
    assert {d.crime_ref for d in bureau.model.rows() if d.assigned_to == "PC1234"} == {"CR/1005/26"}


def test_changing_division_reloads_and_is_remembered(qtbot, supervisor_window, settings) -> None:
    window = supervisor_window
    bureau = window.bureau
    assert [bureau.division.itemText(i) for i in range(bureau.division.count())] == ["North", "South"]
    loaded(qtbot, bureau, lambda: bureau.set_current_division("South"))
    assert crimes(bureau) == {"CR/2001/26"}
    assert settings.value("bureau/division") == "South"
    assert [bureau.language.itemText(i) for i in range(bureau.language.count())] == ["Any"]
    assert [bureau.oic.itemData(i) for i in range(bureau.oic.count())] == [None, "DC3001"]
    assert_matches_service(window, DutyFilter(division="South"))


def test_multi_select_logs_one_contact_per_selected_victim(qtbot, window) -> None:
    bureau = window.bureau
    window.tabs.setCurrentWidget(bureau)
    assert select_where(bureau, lambda d: d.crime_ref in ("CR/1004/26", "CR/1005/26")) == 3
    assert "3 selected" in bureau.footer.text()

    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(bureau.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = bureau.dialog
    assert dialog is not None and [t.victim_ref for t in dialog.targets] == ["V1004", "V1005"]
    assert {t.on_behalf_of for t in dialog.targets} == {"PC2001"}
    qtbot.mouseClick(dialog.outcome_informed, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.note, "Update given on behalf of PC2001: enquiries continue.")
    with qtbot.waitSignal(bureau.rows_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    for crime in ("CR/1004/26", "CR/1005/26"):
        update = next(o for o in queries.obligations_as_of(window.ctx, TODAY, crime_ref=crime) if o.key == "update:1")
        assert update.status == "met" and update.late
    met_by = {
        o.met_by
        for crime in ("CR/1004/26", "CR/1005/26")
        for o in queries.obligations_as_of(window.ctx, TODAY, crime_ref=crime)
        if o.met_by
    }
    assert len(met_by) == 2  # one contact each, not one per selected row
    with window.ctx.db.read() as session:
        entries = session.execute(
            select(ContactEntryRow.recorded_by, OfficerRow.staff_no).join(
                OfficerRow, OfficerRow.id == ContactEntryRow.on_behalf_of_id
            )
        ).all()
    assert sorted(entries) == [("pc1234", "PC2001"), ("pc1234", "PC2001")]  # who recorded it: Ann's username
    assert "CR/1005/26" not in crimes(bureau)  # nothing else due for John Smith
    assert_matches_service(window, DutyFilter(division="North"))  # the header was counted again
    assert window.statusBar().currentMessage() == "Contact logged for 2 victims."
    qtbot.waitUntil(lambda: not window.my_work.loading)


def test_nothing_matching_says_so(qtbot, supervisor_window) -> None:
    bureau = supervisor_window.bureau
    loaded(qtbot, bureau, lambda: bureau.set_current_division("South"))
    loaded(qtbot, bureau, lambda: bureau.select_choice(bureau.method, "sms"))
    assert bureau.model.rowCount() == 0
    assert bureau.message.text() == "No duties in South match these filters."
    assert bureau.summary.text() == "0 duties (0 overdue, 0 due soon)"
    assert not bureau.log_button.isEnabled() and not bureau.assign_button.isEnabled()
