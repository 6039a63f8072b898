"""The dashboard's three pages: compliance (charts, the table of duties by type, and the duties behind a
clicked number), the Ministry of Justice measures, and satisfaction by ethnic group with the gap between
white and minority ethnic victims. The pages only show what they are given; `DashboardView` reads.

Signals of `CompliancePage`:
    behind_requested(object): a number was clicked; the argument is a `Drill` (what to list).
    record_requested(str, str): open the record of this victim (person ref) at this crime (crime ref).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import buddy
from vicman.gui.formatting import plural, uk_date
from vicman.gui.models.report_table_models import (
    COL_B_CRIME,
    COL_B_DUE,
    COL_B_DUTY,
    COL_B_MET,
    COL_B_STATUS,
    COL_B_VICTIM,
    COL_DUTY,
    COL_G_CI,
    COL_G_GAP,
    COL_G_MINORITY,
    COL_G_P,
    COL_G_QUESTION,
    COL_G_WHITE,
    COL_M_APPLICABLE,
    COL_M_MEASURE,
    COL_M_MET,
    COL_M_ON_TIME,
    COL_M_PCT,
    COL_S_CI,
    COL_S_GROUP,
    COL_S_N,
    COL_S_PCT,
    COL_S_SATISFIED,
    COLUMN_STATUS,
    QUESTION_WORDS,
    QUESTIONS,
    STATUS_WORDS,
    BehindTableModel,
    DutyCountsTableModel,
    GapTableModel,
    MojTableModel,
    SatisfactionTableModel,
    percent,
)
from vicman.gui.views.charts import DutyTypeChart, OverdueChart, TrendChart
from vicman.gui.views.supervision_common import duty_drill_down
from vicman.gui.widgets import make_table
from vicman.services.report_types import ComplianceReport, MojReport, SatisfactionReport

CAPTION_STYLE = "QLabel { padding: 2px 0; }"
TOTAL_STYLE = "QLabel { background: palette(alternate-base); padding: 6px; font-weight: bold; }"


@dataclass(frozen=True)
class Drill:
    """The duties behind one number: `reports.duties_behind` narrowed by these, and how to name them."""

    words: str
    rule: str | None = None
    status: str | None = None
    group: str | None = None
    bucket_start: date | None = None


def _caption(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(CAPTION_STYLE)
    return label


def _widths(table, widths: dict[int, int]) -> None:
    for column, width in widths.items():
        table.setColumnWidth(column, width)


class CompliancePage(QWidget):
    behind_requested = Signal(object)
    record_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardCompliancePage")
        self.report: ComplianceReport | None = None
        self.caption = _caption("dashboardComplianceCaption")

        self.trend = TrendChart()
        self.overdue = OverdueChart()
        self.types = DutyTypeChart()
        self.trend.bucket_clicked.connect(self._on_bucket_clicked)
        self.overdue.group_clicked.connect(self._on_group_clicked)
        self.types.segment_clicked.connect(self._on_segment_clicked)
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.trend, 4)
        row.addWidget(self.overdue, 3)
        row.addWidget(self.types, 4)

        self.model = DutyCountsTableModel(self)
        self.table = make_table("dashboardDutiesTable", "Duties by type")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)  # the Code's order, the total last
        self.table.setSelectionBehavior(self.table.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(COL_DUTY, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.model.columnCount()):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip("Click a number to list the duties behind it")
        self.table.clicked.connect(self._on_cell_clicked)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(lambda: self._on_cell_clicked(self.table.currentIndex()))

        self.behind_model = BehindTableModel(self)
        self.behind, self.behind_proxy, self.open_button = duty_drill_down(
            self,
            self.behind_model,
            "dashboardBehindTable",
            "The duties behind the number",
            {COL_B_VICTIM: 170, COL_B_CRIME: 92, COL_B_DUTY: 190, COL_B_DUE: 80, COL_B_STATUS: 96, COL_B_MET: 110},
            COL_B_DUE,
            "openDashboardRecordButton",
            self.open_selected_record,
            self._update_buttons,
        )
        self.behind_title = _caption("dashboardBehindTitle")
        self.behind_title.setText("Click a bar, a point or a number to list the victims behind it.")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.behind_title, 1)
        head.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addLayout(head)
        right_layout.addWidget(self.behind, 1)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.setObjectName("dashboardTablesSplitter")
        tables.addWidget(left)
        tables.addWidget(right)
        tables.setStretchFactor(0, 6)
        tables.setStretchFactor(1, 5)
        tables.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("dashboardComplianceSplitter")
        self.splitter.addWidget(charts)
        self.splitter.addWidget(tables)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.caption)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    # --- the report -----------------------------------------------------------------------------

    def show_loading(self, text: str) -> None:
        self.caption.setText(text)

    def show_report(self, report: ComplianceReport, scope_words: str) -> None:
        self.report = report
        header, total = report.header, report.total
        period = f"{uk_date(header.period_from)} to {uk_date(header.period_to)}"
        if total.due == 0:
            self.caption.setText(
                f"<b>{scope_words}</b>, {period}: no duties fell due in this period. Choose a longer period "
                "or another scope."
            )
        else:
            self.caption.setText(
                f"<b>{scope_words}</b>: {plural(total.due, 'duty', 'duties')} fell due {period}; "
                f"<b>{percent(total.on_time_pct)}</b> met on time, {total.overdue:,} overdue now, "
                f"{total.open:,} still open (as of {uk_date(header.as_of)}). "
                "Click a bar, a point or a number to see the victims behind it."
            )
        self.trend.set_points(report.trend, report.trend_bucket)
        self.overdue.set_groups(report.by_group, report.group_level)
        self.types.set_duties(report.duties)
        self.model.set_rows([*report.duties, total] if total.due else [])
        self.clear_behind("Click a bar, a point or a number to list the victims behind it.")

    def show_failure(self, text: str) -> None:
        self.report = None
        self.caption.setText(f"The compliance figures could not be read. {text}")
        for chart in (self.trend, self.overdue, self.types):
            chart.show_message("Nothing to show: the figures could not be read.")
        self.model.set_rows([])
        self.clear_behind("")

    def clear(self) -> None:
        self.report = None
        self.caption.setText("")
        self.model.set_rows([])
        for chart in (self.trend, self.overdue, self.types):
            chart.show_message("")
        self.clear_behind("Click a bar, a point or a number to list the victims behind it.")

    # --- clicks on a number -----------------------------------------------------------------------

    def _on_bucket_clicked(self, bucket_start: date) -> None:
        point = next((p for p in self.report.trend if p.bucket_start == bucket_start), None) if self.report else None
        label = point.label if point else uk_date(bucket_start)
        self.behind_requested.emit(Drill(f"Duties due in {label}", bucket_start=bucket_start))

    def _on_group_clicked(self, key: str) -> None:
        report = self.report
        group = next((g for g in report.by_group if g.key == key), None) if report else None
        name = group.group if group else key
        self.behind_requested.emit(Drill(f"Overdue now: {name}", status="overdue", group=key))

    def _on_segment_clicked(self, rule: str, status: str) -> None:
        title = next((d.title for d in self.report.duties if d.rule == rule), rule) if self.report else rule
        self.behind_requested.emit(Drill(f"{title}: {STATUS_WORDS[status]}", rule=rule, status=status))

    def _on_cell_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        status = COLUMN_STATUS.get(index.column())
        rule = None if row.rule == "all" else row.rule
        title = "All duties" if rule is None else row.title
        self.behind_requested.emit(Drill(f"{title}: {STATUS_WORDS[status]}", rule=rule, status=status))

    # --- the duties behind it -------------------------------------------------------------------

    def clear_behind(self, text: str) -> None:
        self.behind_model.set_rows([])
        self.behind_title.setText(text)
        self._update_buttons()

    def show_behind(self, drill: Drill, rows: list[Any], limit: int) -> None:
        self.behind_model.set_rows(rows)
        if not rows:
            self.behind_title.setText(f"<b>{drill.words}</b>: none.")
        else:
            many = (
                f"the first {limit:,} (soonest due first)"
                if len(rows) >= limit
                else plural(len(rows), "duty", "duties")
            )
            self.behind_title.setText(
                f"<b>{drill.words}</b>: {many}. Enter or a double-click opens the victim's record."
            )
        self._update_buttons()

    def selected_duty(self) -> Any:
        rows = self.behind.selectionModel().selectedRows()
        return self.behind_proxy.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_duty() is not None)

    def open_selected_record(self) -> bool:
        duty = self.selected_duty()
        if duty is None:
            return False
        self.record_requested.emit(duty.victim_ref, duty.crime_ref)
        return True


class MojPage(QWidget):
    """The five Ministry of Justice measures as one table, how each is counted under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardMojPage")
        self.report: MojReport | None = None
        self.caption = _caption("dashboardMojCaption")
        self.model = MojTableModel(self)
        self.table = make_table("dashboardMojTable", "Ministry of Justice compliance measures")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        _widths(self.table, {COL_M_MEASURE: 260, COL_M_APPLICABLE: 90, COL_M_MET: 80, COL_M_ON_TIME: 80, COL_M_PCT: 80})
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)

    def show_loading(self, text: str) -> None:
        self.caption.setText(text)

    def show_report(self, report: MojReport, scope_words: str) -> None:
        self.report = report
        header = report.header
        period = f"{uk_date(header.period_from)} to {uk_date(header.period_to)}"
        if not any(m.applicable for m in report.measures):
            self.caption.setText(
                f"<b>{scope_words}</b>, {period}: none of the measures applied to anyone in this period."
            )
        else:
            self.caption.setText(
                f"<b>{scope_words}</b>, {period}, as of {uk_date(header.as_of)}: of the victims or duties each "
                "measure applies to, how many met it. Point at a row for how it is counted."
            )
        self.model.set_rows(report.measures)

    def show_failure(self, text: str) -> None:
        self.report = None
        self.caption.setText(f"The Ministry of Justice measures could not be read. {text}")
        self.model.set_rows([])

    def clear(self) -> None:
        self.report = None
        self.caption.setText("")
        self.model.set_rows([])


class SatisfactionPage(QWidget):
    """Satisfaction by ethnic group for one question, and the white/minority gap on every question."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardSatisfactionPage")
        self.report: SatisfactionReport | None = None
        self.caption = _caption("dashboardSatisfactionCaption")
        self.question = QComboBox()
        self.question.setObjectName("dashboardQuestion")
        self.question.setAccessibleName("Question")
        for key, words in QUESTIONS:
            self.question.addItem(words, key)
        self.question.currentIndexChanged.connect(self._on_question_changed)

        self.model = SatisfactionTableModel(self)
        self.table = make_table("dashboardSatisfactionTable", "Satisfaction by ethnic group")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        _widths(self.table, {COL_S_GROUP: 300, COL_S_N: 100, COL_S_SATISFIED: 80, COL_S_PCT: 96, COL_S_CI: 170})

        self.gap_model = GapTableModel(self)
        self.gaps = make_table("dashboardGapTable", "The gap between white and minority ethnic victims")
        self.gaps.setModel(self.gap_model)
        self.gaps.setSortingEnabled(False)
        _widths(
            self.gaps,
            {COL_G_QUESTION: 150, COL_G_WHITE: 120, COL_G_MINORITY: 120, COL_G_GAP: 100, COL_G_CI: 170, COL_G_P: 90},
        )
        self.gaps.selectionModel().currentRowChanged.connect(lambda *_: self._show_verdict())
        rows = len(QUESTIONS)  # one a question: no need for more room than that
        self.gaps.setMaximumHeight(
            self.gaps.horizontalHeader().sizeHint().height()
            + rows * self.gaps.verticalHeader().defaultSectionSize()
            + 12
        )
        self.verdict = _caption("dashboardVerdict")
        self.verdict.setObjectName("dashboardVerdict")
        self.verdict.setAccessibleName("What the gap means")
        self.verdict.setStyleSheet(TOTAL_STYLE)

        top = QHBoxLayout()
        top.addWidget(buddy("&Question", self.question))
        top.addWidget(self.question)
        top.addStretch(1)
        gap_title = QLabel("<b>White and minority ethnic victims</b> (the gap the inspection highlighted)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.caption)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(gap_title)
        layout.addWidget(self.gaps)
        layout.addWidget(self.verdict)

    def question_key(self) -> str:
        return str(self.question.currentData())

    def set_question(self, key: str) -> None:
        self.question.setCurrentIndex(self.question.findData(key))

    def _on_question_changed(self, _index: int) -> None:
        self.model.set_question(self.question_key())
        self._select_gap()

    def show_loading(self, text: str) -> None:
        self.caption.setText(text)

    def show_report(self, report: SatisfactionReport, scope_words: str) -> None:
        self.report = report
        header = report.header
        period = f"{uk_date(header.period_from)} to {uk_date(header.period_to)}"
        if not report.surveys:
            self.caption.setText(
                f"<b>{scope_words}</b>, {period}: no satisfaction surveys were recorded in this period. Surveys are "
                "recorded on the victim's record (Surveys tab)."
            )
        else:
            self.caption.setText(
                f"<b>{scope_words}</b>, {period}: {plural(report.surveys, 'survey')}. Satisfied means 4 or 5 on the "
                "five-point scale, of those who answered the question; the 95% interval shows how sure that is."
            )
        self.model.set_report(report.groups, report.aggregates)
        self.gap_model.set_rows(report.gaps)
        self._select_gap()

    def _select_gap(self) -> None:
        rows = self.gap_model.rows()
        wanted = next((i for i, g in enumerate(rows) if g.question == self.question_key()), None)
        if wanted is not None:
            self.gaps.selectRow(wanted)
        self._show_verdict()

    def _show_verdict(self) -> None:
        index = self.gaps.selectionModel().currentIndex()
        rows = self.gap_model.rows()
        if not rows:
            self.verdict.setText("No gap to test: no surveys in this period." if self.report else "")
            return
        gap = rows[index.row()] if index.isValid() else rows[0]
        self.verdict.setText(f"{QUESTION_WORDS.get(gap.question, gap.question)}: {gap.verdict}")

    def show_failure(self, text: str) -> None:
        self.report = None
        self.caption.setText(f"The satisfaction figures could not be read. {text}")
        self.model.set_report((), ())
        self.gap_model.set_rows([])
        self.verdict.setText("")

    def clear(self) -> None:
        self.report = None
        self.caption.setText("")
        self.model.set_report((), ())
        self.gap_model.set_rows([])
        self.verdict.setText("")
