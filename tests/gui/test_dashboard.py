"""The Dashboard tab (vicman/gui/dashboard.py and views/dashboard_*.py) against the real test database:
the figures it shows are the reports' own, changing the scope or period reads them again, a click on a bar,
a point or a number lists the victims behind it and opens their record, exports are saved and audited, and
only those whose roles allow it see it.

The clock stands at Thursday 26/11/2026 09:00 UTC. Contacts recorded for these tests (as in
test_supervision.py): North, Response A (Ann, PC1234): V1001 on 28/10 and 10/11, V1003 on 29/10, V1002 on
21/11; North, Response B (Bob, PC2001): V1004 on 05/10 (no contact) and 06/10, V1005 on 22/10; South (Cara,
DC3001): V2001 on 15/10.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from gui_support import as_admin, make_window, sign_in_through_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget
from sqlalchemy import select

from vicman.gui.main_window import MainWindow
from vicman.gui.models.report_table_models import COL_DUE, COL_OVERDUE, COL_PCT, percent
from vicman.gui.views.dashboard_view import DashboardView
from vicman.gui.views.victim_record import VictimRecordView
from vicman.services import audit, entries, reports, satisfaction
from vicman.services.report_types import ReportScope
from vicman.store.tables import AuditRow

pytestmark = pytest.mark.gui

TODAY = date(2026, 11, 26)
LAST_3_MONTHS = (date(2026, 8, 27), TODAY)

CONTACTS = (
    ("CR/1001/26", "V1001", "2026-10-28T10:00:00+00:00", "phone", "informed", "Update given by phone."),
    ("CR/1001/26", "V1001", "2026-11-10T10:00:00+00:00", "phone", "informed", "Second update."),
    ("CR/1003/26", "V1003", "2026-10-29T11:00:00+00:00", "sms", "informed", "Texted the update."),
    ("CR/1004/26", "V1004", "2026-10-05T09:00:00+00:00", "phone", "no_contact", "No answer."),
    ("CR/1004/26", "V1004", "2026-10-06T09:00:00+00:00", "phone", "informed", "Spoke to Lena."),
    ("CR/1005/26", "V1005", "2026-10-22T14:00:00+00:00", "letter", "informed", "Letter sent."),
    ("CR/2001/26", "V2001", "2026-10-15T12:00:00+00:00", "visit", "informed", "Visited Alan."),
    ("CR/1002/26", "V1002", "2026-11-21T10:00:00+00:00", "email", "informed", "Emailed Peter."),
)


def record_contacts(ctx) -> None:
    from datetime import datetime

    with as_admin(ctx):
        for crime, victim, at, method, outcome, note in CONTACTS:
            entries.record_contact(ctx, crime, victim, datetime.fromisoformat(at), method, outcome, note)


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)


def dashboard_of(window: MainWindow) -> DashboardView:
    return window.dashboard.view  # type: ignore[attr-defined]


def wait_loaded(qtbot, view: DashboardView) -> None:
    qtbot.waitUntil(lambda: not view.loading and not view.reload_timer.isActive(), timeout=10_000)


def tab_visible(window: MainWindow, widget: QWidget) -> bool:
    return window.tabs.isTabVisible(window.tabs.indexOf(widget))


@pytest.fixture
def supervisor(qtbot, ctx, settings) -> Iterator[MainWindow]:
    """Signed in as sgt.north (supervisor; North, Response A), with the contacts above recorded."""
    record_contacts(ctx)
    window = make_window(qtbot, ctx, settings, staff_no=None, username="sgt.north")
    settle(qtbot, window)
    view = dashboard_of(window)
    window.tabs.setCurrentWidget(view)
    wait_loaded(qtbot, view)
    yield window
    window.runner.wait_for_done()


def table_column(view: DashboardView, column: int) -> list[str]:
    model = view.compliance.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def test_the_dashboard_shows_the_reports_own_numbers_and_reads_again_on_a_new_scope_or_period(
    qtbot, supervisor, ctx
) -> None:
    view = dashboard_of(supervisor)
    # The sergeant's defaults: their division, the last 3 months, by month.
    assert view.controls.scope.scope() == ("division", "North")
    assert view.controls.period.period() == LAST_3_MONTHS
    assert view.controls.preset.currentData() == "months3" and view.controls.trend_bucket() == "month"

    with as_admin(ctx):
        expected = reports.compliance_report(ctx, *LAST_3_MONTHS, ReportScope(division="North"), "month")
    shown = view.reports["compliance"]
    assert shown.total == expected.total and shown.duties == expected.duties and shown.trend == expected.trend
    assert expected.total.due > 0 and expected.total.overdue > 0  # the data has something to show
    # The table: a row per duty, the total last; numbers as people write them.
    assert table_column(view, COL_DUE) == [f"{d.due:,}" for d in (*expected.duties, expected.total)]
    assert table_column(view, COL_OVERDUE)[-1] == str(expected.total.overdue)
    assert table_column(view, COL_PCT)[-1] == percent(expected.total.on_time_pct)
    assert view.compliance.caption.text().count(percent(expected.total.on_time_pct)) == 1
    # The charts hold the same numbers.
    assert [p.due for p in view.compliance.trend.points] == [p.due for p in expected.trend]
    assert {g.key: g.overdue for g in view.compliance.overdue.groups} == {g.key: g.overdue for g in expected.by_group}
    assert not view.compliance.trend.is_empty and not view.compliance.types.is_empty
    assert view.reports["moj"].measures and view.moj.model.rowCount() == len(view.reports["moj"].measures)

    # Another scope: read again, the South division's figures.
    with qtbot.waitSignal(view.reports_loaded, timeout=10_000):
        view.controls.scope.set_scope("division", "South")
    with as_admin(ctx):
        south = reports.compliance_report(ctx, *LAST_3_MONTHS, ReportScope(division="South"), "month")
    assert view.reports["compliance"].total == south.total != expected.total
    assert view.reports["compliance"].header.scope == ReportScope(division="South")

    # Another period: the last 4 weeks, by week.
    with qtbot.waitSignal(view.reports_loaded, timeout=10_000):
        view.controls.choose_preset("weeks4")
    assert view.controls.period.period() == (TODAY - timedelta(days=27), TODAY)
    assert view.controls.trend_bucket() == "week"
    assert view.reports["compliance"].trend_bucket == "week"
    assert all(p.bucket_start.weekday() == 0 for p in view.reports["compliance"].trend)

    # Dates typed in by hand: "dates of my choice", and a period with no duties explains itself.
    with qtbot.waitSignal(view.reports_loaded, timeout=10_000):
        view.controls.set_period(date(2020, 1, 1), date(2020, 1, 31))
    assert view.controls.preset.currentData() == "custom"
    assert view.reports["compliance"].total.due == 0
    assert "no duties fell due in this period" in view.compliance.caption.text()
    assert view.compliance.trend.is_empty and "No duties fell due" in view.compliance.trend.empty.text()
    assert view.compliance.model.rowCount() == 0

    # A period that ends before it starts is refused in words, and nothing is read.
    view.controls.set_period(date(2026, 11, 1), date(2026, 10, 1))
    qtbot.waitUntil(lambda: view.error.isVisible(), timeout=10_000)
    assert "starts (01/11/2026) after it ends (01/10/2026)" in view.error.text()


def test_every_control_has_an_accessible_name(qtbot, supervisor) -> None:
    view = dashboard_of(supervisor)
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in view.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QComboBox | QLineEdit)
        and not w.objectName().startswith("qt_")
        and not isinstance(w.parentWidget(), QComboBox)
        and not w.accessibleName()
        and w.isVisibleTo(view)
    ]
    assert not unnamed, unnamed


def test_clicking_a_bar_lists_the_overdue_victims_and_opens_the_record(qtbot, supervisor, ctx) -> None:
    view = dashboard_of(supervisor)
    view.controls.scope.set_scope("team", "North/Response A")
    qtbot.waitUntil(
        lambda: (
            view.reports.get("compliance") is not None
            and view.reports["compliance"].header.scope.team == "North/Response A"
        ),
        timeout=10_000,
    )
    wait_loaded(qtbot, view)
    chart = view.compliance.overdue
    report = view.reports["compliance"]
    assert report.group_level == "officer"
    ann = next(g for g in report.by_group if g.key == "PC1234")
    assert ann.overdue > 0
    index = [g.key for g in chart.groups].index("PC1234")
    with qtbot.waitSignal(view.behind_loaded, timeout=10_000):
        qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton, pos=chart.bar_position(index, chart.bars))
    rows = view.compliance.behind_model.rows()
    with as_admin(ctx):
        expected = reports.duties_behind(
            ctx, *LAST_3_MONTHS, ReportScope(team="North/Response A"), status="overdue", group="PC1234"
        )
    assert rows == expected and len(rows) == ann.overdue
    assert {r.status for r in rows} == {"overdue"}
    assert "Overdue now" in view.compliance.behind_title.text()

    # Enter on a listed duty opens the victim's record, at that crime.
    first = view.compliance.behind_proxy.row_at(0)
    view.compliance.behind.selectRow(0)
    assert view.compliance.open_button.isEnabled()
    view.compliance.behind.setFocus()
    qtbot.keyClick(view.compliance.behind, Qt.Key.Key_Return)
    record = supervisor.current_record()
    assert isinstance(record, VictimRecordView)
    assert (record.person_ref, record.crime_ref) == (first.victim_ref, first.crime_ref)


def test_clicking_a_point_a_segment_or_a_table_cell_lists_the_duties_behind_it(qtbot, supervisor, ctx) -> None:
    view = dashboard_of(supervisor)
    page = view.compliance
    report = view.reports["compliance"]
    scope = ReportScope(division="North")

    # A trend point: the duties that fell due in that month.
    busiest = max((p for p in report.trend if p.on_time_pct is not None), key=lambda p: p.due)
    with qtbot.waitSignal(view.behind_loaded, timeout=10_000):
        qtbot.mouseClick(
            page.trend.view.viewport(), Qt.MouseButton.LeftButton, pos=page.trend.position_of(busiest.bucket_start)
        )
    assert len(page.behind_model.rows()) == busiest.due
    assert all(busiest.bucket_start <= r.due for r in page.behind_model.rows())
    assert busiest.label in page.behind_title.text()

    # A segment of the duties-by-type chart: one duty, one outcome.
    types = page.types
    duty_index, duty = next((i, d) for i, d in enumerate(types.duties) if d.met_on_time)
    with qtbot.waitSignal(view.behind_loaded, timeout=10_000):
        qtbot.mouseClick(
            types.view.viewport(), Qt.MouseButton.LeftButton, pos=types.bar_position(duty_index, types.sets["on_time"])
        )
    assert len(page.behind_model.rows()) == duty.met_on_time
    assert {(r.rule, r.status) for r in page.behind_model.rows()} == {(duty.rule, "on_time")}

    # A table cell: the total row's "Due" lists every duty; a duty's "Overdue now" its overdue ones.
    model = page.model
    total_row = model.rowCount() - 1
    with qtbot.waitSignal(view.behind_loaded, timeout=10_000):
        page.table.clicked.emit(model.index(total_row, COL_DUE))
    assert len(page.behind_model.rows()) == report.total.due
    overdue_row = next(i for i, d in enumerate(report.duties) if d.overdue)
    with qtbot.waitSignal(view.behind_loaded, timeout=10_000):
        rect = page.table.visualRect(model.index(overdue_row, COL_OVERDUE))
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with as_admin(ctx):
        expected = reports.duties_behind(
            ctx, *LAST_3_MONTHS, scope, rule=report.duties[overdue_row].rule, status="overdue"
        )
    assert page.behind_model.rows() == expected and len(expected) == report.duties[overdue_row].overdue


def test_an_export_writes_the_file_and_audits_the_disclosure(qtbot, supervisor, ctx, tmp_path) -> None:
    view = dashboard_of(supervisor)
    for fmt in ("csv", "xlsx", "pdf"):
        target = tmp_path / f"north-report.{fmt}"
        with qtbot.waitSignal(view.exported, timeout=20_000) as saved:
            assert view.export_current(fmt, str(target))
        result = saved.args[0]
        assert result.path == str(target) and target.is_file() and target.stat().st_size == result.bytes > 0
        assert str(target) in view.notice.text() and "disclosure" in view.notice.text()
        with ctx.db.read() as session:
            row = session.scalar(select(AuditRow).where(AuditRow.seq == result.audit_seq))
        assert row is not None and row.action == audit.DISCLOSE and row.object_type == "report"
        assert row.actor == "sgt.north" and target.name in row.detail
    assert (tmp_path / "north-report.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("north", ".north"))) == [
        "north-report.csv",
        "north-report.pdf",
        "north-report.xlsx",
    ]

    # The MoJ page's report is the one saved when its tab is on show.
    view.tabs.setCurrentWidget(view.moj)
    with qtbot.waitSignal(view.exported, timeout=20_000) as saved:
        view.export_current("csv", str(tmp_path / "moj"))
    assert saved.args[0].path == str(tmp_path / "moj.csv")
    assert "Ministry of Justice" in (tmp_path / "moj.csv").read_text(encoding="utf-8-sig")


def test_a_stale_password_is_asked_for_again_and_a_failed_export_saves_nothing(
    qtbot, supervisor, ctx, tmp_path
) -> None:
    view = dashboard_of(supervisor)
    ctx.authenticated_at = ctx.now() - timedelta(hours=1)
    target = tmp_path / "report.csv"
    assert view.export_current("csv", str(target))
    qtbot.waitUntil(lambda: view.exporter.reauth_dialog is not None, timeout=10_000)
    dialog = view.exporter.reauth_dialog
    assert not target.exists()
    dialog.password.setText("gui-test-password-1")
    with qtbot.waitSignal(view.exported, timeout=20_000):
        dialog.save_button.click()
    assert target.is_file()

    # Cancelling the password: nothing saved, and it says so.
    ctx.authenticated_at = ctx.now() - timedelta(hours=1)
    second = tmp_path / "second.csv"
    view.export_current("csv", str(second))
    qtbot.waitUntil(lambda: view.exporter.reauth_dialog is not None, timeout=10_000)
    view.exporter.reauth_dialog.reject()
    qtbot.waitUntil(lambda: "password was not given again" in view.notice.text(), timeout=10_000)
    assert not second.exists()

    # A folder that does not exist (the password fresh again): the error in words, no file, no audit record.
    ctx.authenticated_at = ctx.now()
    with ctx.db.read() as session:
        before = session.scalar(select(AuditRow.seq).order_by(AuditRow.seq.desc()).limit(1))
    view.export_current("xlsx", str(tmp_path / "missing" / "report.xlsx"))
    qtbot.waitUntil(lambda: "does not exist" in view.notice.text(), timeout=10_000)
    assert view.notice.text().startswith("Nothing was saved.")
    assert not (tmp_path / "missing").exists()
    with ctx.db.read() as session:
        disclosures = session.scalars(
            select(AuditRow).where(AuditRow.seq > before, AuditRow.action == audit.DISCLOSE)
        ).all()
    assert disclosures == []


def test_the_satisfaction_page_shows_groups_with_intervals_and_the_gap_in_words(qtbot, supervisor, ctx) -> None:
    with as_admin(ctx):
        for crime, victim, score in (("CR/1001/26", "V1001", 5), ("CR/1004/26", "V1004", 2)):
            satisfaction.record_survey(
                ctx,
                crime,
                victim,
                at=date(2026, 11, 20),
                method="phone",
                overall=score,
                kept_informed=score,
                treatment=None,
                ease_of_contact=4,
            )
    view = dashboard_of(supervisor)
    with qtbot.waitSignal(view.reports_loaded, timeout=10_000):
        view.refresh()
    page = view.satisfaction
    report = view.reports["satisfaction"]
    assert report.surveys == 2 and "2 surveys" in page.caption.text()
    groups = [page.model.row_at(r).group for r in range(page.model.rowCount())]
    assert groups == [g.group for g in (*report.aggregates, *report.groups)]  # the summary first
    everyone = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).group == satisfaction.ALL)
    assert page.model.data(page.model.index(everyone, 1)) == "n = 2"
    assert page.model.data(page.model.index(everyone, 3)) == "50%"
    page.set_question("treatment")
    assert page.model.data(page.model.index(everyone, 1)) == "n = 0"
    assert page.model.data(page.model.index(everyone, 3)) == "—"
    assert page.gap_model.rowCount() == len(report.gaps)
    assert page.verdict.text().startswith("Treatment by staff: ")
    assert next(g for g in report.gaps if g.question == "treatment").verdict in page.verdict.text()


def test_only_those_whose_roles_allow_see_the_dashboard_and_only_their_own_scopes(qtbot, ctx, settings) -> None:
    # An officer (DC3001, no other role) sees the tab with only their own work to choose.
    officer = make_window(qtbot, ctx, settings, staff_no="DC3001")
    view = dashboard_of(officer)
    assert tab_visible(officer, view) and officer.dashboard.action.isEnabled()
    assert view.reports == {} and not view.loading  # nothing is counted until the dashboard is shown
    officer.dashboard.action.trigger()
    assert officer.tabs.currentWidget() is view
    wait_loaded(qtbot, view)
    scope = view.controls.scope
    assert [scope.kind.itemData(i) for i in range(scope.kind.count())] == ["officer"]
    assert [scope.value.itemData(i) for i in range(scope.value.count())] == ["DC3001"]
    assert view.reports["compliance"].header.scope == ReportScope(officer="DC3001")

    # An administrator does not see it.
    officer.sign_out()
    assert not tab_visible(officer, view) and view.reports == {}
    sign_in_through_dialog(qtbot, officer, "admin")
    settle(qtbot, officer)
    assert not tab_visible(officer, view) and not officer.dashboard.action.isEnabled()

    # Bureau staff of North: the North division, its teams and officers; not the force, not South.
    officer.sign_out()
    sign_in_through_dialog(qtbot, officer, "bureau.north")
    settle(qtbot, officer)
    assert tab_visible(officer, view)
    officer.tabs.setCurrentWidget(view)
    wait_loaded(qtbot, view)
    kinds = [scope.kind.itemData(i) for i in range(scope.kind.count())]
    assert kinds == ["division", "team", "officer"]
    assert scope.choices("division") == [("North", "North")]
    assert {v for v, _t in scope.choices("officer")} == {"PC1234", "PC2001"}
    assert view.reports["compliance"].header.scope == ReportScope(division="North")

    # A supervisor: the whole force too.
    officer.sign_out()
    sign_in_through_dialog(qtbot, officer, "sgt.north")
    settle(qtbot, officer)
    officer.tabs.setCurrentWidget(view)
    wait_loaded(qtbot, view)
    kinds = [scope.kind.itemData(i) for i in range(scope.kind.count())]
    assert kinds == ["force", "division", "team", "officer"]
    assert {v for v, _t in scope.choices("division")} == {"North", "South"}
    with qtbot.waitSignal(view.reports_loaded, timeout=10_000):
        scope.set_scope("force", "force")
    assert view.reports["compliance"].header.scope == ReportScope()
    assert [g.key for g in view.reports["compliance"].by_group] == ["North", "South"]
