"""A victim's duties in one crime (`DutyDetail`) as a Qt table: status, due date, the Code's text, what met it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from vicman.domain.enums import Status
from vicman.gui.formatting import uk_date, uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.gui.models.duty_table_model import Day
from vicman.services.record_views import DutyDetail, TimelineEntry

COL_STATUS, COL_DUE, COL_DUTY, COL_ENHANCED, COL_EDITION, COL_MET_BY, COL_STANDARD = range(7)

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
    "viewed": "Record opened",
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


class RecordDutyTableModel(DtoTableModel[DutyDetail]):
    """A read-only table of one crime's duties for one victim, in the order the service gives (by due date)."""

    COLUMNS: ClassVar[Mapping[int, Column[DutyDetail]]] = {
        COL_STATUS: Column(
            "Status",
            "Met, waived, overdue, due today, due soon (by the next working day) or open",
            lambda m, d: m.status_text(d),
            sort=lambda m, d: ORDER[m.status_text(d)],
        ),
        COL_DUE: Column(
            "Due", "The date the Victims' Code requires this by", lambda _, d: uk_date(d.due), sort=lambda _, d: d.due
        ),
        COL_DUTY: Column(
            "Duty",
            "What the Victims' Code requires",
            lambda _, d: d.title,
            tip=lambda _, d: f"{d.title} ({d.rule}, {d.key})",
        ),
        COL_ENHANCED: Column(
            "Enhanced",
            "Whether the shorter deadline for victims with enhanced rights applies",
            lambda _, d: "Enhanced" if d.enhanced else "",
            sort=lambda _, d: d.enhanced,
        ),
        COL_EDITION: Column(
            "Code",
            "The edition of the Code in force on the day the duty arose",
            lambda _, d: d.edition,
            tip=lambda _, d: d.edition_title,
        ),
        COL_MET_BY: Column(
            "Met by",
            "The entry that met the duty, or the reason it was waived",
            lambda m, d: m.met_by_text(d),
            tip=lambda m, d: m.met_by_text(d) or None,
        ),
        COL_STANDARD: Column(
            "The minimum standard",
            "The Code's own words for this duty",
            lambda _, d: d.standard,
            tip=lambda _, d: d.standard or None,
        ),
    }

    def __init__(self, day: Day, parent=None) -> None:
        super().__init__(parent)
        self._entries: dict[tuple[str, int], TimelineEntry] = {}
        self._day = day
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(
        self, rows: Iterable[DutyDetail], entries: Iterable[TimelineEntry] = (), day: Day | None = None
    ) -> None:
        with self._resetting():
            self._rows = list(rows)
            self._entries = {(e.kind, e.id): e for e in entries}
            if day is not None:
                self._day = day

    def status_text(self, duty: DutyDetail) -> str:
        return status_text(duty, self._day)

    def met_by_text(self, duty: DutyDetail) -> str:
        return met_by_text(duty, self._entries)

    def cell_style(self, duty: DutyDetail, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return role_colour(COLOURS.get(self.status_text(duty)), role)
        if role == Qt.ItemDataRole.FontRole and (column == COL_STATUS or (column == COL_ENHANCED and duty.enhanced)):
            return self._bold
        return None
