"""Minimum standards: the duties of the Code edition in force with their deadlines, and the signed-in
officer's own figures this month.

Signals:
    standards_loaded(object): the panel shows a fresh `MinimumStandards` (with the officer's figures).
    load_failed(str): reading failed; the argument says why in plain words.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from vicman.gui.errors import describe_error
from vicman.gui.formatting import uk_date
from vicman.gui.models.standards_table_model import (
    COL_DUTY,
    COL_ENHANCED_DAYS,
    COL_SECTION,
    COL_STANDARD_DAYS,
    StandardsTableModel,
)
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services import standards
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView
from vicman.services.standards import MinimumStandards, OfficerFigures

FIGURES = (
    ("due", "Duties due", "Duties that fell due this month, up to today", "#e2e3e5", "#2b2f32"),
    ("met_on_time", "Met on time", "Met by their due date", "#d1e7dd", "#0a3622"),
    ("met_late", "Met late", "Met, but after their due date", "#fff3cd", "#4d3800"),
    ("waived", "Waived", "Waived with a reason", "#e2e3e5", "#2b2f32"),
    ("overdue_now", "Overdue now", "Not met and past their due date, in all your cases", "#f8d7da", "#58151c"),
)


class _Figure(QWidget):
    def __init__(self, name: str, caption: str, tip: str, background: str, foreground: str) -> None:
        super().__init__()
        self.setObjectName(f"{name}Figure")
        self.setToolTip(tip)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"#{name}Figure {{ background: {background}; border-radius: 6px; }} QLabel {{ color: {foreground}; }}"
        )
        self.value = QLabel("—")
        self.value.setObjectName(f"{name}Value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setObjectName(f"{name}Caption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self.value, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.caption, 0, Qt.AlignmentFlag.AlignLeft)
        self.setAccessibleName(caption)

    def set_value(self, text: str) -> None:
        self.value.setText(text)
        self.setAccessibleName(f"{self.caption.text()}: {text}")


class MinimumStandardsView(QWidget):
    standards_loaded = Signal(object)
    load_failed = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("minimumStandardsView")
        self._ctx = ctx
        self._runner = runner
        self._officer: OfficerView | None = None
        self._generation = 0
        self.loading = False
        self.standards: MinimumStandards | None = None

        self.title = QLabel("Minimum standards")
        self.title.setObjectName("standardsTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.edition = QLabel()
        self.edition.setObjectName("editionLabel")
        self.edition.setAccessibleName("Code edition in force")
        self.edition.setWordWrap(True)
        self.edition.setTextFormat(Qt.TextFormat.RichText)

        self.period = QLabel()
        self.period.setObjectName("periodLabel")
        self.period.setAccessibleName("Period of the figures")
        self.figures = {name: _Figure(name, caption, tip, bg, fg) for name, caption, tip, bg, fg in FIGURES}
        self.on_time = QLabel()
        self.on_time.setObjectName("onTimeLabel")
        self.on_time.setAccessibleName("Share met on time")
        self.on_time.setWordWrap(True)
        figures = QGridLayout()
        figures.setHorizontalSpacing(10)
        for i, figure in enumerate(self.figures.values()):
            figures.addWidget(figure, 0, i)
            figure.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.model = StandardsTableModel(self)
        self.table = make_table("standardsTable", "Duties and deadlines under the Code in force")
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setStyleSheet("QTableView::item { padding: 3px 4px; }")
        self.table.verticalHeader().setSectionResizeMode(self.table.verticalHeader().ResizeMode.ResizeToContents)
        for column, width in {COL_DUTY: 290, COL_SECTION: 70, COL_STANDARD_DAYS: 170, COL_ENHANCED_DAYS: 170}.items():
            self.table.setColumnWidth(column, width)
        self.enhanced_note = QLabel()
        self.enhanced_note.setObjectName("enhancedNote")
        self.enhanced_note.setWordWrap(True)

        self.message = QLabel()
        self.message.setObjectName("standardsMessage")
        self.message.setAccessibleName("Minimum standards status")
        self.message.setWordWrap(True)
        self.message.hide()

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.period)
        layout.addLayout(figures)
        layout.addWidget(self.on_time)
        layout.addSpacing(6)
        layout.addWidget(self.edition)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.enhanced_note)
        layout.addWidget(self.message)

    @property
    def officer(self) -> OfficerView | None:
        return self._officer

    def set_officer(self, officer: OfficerView | None) -> None:
        self._officer = officer
        self.title.setText(f"Minimum standards — {officer.label}" if officer else "Minimum standards")

    def refresh(self) -> None:
        """Read the standards and the officer's figures again (off the GUI thread)."""
        self._generation += 1
        generation = self._generation
        self.loading = True
        staff_no = self._officer.staff_no if self._officer else None
        self._runner.read(standards.minimum_standards, self._ctx, staff_no, self._ctx.today()).on_success(
            lambda result, g=generation: self._on_loaded(g, result)
        ).on_failure(lambda exc, g=generation: self._on_failed(g, exc))

    def _on_loaded(self, generation: int, result: MinimumStandards) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.standards = result
        self.message.hide()
        self.edition.setText(
            f"<b>Code in force for duties arising today:</b> {escape(result.edition_title)} "
            f"({escape(result.edition)} edition). {escape(result.summary)}"
        )
        self.model.set_rows(result.standards)
        self.enhanced_note.setText(
            f"{result.enhanced_label}: victims who are vulnerable, intimidated, persistently targeted, bereaved "
            "by crime or victims of the most serious crimes. Deadlines count working days after the day the "
            "duty arose (weekends and bank holidays do not count)."
        )
        self._show_figures(result.figures)
        self.standards_loaded.emit(result)

    def _show_figures(self, figures: OfficerFigures | None) -> None:
        if figures is None:
            self.period.setText("Sign in to see your own figures.")
            for figure in self.figures.values():
                figure.set_value("—")
            self.on_time.setText("")
            return
        today = self._ctx.today()
        self.period.setText(f"Your figures this month, {uk_date(figures.month_start)} to {uk_date(today)}:")
        for name, figure in self.figures.items():
            figure.set_value(str(getattr(figures, name)))
        percent = figures.on_time_percent
        self.on_time.setText(
            f"{percent:g}% of the duties due this month were met on time."
            if percent is not None
            else "No duties have fallen due this month yet."
        )

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        text = describe_error(exc)
        self.message.setText(f"The minimum standards could not be read. {text} Press F5 to try again.")
        self.message.show()
        self.load_failed.emit(text)

    def figures_now(self) -> OfficerFigures | None:
        return self.standards.figures if self.standards else None
