"""The minimum standards of the Code edition in force (`StandardView`) as a Qt table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from vicman.services.standards import StandardView

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

COL_DUTY, COL_SECTION, COL_STANDARD_DAYS, COL_ENHANCED_DAYS, COL_TEXT = range(5)

HEADERS = {
    COL_DUTY: ("Duty", "What the Victims' Code requires"),
    COL_SECTION: ("Code", "Where the duty is in the Code"),
    COL_STANDARD_DAYS: ("Standard victims", "The deadline for a victim without enhanced rights"),
    COL_ENHANCED_DAYS: ("Enhanced rights", "The deadline for a victim with enhanced rights"),
    COL_TEXT: ("The minimum standard", "The Code's own words for this duty"),
}


def working_days(days: int | None) -> str:
    if days is None:
        return "As agreed with the victim (monthly by default)"
    return f"{days} working day" + ("" if days == 1 else "s")


class StandardsTableModel(QAbstractTableModel):
    """A read-only table of the duties in one edition of the Code, with their deadlines."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[StandardView] = []

    def set_rows(self, rows: Iterable[StandardView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[StandardView]:
        return list(self._rows)

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
        standard = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self.display_text(standard, column)
            return text if role == Qt.ItemDataRole.DisplayRole else (text or "none")
        if role == SortRole:
            if column == COL_STANDARD_DAYS:
                return standard.days_standard
            if column == COL_ENHANCED_DAYS:
                return standard.days_enhanced
            return self.display_text(standard, column).casefold() or None
        if role == ItemRole:
            return standard
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TEXT:
            return standard.standard or None
        return None

    @staticmethod
    def display_text(standard: StandardView, column: int) -> str:
        if column == COL_DUTY:
            return standard.title
        if column == COL_SECTION:
            return standard.section
        if column == COL_STANDARD_DAYS:
            return working_days(standard.days_standard)
        if column == COL_ENHANCED_DAYS:
            return working_days(standard.days_enhanced)
        if column == COL_TEXT:
            return standard.standard
        return ""
