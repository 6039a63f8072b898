"""A victim's time-stamped entries (`TimelineEntry`) as a Qt table, newest first, with corrections linked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from vicman.gui.formatting import uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.gui.models.record_duty_table_model import KIND_WORDS
from vicman.services.record_views import TimelineEntry

COL_WHEN, COL_KIND, COL_ENTRY, COL_CRIME, COL_BY, COL_BEHALF, COL_LINK = range(7)

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


class TimelineTableModel(DtoTableModel[TimelineEntry]):
    """A read-only table of entries in the order given (the service gives newest first)."""

    COLUMNS: ClassVar[Mapping[int, Column[TimelineEntry]]] = {
        COL_WHEN: Column(
            "When",
            "When it happened (UK time)",
            lambda _, e: uk_datetime(e.at),
            sort=lambda _, e: e.at,
            tip=lambda _, e: f"Recorded {uk_datetime(e.recorded_at)}" if e.recorded_at != e.at else None,
        ),
        COL_KIND: Column(
            "Type", "What kind of entry this is", lambda _, e: KIND_WORDS.get(e.kind, e.kind.capitalize())
        ),
        COL_ENTRY: Column(
            "Entry",
            "What happened",
            lambda _, e: e.summary,
            tip=lambda _, e: "\n\n".join(x for x in (e.summary, e.detail) if x),
        ),
        COL_CRIME: Column(
            "Crime ref",
            "The crime the entry belongs to (blank: the person's own details)",
            lambda _, e: e.crime_ref or "",
        ),
        COL_BY: Column("By", "Who made the entry (staff number)", lambda _, e: e.author),
        COL_BEHALF: Column(
            "On behalf of",
            "The officer the entry was made for, when someone else made it",
            lambda _, e: e.on_behalf_of or "",
        ),
        COL_LINK: Column(
            "Correction",
            "Whether the entry was corrected, or corrects another",
            lambda m, e: m.link_text(e),
            tip=lambda m, e: m.link_text(e) or None,
        ),
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._row_of: dict[tuple[str, int], int] = {}
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    def set_rows(self, rows: Iterable[TimelineEntry]) -> None:
        with self._resetting():
            self._rows = list(rows)
            self._row_of = {(e.kind, e.id): i for i, e in enumerate(self._rows)}

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

    def cell_style(self, entry: TimelineEntry, column: int, role: int) -> Any:
        stale = entry.corrected_by_id is not None
        if role == Qt.ItemDataRole.FontRole and stale and column in (COL_ENTRY, COL_WHEN):
            return self._struck
        if role == Qt.ItemDataRole.ForegroundRole and stale:
            return STALE_COLOUR
        return None
