"""A victim's time-stamped entries (`TimelineEntry`) as a Qt table, newest first, with corrections linked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from vicman.gui.formatting import uk_datetime
from vicman.gui.models.record_duty_table_model import KIND_WORDS
from vicman.services.record_views import TimelineEntry

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

COL_WHEN, COL_KIND, COL_ENTRY, COL_CRIME, COL_BY, COL_BEHALF, COL_LINK = range(7)

HEADERS = {
    COL_WHEN: ("When", "When it happened (UK time)"),
    COL_KIND: ("Type", "What kind of entry this is"),
    COL_ENTRY: ("Entry", "What happened"),
    COL_CRIME: ("Crime ref", "The crime the entry belongs to (blank: the person's own details)"),
    COL_BY: ("By", "Who made the entry (staff number)"),
    COL_BEHALF: ("On behalf of", "The officer the entry was made for, when someone else made it"),
    COL_LINK: ("Correction", "Whether the entry was corrected, or corrects another"),
}

# Entries that may be corrected or retracted (a correction is a new entry pointing at the old one).
CORRECTABLE = frozenset({"contact", "event", "referral", "waiver"})

STALE_COLOUR = QColor("#595c5f")


def link_text(entry: TimelineEntry, correction: TimelineEntry | None = None) -> str:
    """How an entry stands: corrected by another (with that one's reason), or correcting another."""
    if entry.corrected_by_id is not None:
        verb = "Retracted" if correction is not None and correction.retracted else "Corrected"
        reason = f": {correction.correction_reason}" if correction and correction.correction_reason else ""
        return f"{verb} by entry {entry.corrected_by_id}{reason}"
    if entry.corrects_id is not None:
        verb = "Retracts" if entry.retracted else "Corrects"
        reason = f": {entry.correction_reason}" if entry.correction_reason else ""
        return f"{verb} entry {entry.corrects_id}{reason}"
    return ""


class TimelineTableModel(QAbstractTableModel):
    """A read-only table of entries in the order given (the service gives newest first)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineEntry] = []
        self._row_of: dict[tuple[str, int], int] = {}
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def set_rows(self, rows: Iterable[TimelineEntry]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = {(e.kind, e.id): i for i, e in enumerate(self._rows)}
        self.endResetModel()

    def rows(self) -> list[TimelineEntry]:
        return list(self._rows)

    def row_at(self, row: int) -> TimelineEntry:
        return self._rows[row]

    def row_of(self, kind: str, entry_id: int) -> int | None:
        return self._row_of.get((kind, entry_id))

    def linked_row(self, row: int) -> int | None:
        """The row of the entry this one is linked to (its correction, or the entry it corrects)."""
        entry = self._rows[row]
        target = entry.corrected_by_id if entry.corrected_by_id is not None else entry.corrects_id
        return None if target is None else self.row_of(entry.kind, target)

    def correction_of(self, entry: TimelineEntry) -> TimelineEntry | None:
        if entry.corrected_by_id is None:
            return None
        row = self.row_of(entry.kind, entry.corrected_by_id)
        return None if row is None else self._rows[row]

    def link_text(self, entry: TimelineEntry) -> str:
        return link_text(entry, self.correction_of(entry))

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
        entry = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self.display_text(entry, column)
            return text if role == Qt.ItemDataRole.DisplayRole else (text or "none")
        if role == SortRole:
            return self.sort_value(entry, column)
        if role == ItemRole:
            return entry
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_ENTRY:
                return "\n\n".join(x for x in (entry.summary, entry.detail) if x)
            if column == COL_WHEN and entry.recorded_at != entry.at:
                return f"Recorded {uk_datetime(entry.recorded_at)}"
            if column == COL_LINK:
                return self.link_text(entry) or None
            return None
        stale = entry.corrected_by_id is not None
        if role == Qt.ItemDataRole.FontRole and stale and column in (COL_ENTRY, COL_WHEN):
            return self._struck
        if role == Qt.ItemDataRole.ForegroundRole and stale:
            return STALE_COLOUR
        return None

    def display_text(self, entry: TimelineEntry, column: int) -> str:
        if column == COL_WHEN:
            return uk_datetime(entry.at)
        if column == COL_KIND:
            return KIND_WORDS.get(entry.kind, entry.kind.capitalize())
        if column == COL_ENTRY:
            return entry.summary
        if column == COL_CRIME:
            return entry.crime_ref or ""
        if column == COL_BY:
            return entry.author
        if column == COL_BEHALF:
            return entry.on_behalf_of or ""
        if column == COL_LINK:
            return self.link_text(entry)
        return ""

    def sort_value(self, entry: TimelineEntry, column: int) -> Any:
        if column == COL_WHEN:
            return entry.at
        text = self.display_text(entry, column)
        return text.casefold() if text else None
