"""`vicman report` and `vicman survey add` end to end: the file, the audit record, and clear refusals that
write nothing (exit status 2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crime_row, write_csv

PERIOD = ("--from", "2026-11-01", "--to", "2026-11-30")


@pytest.fixture
def imported(cli: Any, db_path: Any, tmp_path: Path) -> Any:
    rows = [crime_row(), crime_row(crime_ref="CR-1002", victim_ref="V-2", division="South", oic_id="P200")]
    assert cli("--db", db_path, "import", "crimes", write_csv(tmp_path / "crimes.csv", rows)).status == 0
    return db_path


def audit_disclosures(cli: Any, db: Any) -> list[dict[str, Any]]:
    from tests.conftest import open_test_context
    from vicman.services.audit import DISCLOSE
    from vicman.store.tables import AuditRow

    ctx = open_test_context(db)
    try:
        from sqlalchemy import select

        with ctx.db.read() as session:
            return [
                {"object_id": r.object_id, "detail": json.loads(r.detail or "{}"), "recipients": r.recipients}
                for r in session.scalars(
                    select(AuditRow).where(AuditRow.action == DISCLOSE, AuditRow.object_type == "report")
                )
            ]
    finally:
        ctx.close()


def test_compliance_csv_to_stdout_and_xlsx_to_a_file(cli: Any, imported: Any, tmp_path: Path) -> None:
    printed = cli("--db", imported, "report", "compliance", *PERIOD, "--division", "North", "--format", "csv")
    assert printed.status == 0, printed.err
    rows = list(csv.reader(io.StringIO(printed.out)))
    assert rows[0][0] == "Force" and rows[2] == ["Scope", "North division"]
    assert ["vs_referral", "Refer the victim to support services", "1", "0", "0", "1", "0", "0", "0.0"] in rows
    target = tmp_path / "north.xlsx"
    written = cli(
        "--db", imported, "report", "compliance", *PERIOD, "--trend", "week", "--format", "xlsx", "--out", target
    )
    assert written.status == 0, written.err
    assert target.is_file() and str(target) in written.out
    found = audit_disclosures(cli, imported)
    assert [d["recipients"] for d in found] == ["standard output", f"file {target.resolve()}"]
    assert found[1]["detail"]["file"] == "north.xlsx"


def test_moj_and_satisfaction_as_json(cli: Any, imported: Any) -> None:
    moj = cli("--db", imported, "report", "moj", *PERIOD, "--format", "json")
    assert moj.status == 0, moj.err
    measures = {m["measure"]: m for m in json.loads(moj.out)["measures"]}
    assert measures["acknowledgement"]["applicable"] == 2
    added = cli(
        "--db", imported, "survey", "add", "--crime", "CR-1001", "--victim", "V-1", "--at", "2026-11-20",
        "--method", "phone", "--overall", "5", "--kept-informed", "none", "--treatment", "4",
    )  # fmt: skip
    assert added.status == 0, added.err
    assert "Recorded survey" in added.out
    report = cli("--db", imported, "report", "satisfaction", *PERIOD, "--format", "json")
    data = json.loads(report.out)
    assert data["surveys"] == 1
    overall = {g["group"]: g["questions"]["overall"] for g in data["aggregates"]}
    assert overall["All"]["satisfied"] == 1 and overall["All"]["answered"] == 1


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--from", "2026-02-30", "--to", "2026-03-01", "--format", "csv"), "no such date: '2026-02-30'"),
        (("--from", "2026-12-01", "--to", "2026-11-01", "--format", "csv"), "is after the end of the period"),
        ((*PERIOD, "--division", "Atlantis", "--format", "csv"), "no crimes or officers in division 'Atlantis'"),
        ((*PERIOD, "--officer", "P999", "--format", "json"), "no officer with staff number 'P999'"),
        ((*PERIOD, "--format", "xlsx"), "an xlsx report is a file: say where with --out FILE"),
        ((*PERIOD, "--format", "pdf"), "a pdf report is a file"),
        ((*PERIOD, "--division", "North", "--team", "A", "--format", "csv"), "not allowed with argument"),
        ((*PERIOD, "--format", "csv", "--out", "/no/such/folder/r.csv"), "does not exist; nothing was written"),
    ],
)
def test_bad_requests_exit_2_and_write_nothing(cli: Any, imported: Any, argv: tuple[str, ...], words: str) -> None:
    result = cli("--db", imported, "report", "compliance", *argv)
    assert result.status == 2
    assert words in result.err
    assert len(result.err_lines) == 1
    assert result.out == ""
    assert audit_disclosures(cli, imported) == []


def test_a_bad_survey_names_the_field(cli: Any, imported: Any) -> None:
    late = cli("--db", imported, "survey", "add", "--crime", "CR-1001", "--victim", "V-1", "--at", "2026-12-25",
               "--method", "phone", "--overall", "4")  # fmt: skip
    assert late.status == 2 and "field at: is in the future" in late.err
    score = cli("--db", imported, "survey", "add", "--crime", "CR-1001", "--victim", "V-1", "--at", "2026-11-20",
                "--method", "phone", "--overall", "7")  # fmt: skip
    assert score.status == 2 and "expected 1 to 5" in score.err
