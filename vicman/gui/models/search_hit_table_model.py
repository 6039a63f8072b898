"""Search results (`SearchHit`) as a Qt table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from vicman.gui.formatting import uk_date
from vicman.gui.models.dto_table_model import Column, DtoTableModel
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.services.views import SearchHit

COL_NAME, COL_REF, COL_DOB, COL_PHONE, COL_CRIMES, COL_MATCHED = range(6)


class SearchHitTableModel(DtoTableModel[SearchHit]):
    """A read-only table of people found by a search, in the order the service ranked them."""

    COLUMNS: ClassVar[Mapping[int, Column[SearchHit]]] = {
        COL_NAME: Column("Name", None, lambda _, h: h.name),
        COL_REF: Column("Victim ref", None, lambda _, h: h.person_ref),
        COL_DOB: Column("Date of birth", None, lambda _, h: uk_date(h.dob), sort=lambda _, h: h.dob),
        COL_PHONE: Column("Phone", None, lambda _, h: h.phone or ""),
        COL_CRIMES: Column(
            "Crimes", None, lambda _, h: ", ".join(h.crime_refs), tip=lambda _, h: "\n".join(h.crime_refs) or None
        ),
        COL_MATCHED: Column("Found by", None, lambda _, h: h.matched_on.capitalize()),
    }
    ACCESSIBLE_TEXT = False  # unanswered, as it always was here: Qt then reads DisplayRole out

    # The search screen's names for the base's set_rows(), rows() and row_at().
    set_hits = DtoTableModel.set_rows
    hits = DtoTableModel.rows
    hit_at = DtoTableModel.row_at
