"""The dashboard's charts (Qt Charts): on-time percentage over time, overdue duties by group, and duties by
type stacked by what became of them. Each shows a sentence instead of an empty plot when it has nothing to
show, names its axes, and says what a point or a bar counts when pointed at.

Signals:
    TrendChart.bucket_clicked(object): a point was clicked; the argument is its bucket's first day (date).
    OverdueChart.group_clicked(str): a bar was clicked; the argument is its group's key (`GroupCounts.key`).
    DutyTypeChart.segment_clicked(str, str): a segment was clicked: the rule and the status it counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QLabel, QStackedWidget, QToolTip, QWidget

from vicman.gui.models.report_table_models import n_text, percent
from vicman.services.report_types import DutyCounts, GroupCounts, TrendPoint

STATUS_SERIES = (
    ("on_time", "Met on time", QColor("#2e8540")),
    ("late", "Met late", QColor("#e0a800")),
    ("overdue", "Overdue now", QColor("#c0392b")),
    ("open", "Open", QColor("#5b8fd1")),
    ("waived", "Waived", QColor("#9aa0a6")),
)
STATUS_FIELDS = {"on_time": "met_on_time", "late": "met_late", "overdue": "overdue", "open": "open", "waived": "waived"}
LINE_COLOUR = QColor("#1f5fa8")
DUE_COLOUR = QColor("#d5dbe3")
OVERDUE_COLOUR = QColor("#c0392b")
LABEL_LIMIT = 26
"""Category labels longer than this are shortened (the tooltip has the whole text)."""
MOST_LABELS = 13
"""At most this many trend buckets are named on the axis."""
UPRIGHT_LABELS = 6
"""Beyond this many trend buckets, the labels stand on end (side by side they would be cut short)."""


def short(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stacked_words(text: str, width: int = 12) -> str:
    """A category label as (escaped) rich text, its words on lines of about `width` characters: under a bar,
    side by side, long names would run into each other (and Qt then drops some)."""
    lines: list[str] = []
    for word in short(text, 40).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(escape(line) for line in lines)


def count_axis(top: int, title: str) -> QValueAxis:
    """A count axis from 0 with whole, round steps (1, 2, 5, 10, 20, 25, 50 …) and a little room above `top`."""
    wanted = max(int(top * 1.1) + 1, 4)
    step = next(
        (s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000) if wanted / s <= 5),
        10 ** len(str(wanted)) // 10,
    )
    axis = QValueAxis()
    axis.setRange(0, -(-wanted // step) * step)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    axis.setTitleText(title)
    return axis


class ChartPanel(QStackedWidget):
    """A chart, or in its place a sentence saying why there is nothing to chart."""

    def __init__(self, name: str, title: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title = title
        self.legend_shown = False
        self.chart = self._new_chart()
        self.view = QChartView(self.chart)
        self.view.setObjectName(f"{name}View")
        self.view.setAccessibleName(accessible)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(160, 150)  # the window may be made small; the charts shrink with it
        self.empty = QLabel()
        self.empty.setObjectName(f"{name}Empty")
        self.empty.setAccessibleName(f"{accessible}: nothing to show")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMargin(16)
        self.empty.setStyleSheet(
            "QLabel { background: palette(base); color: palette(placeholder-text); border: 1px solid palette(mid); }"
        )
        self.addWidget(self.view)
        self.addWidget(self.empty)

    def _new_chart(self) -> QChart:
        chart = QChart()
        chart.setTitle(self.title)
        title_font = QFont(chart.titleFont())
        title_font.setBold(True)
        title_font.setPointSizeF(max(title_font.pointSizeF(), 10.0))
        chart.setTitleFont(title_font)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(3)
        legend = chart.legend()
        legend.setVisible(self.legend_shown)
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend_font = QFont(legend.font())
        legend_font.setPointSizeF(max(legend_font.pointSizeF() - 1, 7.5))
        legend.setFont(legend_font)
        return chart

    def _reset(self) -> None:
        """A new, empty chart in the view. (Removing series and axes from a chart leaves the axes' labels
        drawn in Qt Charts 6, so the old chart goes as a whole.)"""
        old = self.chart
        self.chart = self._new_chart()
        self.view.setChart(self.chart)
        old.deleteLater()

    def set_title(self, title: str) -> None:
        self.title = title
        self.chart.setTitle(title)

    def show_message(self, text: str) -> None:
        self._reset()
        self.empty.setText(text)
        self.setCurrentWidget(self.empty)

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty

    def _show_chart(self) -> None:
        self.setCurrentWidget(self.view)


class TrendChart(ChartPanel):
    """Per week or month of the due date: the duties that fell due (grey bars, right-hand axis) and the
    percentage met on time (a line with a marker per bucket, left-hand axis). A bucket whose duties are
    all still open or waived has a bar but no point."""

    bucket_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("trendChart", "On time, by month due", "On-time percentage over time", parent)
        self.points: list[TrendPoint] = []
        self.line: QLineSeries | None = None
        self.markers: QScatterSeries | None = None
        self.bars: QBarSet | None = None
        self.legend_shown = True
        self.chart.legend().setVisible(True)

    def set_points(self, points: Sequence[TrendPoint], bucket: str = "month") -> None:
        self.set_title(f"On time, by {'week' if bucket == 'week' else 'month'} due")
        self.points = list(points)
        if not self.points or not any(p.due for p in self.points):
            self.show_message("No duties fell due in this period, so there is no trend to show.")
            return
        self._reset()
        axis_x = QBarCategoryAxis()
        # Qt draws every category label: with many buckets only every `step`-th is named (the others get
        # distinct blank labels, as the axis needs them unique), so those shown are not cut short.
        step = -(-len(self.points) // MOST_LABELS)
        axis_x.append(
            [
                bucket_label(p.bucket_start, bucket, i == 0) if i % step == 0 else " " * (i + 1)
                for i, p in enumerate(self.points)
            ]
        )
        axis_x.setTitleText("Week beginning" if bucket == "week" else "Month the duties fell due")
        if len(self.points) > UPRIGHT_LABELS:
            axis_x.setLabelsAngle(-90)
        axis_x.setTruncateLabels(False)  # a named label may spill over its blank neighbours' room
        axis_pct = QValueAxis()
        axis_pct.setRange(0, 100)
        axis_pct.setTickCount(6)
        axis_pct.setLabelFormat("%d%%")
        axis_pct.setTitleText("Met on time")
        axis_due = count_axis(max(p.due for p in self.points), "Duties due")
        self.chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(axis_pct, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(axis_due, Qt.AlignmentFlag.AlignRight)

        self.bars = QBarSet("Duties due")
        self.bars.setColor(DUE_COLOUR)
        self.bars.setBorderColor(DUE_COLOUR.darker(110))
        for point in self.points:
            self.bars.append(point.due)
        bar_series = QBarSeries()
        bar_series.append(self.bars)
        bar_series.setBarWidth(0.6)
        self.chart.addSeries(bar_series)
        bar_series.attachAxis(axis_x)
        bar_series.attachAxis(axis_due)
        bar_series.hovered.connect(lambda state, index, _set: self._on_hovered_index(index, state))
        bar_series.clicked.connect(lambda index, _set: self._on_clicked_index(index))

        self.line = QLineSeries()
        self.line.setName("% met on time")
        self.line.setPen(QPen(LINE_COLOUR, 2.5))
        self.markers = QScatterSeries()
        self.markers.setColor(LINE_COLOUR)
        self.markers.setBorderColor(QColor("white"))
        self.markers.setMarkerSize(11.0 if len(self.points) <= MOST_LABELS else 7.0)
        for index, point in enumerate(self.points):
            if point.on_time_pct is None:
                continue
            self.line.append(QPointF(index, point.on_time_pct))
            self.markers.append(QPointF(index, point.on_time_pct))
        for series in (self.line, self.markers):
            self.chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_pct)
            series.hovered.connect(lambda where, state: self._on_hovered_index(round(where.x()), state))
            series.clicked.connect(lambda where: self._on_clicked_index(round(where.x())))
        markers = self.chart.legend().markers(self.markers)
        for marker in markers:  # the markers are part of the line: one legend entry for both
            marker.setVisible(False)
        self._show_chart()

    def describe(self, point: TrendPoint) -> str:
        if point.on_time_pct is None:
            judged = "none of them met or missed yet"
        else:
            judged = f"{percent(point.on_time_pct)} met on time ({point.met_on_time:,} met on time)"
        return f"{point.label}: {n_text(point.due)} duties due; {judged}. Click for the duties."

    def position_of(self, bucket_start: date) -> QPoint:
        """Where a bucket's point (else its bar's middle) is drawn, in the chart view's coordinates."""
        index = next(i for i, p in enumerate(self.points) if p.bucket_start == bucket_start)
        point = self.points[index]
        if point.on_time_pct is not None and self.markers is not None:
            scene = self.chart.mapToPosition(QPointF(index, point.on_time_pct), self.markers)
        else:
            scene = self.chart.mapToPosition(QPointF(index, point.due / 2), self.chart.series()[0])
        return self.view.mapFromScene(self.chart.mapToScene(scene))

    def _on_hovered_index(self, index: int, state: bool) -> None:
        if state and 0 <= index < len(self.points):
            QToolTip.showText(QCursor.pos(), self.describe(self.points[index]), self.view)
        else:
            QToolTip.hideText()

    def _on_clicked_index(self, index: int) -> None:
        if 0 <= index < len(self.points):
            self.bucket_clicked.emit(self.points[index].bucket_start)


def bucket_label(start: date, bucket: str, first: bool) -> str:
    """A short axis label: "Nov" (with the year in January and on the first bucket) or "23/11" for a week."""
    if bucket == "week":
        return start.strftime("%d/%m")
    return start.strftime("%b %Y") if first or start.month == 1 else start.strftime("%b")


class _BarChart(ChartPanel):
    """What the two bar charts share: hover tooltips and clicks on a bar, by category index and set."""

    def _attach(
        self, series: QAbstractBarSeries, categories: list[str], count_title: str, top: int, horizontal: bool
    ) -> None:
        self.chart.addSeries(series)
        axis_categories = QBarCategoryAxis()
        axis_categories.append(categories)
        axis_counts = count_axis(top, count_title)
        category_side = Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom
        count_side = Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft
        self.chart.addAxis(axis_categories, category_side)
        self.chart.addAxis(axis_counts, count_side)
        series.attachAxis(axis_categories)
        series.attachAxis(axis_counts)
        series.hovered.connect(self._on_hovered)
        series.clicked.connect(self._on_clicked)
        self.series = series
        self._show_chart()

    def bar_position(self, index: int, bar_set: QBarSet) -> QPoint:
        """The middle of a bar (or a segment of a stacked bar), in the chart view's coordinates."""
        sets = self.series.barSets()
        horizontal = isinstance(self.series, QHorizontalStackedBarSeries)
        below = sum(s.at(index) for s in sets[: sets.index(bar_set)]) if horizontal else 0.0
        middle = below + bar_set.at(index) / 2
        value = QPointF(middle, index) if horizontal else QPointF(index, middle)
        scene = self.chart.mapToScene(self.chart.mapToPosition(value, self.series))
        return self.view.mapFromScene(scene)

    def _on_hovered(self, state: bool, index: int, bar_set: QBarSet) -> None:
        if state:
            QToolTip.showText(QCursor.pos(), self.describe(index, bar_set), self.view)
        else:
            QToolTip.hideText()

    def describe(self, index: int, bar_set: QBarSet) -> str:
        raise NotImplementedError

    def _on_clicked(self, index: int, bar_set: QBarSet) -> None:
        raise NotImplementedError


class OverdueChart(_BarChart):
    """Duties overdue now, per division (or team, or officer: one level below the scope)."""

    group_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("overdueChart", "Overdue now, by division", "Overdue duties by group", parent)
        self.groups: list[GroupCounts] = []
        self.bars: QBarSet | None = None

    def set_groups(self, groups: Sequence[GroupCounts], level: str) -> None:
        words = {"division": "division", "team": "team", "officer": "officer", "rule": "duty"}.get(level, level)
        self.set_title(f"Overdue now, by {words}")
        self.groups = list(groups)
        if not self.groups or not any(g.due for g in self.groups):
            self.show_message(f"No duties fell due in this period, so no {words} has any overdue.")
            return
        self._reset()
        self.bars = QBarSet("Overdue now")
        self.bars.setColor(OVERDUE_COLOUR)
        self.bars.setBorderColor(OVERDUE_COLOUR.darker(120))
        self.bars.setLabelColor(QColor("#212529"))
        for group in self.groups:
            self.bars.append(group.overdue)
        series = QBarSeries()
        series.append(self.bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setBarWidth(0.6)
        labels = [stacked_words(g.group) for g in self.groups]
        self._attach(series, labels, "Duties overdue now", max(g.overdue for g in self.groups), horizontal=False)
        axis = self.chart.axes(Qt.Orientation.Horizontal)[0]
        axis.setTruncateLabels(False)  # Qt cuts "Response A" short in a bar twice as wide as the words
        if not any(g.overdue for g in self.groups):
            self.set_title(f"Overdue now, by {words}: none overdue")

    def describe(self, index: int, bar_set: QBarSet) -> str:
        group = self.groups[index]
        return (
            f"{group.group}: {group.overdue:,} overdue now, of {group.due:,} due in the period "
            f"({percent(group.on_time_pct)} on time). Click for the duties."
        )

    def _on_clicked(self, index: int, bar_set: QBarSet) -> None:
        if 0 <= index < len(self.groups):
            self.group_clicked.emit(self.groups[index].key)


class DutyTypeChart(_BarChart):
    """Each kind of duty as a horizontal bar, split into met on time, met late, overdue, open and waived."""

    segment_clicked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("dutyTypeChart", "Duties by type", "Duties by type and what became of them", parent)
        self.duties: list[DutyCounts] = []
        self.sets: dict[str, QBarSet] = {}
        self.legend_shown = True
        self.chart.legend().setVisible(True)

    def set_duties(self, duties: Sequence[DutyCounts]) -> None:
        # Bars are drawn bottom up: reverse, so the list reads top down in the Code's order.
        self.duties = list(reversed([d for d in duties if d.rule != "all" and d.due]))
        if not self.duties:
            self.show_message("No duties fell due in this period.")
            return
        self._reset()
        self.sets = {}
        series = QHorizontalStackedBarSeries()
        for status, words, colour in STATUS_SERIES:
            bar_set = QBarSet(words)
            bar_set.setColor(colour)
            bar_set.setBorderColor(colour.darker(115))
            for duty in self.duties:
                bar_set.append(getattr(duty, STATUS_FIELDS[status]))
            self.sets[status] = bar_set
            series.append(bar_set)
        series.setBarWidth(0.7)
        labels = [short(d.title) for d in self.duties]
        self._attach(series, labels, "Duties due in the period", max(d.due for d in self.duties), horizontal=True)

    def status_of(self, bar_set: QBarSet) -> str:
        return next(status for status, found in self.sets.items() if found is bar_set)

    def describe(self, index: int, bar_set: QBarSet) -> str:
        duty = self.duties[index]
        count = int(bar_set.at(index))
        return f"{duty.title}: {count:,} {bar_set.label().lower()} of {duty.due:,} due. Click for the duties."

    def _on_clicked(self, index: int, bar_set: QBarSet) -> None:
        if 0 <= index < len(self.duties):
            self.segment_clicked.emit(self.duties[index].rule, self.status_of(bar_set))
