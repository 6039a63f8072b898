"""Compliance per officer (`OfficerCompliance`) and the duties behind it (`team_compliance.DutyRow`) as Qt
tables. The on-time share is coloured by band and says its band in words, so colour is never the only cue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from vicman.gui.formatting import uk_date
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.gui.models.sample_table_model import (
    AMBER,
    GREEN,
    RED,
    VERDICT_COLOURS,
    duty_columns,
    status_style,
)
from vicman.services.team_compliance import DutyRow, OfficerCompliance

GOOD_PCT = 90.0
FAIR_PCT = 75.0


def band(pct: float | None) -> str | None:
    """ "good" (90% or more on time), "fair" (75% to 90%), "poor" (under 75%); None with nothing judged."""
    if pct is None:
        return None
    return "good" if pct >= GOOD_PCT else "fair" if pct >= FAIR_PCT else "poor"


BAND_WORDS = {"good": "on target", "fair": "below 90%", "poor": "below 75%"}
BAND_COLOURS = {"good": GREEN, "fair": AMBER, "poor": RED}


def pct_text(pct: float | None) -> str:
    if pct is None:
        return "— (nothing judged)"
    return f"{pct:.0f}% · {BAND_WORDS[band(pct) or 'good']}"


@dataclass(frozen=True)
class Totals:
    officers: int
    due: int
    met_on_time: int
    met_late: int
    waived: int
    overdue: int
    open: int

    @property
    def on_time_pct(self) -> float | None:
        judged = self.due - self.waived
        return round(100.0 * self.met_on_time / judged, 1) if judged > 0 else None


def totals(rows: Sequence[OfficerCompliance]) -> Totals:
    return Totals(
        len(rows),
        sum(r.due for r in rows),
        sum(r.met_on_time for r in rows),
        sum(r.met_late for r in rows),
        sum(r.waived for r in rows),
        sum(r.overdue for r in rows),
        sum(r.open for r in rows),
    )


def verdicts_text(row: OfficerCompliance) -> str:
    return ", ".join(v.verdict_label for v in row.last_verdicts) if row.last_verdicts else "None yet"


def verdicts_tip(row: OfficerCompliance) -> str | None:
    if not row.last_verdicts:
        return None
    return "\n".join(
        f"{v.verdict_label}: {v.crime_ref}, {v.victim_ref} (sample {v.sample_id}, {uk_date(v.at.date())})"
        for v in row.last_verdicts
    )


def _count(header: str, tip: str, field: str) -> Column[OfficerCompliance]:
    return Column(header, tip, lambda _, r: str(getattr(r, field)), sort=lambda _, r: getattr(r, field))


(
    COL_OFFICER,
    COL_TEAM,
    COL_DUE,
    COL_ON_TIME,
    COL_LATE,
    COL_WAIVED,
    COL_OVERDUE,
    COL_OPEN,
    COL_PCT,
    COL_VERDICTS,
) = range(10)


class ComplianceTableModel(DtoTableModel[OfficerCompliance]):
    """One row per officer in scope: what fell due in the period and how it was met."""

    COLUMNS: ClassVar[Mapping[int, Column[OfficerCompliance]]] = {
        COL_OFFICER: Column("Officer", "Staff number and name", lambda _, r: f"{r.staff_no} {r.name}"),
        COL_TEAM: Column(
            "Team", "The officer's team", lambda _, r: r.team or "No team", tip=lambda _, r: f"Division {r.division}"
        ),
        COL_DUE: _count("Due", "Duties that fell due in the period", "due"),
        COL_ON_TIME: _count("Met on time", "Met by their due date", "met_on_time"),
        COL_LATE: _count("Met late", "Met, but after their due date", "met_late"),
        COL_WAIVED: _count("Waived", "Waived with a reason", "waived"),
        COL_OVERDUE: _count("Overdue now", "Not met and past their due date today", "overdue"),
        COL_OPEN: _count("Open", "Not met and not yet past their due date", "open"),
        COL_PCT: Column(
            "On time",
            "Met on time, as a share of the duties due less those waived (90% or more is on target)",
            lambda _, r: pct_text(r.on_time_pct),
            sort=lambda _, r: r.on_time_pct,
        ),
        COL_VERDICTS: Column(
            "Last verdicts",
            "The latest dip-sample verdicts on the officer's work, newest first",
            lambda _, r: verdicts_text(r),
            tip=lambda _, r: verdicts_tip(r),
        ),
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def cell_style(self, row: OfficerCompliance, column: int, role: int) -> Any:
        if column == COL_PCT:
            found = band(row.on_time_pct)
            if role == Qt.ItemDataRole.FontRole and found is not None:
                return self._bold
            return role_colour(BAND_COLOURS.get(found) if found else None, role)
        if column == COL_OVERDUE and row.overdue:
            return self._bold if role == Qt.ItemDataRole.FontRole else role_colour(RED, role)
        if column == COL_VERDICTS and row.last_verdicts:
            return role_colour(VERDICT_COLOURS.get(row.last_verdicts[0].verdict), role)
        return None


COL_D_VICTIM, COL_D_CRIME, COL_D_DUTY, COL_D_DUE, COL_D_STATUS, COL_D_MET = range(6)


class OfficerDutyTableModel(DtoTableModel[DutyRow]):
    """The duties in one officer's cases that fell due in the period (the drill-down)."""

    COLUMNS: ClassVar[Mapping[int, Column[DutyRow]]] = {
        COL_D_VICTIM: Column(
            "Victim", "The victim the duty is owed to", lambda _, d: f"{d.victim_name} ({d.victim_ref})"
        ),
        COL_D_CRIME: Column("Crime", "The crime reference", lambda _, d: d.crime_ref),
        **duty_columns(COL_D_DUTY, "When it fell due"),
    }

    def cell_style(self, duty: DutyRow, column: int, role: int) -> Any:
        return status_style(duty.status, role) if column == COL_D_STATUS else None
