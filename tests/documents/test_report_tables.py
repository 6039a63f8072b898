"""Reports as CSV, XLSX and JSON, read back and checked cell by cell (the reports are built by hand in
tests/documents/report_samples.py)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from tests.documents import report_samples
from vicman.documents import report_tables


def test_csv_has_a_bom_the_header_and_every_section() -> None:
    data = report_tables.to_csv(report_samples.compliance())
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Force", "Made-up Constabulary"]
    assert rows[2] == ["Scope", "North division"]
    assert rows[3] == ["Period", "01/10/2026 to 30/11/2026"]
    assert rows[5] == ["Produced", "26/11/2026 09:30 (UK time)"]
    assert rows[6] == ["Produced by", "sgt-kay"]
    start = rows.index(["Duties that fell due in the period"])
    assert rows[start + 1] == [
        "Rule",
        "Duty",
        "Due",
        "Met on time",
        "Met late",
        "Overdue",
        "Open",
        "Waived",
        "On time %",
    ]
    assert rows[start + 2] == [
        "vs_referral",
        "Refer the victim to support services",
        "6",
        "2",
        "1",
        "1",
        "1",
        "1",
        "50.0",
    ]
    assert rows[start + 4] == ["all", "All duties", "14", "4", "1", "5", "2", "2", "40.0"]
    reasons = rows.index(["Waiver reasons"])
    assert rows[reasons + 2] == ["vs_referral", '\'=HYPERLINK("http://x") victim declined', "1"]  # never a formula
    trend = rows.index(["Trend by month of the due date"])
    assert rows[trend + 3] == ["Nov 2026", "2026-11-01", "8", "2", ""]  # no percentage: empty
    assert ["By team"] in rows


def test_xlsx_one_sheet_per_section_numbers_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    report_tables.write_xlsx(report_samples.compliance(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Report", "Duties", "Waiver reasons", "Trend", "By team"]
    about = book["Report"]
    assert [about.cell(row=r, column=2).value for r in (1, 3, 4)] == [
        "Made-up Constabulary",
        "North division",
        "01/10/2026 to 30/11/2026",
    ]
    duties = book["Duties"]
    assert [c.value for c in duties[1]] == [
        "Rule", "Duty", "Due", "Met on time", "Met late", "Overdue", "Open", "Waived", "On time %",
    ]  # fmt: skip
    assert all(c.font.bold for c in duties[1])
    assert duties.freeze_panes == "A2"
    assert [c.value for c in duties[2]] == [
        "vs_referral",
        "Refer the victim to support services",
        6,
        2,
        1,
        1,
        1,
        1,
        50.0,
    ]
    assert [c.value for c in duties[4]] == ["all", "All duties", 14, 4, 1, 5, 2, 2, 40.0]
    assert duties["C2"].data_type == duties["I2"].data_type == duties["I3"].data_type == "n"  # numbers, not text
    assert duties.column_dimensions["B"].width > duties.column_dimensions["C"].width
    reason = book["Waiver reasons"]["B2"]
    assert reason.value.startswith("'=") and reason.data_type == "s"
    assert book["Trend"]["E3"].value is None


def test_satisfaction_and_moj_sections() -> None:
    sections = {s.name: s for s in report_tables.sections(report_samples.satisfaction())}
    assert list(sections) == ["Gap", "Aggregates", "By ethnic group"]
    gap = sections["Gap"].rows[0]
    assert gap[:10] == ("Overall service", 70, 80.0, 80, 60.0, 20.0, 5.2, 33.4, 0.00805, "Yes")
    assert sections["Aggregates"].rows[4] == ("Minority ethnic", "Overall service", 80, 48, 60.0, 49.1, 70.0)
    (measures,) = report_tables.sections(report_samples.moj())
    assert measures.rows[1] == ("Information about an offender's release", 0, 0, None, None)
    assert report_tables.row_counts(report_samples.moj()) == {"Measures": 2}


def test_json_is_the_dataclasses_with_iso_dates() -> None:
    data = json.loads(report_tables.to_json(report_samples.satisfaction()))
    assert data["header"]["period_from"] == "2026-10-01"
    assert data["header"]["produced_at"] == "2026-11-26T09:30:00+00:00"
    assert data["header"]["scope"] == {"division": "North", "team": None, "officer": None}
    assert data["gaps"][0]["white"] == {"satisfied": 56, "answered": 70, "pct": 80.0, "ci_low": 69.2, "ci_high": 87.6}
    assert data["aggregates"][1]["questions"]["overall"]["answered"] == 80


def test_html_names_force_period_and_producer() -> None:
    text = report_tables.report_html(report_samples.compliance())
    for expected in ("Made-up Constabulary", "01/10/2026 to 30/11/2026", "26/11/2026 09:30", "sgt-kay", "&quot;"):
        assert expected in text


def test_printed_p_values_read_as_the_verdicts_word_them() -> None:
    sample = report_samples.satisfaction()
    gap = sample.gaps[0]
    worded = {0.00805: "<td class=\"num\">0.008</td>", 0.268: "<td class=\"num\">0.268</td>",
              0.00002: "<td class=\"num\">&lt; 0.001</td>"}  # fmt: skip
    for p_value, cell in worded.items():
        report = dataclasses.replace(sample, gaps=(dataclasses.replace(gap, p_value=p_value),))
        assert cell in report_tables.report_html(report)


def test_a_satisfaction_report_does_not_claim_to_count_overdue_duties() -> None:
    assert "Overdue counted as of" not in report_tables.report_html(report_samples.satisfaction())
    assert "Overdue counted as of" in report_tables.report_html(report_samples.compliance())
