"""The Dashboard (supervisors and managers; officers see their own work): for a scope and a period, the
compliance report as charts and a table, the Ministry of Justice measures, and victims' satisfaction by
ethnic group. Any bar, point or number lists the victims behind it; the report on show can be saved as
PDF, CSV or XLSX (a disclosure, audited by the service).

The three reports are read off the GUI thread, each on its own, when the dashboard is shown; while they
are read the view says "Working…". Changing the scope, the period or the trend reads them again (after a
short pause, so that typing a date reads once).

Signals:
    reports_loaded(): every report asked for has arrived (or failed).
    behind_loaded(): the list of duties behind a number shows the latest read (or the failure).
    record_requested(str, str): open the record of this victim (person ref) at this crime (crime ref).
    load_failed(str): reading failed; the argument says why in plain words.
    exported(object): a report was saved (the `ExportResult`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import ERROR_STYLE, NOTICE_STYLE, message_label
from vicman.gui.errors import describe_error
from vicman.gui.formatting import uk_date
from vicman.gui.views.dashboard_controls import DashboardControls
from vicman.gui.views.dashboard_export import FORMATS, ReportExporter
from vicman.gui.views.dashboard_pages import CompliancePage, Drill, MojPage, SatisfactionPage
from vicman.gui.workers import Runner
from vicman.services import permissions, reports, satisfaction
from vicman.services.context import Actor, ServiceContext
from vicman.services.people import OfficerView
from vicman.services.report_types import ReportScope

RELOAD_PAUSE_MS = 250
BEHIND_LIMIT = 500
KINDS = ("compliance", "moj", "satisfaction")
PAGE_TITLES = {"compliance": "&Compliance", "moj": "Ministry of &Justice measures", "satisfaction": "Sat&isfaction"}


class DashboardView(QWidget):
    reports_loaded = Signal()
    behind_loaded = Signal()
    record_requested = Signal(str, str)
    load_failed = Signal(str)
    exported = Signal(object)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self._behind_generation = 0
        self.pending: set[str] = set()
        self.loading_behind = False
        self.shown_for: tuple[ReportScope, date, date, str] | None = None
        """The scope, period and trend of the reports on screen (or being read)."""
        self.reports: dict[str, Any] = {}
        self._stale = False
        """The choices changed while the dashboard was hidden: read the reports when it is next shown."""

        self.title = QLabel("Dashboard")
        self.title.setObjectName("dashboardTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.working = QLabel("")
        self.working.setObjectName("dashboardWorking")
        self.working.setAccessibleName("Whether the figures are being read")
        self.working.setStyleSheet("QLabel { color: palette(placeholder-text); font-style: italic; }")

        self.controls = DashboardControls()
        self.controls.changed.connect(self.schedule_reload)
        self.reload_timer = QTimer(self)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(RELOAD_PAUSE_MS)
        self.reload_timer.timeout.connect(self.refresh)

        self.export_buttons: dict[str, QPushButton] = {}
        export_box = QGroupBox("Save the report on show")
        export_box.setObjectName("dashboardExportBox")
        export_row = QHBoxLayout(export_box)
        for fmt, text, tip in (
            ("pdf", "&PDF…", "Save the report on show as a printable PDF (recorded as a disclosure)"),
            ("csv", "CS&V…", "Save the report on show as CSV, for a spreadsheet (recorded as a disclosure)"),
            ("xlsx", "E&xcel…", "Save the report on show as an Excel workbook (recorded as a disclosure)"),
        ):
            button = QPushButton(text)
            button.setObjectName(f"dashboardExport{fmt.capitalize()}Button")
            button.setAccessibleName(f"Save the report as {FORMATS[fmt][0]}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, f=fmt: self.export_current(f))
            export_row.addWidget(button)
            self.export_buttons[fmt] = button
        self.exporter = ReportExporter(ctx, runner, self)
        self.exporter.exported.connect(self._on_exported)
        self.exporter.export_failed.connect(lambda text: self._show_notice(text, error=True))

        self.notice = message_label("dashboardNotice", NOTICE_STYLE, accessible="What happened")
        self.error = message_label("dashboardError", ERROR_STYLE, accessible="Why the figures could not be read")

        self.compliance = CompliancePage()
        self.moj = MojPage()
        self.satisfaction = SatisfactionPage()
        self.pages: dict[str, Any] = {"compliance": self.compliance, "moj": self.moj, "satisfaction": self.satisfaction}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        self.tabs.setAccessibleName("Reports")
        for kind, page in self.pages.items():
            self.tabs.addTab(page, PAGE_TITLES[kind])
        self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        self.compliance.behind_requested.connect(self.show_behind)
        self.compliance.record_requested.connect(self.record_requested)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.working, 1, Qt.AlignmentFlag.AlignBottom)
        top = QHBoxLayout()
        top.addWidget(self.controls, 1)
        top.addWidget(export_box, 0, Qt.AlignmentFlag.AlignBottom)
        content = QWidget()
        content.setObjectName("dashboardContent")
        layout = QVBoxLayout(content)
        layout.addLayout(head)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        # Charts and tables side by side need room: in a small window the dashboard scrolls rather than
        # making the whole window refuse to shrink.
        scroll = QScrollArea()
        scroll.setObjectName("dashboardScroll")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._update_buttons()

    # --- who, and the defaults ------------------------------------------------------------------

    def set_people(self, officers: list[OfficerView], divisions: list[str]) -> None:
        self.controls.scope.set_people(officers, divisions)

    def activate(self, actor: Actor) -> None:
        """Someone who may see reports signed in: only the scopes they may see; their division (or team, or
        own work), the last 3 months; the reports are read when the dashboard is shown."""
        self.clear()
        grant = permissions.grant_for(actor, permissions.VIEW_REPORTS)
        reach = grant.scope if grant is not None else permissions.Scope.NONE
        self.controls.blockSignals(True)
        self.controls.scope.restrict(actor, reach)
        self.controls.scope.choose_default_for(actor)
        self.controls.set_today(self._ctx.today())
        self.controls.choose_preset("months3")
        self.controls.blockSignals(False)
        self.schedule_reload()

    def clear(self) -> None:
        self._generation += 1
        self._behind_generation += 1
        self.reload_timer.stop()
        self._stale = False
        self.pending.clear()
        self.loading_behind = False
        self.shown_for = None
        self.reports = {}
        for page in self.pages.values():
            page.clear()
        self.working.setText("")
        self.error.hide()
        self.notice.hide()
        self._update_buttons()

    # --- reading the reports ----------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return bool(self.pending)

    def schedule_reload(self) -> None:
        """Read the reports again shortly if the dashboard is on show; else when it is next shown (the reports
        are counted over thousands of duties: nobody waits for figures they did not ask to see)."""
        if self.isVisible():
            self.reload_timer.start()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> bool:
        """Read the three reports for the scope and period chosen; False (with the reason shown) if they
        cannot be asked for."""
        self.reload_timer.stop()
        self._stale = False
        scope = self.controls.scope.report_scope()
        start, end = self.controls.period.period()
        if scope is None:
            self._show_error("There is nothing you may see reports of: no division, team or officer to choose.")
            return False
        if start > end:
            self._show_error(f"The period starts ({uk_date(start)}) after it ends ({uk_date(end)}).")
            return False
        self.error.hide()
        self._generation += 1
        generation = self._generation
        bucket = self.controls.trend_bucket()
        self.shown_for = (scope, start, end, bucket)
        self.reports = {}
        self.pending = set(KINDS)
        self.working.setText("Working… reading the figures")
        self._behind_generation += 1
        self.loading_behind = False
        calls: dict[str, tuple[Callable[..., Any], tuple]] = {
            "compliance": (reports.compliance_report, (self._ctx, start, end, scope, bucket)),
            "moj": (reports.moj_report, (self._ctx, start, end, scope)),
            "satisfaction": (satisfaction.satisfaction_report, (self._ctx, start, end, scope)),
        }
        for kind, (fn, args) in calls.items():
            self.pages[kind].show_loading("Working… counting.")
            self._runner.read(fn, *args).on_success(
                lambda report, k=kind, g=generation: self._on_loaded(g, k, report)
            ).on_failure(lambda exc, k=kind, g=generation: self._on_failed(g, k, exc))
        self._update_buttons()
        return True

    def _on_loaded(self, generation: int, kind: str, report: Any) -> None:
        if generation != self._generation:
            return
        self.reports[kind] = report
        self.pages[kind].show_report(report, self.controls.scope.scope_label())
        self._done(kind)

    def _on_failed(self, generation: int, kind: str, exc: BaseException) -> None:
        if generation != self._generation:
            return
        text = describe_error(exc)
        self.pages[kind].show_failure(text)
        self.load_failed.emit(text)
        self._done(kind)

    def _done(self, kind: str) -> None:
        self.pending.discard(kind)
        if not self.pending:
            self.working.setText("")
            self.reports_loaded.emit()
        self._update_buttons()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    # --- the duties behind a number ---------------------------------------------------------------

    def show_behind(self, drill: Drill) -> bool:
        """List the duties behind a number of the compliance report on show; False if there is none on show."""
        if self.shown_for is None or "compliance" not in self.reports:
            return False
        scope, start, end, bucket = self.shown_for
        self._behind_generation += 1
        generation = self._behind_generation
        self.loading_behind = True
        self.compliance.clear_behind(f"Working… finding the duties: {drill.words}.")
        self._runner.read(
            reports.duties_behind,
            self._ctx,
            start,
            end,
            scope,
            rule=drill.rule,
            status=drill.status,
            group=drill.group,
            bucket_start=drill.bucket_start,
            trend_bucket=bucket,
            limit=BEHIND_LIMIT,
        ).on_success(lambda rows, g=generation: self._on_behind_loaded(g, drill, rows)).on_failure(
            lambda exc, g=generation: self._on_behind_failed(g, exc)
        )
        return True

    def _on_behind_loaded(self, generation: int, drill: Drill, rows: list[Any]) -> None:
        if generation != self._behind_generation:
            return
        self.loading_behind = False
        self.compliance.show_behind(drill, rows, BEHIND_LIMIT)
        self.behind_loaded.emit()

    def _on_behind_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._behind_generation:
            return
        self.loading_behind = False
        text = describe_error(exc)
        self.compliance.clear_behind(f"The duties could not be read. {text}")
        self.load_failed.emit(text)
        self.behind_loaded.emit()

    # --- saving -----------------------------------------------------------------------------------

    def current_kind(self) -> str:
        page = self.tabs.currentWidget()
        return next(kind for kind, shown in self.pages.items() if shown is page)

    def current_report(self) -> Any:
        return self.reports.get(self.current_kind())

    def export_current(self, fmt: str, path: str | None = None) -> bool:
        """Save the report on show as `fmt`: to `path`, or where the user chooses. False if nothing started."""
        report = self.current_report()
        if report is None:
            self._show_notice("There is no report on show to save yet.", error=True)
            return False
        started = self.exporter.export(report, fmt, path) if path else self.exporter.ask_and_export(report, fmt)
        if started and self.exporter.busy:
            self._show_notice(f"Working… saving the {FORMATS[fmt][0]} file.", error=False)
        self._update_buttons()
        return started

    def _on_exported(self, result: Any) -> None:
        self._show_notice(
            f"Saved {result.path} ({result.bytes:,} bytes). The export is recorded in the audit trail as a disclosure.",
            error=False,
        )
        self._update_buttons()
        self.exported.emit(result)

    def _show_notice(self, text: str, error: bool) -> None:
        self.notice.setStyleSheet(ERROR_STYLE if error else NOTICE_STYLE)
        self.notice.setText(text)
        self.notice.show()
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.current_report() is not None and not self.exporter.busy
        for button in self.export_buttons.values():
            button.setEnabled(ready)
