"""Pending duties (`DutyRow`) as a Qt table, and the sort/filter proxy the worklists put in front of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from vicman.domain.enums import Status
from vicman.gui.formatting import method_label, uk_date, uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.services.views import DutyRow

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


def _language(duty: DutyRow) -> str:
    language = duty.language or ""
    if duty.interpreter_needed:
        return f"{language} (interpreter)" if language else "Interpreter needed"
    return language


def _oic(duty: DutyRow) -> str:
    if duty.oic_staff_no is None:
        return "Not assigned"
    return f"{duty.oic_staff_no} {duty.oic_name or ''}".strip()


class DutyTableModel(DtoTableModel[DutyRow]):
    """A read-only table of `DutyRow`s. Rows are replaced wholesale (`set_rows`) or added (`append_rows`)."""

    COLUMNS: ClassVar[Mapping[int, Column[DutyRow]]] = {
        COL_STATE: Column(
            "Status",
            "Overdue, due today, due soon (by the next working day) or open",
            lambda m, d: URGENCY_TEXT[m.urgency(d)],
            sort=lambda m, d: int(m.urgency(d)),
            tip=lambda m, d: f"{URGENCY_TEXT[m.urgency(d)]}: due {uk_date(d.due)}",
        ),
        COL_DUE: Column(
            "Due", "The date the Victims' Code requires this by", lambda _, d: uk_date(d.due), sort=lambda _, d: d.due
        ),
        COL_DUTY: Column(
            "Duty", "What the Victims' Code requires", lambda _, d: d.title, tip=lambda _, d: f"{d.title} ({d.key})"
        ),
        COL_VICTIM: Column("Victim", "The victim's name", lambda _, d: d.victim_name),
        COL_CRIME: Column("Crime ref", "The crime reference", lambda _, d: d.crime_ref),
        COL_ENHANCED: Column(
            "Enhanced",
            "Victims with enhanced rights must be told sooner",
            lambda _, d: "Enhanced" if d.enhanced else "",
            sort=lambda _, d: d.enhanced,
            tip=lambda _, d: "Enhanced rights: contact within 1 working day for most duties" if d.enhanced else None,
        ),
        COL_LANGUAGE: Column(
            "Language", "The victim's language, and whether they need an interpreter", lambda _, d: _language(d)
        ),
        COL_METHOD: Column(
            "Prefers", "How the victim prefers to be contacted", lambda _, d: method_label(d.preferred_method)
        ),
        COL_PHONE: Column("Phone", "The victim's phone number", lambda _, d: d.phone or ""),
        COL_LAST_CONTACT: Column(
            "Last contact",
            "When anyone last logged a contact with this victim for this crime",
            lambda _, d: uk_datetime(d.last_contact_at) if d.last_contact_at else "None yet",
            sort=lambda _, d: d.last_contact_at,
        ),
        COL_OIC: Column(
            "Officer in the case",
            "The officer in the case",
            lambda _, d: _oic(d),
            sort=lambda _, d: (d.oic_name or "").casefold() or None,
        ),
        COL_DIVISION: Column("Division", "The division the crime belongs to", lambda _, d: d.division),
    }

    def __init__(self, day: Day, parent=None) -> None:
        super().__init__(parent)
        self._day = day
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Iterable[DutyRow], day: Day | None = None) -> None:
        with self._resetting():
            self._rows = list(rows)
            if day is not None:
                self._day = day

    @property
    def day(self) -> Day:
        return self._day

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

    def cell_style(self, duty: DutyRow, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return role_colour(COLOURS.get(self.urgency(duty)), role)
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_STATE and self.urgency(duty) != Urgency.OPEN:
                return self._bold
            if column == COL_ENHANCED and duty.enhanced:
                return self._bold
        return None


# Header text and tooltip by column, for screens that add their own columns after these.
HEADERS = {column: (spec.header, spec.header_tip) for column, spec in DutyTableModel.COLUMNS.items()}


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
