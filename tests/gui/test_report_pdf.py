"""Reports on paper: the PDF is read back with QtPdf and must carry the force name, period, production time
and the counts (reports built by hand in tests/documents/report_samples.py); and the service export with
the PDF writer injected, as the app and the command line do it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.conftest import crime_row, write_csv
from tests.documents import report_samples
from vicman.gui.pdf import pdf_page_texts, pdf_text, render_pdf_page
from vicman.gui.report_pdf import write_report_pdf
from vicman.services import audit, importing, report_export, reports
from vicman.services.report_types import ReportScope
from vicman.store.tables import AuditRow


def words(text: str) -> str:
    return " ".join(text.split())


def test_compliance_pdf_reads_back(qapp: Any, tmp_path: Path) -> None:
    path = write_report_pdf(report_samples.compliance(), tmp_path / "compliance.pdf")
    text = words(pdf_text(path))
    for expected in (
        "Made-up Constabulary",
        "Victims' Code compliance",
        "North division",
        "01/10/2026 to 30/11/2026",
        "26/11/2026 09:30",
        "sgt-kay",
        "Refer the victim to support services",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "6 2 1 1 1 1 50.0" in text  # the referral row's counts, in order
    assert "14 4 1 5 2 2 40.0" in text  # the total
    image = render_pdf_page(path, 0, width=400)
    assert image.width() == 400 and image.height() > 500  # A4 portrait


def test_satisfaction_pdf_shows_intervals_and_the_verdict(qapp: Any, tmp_path: Path) -> None:
    path = write_report_pdf(report_samples.satisfaction(), tmp_path / "satisfaction.pdf")
    text = words(pdf_text(path))
    assert "20.0 5.2 33.4 0.008" in text  # gap, its interval, the p-value
    assert "White victims were more satisfied." in text
    assert "69.2 87.6" in text  # the white group's Wilson interval
    pages = pdf_page_texts(path)
    assert all(f"of {len(pages)}" in page for page in pages)


def test_export_through_the_service_with_the_pdf_writer(qapp: Any, ctx: Any, tmp_path: Path) -> None:
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", [crime_row()]))
    report = reports.moj_report(ctx, date(2026, 11, 1), date(2026, 11, 30), ReportScope())
    target = tmp_path / "moj.pdf"
    done = report_export.export_report(ctx, report, "pdf", target, write_pdf=write_report_pdf)
    assert done.bytes == target.stat().st_size
    text = words(pdf_text(target))
    assert "Ministry of Justice" in text and "Not recorded by vicman" in text and "26/11/2026 09:00" in text
    with ctx.db.read() as session:
        (record,) = session.scalars(
            select(AuditRow).where(AuditRow.action == audit.DISCLOSE, AuditRow.object_type == "report")
        ).all()
    assert json.loads(record.detail or "{}")["file"] == "moj.pdf"
