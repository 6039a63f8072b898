"""The dashboard's pieces without a database: numbers in words, the table models and the charts, over report
objects built by hand (vicman/gui/models/report_table_models.py, vicman/gui/views/charts.py)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from vicman.gui.models.report_table_models import (
    COL_DUE,
    COL_DUTY,
    COL_G_CI,
    COL_G_GAP,
    COL_G_P,
    COL_PCT,
    COL_S_CI,
    COL_S_N,
    COL_S_PCT,
    COL_WAIVED,
    DutyCountsTableModel,
    GapTableModel,
    MojTableModel,
    SatisfactionTableModel,
    ci_text,
    n_text,
    percent,
    points_ci_text,
    points_text,
)
from vicman.gui.views.charts import DutyTypeChart, OverdueChart, TrendChart, stacked_words
from vicman.services.report_types import (
    DutyCounts,
    GapTest,
    GroupCounts,
    GroupSatisfaction,
    MojMeasure,
    Proportion,
    TrendPoint,
    WaiverReasonCount,
)

pytestmark = pytest.mark.gui

REFERRAL = DutyCounts(
    "vs_referral", "Refer the victim to support services", 8, 5, 1, 1, 0, 1,
    (WaiverReasonCount("The victim opted out", 1),), 71.4,
)  # fmt: skip
UPDATE = DutyCounts("update", "Update the victim on progress", 4, 3, 0, 0, 1, 0, (), 100.0)
TOTAL = DutyCounts("all", "All duties", 12, 8, 1, 1, 1, 1, (), 80.0)
SURE = Proportion(40, 50, 80.0, 66.9, 88.8)
NONE_ANSWERED = Proportion(0, 0, None, None, None)


@pytest.mark.parametrize(
    ("value", "text"),
    [(87.5, "87.5%"), (100.0, "100%"), (0.0, "0%"), (66.66, "66.7%"), (None, "—")],
)
def test_percentages_read_as_people_write_them(value, text) -> None:
    assert percent(value) == text


def test_counts_intervals_and_gaps_read_as_people_write_them() -> None:
    assert (n_text(42), n_text(1234), n_text(None)) == ("n = 42", "n = 1,234", "—")
    assert ci_text(80.1, 91.3) == "80.1% to 91.3%"
    assert ci_text(None, 3.0) == "—"
    assert (points_text(6.2), points_text(-3.0), points_text(0.0), points_text(None)) == (
        "+6.2 points",
        "−3 points",
        "±0 points",
        "—",
    )
    assert points_ci_text(-1.5, 13.9) == "−1.5 to +13.9 points"


def test_the_table_models_pass_qt_checks_and_show_the_numbers(qtmodeltester) -> None:
    duties = DutyCountsTableModel()
    qtmodeltester.check(duties)
    duties.set_rows([REFERRAL, UPDATE, TOTAL])
    qtmodeltester.check(duties)
    assert [duties.index(r, COL_DUTY).data() for r in range(3)] == [REFERRAL.title, UPDATE.title, "All duties"]
    assert duties.index(2, COL_DUE).data() == "12" and duties.index(0, COL_PCT).data() == "71.4%"
    assert duties.index(0, COL_WAIVED).data(Qt.ItemDataRole.ToolTipRole) == (
        "Waived because:\n1 × The victim opted out"
    )
    assert duties.index(2, COL_DUTY).data(Qt.ItemDataRole.FontRole).bold()  # the total row

    moj = MojTableModel()
    moj.set_rows([MojMeasure("vps_offered", "VPS offered", 10, 7, None, 70.0, "Victims whose crime was reported.")])
    qtmodeltester.check(moj)
    assert [moj.index(0, c).data() for c in range(5)] == ["VPS offered", "10", "7", "—", "70%"]

    groups = SatisfactionTableModel()
    white = GroupSatisfaction("White", {"overall": SURE})
    groups.set_report((GroupSatisfaction("Asian or Asian British: Pakistani", {"overall": NONE_ANSWERED}),), (white,))
    qtmodeltester.check(groups)
    # The aggregate (bold) first, then the groups as recorded.
    assert [groups.index(0, c).data() for c in (COL_S_N, COL_S_PCT, COL_S_CI)] == ["n = 50", "80%", "66.9% to 88.8%"]
    assert groups.index(1, COL_S_PCT).data() == "—" and groups.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    groups.set_question("treatment")  # not asked of anyone: nothing to show, not an error
    assert groups.index(0, COL_S_N).data() == "n = 0"

    gaps = GapTableModel()
    gaps.set_rows([GapTest("overall", SURE, Proportion(30, 50, 60.0, 46.2, 72.4), 20.0, 2.1, 36.4, 0.029, True,
                           "White victims were more satisfied.")])  # fmt: skip
    qtmodeltester.check(gaps)
    assert gaps.index(0, COL_G_GAP).data() == "+20 points"
    assert gaps.index(0, COL_G_CI).data() == "+2.1 to +36.4 points"
    assert gaps.index(0, COL_G_P).data() == "p = 0.029"


def test_the_charts_explain_an_empty_period_and_chart_a_full_one(qtbot) -> None:
    trend, overdue, types = TrendChart(), OverdueChart(), DutyTypeChart()
    for chart in (trend, overdue, types):
        qtbot.addWidget(chart)
    trend.set_points([TrendPoint(date(2026, 11, 1), "Nov 2026", 0, 0, None)])
    overdue.set_groups([], "division")
    types.set_duties([DutyCounts("all", "All duties", 0, 0, 0, 0, 0, 0, (), None)])
    assert trend.is_empty and "No duties fell due" in trend.empty.text()
    assert overdue.is_empty and "No duties fell due" in overdue.empty.text()
    assert types.is_empty and types.empty.text() == "No duties fell due in this period."

    points = [TrendPoint(date(2026, m, 1), f"{m}/2026", 10, 8, 80.0) for m in range(1, 12)]
    trend.set_points(points, "month")
    assert not trend.is_empty and trend.markers is not None and trend.markers.count() == 11
    assert "n = 10 duties due; 80% met on time" in trend.describe(points[0])
    overdue.set_groups(
        [GroupCounts("North", 10, 8, 2, 80.0, "North"), GroupCounts("South", 5, 5, 0, 100.0, "South")], "division"
    )
    assert [overdue.bars.at(i) for i in range(2)] == [2, 0]
    types.set_duties([REFERRAL, UPDATE, TOTAL])
    assert [d.rule for d in types.duties] == ["update", "vs_referral"]  # drawn bottom up: the Code's order on top
    assert types.sets["overdue"].at(1) == 1 and types.sets["waived"].at(1) == 1
    assert stacked_words("Northwold Neighbourhood & CID") == "Northwold<br>Neighbourhood<br>&amp; CID"
