"""Dip samples as Qt tables: the samples drawn (`SampleView`), one sample's entries (`SampleItemView`), and
the duties a reviewer sees beside an entry (`ReviewDuty`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from vicman.gui.formatting import uk_date, uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.services.dip_sample_views import ReviewDuty, SampleItemView, SampleView

RED = (QColor("#f8d7da"), QColor("#58151c"))
AMBER = (QColor("#fff3cd"), QColor("#4d3800"))
GREEN = (QColor("#d1e7dd"), QColor("#0a3622"))
GREY = (QColor("#e2e3e5"), QColor("#2b2f32"))
VERDICT_COLOURS = {"compliant": GREEN, "partly": AMBER, "not_compliant": RED}
STATUS_COLOURS = {"on_time": GREEN, "late": AMBER, "overdue": RED, "waived": GREY}
NOT_REVIEWED = "Not reviewed"


def period_text(sample: SampleView) -> str:
    return f"{uk_date(sample.period_from)} to {uk_date(sample.period_to)}"


def drawn_text(sample: SampleView) -> str:
    """How many were drawn: "20" or "12 of 20 asked" when the population was smaller than the size."""
    return str(sample.items) if sample.items == sample.size else f"{sample.items} of {sample.size} asked"


COL_ID, COL_DRAWN_AT, COL_DRAWN_BY, COL_SCOPE, COL_PERIOD, COL_METHOD, COL_SEED, COL_POPULATION, COL_SIZE = range(9)
COL_REVIEWED = 9


class SampleTableModel(DtoTableModel[SampleView]):
    """The samples drawn, newest first, with how far their review has got."""

    COLUMNS: ClassVar[Mapping[int, Column[SampleView]]] = {
        COL_ID: Column("Sample", "The sample's number", lambda _, s: str(s.id), sort=lambda _, s: s.id),
        COL_DRAWN_AT: Column(
            "Drawn", "When it was drawn (UK time)", lambda _, s: uk_datetime(s.drawn_at), sort=lambda _, s: s.drawn_at
        ),
        COL_DRAWN_BY: Column("By", "Who drew it", lambda _, s: s.drawn_by),
        COL_SCOPE: Column("Scope", "Whose contacts it was drawn from", lambda _, s: s.scope_label),
        COL_PERIOD: Column(
            "Period",
            "The contacts' dates it was drawn from",
            lambda _, s: period_text(s),
            sort=lambda _, s: (s.period_from, s.period_to),
        ),
        COL_METHOD: Column("Method", "How the entries were chosen", lambda _, s: s.method_label),
        COL_SEED: Column(
            "Seed",
            "Draw again with the same scope, period, size, method and seed to get the same entries",
            lambda _, s: str(s.seed),
            sort=lambda _, s: s.seed,
        ),
        COL_POPULATION: Column(
            "Population",
            "How many contact entries it was drawn from",
            lambda _, s: f"{s.population:,}",
            sort=lambda _, s: s.population,
        ),
        COL_SIZE: Column("Size", "How many entries were drawn", lambda _, s: drawn_text(s), sort=lambda _, s: s.items),
        COL_REVIEWED: Column(
            "Reviewed",
            "How many of its entries have been reviewed",
            lambda _, s: f"{s.reviewed} of {s.items}",
            sort=lambda _, s: (s.reviewed / s.items if s.items else 0, s.reviewed),
        ),
    }

    def cell_style(self, sample: SampleView, column: int, role: int) -> Any:
        if column == COL_REVIEWED and sample.items and sample.reviewed >= sample.items:
            return role_colour(GREEN, role)
        return None


SHORT_OUTCOME = {"informed": "Victim informed", "no_contact": "Not reached"}
SHORT_RISK = {"enhanced": "Enhanced", "late_or_overdue": "Late", "no_contact_28d": "28 days"}
"""The risk flags in a word or two, for the table (the tooltip has the service's full words)."""


def risk_text(item: SampleItemView) -> str:
    if not item.risk_flags:
        return "None"
    return ", ".join(SHORT_RISK.get(f, label) for f, label in zip(item.risk_flags, item.risk_labels, strict=False))


def risk_tip(item: SampleItemView) -> str | None:
    return "\n".join(item.risk_labels) or None


def since_drawn_text(item: SampleItemView) -> str:
    """Whether the entry still stands as drawn: tampering first (it matters most), then a correction."""
    if item.entry_missing:
        return "MISSING: deleted outside vicman"
    if item.changed_since_drawn:
        return "CHANGED since drawn"
    if item.corrected_by is not None:
        verb = "Retracted" if item.corrected_by.retracted else "Corrected"
        return f"{verb} after the draw"
    return "As drawn"


def since_drawn_tip(item: SampleItemView) -> str | None:
    if item.changed_since_drawn:
        return (
            "The entry stored now is not the entry that was drawn: it has been altered outside vicman. "
            "Report it to the administrator."
        )
    correction = item.corrected_by
    if correction is not None:
        verb = "Retracted" if correction.retracted else "Corrected"
        reason = f": {correction.reason}" if correction.reason else ""
        return (
            f"{verb} by entry {correction.entry_id}, recorded {uk_datetime(correction.recorded_at)} "
            f"by {correction.recorded_by}{reason}"
        )
    return None


def acknowledged_text(item: SampleItemView) -> str:
    if item.review_id is None:
        return ""
    return "Yes" if item.acknowledged else "Not yet"


def _since_rank(item: SampleItemView) -> int:
    return 3 if item.changed_since_drawn else 1 if item.corrected_by is not None else 0


(
    COL_POSITION,
    COL_VICTIM,
    COL_CRIME,
    COL_OFFICER,
    COL_CONTACT_AT,
    COL_CONTACT_METHOD,
    COL_OUTCOME,
    COL_RISK,
    COL_VERDICT,
    COL_SINCE_DRAWN,
    COL_ACKNOWLEDGED,
) = range(11)


class SampleItemTableModel(DtoTableModel[SampleItemView]):
    """A sample's entries in drawn order, with the verdict of their latest review."""

    COLUMNS: ClassVar[Mapping[int, Column[SampleItemView]]] = {
        COL_POSITION: Column("#", "Its place in the draw", lambda _, i: str(i.position), sort=lambda _, i: i.position),
        COL_VICTIM: Column(
            "Victim", "The victim the contact was with", lambda _, i: f"{i.victim_name} ({i.victim_ref})"
        ),
        COL_CRIME: Column("Crime", "The crime reference", lambda _, i: i.crime_ref),
        COL_OFFICER: Column(
            "Officer",
            "The officer in the case",
            lambda _, i: f"{i.officer_staff_no} {i.officer_name}" if i.officer_staff_no else "No officer",
        ),
        COL_CONTACT_AT: Column(
            "Contact at",
            "When the contact was made (UK time)",
            lambda _, i: uk_datetime(i.entry_at) if i.entry_at else "Missing",
            sort=lambda _, i: i.entry_at,
            tip=lambda _, i: i.note_excerpt or None,
        ),
        COL_CONTACT_METHOD: Column("Method", "How the contact was made", lambda _, i: i.method_label),
        COL_OUTCOME: Column(
            "Outcome",
            "Whether the victim was reached",
            lambda _, i: SHORT_OUTCOME.get(i.outcome or "", i.outcome_label),
            tip=lambda _, i: i.outcome_label or None,
        ),
        COL_RISK: Column(
            "Risk",
            "Why the entry was more likely to be drawn under the risk-weighted method",
            lambda _, i: risk_text(i),
            sort=lambda _, i: len(i.risk_flags),
            tip=lambda _, i: risk_tip(i),
        ),
        COL_VERDICT: Column(
            "Verdict",
            "The latest review's verdict",
            lambda _, i: i.verdict_label or NOT_REVIEWED,
            tip=lambda _, i: f"Reviewed by {i.reviewed_by} on {uk_datetime(i.reviewed_at)}" if i.reviewed_at else None,
        ),
        COL_SINCE_DRAWN: Column(
            "Since drawn",
            "Whether the entry still stands as it was drawn",
            lambda _, i: since_drawn_text(i),
            sort=lambda _, i: _since_rank(i),
            tip=lambda _, i: since_drawn_tip(i),
        ),
        COL_ACKNOWLEDGED: Column(
            "Acknowledged",
            "Whether the officer has acknowledged the latest review",
            lambda _, i: acknowledged_text(i),
        ),
    }

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    def cell_style(self, item: SampleItemView, column: int, role: int) -> Any:
        if column == COL_SINCE_DRAWN:
            if item.changed_since_drawn:
                return self._bold if role == Qt.ItemDataRole.FontRole else role_colour(RED, role)
            if item.corrected_by is not None:
                return role_colour(AMBER, role)
        if column == COL_VERDICT:
            if item.verdict is None:
                return self._italic if role == Qt.ItemDataRole.FontRole else None
            return role_colour(VERDICT_COLOURS.get(item.verdict), role)
        return None


COL_DUTY, COL_DUE, COL_STATUS, COL_MET = range(4)


def duty_columns(first: int, due_words: str) -> dict[int, Column[Any]]:
    """Duty, Due, Status and Met, from column `first` on, for rows with title, enhanced, waiver_reason, due,
    status_label and met_at (the review form's duties and team compliance's drill-down)."""
    return {
        first: Column(
            "Duty",
            "What the Code requires",
            lambda _, d: d.title + (" (enhanced)" if d.enhanced else ""),
            tip=lambda _, d: d.title + (f"\nWaived: {d.waiver_reason}" if d.waiver_reason else ""),
        ),
        first + 1: Column("Due", due_words, lambda _, d: uk_date(d.due), sort=lambda _, d: d.due),
        first + 2: Column("Status", "Where it stands today", lambda _, d: d.status_label),
        first + 3: Column(
            "Met", "When it was met (UK time)", lambda _, d: uk_datetime(d.met_at), sort=lambda _, d: d.met_at
        ),
    }


def status_style(status: str, role: int) -> Any:
    """The colour of a duty's status cell (on time, late, overdue, waived)."""
    return role_colour(STATUS_COLOURS.get(status), role)


class ReviewDutyTableModel(DtoTableModel[ReviewDuty]):
    """The victim's duties in the case of a sampled entry, soonest due first."""

    COLUMNS: ClassVar[Mapping[int, Column[ReviewDuty]]] = duty_columns(COL_DUTY, "When it fell or falls due")

    def cell_style(self, duty: ReviewDuty, column: int, role: int) -> Any:
        return status_style(duty.status, role) if column == COL_STATUS else None
