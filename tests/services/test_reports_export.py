"""Exporting a report is a disclosure: the file and its audit record appear together, or neither does."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import FIXED_NOW, crime_row, write_csv
from vicman.services import audit, importing, report_export, reports
from vicman.services.auth import ReauthenticationRequired
from vicman.services.context import Actor
from vicman.services.errors import InvalidInput, ServiceError
from vicman.services.report_types import ReportScope
from vicman.store.tables import AuditRow

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def report(ctx: Any, tmp_path: Path) -> Any:
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", [crime_row()]))
    return reports.compliance_report(ctx, *PERIOD, ReportScope(division="North"))


def disclosures(ctx: Any) -> list[AuditRow]:
    with ctx.db.read() as session:
        rows = list(
            session.scalars(select(AuditRow).where(AuditRow.action == audit.DISCLOSE, AuditRow.object_type == "report"))
        )
        session.expunge_all()
        return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_writes_the_file_and_audits_the_disclosure(ctx: Any, report: Any, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"north.{fmt}"
    done = report_export.export_report(ctx, report, fmt, target)
    assert done.path == str(target) and done.bytes == target.stat().st_size > 0
    (record,) = disclosures(ctx)
    assert record.seq == done.audit_seq
    assert record.object_id == "compliance:North division"
    detail = json.loads(record.detail or "{}")
    assert detail["file"] == f"north.{fmt}" and detail["format"] == fmt and detail["kind"] == "compliance"
    assert (detail["from"], detail["to"], detail["scope"]) == ("2026-11-01", "2026-11-30", "North division")
    assert detail["rows"]["Duties"] == 2  # vs_referral (due 18/11) and the total
    assert record.recipients == f"file {target.resolve()}"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    if fmt == "xlsx":
        assert load_workbook(target)["Duties"]["A2"].value == "vs_referral"


def test_a_failed_export_leaves_no_file_and_no_audit(ctx: Any, report: Any, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "report.csv"
    with pytest.raises(InvalidInput):
        report_export.export_report(ctx, report, "csv", missing)

    def broken_pdf(_report: Any, path: Path) -> None:
        path.write_bytes(b"%PDF-1.4 half")
        raise OSError(28, "No space left on device")

    with pytest.raises(ServiceError):
        report_export.export_report(ctx, report, "pdf", tmp_path / "report.pdf", write_pdf=broken_pdf)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".", "report"))]
    assert disclosures(ctx) == []


def test_an_unwritable_folder_leaves_no_file_and_no_audit(ctx: Any, report: Any, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere (root)")
        with pytest.raises(InvalidInput):
            report_export.export_report(ctx, report, "csv", locked / "report.csv")
        assert list(locked.iterdir()) == []
        assert disclosures(ctx) == []
    finally:
        locked.chmod(0o700)


def test_export_needs_a_fresh_password_and_the_right_to_see_the_report(ctx: Any, report: Any, tmp_path: Path) -> None:
    ctx.actor = Actor("sgt", "ws", roles=frozenset({"supervisor"}), user_id=None)
    ctx.authenticated_at = FIXED_NOW - timedelta(hours=1)
    with pytest.raises(ReauthenticationRequired):
        report_export.export_report(ctx, report, "csv", tmp_path / "late.csv")
    ctx.authenticated_at = FIXED_NOW
    assert report_export.export_report(ctx, report, "csv", tmp_path / "fresh.csv").bytes > 0
    with pytest.raises(InvalidInput):
        report_export.export_report(ctx, report, "pdf", tmp_path / "no-writer.pdf")
    with pytest.raises(InvalidInput):
        report_export.export_report(ctx, report, "docx", tmp_path / "x.docx")
    assert not (tmp_path / "late.csv").exists()


def test_report_text_for_standard_output_is_audited_too(ctx: Any, report: Any) -> None:
    text = report_export.report_text(ctx, report, "json")
    assert json.loads(text)["total"]["due"] == 1
    (record,) = disclosures(ctx)
    assert record.recipients == "standard output"
    with pytest.raises(InvalidInput):
        report_export.report_text(ctx, report, "xlsx")
