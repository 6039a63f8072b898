"""My work: the signed-in officer's pending duties, soonest due first, with overdue and due-soon counts.

The table lists the first `WORKLIST_LIMIT` duties, soonest due first; the counts in the header are
counted in the database over all of the officer's duties, so they are right however many there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from vicman.gui.models.duty_table_model import COL_DIVISION, COL_OIC, Day
from vicman.gui.views.duty_list import DutyListView
from vicman.gui.views.findings_panel import FindingsPanel
from vicman.gui.widgets import make_filter_edit
from vicman.gui.workers import Runner
from vicman.services import queries
from vicman.services.context import ServiceContext
from vicman.services.people import OfficerView
from vicman.services.views import DutyRow

WORKLIST_LIMIT = 500


@dataclass(frozen=True)
class Counts:
    """How many of an officer's pending duties are overdue, due today, and due by the next working day."""

    overdue: int = 0
    due_today: int = 0
    due_soon: int = 0


@dataclass(frozen=True)
class _Loaded:
    rows: list[DutyRow]
    counts: Counts


def _load_my_work(ctx: ServiceContext, staff_no: str, as_of: date, limit: int) -> _Loaded:
    """Worker thread: the officer's first `limit` duties, and the counts over all of them."""
    rows = queries.officer_worklist(ctx, staff_no, as_of=as_of, limit=limit)
    pending = queries.count_pending(ctx, as_of, officer=staff_no)
    # Due by the next working day (overdue and due today included), counted in the database too.
    upcoming = queries.bureau_queue(ctx, queries.DutyFilter(oic_staff_no=staff_no), as_of=as_of, limit=0)
    overdue, due_today = pending["overdue"], pending["due_today"]
    return _Loaded(rows, Counts(overdue, due_today, max(upcoming.total - overdue - due_today, 0)))


class MyWorkView(DutyListView):
    """Every pending duty in the signed-in officer's cases. Inherits the signals of `DutyListView`."""

    hidden_columns = (COL_OIC, COL_DIVISION)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(ctx, runner, parent)
        self.setObjectName("myWorkView")
        self.table.setAccessibleName("My duties")
        self._counts = Counts()
        self._truncated = False

        self.title = QLabel("My work")
        self.title.setObjectName("myWorkTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        # At its natural width when there is room; a narrow window may clip it (the full text is the tooltip).
        self.title.setMinimumWidth(self.title.fontMetrics().horizontalAdvance("My work") + 8)

        self.overdue_count = _count_label("overdueCount", "#f8d7da", "#58151c")
        self.due_today_count = _count_label("dueTodayCount", "#ffe8a1", "#4d3800")
        self.due_soon_count = _count_label("dueSoonCount", "#fff3cd", "#4d3800")

        self.filter_edit = make_filter_edit("myWorkFilter", "Filter by name, crime ref, duty…", "Filter my duties")
        self.filter_edit.textChanged.connect(self.proxy.set_text)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(16)
        head.addWidget(self.overdue_count)
        head.addWidget(self.due_today_count)
        head.addWidget(self.due_soon_count)
        head.addStretch(1)
        head.addWidget(self.filter_edit, 0)
        self.filter_edit.setMinimumWidth(280)
        self.filter_edit.setMaximumWidth(360)
        self.filter_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        # Dip-sample findings to acknowledge: hidden unless there are some (see FindingsPanel).
        self.findings = FindingsPanel(ctx, runner)

        foot = QHBoxLayout()
        foot.addWidget(self.footer, 1)
        foot.addWidget(self.log_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.findings)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)
        self._show_counts()

    def set_officer(self, officer: OfficerView | None) -> None:
        super().set_officer(officer)
        self.findings.set_officer(officer)
        self.title.setText(f"My work — {officer.label}" if officer else "My work")
        self.title.setToolTip(self.title.text())

    def _load_call(self):
        if self._officer is None:
            return None
        return (_load_my_work, (self._ctx, self._officer.staff_no, self._ctx.today(), WORKLIST_LIMIT), {})

    def _on_rows_fetched(self, generation: int, loaded: _Loaded, day: Day) -> None:  # type: ignore[override]
        if generation != self._generation or not shiboken6.isValid(self.model):
            return  # stale, or the screen has been closed while the list was read
        self._counts = loaded.counts
        self._truncated = len(loaded.rows) >= WORKLIST_LIMIT
        super()._on_rows_fetched(generation, loaded.rows, day)

    def refresh(self) -> None:
        super().refresh()
        if self._officer is None:
            self._counts = Counts()
            self._truncated = False
            self._show_counts()
            self._update_footer()

    def _empty_text(self) -> str:
        if self._officer is None:
            return "Nobody is signed in.\n\nChoose who you are with File → Switch officer (Ctrl+Shift+O)."
        return "Nothing is waiting for you: every duty in your cases is met or waived."

    def _after_load(self) -> None:
        self._show_counts()

    def _update_footer(self) -> None:
        super()._update_footer()
        if getattr(self, "_truncated", False) and not self.loading:
            self.footer.setText(
                f"The {WORKLIST_LIMIT} due soonest are listed (the counts above cover all your duties) · "
                + self.footer.text()
            )

    def _show_counts(self) -> None:
        counts = self._counts
        self.overdue_count.setText(f"{counts.overdue:,} overdue")
        self.due_today_count.setText(f"{counts.due_today:,} due today")
        self.due_soon_count.setText(f"{counts.due_soon:,} due soon")
        self.overdue_count.setAccessibleName(self.overdue_count.text())
        self.due_today_count.setAccessibleName(self.due_today_count.text())
        self.due_soon_count.setAccessibleName(self.due_soon_count.text())
        self.due_soon_count.setToolTip("Due by the end of the next working day")

    def counts(self) -> tuple[int, int]:
        """(overdue, due today) as shown in the header: all the officer's duties, not only those listed."""
        return self._counts.overdue, self._counts.due_today

    def all_counts(self) -> Counts:
        """Overdue, due today and due soon as shown in the header."""
        return self._counts


def _count_label(name: str, background: str, foreground: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet(
        f"QLabel {{ background: {background}; color: {foreground}; border-radius: 9px;"
        " padding: 2px 10px; font-weight: bold; }"
    )
    return label
