"""The minimum standards of the Code edition in force (`StandardView`) as a Qt table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from vicman.gui.models.dto_table_model import Column, DtoTableModel
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.services.standards import StandardView

COL_DUTY, COL_SECTION, COL_STANDARD_DAYS, COL_ENHANCED_DAYS, COL_TEXT = range(5)


def working_days(days: int | None) -> str:
    if days is None:
        return "As agreed with the victim (monthly by default)"
    return f"{days} working day" + ("" if days == 1 else "s")


class StandardsTableModel(DtoTableModel[StandardView]):
    """A read-only table of the duties in one edition of the Code, with their deadlines."""

    COLUMNS: ClassVar[Mapping[int, Column[StandardView]]] = {
        COL_DUTY: Column("Duty", "What the Victims' Code requires", lambda _, s: s.title),
        COL_SECTION: Column("Code", "Where the duty is in the Code", lambda _, s: s.section),
        COL_STANDARD_DAYS: Column(
            "Standard victims",
            "The deadline for a victim without enhanced rights",
            lambda _, s: working_days(s.days_standard),
            sort=lambda _, s: s.days_standard,
        ),
        COL_ENHANCED_DAYS: Column(
            "Enhanced rights",
            "The deadline for a victim with enhanced rights",
            lambda _, s: working_days(s.days_enhanced),
            sort=lambda _, s: s.days_enhanced,
        ),
        COL_TEXT: Column(
            "The minimum standard",
            "The Code's own words for this duty",
            lambda _, s: s.standard,
            tip=lambda _, s: s.standard or None,
        ),
    }
