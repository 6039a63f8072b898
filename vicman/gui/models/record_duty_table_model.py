"""A victim's duties in one crime (`DutyDetail`) as a Qt table: status, due date, the Code's text, what met it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from vicman.domain.enums import Status
from vicman.gui.formatting import uk_date, uk_datetime
from vicman.gui.models.duty_table_model import Day
from vicman.services.record_views import DutyDetail, TimelineEntry

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

COL_STATUS, COL_DUE, COL_DUTY, COL_ENHANCED, COL_EDITION, COL_MET_BY, COL_STANDARD = range(7)

HEADERS = {
    COL_STATUS: ("Status", "Met, waived, overdue, due today, due soon (by the next working day) or open"),
    COL_DUE: ("Due", "The date the Victims' Code requires this by"),
    COL_DUTY: ("Duty", "What the Victims' Code requires"),
    COL_ENHANCED: ("Enhanced", "Whether the shorter deadline for victims with enhanced rights applies"),
    COL_EDITION: ("Code", "The edition of the Code in force on the day the duty arose"),
    COL_MET_BY: ("Met by", "The entry that met the duty, or the reason it was waived"),
    COL_STANDARD: ("The minimum standard", "The Code's own words for this duty"),
}

MET, MET_LATE, WAIVED, OVERDUE, DUE_TODAY, DUE_SOON, OPEN = (
    "Met",
    "Met late",
    "Waived",
    "Overdue",
    "Due today",
    "Due soon",
    "Open",
)
ORDER = {OVERDUE: 0, DUE_TODAY: 1, DUE_SOON: 2, OPEN: 3, MET_LATE: 4, MET: 5, WAIVED: 6}

# Light backgrounds with dark text of the same hue, as on the worklists.
COLOURS = {
    OVERDUE: (QColor("#f8d7da"), QColor("#58151c")),
    DUE_TODAY: (QColor("#ffe8a1"), QColor("#4d3800")),
    DUE_SOON: (QColor("#fff3cd"), QColor("#4d3800")),
    MET: (QColor("#d1e7dd"), QColor("#0a3622")),
    MET_LATE: (QColor("#d1e7dd"), QColor("#0a3622")),
    WAIVED: (QColor("#e2e3e5"), QColor("#2b2f32")),
}

KIND_WORDS = {
    "contact": "Contact",
    "event": "Event",
    "referral": "Referral",
    "waiver": "Waiver",
    "assessment": "Needs assessment",
    "contract": "Contact contract",
    "certification": "Certification",
    "change": "Detail change",
}


def status_text(duty: DutyDetail, day: Day) -> str:
    if duty.status == Status.MET:
        return MET_LATE if duty.late else MET
    if duty.status == Status.WAIVED:
        return WAIVED
    if duty.status == Status.OVERDUE or duty.due < day.today:
        return OVERDUE
    if duty.due == day.today:
        return DUE_TODAY
    if duty.due <= day.soon_until:
        return DUE_SOON
    return OPEN


def met_by_text(duty: DutyDetail, entries: Mapping[tuple[str, int], TimelineEntry]) -> str:
    """The entry that met a duty (or why it was waived), in words."""
    if duty.status == Status.WAIVED:
        return f"Waived: {duty.waiver_reason}" if duty.waiver_reason else "Waived"
    if duty.status != Status.MET:
        return ""
    entry = entries.get((duty.met_by_kind or "", duty.met_by_id or 0))
    if entry is not None:
        return f"{uk_datetime(entry.at)} · {entry.summary}"
    kind = KIND_WORDS.get(duty.met_by_kind or "", (duty.met_by_kind or "Entry").capitalize())
    when = f" on {uk_datetime(duty.met_at)}" if duty.met_at else ""
    return f"{kind}{when}"


class RecordDutyTableModel(QAbstractTableModel):
    """A read-only table of one crime's duties for one victim, in the order the service gives (by due date)."""

    def __init__(self, day: Day, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[DutyDetail] = []
        self._entries: dict[tuple[str, int], TimelineEntry] = {}
        self._day = day
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(
        self, rows: Iterable[DutyDetail], entries: Iterable[TimelineEntry] = (), day: Day | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._entries = {(e.kind, e.id): e for e in entries}
        if day is not None:
            self._day = day
        self.endResetModel()

    def rows(self) -> list[DutyDetail]:
        return list(self._rows)

    def row_at(self, row: int) -> DutyDetail:
        return self._rows[row]

    def status_text(self, duty: DutyDetail) -> str:
        return status_text(duty, self._day)

    def met_by_text(self, duty: DutyDetail) -> str:
        return met_by_text(duty, self._entries)

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
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self.display_text(duty, column)
            return text if role == Qt.ItemDataRole.DisplayRole else (text or "none")
        if role == SortRole:
            return self.sort_value(duty, column)
        if role == ItemRole:
            return duty
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_STANDARD:
                return duty.standard or None
            if column == COL_MET_BY:
                return self.met_by_text(duty) or None
            if column == COL_EDITION:
                return duty.edition_title
            if column == COL_DUTY:
                return f"{duty.title} ({duty.rule}, {duty.key})"
            return None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = COLOURS.get(self.status_text(duty))
            if colours is None:
                return None
            return colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1]
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_STATUS or (column == COL_ENHANCED and duty.enhanced):
                return self._bold
            return None
        return None

    def display_text(self, duty: DutyDetail, column: int) -> str:
        if column == COL_STATUS:
            return self.status_text(duty)
        if column == COL_DUE:
            return uk_date(duty.due)
        if column == COL_DUTY:
            return duty.title
        if column == COL_ENHANCED:
            return "Enhanced" if duty.enhanced else ""
        if column == COL_EDITION:
            return duty.edition
        if column == COL_MET_BY:
            return self.met_by_text(duty)
        if column == COL_STANDARD:
            return duty.standard
        return ""

    def sort_value(self, duty: DutyDetail, column: int) -> Any:
        if column == COL_STATUS:
            return ORDER[self.status_text(duty)]
        if column == COL_DUE:
            return duty.due
        if column == COL_ENHANCED:
            return duty.enhanced
        text = self.display_text(duty, column)
        return text.casefold() if text else None
