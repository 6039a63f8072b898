"""Pending duties (`DutyRow`) as a Qt table, and the sort/filter proxy the worklists put in front of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from vicman.domain.enums import Status
from vicman.gui.formatting import method_label, uk_date, uk_datetime
from vicman.services.views import DutyRow

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

(
    COL_STATE,
    COL_DUE,
    COL_DUTY,
    COL_VICTIM,
    COL_CRIME,
    COL_ENHANCED,
    COL_LANGUAGE,
    COL_METHOD,
    COL_PHONE,
    COL_LAST_CONTACT,
    COL_OIC,
    COL_DIVISION,
) = range(12)

HEADERS = {
    COL_STATE: ("Status", "Overdue, due today, due soon (by the next working day) or open"),
    COL_DUE: ("Due", "The date the Victims' Code requires this by"),
    COL_DUTY: ("Duty", "What the Victims' Code requires"),
    COL_VICTIM: ("Victim", "The victim's name"),
    COL_CRIME: ("Crime ref", "The crime reference"),
    COL_ENHANCED: ("Enhanced", "Victims with enhanced rights must be told sooner"),
    COL_LANGUAGE: ("Language", "The victim's language, and whether they need an interpreter"),
    COL_METHOD: ("Prefers", "How the victim prefers to be contacted"),
    COL_PHONE: ("Phone", "The victim's phone number"),
    COL_LAST_CONTACT: ("Last contact", "When anyone last logged a contact with this victim for this crime"),
    COL_OIC: ("Officer in the case", "The officer in the case"),
    COL_DIVISION: ("Division", "The division the crime belongs to"),
}


class Urgency(IntEnum):
    """How pressing a duty is on a given day; the order is the order of urgency."""

    OVERDUE = 0
    DUE_TODAY = 1
    DUE_SOON = 2
    OPEN = 3


URGENCY_TEXT = {
    Urgency.OVERDUE: "Overdue",
    Urgency.DUE_TODAY: "Due today",
    Urgency.DUE_SOON: "Due soon",
    Urgency.OPEN: "Open",
}

# Light backgrounds with dark text of the same hue: readable on light and dark desktop themes alike,
# because the text colour is set together with the background rather than left to the palette.
COLOURS = {
    Urgency.OVERDUE: (QColor("#f8d7da"), QColor("#58151c")),
    Urgency.DUE_TODAY: (QColor("#ffe8a1"), QColor("#4d3800")),
    Urgency.DUE_SOON: (QColor("#fff3cd"), QColor("#4d3800")),
}


@dataclass(frozen=True)
class Day:
    """The day a worklist is looked at, and the last date that counts as "due soon"."""

    today: date
    soon_until: date


class DutyTableModel(QAbstractTableModel):
    """A read-only table of `DutyRow`s. Rows are replaced wholesale (`set_rows`) or added (`append_rows`)."""

    def __init__(self, day: Day, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[DutyRow] = []
        self._day = day
        self._bold = QFont()
        self._bold.setBold(True)

    # --- data in -------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[DutyRow], day: Day | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if day is not None:
            self._day = day
        self.endResetModel()

    def append_rows(self, rows: Iterable[DutyRow]) -> None:
        new = list(rows)
        if not new:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._rows.extend(new)
        self.endInsertRows()

    # --- data out ------------------------------------------------------------------------------

    @property
    def day(self) -> Day:
        return self._day

    def rows(self) -> list[DutyRow]:
        return list(self._rows)

    def row_at(self, row: int) -> DutyRow:
        return self._rows[row]

    def urgency(self, duty: DutyRow) -> Urgency:
        if duty.status == Status.OVERDUE or duty.due < self._day.today:
            return Urgency.OVERDUE
        if duty.due == self._day.today:
            return Urgency.DUE_TODAY
        if duty.due <= self._day.soon_until:
            return Urgency.DUE_SOON
        return Urgency.OPEN

    def counts(self) -> Mapping[Urgency, int]:
        found = dict.fromkeys(Urgency, 0)
        for duty in self._rows:
            found[self.urgency(duty)] += 1
        return found

    # --- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or section not in HEADERS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADERS[section][1]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        duty = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(duty, column)
        if role == SortRole:
            return self.sort_value(duty, column)
        if role == ItemRole:
            return duty
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(duty, column)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = COLOURS.get(self.urgency(duty))
            if colours is None:
                return None
            return colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1]
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_STATE and self.urgency(duty) != Urgency.OPEN:
                return self._bold
            if column == COL_ENHANCED and duty.enhanced:
                return self._bold
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.display_text(duty, column) or "none"
        return None

    def display_text(self, duty: DutyRow, column: int) -> str:
        if column == COL_STATE:
            return URGENCY_TEXT[self.urgency(duty)]
        if column == COL_DUE:
            return uk_date(duty.due)
        if column == COL_DUTY:
            return duty.title
        if column == COL_VICTIM:
            return duty.victim_name
        if column == COL_CRIME:
            return duty.crime_ref
        if column == COL_ENHANCED:
            return "Enhanced" if duty.enhanced else ""
        if column == COL_LANGUAGE:
            language = duty.language or ""
            if duty.interpreter_needed:
                return f"{language} (interpreter)" if language else "Interpreter needed"
            return language
        if column == COL_METHOD:
            return method_label(duty.preferred_method)
        if column == COL_PHONE:
            return duty.phone or ""
        if column == COL_LAST_CONTACT:
            return uk_datetime(duty.last_contact_at) if duty.last_contact_at else "None yet"
        if column == COL_OIC:
            if duty.oic_staff_no is None:
                return "Not assigned"
            return f"{duty.oic_staff_no} {duty.oic_name or ''}".strip()
        if column == COL_DIVISION:
            return duty.division
        return ""

    def sort_value(self, duty: DutyRow, column: int) -> Any:
        """The native value a column sorts by (dates as dates, flags as bools); None when there is none."""
        if column == COL_STATE:
            return int(self.urgency(duty))
        if column == COL_DUE:
            return duty.due
        if column == COL_ENHANCED:
            return duty.enhanced
        if column == COL_LAST_CONTACT:
            return duty.last_contact_at
        if column == COL_OIC:
            return (duty.oic_name or "").casefold() or None
        text = self.display_text(duty, column)
        return text.casefold() if text else None

    def _tooltip(self, duty: DutyRow, column: int) -> str | None:
        if column == COL_STATE:
            return f"{URGENCY_TEXT[self.urgency(duty)]}: due {uk_date(duty.due)}"
        if column == COL_DUTY:
            return f"{duty.title} ({duty.key})"
        if column == COL_ENHANCED and duty.enhanced:
            return "Enhanced rights: contact within 1 working day for most duties"
        return None


def _sort_key(value: Any, key: Any) -> tuple[int, Any, Any]:
    return (1, None, key) if value is None else (0, value, key)


class DutyFilterProxyModel(QSortFilterProxyModel):
    """Sorts by native values (empty cells last) and filters by typed text plus the worklist filters.

    Text: every word typed must appear in the victim, crime or victim reference, duty, language,
    phone or officer. Filters: any left as None match everything.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._filters: dict[str, Any] = {}
        self._team_of: Mapping[str, str | None] = {}
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            self._change_filter(lambda: setattr(self, "_words", words))

    def set_filters(
        self,
        *,
        overdue_only: bool = False,
        enhanced_only: bool = False,
        language: str | None = None,
        method: str | None = None,
        oic: str | None = None,
        rule: str | None = None,
        team: str | None = None,
    ) -> None:
        filters = {
            k: v
            for k, v in {
                "overdue_only": overdue_only,
                "enhanced_only": enhanced_only,
                "language": language,
                "method": method,
                "oic": oic,
                "rule": rule,
                "team": team,
            }.items()
            if v
        }
        if filters != self._filters:
            self._change_filter(lambda: setattr(self, "_filters", filters))

    def set_teams(self, team_of: Mapping[str, str | None]) -> None:
        """Which team each officer (by staff number) is in, for the team filter."""
        teams = dict(team_of)
        self._change_filter(lambda: setattr(self, "_team_of", teams))

    def _change_filter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def team_of(self, staff_no: str | None) -> str | None:
        return self._team_of.get(staff_no) if staff_no else None

    def duty_at(self, proxy_row: int) -> DutyRow:
        source = self.sourceModel()
        assert isinstance(source, DutyTableModel)
        return source.row_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, DutyTableModel):
            return super().lessThan(left, right)
        a, b = source.row_at(left.row()), source.row_at(right.row())
        # Ties fall back to the due date, then the order the service returned.
        ka = _sort_key(source.sort_value(a, left.column()), (a.due, left.row()))
        kb = _sort_key(source.sort_value(b, right.column()), (b.due, right.row()))
        return ka < kb

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, DutyTableModel):
            return True
        duty = source.row_at(source_row)
        f = self._filters
        if f.get("overdue_only") and source.urgency(duty) != Urgency.OVERDUE:
            return False
        if f.get("enhanced_only") and not duty.enhanced:
            return False
        if "language" in f and (duty.language or "").casefold() != f["language"].casefold():
            return False
        if "method" in f and duty.preferred_method != f["method"]:
            return False
        if "oic" in f and duty.oic_staff_no != f["oic"]:
            return False
        if "rule" in f and duty.rule != f["rule"]:
            return False
        if "team" in f and self.team_of(duty.oic_staff_no) != f["team"]:
            return False
        if self._words:
            haystack = " ".join(
                (
                    duty.victim_name,
                    duty.crime_ref,
                    duty.victim_ref,
                    duty.title,
                    duty.language or "",
                    duty.phone or "",
                    duty.oic_name or "",
                    duty.oic_staff_no or "",
                )
            ).casefold()
            return all(word in haystack for word in self._words)
        return True
