"""What the supervisors' screens share: choosing a scope (a division, a team or an officer) and a period.

Signals of `ScopeChooser`:
    changed(): the kind or the value chosen changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from vicman.gui.models.sort_proxy import NativeSortProxyModel
from vicman.gui.views.record_common import make_button, select_row
from vicman.gui.widgets import make_table
from vicman.services.context import Actor
from vicman.services.people import OfficerView

QT_DATE_FORMAT = "dd/MM/yyyy"
SCOPE_KINDS = (("division", "Division"), ("team", "Team"), ("officer", "Officer"))


def current_dto(table: QAbstractItemView, proxy: Any) -> Any:
    """The row object under the table's current index (through its sorting proxy); None when there is none."""
    index = table.selectionModel().currentIndex()
    if not index.isValid() or proxy.rowCount() == 0:
        return None
    return proxy.row_at(index.row())


def select_dto(table: QAbstractItemView, proxy: Any, wanted: Callable[[Any], bool]) -> bool:
    """Make the first row whose object is `wanted` current; False when no row is."""
    for row in range(proxy.rowCount()):
        if wanted(proxy.row_at(row)):
            select_row(table, row)
            return True
    return False


def duty_drill_down(
    owner: QWidget,
    model: QAbstractItemModel,
    name: str,
    accessible: str,
    widths: dict[int, int],
    due_column: int,
    button_name: str,
    open_record: Callable[[], object],
    selection_changed: Callable[[], object],
) -> tuple[QTableView, NativeSortProxyModel, QPushButton]:
    """The list of duties behind a number, soonest due first, whose victim's record opens with a double-click,
    Enter or the button it comes with: the table, its sort proxy over `model`, and that button."""
    proxy = NativeSortProxyModel(owner)
    proxy.setSourceModel(model)
    table = make_table(name, accessible)
    table.setModel(proxy)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.sortByColumn(due_column, Qt.SortOrder.AscendingOrder)
    for column, width in widths.items():
        table.setColumnWidth(column, width)
    table.doubleClicked.connect(lambda _index: open_record())
    enter = QShortcut(QKeySequence(Qt.Key.Key_Return), table, context=Qt.ShortcutContext.WidgetShortcut)
    enter.activated.connect(open_record)
    table.selectionModel().selectionChanged.connect(lambda *_: selection_changed())
    button = make_button(
        "Op&en victim's record",
        button_name,
        "Open the selected victim's record",
        "Open the record of the victim the selected duty is owed to (Enter)",
    )
    button.clicked.connect(open_record)
    return table, proxy, button


def last_month(today: date) -> tuple[date, date]:
    """The whole calendar month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def this_month(today: date) -> tuple[date, date]:
    """The first of `today`'s month to `today`."""
    return today.replace(day=1), today


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def scope_words(kind: str, value: str, label: str) -> str:
    return {"division": f"Division {value}", "team": f"Team {label}", "officer": label}.get(kind, value)


class ScopeChooser(QWidget):
    """Two drop-downs: what kind of scope, then which one (filled from the officers and divisions)."""

    changed = Signal()

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}ScopeChooser")
        self._officers: list[OfficerView] = []
        self._divisions: list[str] = []
        self.kind = QComboBox()
        self.kind.setObjectName(f"{prefix}ScopeKind")
        self.kind.setAccessibleName("Scope: a division, a team or one officer")
        for value, text in SCOPE_KINDS:
            self.kind.addItem(text, value)
        self.value = QComboBox()
        self.value.setObjectName(f"{prefix}ScopeValue")
        self.value.setAccessibleName("Which division, team or officer")
        self.value.setMinimumContentsLength(18)
        self.value.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.value, 1)
        self.value.setMaximumWidth(420)
        layout.addStretch(0)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.value.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def set_people(self, officers: Sequence[OfficerView], divisions: Sequence[str]) -> None:
        """Fill the choices again, keeping the current choice where it still exists."""
        kind, value = self.scope()
        self._officers = list(officers)
        self._divisions = list(divisions)
        self._fill()
        if value is not None:
            self.set_scope(kind, value)

    def choices(self, kind: str) -> list[tuple[str, str]]:
        """(value, text) of every choice of this kind: value as the services take it."""
        if kind == "division":
            divisions = self._divisions or sorted({o.division for o in self._officers})
            return [(d, d) for d in divisions]
        if kind == "team":
            teams = sorted({(o.division, o.team) for o in self._officers if o.team})
            return [(f"{division}/{team}", f"{team} ({division})") for division, team in teams]
        officers = sorted(self._officers, key=lambda o: (o.name.casefold(), o.staff_no))
        return [(o.staff_no, f"{o.label} ({o.division}{', ' + o.team if o.team else ''})") for o in officers]

    def _fill(self) -> None:
        self.value.blockSignals(True)
        self.value.clear()
        for value, text in self.choices(self.kind.currentData()):
            self.value.addItem(text, value)
        self.value.blockSignals(False)

    def _on_kind_changed(self, _index: int) -> None:
        self._fill()
        self.changed.emit()

    def scope(self) -> tuple[str, str | None]:
        """(kind, value); value is None when there is nothing to choose."""
        return self.kind.currentData(), self.value.currentData()

    def scope_label(self) -> str:
        kind, value = self.scope()
        return scope_words(kind, value or "", self.value.currentText())

    def set_scope(self, kind: str, value: str) -> bool:
        """Choose `value` of `kind`; False (and the kind chosen, its first value) when it is not a choice."""
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        index = self.value.findData(value)
        if index >= 0:
            self.value.setCurrentIndex(index)
        return index >= 0

    def choose_default(self, actor: Actor, prefer_team: bool = True) -> None:
        """The actor's own team (if `prefer_team` and they have one), else their division, else the first division."""
        if prefer_team and actor.team:
            team = f"{actor.division}/{actor.team}" if actor.division else None
            if team and self.set_scope("team", team):
                return
            named = next((v for v, _ in self.choices("team") if v.split("/", 1)[-1] == actor.team), None)
            if named and self.set_scope("team", named):
                return
        if actor.division and self.set_scope("division", actor.division):
            return
        self.kind.setCurrentIndex(max(self.kind.findData("division"), 0))


class PeriodEdit(QWidget):
    """From and to dates (UK format, with calendar pop-ups) and buttons for common periods."""

    changed = Signal()

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}Period")
        self.start = _date_edit(f"{prefix}PeriodFrom", "Period from")
        self.end = _date_edit(f"{prefix}PeriodTo", "Period to")
        self._today: date | None = None
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.start)
        self.layout_.addWidget(QLabel("to"))
        self.layout_.addWidget(self.end)
        self.layout_.addStretch(1)
        self.start.dateChanged.connect(lambda _d: self.changed.emit())
        self.end.dateChanged.connect(lambda _d: self.changed.emit())

    def add_shortcut(self, text: str, name: str, accessible: str, period) -> QPushButton:
        """A button that sets the period to `period(today)`."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        button.clicked.connect(lambda _=False: self.set_period(*period(self._today or date.today())))
        self.layout_.insertWidget(self.layout_.count() - 1, button)
        return button

    def set_today(self, today: date) -> None:
        self._today = today

    def period(self) -> tuple[date, date]:
        return from_qdate(self.start.date()), from_qdate(self.end.date())

    def set_period(self, start: date, end: date) -> None:
        self.start.setDate(to_qdate(start))
        self.end.setDate(to_qdate(end))


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat(QT_DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setMaximumDate(QDate(2100, 12, 31))
    return edit
