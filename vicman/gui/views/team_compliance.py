"""Team compliance (supervisors): per officer in a division, team or one officer's scope, how the duties
that fell due in a period were met, with their latest dip-sample verdicts; selecting an officer lists the
duties behind the numbers, and Enter or a double-click on a duty opens the victim's record.

Signals:
    compliance_loaded(): the officers table shows the latest read.
    duties_loaded(): the drill-down shows the selected officer's duties (or nothing).
    record_requested(str, str): open the record of this victim (person ref) at this crime (crime ref).
    load_failed(str): reading failed; the argument says why in plain words.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import ERROR_STYLE, buddy, message_label
from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural, uk_date
from vicman.gui.models.compliance_table_model import (
    COL_D_CRIME,
    COL_D_DUE,
    COL_D_DUTY,
    COL_D_STATUS,
    COL_D_VICTIM,
    COL_DUE,
    COL_LATE,
    COL_OFFICER,
    COL_ON_TIME,
    COL_OPEN,
    COL_OVERDUE,
    COL_PCT,
    COL_TEAM,
    COL_WAIVED,
    ComplianceTableModel,
    OfficerDutyTableModel,
    Totals,
    pct_text,
    totals,
)
from vicman.gui.models.sort_proxy import NativeSortProxyModel
from vicman.gui.views.record_common import make_button, select_row
from vicman.gui.views.supervision_common import (
    PeriodEdit,
    ScopeChooser,
    current_dto,
    duty_drill_down,
    last_month,
    select_dto,
    this_month,
)
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services import team_compliance
from vicman.services.context import Actor, ServiceContext
from vicman.services.people import OfficerView
from vicman.services.team_compliance import DutyRow, OfficerCompliance


def totals_text(found: Totals) -> str:
    if not found.officers:
        return "No officers in this scope."
    return (
        f"Totals for {plural(found.officers, 'officer')}: {found.due} due · {found.met_on_time} met on time · "
        f"{found.met_late} met late · {found.waived} waived · {found.overdue} overdue now · {found.open} open · "
        f"on time: {pct_text(found.on_time_pct)}"
    )


class TeamComplianceView(QWidget):
    compliance_loaded = Signal()
    duties_loaded = Signal()
    record_requested = Signal(str, str)
    load_failed = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamComplianceView")
        self._ctx = ctx
        self._runner = runner
        self._generation = 0
        self._duties_generation = 0
        self.loading = False
        self.loading_duties = False
        self.shown_for: tuple[str, str, date, date] | None = None
        """The scope and period of the figures on screen: (kind, value, from, to)."""

        self.title = QLabel("Team compliance")
        self.title.setObjectName("teamComplianceTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)

        self.scope = ScopeChooser("compliance")
        self.period = PeriodEdit("compliance")
        self.this_month_button = self.period.add_shortcut(
            "This mo&nth", "complianceThisMonthButton", "Set the period to this month so far", this_month
        )
        self.last_month_button = self.period.add_shortcut(
            "&Last month", "complianceLastMonthButton", "Set the period to last month", last_month
        )
        self.show_button = make_button(
            "Sh&ow figures", "showComplianceButton", "Show the figures", "Count the duties for this scope and period"
        )
        self.show_button.clicked.connect(self.refresh)
        self.error = message_label("complianceError", ERROR_STYLE, accessible="Why the figures could not be read")

        form = QGroupBox("Whose work, and when")
        form.setObjectName("complianceForm")
        grid = QGridLayout(form)
        grid.setHorizontalSpacing(8)
        grid.addWidget(buddy("S&cope", self.scope.kind), 0, 0)
        grid.addWidget(self.scope, 0, 1)
        grid.addWidget(buddy("&Period", self.period.start), 1, 0)
        grid.addWidget(self.period, 1, 1)
        grid.addWidget(self.show_button, 0, 2, 2, 1, Qt.AlignmentFlag.AlignBottom)
        grid.setColumnStretch(1, 1)
        form.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.model = ComplianceTableModel(self)
        self.proxy = NativeSortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table("complianceTable", "Compliance per officer")
        self.table.setModel(self.proxy)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.sortByColumn(COL_OFFICER, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        widths = {
            COL_OFFICER: 190,
            COL_TEAM: 150,
            COL_DUE: 56,
            COL_ON_TIME: 92,
            COL_LATE: 74,
            COL_WAIVED: 64,
            COL_OVERDUE: 96,
            COL_OPEN: 56,
            COL_PCT: 150,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._on_officer_selected())
        self.caption = QLabel()
        self.caption.setObjectName("complianceCaption")
        self.caption.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setObjectName("complianceTotals")
        self.totals.setAccessibleName("Totals")
        self.totals.setWordWrap(True)
        self.totals.setStyleSheet("QLabel { background: palette(alternate-base); padding: 6px; font-weight: bold; }")

        self.duties_model = OfficerDutyTableModel(self)
        self.duties, self.duties_proxy, self.open_button = duty_drill_down(
            self,
            self.duties_model,
            "officerDutiesTable",
            "Duties of the selected officer",
            {COL_D_VICTIM: 200, COL_D_CRIME: 100, COL_D_DUTY: 360, COL_D_DUE: 90, COL_D_STATUS: 110},
            COL_D_DUE,
            "openComplianceRecordButton",
            self.open_selected_record,
            self._update_buttons,
        )
        self.duties_title = QLabel("Select an officer to see the duties behind the numbers.")
        self.duties_title.setObjectName("officerDutiesTitle")
        self.duties_title.setWordWrap(True)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.caption)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.totals)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.duties_title, 1)
        head.addWidget(self.open_button)
        bottom_layout.addLayout(head)
        bottom_layout.addWidget(self.duties, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("complianceSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(form)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    # --- people and defaults -------------------------------------------------------------------

    def set_people(self, officers: list[OfficerView], divisions: list[str]) -> None:
        self.scope.set_people(officers, divisions)

    def activate(self, actor: Actor) -> None:
        """A supervisor signed in: their own team (else division), this month so far; read the figures."""
        self.clear()
        self.scope.choose_default(actor)
        today = self._ctx.today()
        self.period.set_today(today)
        self.period.set_period(*this_month(today))
        self.refresh()

    def clear(self) -> None:
        self._generation += 1
        self._duties_generation += 1
        self.loading = self.loading_duties = False
        self.shown_for = None
        self.model.set_rows([])
        self.duties_model.set_rows([])
        self.caption.setText("")
        self.totals.setText("")
        self.error.hide()
        self._update_buttons()

    # --- the figures ---------------------------------------------------------------------------

    def refresh(self) -> None:
        kind, value = self.scope.scope()
        start, end = self.period.period()
        if not value:
            self._show_error(f"Choose which {kind} to show.")
            return
        if start > end:
            self._show_error(f"The period starts ({uk_date(start)}) after it ends ({uk_date(end)}).")
            return
        self.error.hide()
        self._generation += 1
        generation = self._generation
        self.loading = True
        wanted = (kind, value, start, end)
        self.caption.setText("Counting…")
        self._runner.read(team_compliance.team_compliance, self._ctx, kind, value, start, end).on_success(
            lambda rows, g=generation: self._on_loaded(g, wanted, rows)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc))

    def _on_loaded(self, generation: int, wanted: tuple[str, str, date, date], rows: list[OfficerCompliance]) -> None:
        if generation != self._generation:
            return
        current = self.selected_officer()
        self.loading = False
        self.shown_for = wanted
        self.model.set_rows(rows)
        _, _, start, end = wanted
        self.caption.setText(
            f"<b>{self.scope.scope_label()}</b>: duties that fell due {uk_date(start)} to {uk_date(end)}; "
            f"overdue and open as of today, {uk_date(self._ctx.today())}. Select an officer to see the duties."
        )
        self.totals.setText(totals_text(totals(rows)))
        staff = [r.staff_no for r in rows]
        if current is not None and current.staff_no in staff:
            select_row(self.table, self.proxy.proxy_row_of(staff.index(current.staff_no)))
        else:
            self._on_officer_selected()
        self.compliance_loaded.emit()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.caption.setText("")
        text = describe_error(exc)
        self._show_error(f"The figures could not be read. {text}")
        self.load_failed.emit(text)
        self.compliance_loaded.emit()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def selected_officer(self) -> OfficerCompliance | None:
        return current_dto(self.table, self.proxy)

    def select_officer(self, staff_no: str) -> bool:
        return select_dto(self.table, self.proxy, lambda officer: officer.staff_no == staff_no)

    # --- the drill-down ------------------------------------------------------------------------

    def _on_officer_selected(self) -> None:
        officer = self.selected_officer()
        self._duties_generation += 1
        generation = self._duties_generation
        if officer is None or self.shown_for is None:
            self.duties_model.set_rows([])
            self.duties_title.setText("Select an officer to see the duties behind the numbers.")
            self.loading_duties = False
            self._update_buttons()
            self.duties_loaded.emit()
            return
        _, _, start, end = self.shown_for
        self.loading_duties = True
        self.duties_title.setText(f"Reading the duties of {officer.staff_no} {officer.name}…")
        self._update_buttons()
        self._runner.read(team_compliance.officer_duties, self._ctx, officer.staff_no, start, end).on_success(
            lambda rows, g=generation, o=officer: self._on_duties_loaded(g, o, rows)
        ).on_failure(lambda exc, g=generation: self._on_duties_failed(g, exc))

    def _on_duties_loaded(self, generation: int, officer: OfficerCompliance, rows: list[DutyRow]) -> None:
        if generation != self._duties_generation:
            return
        self.loading_duties = False
        self.duties_model.set_rows(rows)
        assert self.shown_for is not None
        _, _, start, end = self.shown_for
        self.duties_title.setText(
            f"<b>{officer.staff_no} {officer.name}</b>: {plural(len(rows), 'duty', 'duties')} due {uk_date(start)} "
            f"to {uk_date(end)}. Enter or double-click opens the victim's record."
        )
        self._update_buttons()
        self.duties_loaded.emit()

    def _on_duties_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._duties_generation:
            return
        self.loading_duties = False
        self.duties_model.set_rows([])
        text = describe_error(exc)
        self.duties_title.setText(f"The duties could not be read. {text}")
        self.load_failed.emit(text)
        self._update_buttons()
        self.duties_loaded.emit()

    def selected_duty(self) -> DutyRow | None:
        rows = self.duties.selectionModel().selectedRows()
        if not rows:
            return None
        return self.duties_proxy.row_at(rows[0].row())

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_duty() is not None)

    def open_selected_record(self) -> bool:
        duty = self.selected_duty()
        if duty is None:
            return False
        self.record_requested.emit(duty.victim_ref, duty.crime_ref)
        return True
