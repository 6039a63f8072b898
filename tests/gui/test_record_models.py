"""The record's table models over the services' frozen results: Qt's model checks, words, colours, links."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from gui_support import NOW
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from vicman.gui.models.duty_table_model import Day
from vicman.gui.models.record_duty_table_model import (
    COL_DUE,
    COL_DUTY,
    COL_EDITION,
    COL_MET_BY,
    COL_STANDARD,
    COL_STATUS,
    RecordDutyTableModel,
)
from vicman.gui.models.record_duty_table_model import ItemRole as DutyItemRole
from vicman.gui.models.record_duty_table_model import SortRole as DutySortRole
from vicman.gui.models.standards_table_model import (
    COL_ENHANCED_DAYS,
    COL_STANDARD_DAYS,
    StandardsTableModel,
)
from vicman.gui.models.timeline_table_model import COL_BEHALF, COL_ENTRY, COL_LINK, COL_WHEN, TimelineTableModel
from vicman.services import entries, records, standards

pytestmark = pytest.mark.gui

DAY = Day(date(2026, 11, 26), date(2026, 11, 27))


@pytest.fixture
def record(ctx):
    """Mary Jones (V1001): a contact that met the update, then an attempt logged with the wrong method, corrected."""
    entries.record_contact(ctx, "CR/1001/26", "V1001", NOW - timedelta(hours=3), "phone", "informed", note="Told")
    wrong = entries.record_contact(
        ctx, "CR/1001/26", "V1001", NOW - timedelta(hours=1), "visit", "no_contact", on_behalf_of="PC2001"
    )
    entries.correct_entry(ctx, "contact", wrong.id, "It was a phone call", method="phone")
    return records.open_victim_record(ctx, "V1001")


def test_models_pass_qt_checks_full_and_empty(qtmodeltester, record, ctx) -> None:
    duties = RecordDutyTableModel(DAY)
    duties.set_rows(record.cases[0].duties, record.timeline)
    qtmodeltester.check(duties)
    timeline = TimelineTableModel()
    timeline.set_rows(record.timeline)
    qtmodeltester.check(timeline)
    table = StandardsTableModel()
    table.set_rows(standards.minimum_standards(ctx, "PC1234").standards)
    qtmodeltester.check(table)
    for empty in (RecordDutyTableModel(DAY), TimelineTableModel(), StandardsTableModel()):
        qtmodeltester.check(empty)


def test_duties_show_status_code_text_and_what_met_them(record) -> None:
    model = RecordDutyTableModel(DAY)
    model.set_rows(record.cases[0].duties, record.timeline)
    rows = {model.row_at(r).key: r for r in range(model.rowCount())}
    referral, first, second = rows["report"], rows["update:1"], rows["update:2"]
    assert model.index(referral, COL_STATUS).data() == "Overdue"
    assert model.index(referral, COL_DUTY).data() == "Refer the victim to support services"
    assert model.index(referral, COL_STANDARD).data().startswith("Refer the victim to victim support services")
    assert model.index(referral, COL_EDITION).data() == "2021"
    assert model.index(first, COL_STATUS).data() == "Met"
    assert model.index(first, COL_MET_BY).data() == "26/11/2026 06:00 · Phone contact: Victim informed"
    assert model.index(second, COL_DUE).data() == "26/12/2026"
    assert model.index(second, COL_DUE).data(DutySortRole) == date(2026, 12, 26)
    assert model.index(second, COL_STATUS).data() == "Open"
    assert model.index(first, 0).data(DutyItemRole).key == "update:1"
    met = model.index(first, COL_STATUS).data(Qt.ItemDataRole.BackgroundRole)
    overdue = model.index(referral, COL_STATUS).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(met, QColor) and met.green() > met.red()
    assert isinstance(overdue, QColor) and overdue.red() > overdue.green()
    assert model.index(second, COL_STATUS).data(Qt.ItemDataRole.BackgroundRole) is None


def test_timeline_marks_the_corrected_entry_and_links_both_ways(record) -> None:
    model = TimelineTableModel()
    model.set_rows(record.timeline)
    contacts = [r for r in range(model.rowCount()) if model.row_at(r).kind == "contact"]
    fix, wrong, first = contacts  # newest first
    assert model.index(wrong, COL_LINK).data().startswith("Corrected by entry ")
    assert model.index(wrong, COL_LINK).data().endswith(": It was a phone call")
    assert model.index(fix, COL_LINK).data() == f"Corrects entry {model.row_at(wrong).id}: It was a phone call"
    assert model.linked_row(wrong) == fix and model.linked_row(fix) == wrong
    assert model.linked_row(first) is None
    font = model.index(wrong, COL_ENTRY).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert model.index(fix, COL_ENTRY).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(wrong, COL_BEHALF).data() == "PC2001"
    assert model.index(first, COL_WHEN).data() == "26/11/2026 06:00"  # GMT in November


def test_standards_give_both_deadlines(ctx) -> None:
    model = StandardsTableModel()
    model.set_rows(standards.minimum_standards(ctx).standards)
    arrest = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Tell the victim about the arrest")
    assert model.index(arrest, COL_STANDARD_DAYS).data() == "5 working days"
    assert model.index(arrest, COL_ENHANCED_DAYS).data() == "1 working day"
    update = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Update the victim on progress")
    assert "monthly by default" in model.index(update, COL_STANDARD_DAYS).data()
