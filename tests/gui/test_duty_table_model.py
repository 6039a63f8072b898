"""DutyTableModel and its proxy, without widgets: Qt's model checks, colours, native sort values, filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from vicman.domain.enums import Status
from vicman.gui.models.duty_table_model import (
    COL_CRIME,
    COL_DUE,
    COL_DUTY,
    COL_ENHANCED,
    COL_LANGUAGE,
    COL_LAST_CONTACT,
    COL_STATE,
    COL_VICTIM,
    Day,
    DutyFilterProxyModel,
    DutyTableModel,
    ItemRole,
    SortRole,
    Urgency,
)
from vicman.gui.models.search_hit_table_model import SearchHitTableModel
from vicman.services.views import DutyRow, SearchHit

pytestmark = pytest.mark.gui

DAY = Day(today=date(2026, 11, 26), soon_until=date(2026, 11, 27))


def duty(oid: int, due: date, *, name="Mary Jones", crime="CR/1", enhanced=False, language=None,
         method="phone", oic="PC1234", rule="update", last=None) -> DutyRow:  # fmt: skip
    return DutyRow(
        obligation_id=oid,
        crime_ref=crime,
        victim_ref=f"V{oid}",
        victim_name=name,
        rule=rule,
        title="Update the victim on progress" if rule == "update" else "Refer the victim to support services",
        key=f"{rule}:1",
        due=due,
        status=Status.OVERDUE if due < DAY.today else Status.OPEN,
        enhanced=enhanced,
        division="North",
        oic_staff_no=oic,
        oic_name="Ann Smith" if oic == "PC1234" else "Bob Evans",
        language=language,
        interpreter_needed=False,
        preferred_method=method,
        phone="07700 900123",
        last_contact_at=last,
    )


ROWS = [
    duty(1, date(2026, 12, 20), name="Peter Brown", crime="CR/2", enhanced=True),
    duty(2, date(2026, 10, 28), rule="vs_referral", language="Polish", last=datetime(2026, 11, 1, 12, tzinfo=UTC)),
    duty(3, date(2026, 11, 26), language="Polish", oic="PC2001"),
    duty(4, date(2026, 11, 27), name="Sarah Khan", crime="CR/3", method="sms"),
]


@pytest.fixture
def model(qapp) -> DutyTableModel:
    m = DutyTableModel(DAY)
    m.set_rows(ROWS)
    return m


def test_model_passes_qt_checks(qtmodeltester, model) -> None:
    qtmodeltester.check(model)


def test_empty_model_and_proxy_pass_qt_checks(qtmodeltester, qapp) -> None:
    empty = DutyTableModel(DAY)
    qtmodeltester.check(empty)
    proxy = DutyFilterProxyModel()
    proxy.setSourceModel(empty)
    qtmodeltester.check(proxy)


def test_proxy_passes_qt_checks_while_filtered_and_sorted(qtmodeltester, model) -> None:
    proxy = DutyFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(COL_DUE)
    proxy.set_text("polish")
    qtmodeltester.check(proxy)


def test_display_is_plain_words_and_uk_dates(model) -> None:
    row = model.index(1, 0).row()
    assert model.data(model.index(row, COL_DUE)) == "28/10/2026"
    assert model.data(model.index(row, COL_DUTY)) == "Refer the victim to support services"
    assert model.data(model.index(row, COL_STATE)) == "Overdue"
    assert model.data(model.index(row, COL_LAST_CONTACT)) == "01/11/2026 12:00"  # GMT in November
    assert model.data(model.index(0, COL_ENHANCED)) == "Enhanced"
    assert model.data(model.index(3, COL_STATE)) == "Due soon"
    assert model.data(model.index(0, COL_LAST_CONTACT)) == "None yet"
    assert model.headerData(COL_VICTIM, Qt.Orientation.Horizontal) == "Victim"


def test_summer_times_are_shown_in_uk_time(qapp) -> None:
    m = DutyTableModel(DAY)
    m.set_rows([duty(9, date(2026, 12, 1), last=datetime(2026, 7, 1, 8, 30, tzinfo=UTC))])
    assert m.data(m.index(0, COL_LAST_CONTACT)) == "01/07/2026 09:30"  # BST


def test_urgency_and_colours(model) -> None:
    urgencies = [model.urgency(r) for r in model.rows()]
    assert urgencies == [Urgency.OPEN, Urgency.OVERDUE, Urgency.DUE_TODAY, Urgency.DUE_SOON]
    overdue_bg = model.data(model.index(1, COL_VICTIM), Qt.ItemDataRole.BackgroundRole)
    today_bg = model.data(model.index(2, COL_VICTIM), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(overdue_bg, QColor) and overdue_bg.red() > overdue_bg.green()  # red-tinted
    assert isinstance(today_bg, QColor) and today_bg.red() > today_bg.blue() and today_bg.green() > today_bg.blue()
    assert model.data(model.index(0, COL_VICTIM), Qt.ItemDataRole.BackgroundRole) is None  # neutral
    for row in (1, 2, 3):
        bg = model.data(model.index(row, COL_VICTIM), Qt.ItemDataRole.BackgroundRole)
        fg = model.data(model.index(row, COL_VICTIM), Qt.ItemDataRole.ForegroundRole)
        assert _contrast(bg, fg) >= 7, "text on a coloured row must stay readable (WCAG AAA)"
    assert dict(model.counts()) == {Urgency.OVERDUE: 1, Urgency.DUE_TODAY: 1, Urgency.DUE_SOON: 1, Urgency.OPEN: 1}


def _contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_sort_role_gives_native_values_and_item_role_the_row(model) -> None:
    assert model.data(model.index(0, COL_DUE), SortRole) == date(2026, 12, 20)
    assert model.data(model.index(0, COL_ENHANCED), SortRole) is True
    assert model.data(model.index(1, COL_LAST_CONTACT), SortRole) == datetime(2026, 11, 1, 12, tzinfo=UTC)
    assert model.data(model.index(0, COL_LAST_CONTACT), SortRole) is None
    assert model.data(model.index(2, COL_STATE), SortRole) == int(Urgency.DUE_TODAY)
    assert model.data(model.index(3, COL_CRIME), ItemRole) == ROWS[3]
    assert model.data(QModelIndex()) is None


def test_proxy_sorts_by_native_values_with_blanks_last(model) -> None:
    proxy = DutyFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    assert [proxy.duty_at(r).obligation_id for r in range(4)] == [2, 3, 4, 1]
    proxy.sort(COL_LAST_CONTACT, Qt.SortOrder.AscendingOrder)
    assert proxy.duty_at(0).obligation_id == 2
    proxy.sort(COL_LANGUAGE, Qt.SortOrder.AscendingOrder)
    assert {proxy.duty_at(r).obligation_id for r in (0, 1)} == {2, 3}


def test_proxy_filters(model) -> None:
    proxy = DutyFilterProxyModel()
    proxy.setSourceModel(model)

    def ids() -> set[int]:
        return {proxy.duty_at(r).obligation_id for r in range(proxy.rowCount())}

    proxy.set_text("sarah")
    assert ids() == {4}
    proxy.set_text("jones polish")
    assert ids() == {2, 3}
    proxy.set_text("")
    proxy.set_filters(overdue_only=True)
    assert ids() == {2}
    proxy.set_filters(enhanced_only=True)
    assert ids() == {1}
    proxy.set_filters(language="polish", oic="PC2001")
    assert ids() == {3}
    proxy.set_filters(method="sms")
    assert ids() == {4}
    proxy.set_filters(rule="vs_referral")
    assert ids() == {2}
    proxy.set_teams({"PC1234": "Response A", "PC2001": "Response B"})
    proxy.set_filters(team="Response B")
    assert ids() == {3}
    proxy.set_filters()
    assert ids() == {1, 2, 3, 4}


def test_append_rows(qtmodeltester, model) -> None:
    model.append_rows([duty(5, date(2026, 11, 2))])
    assert model.rowCount() == 5
    qtmodeltester.check(model)


def test_search_hit_model_passes_qt_checks(qtmodeltester, qapp) -> None:
    m = SearchHitTableModel()
    m.set_hits(
        [
            SearchHit("V1", "Mary Jones", date(1960, 1, 2), "07700 900123", ("CR/1", "CR/9"), "name"),
            SearchHit("V2", "Alan Jones", None, None, (), "crime reference"),
        ]
    )
    qtmodeltester.check(m)
    assert m.data(m.index(0, 2)) == "02/01/1960"
    assert m.data(m.index(0, 4)) == "CR/1, CR/9"
    assert m.data(m.index(1, 5)) == "Crime reference"
