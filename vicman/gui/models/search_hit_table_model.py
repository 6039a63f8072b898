"""Search results (`SearchHit`) as a Qt table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from vicman.gui.formatting import uk_date
from vicman.services.views import SearchHit

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

COL_NAME, COL_REF, COL_DOB, COL_PHONE, COL_CRIMES, COL_MATCHED = range(6)

HEADERS = {
    COL_NAME: "Name",
    COL_REF: "Victim ref",
    COL_DOB: "Date of birth",
    COL_PHONE: "Phone",
    COL_CRIMES: "Crimes",
    COL_MATCHED: "Found by",
}


class SearchHitTableModel(QAbstractTableModel):
    """A read-only table of people found by a search, in the order the service ranked them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: Iterable[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit_at(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        hit = self._hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(hit, column)
        if role == SortRole:
            if column == COL_DOB:
                return hit.dob
            text = self._text(hit, column)
            return text.casefold() if text else None
        if role == ItemRole:
            return hit
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_CRIMES:
            return "\n".join(hit.crime_refs) or None
        return None

    @staticmethod
    def _text(hit: SearchHit, column: int) -> str:
        if column == COL_NAME:
            return hit.name
        if column == COL_REF:
            return hit.person_ref
        if column == COL_DOB:
            return uk_date(hit.dob)
        if column == COL_PHONE:
            return hit.phone or ""
        if column == COL_CRIMES:
            return ", ".join(hit.crime_refs)
        if column == COL_MATCHED:
            return hit.matched_on.capitalize()
        return ""
