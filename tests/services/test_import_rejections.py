"""Rejected import files (DESIGN.md section 5): nothing imported, every invalid row listed, exit status 2.

Each file is imported through the in-process command line (`vicman --db DB import crimes FILE`) into a
database that already holds an earlier import, and the database is compared before and after.
The service itself (`importing.import_crimes`) must raise a ServiceError for the same files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vicman.services import importing
from vicman.services.errors import ImportRejected, ServiceError

Expected = list[tuple[int | None, str | None]]


@pytest.fixture
def seeded(seeded_db) -> Path:
    """The test database after a first, valid import (CR-1001 with V-1 and V-2, CR-1002 with V-3)."""
    return seeded_db


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def assert_rejected(result, path: Path, expected: Expected) -> None:
    """Exit status 2; every stderr line names the file; each expected (row, field) has its own line."""
    assert result.status == 2, (result.out, result.err)
    lines = result.err_lines
    assert lines, "nothing on stderr"
    for line in lines:
        assert str(path) in line, f"stderr line does not name the file: {line!r}"
    for row, field in expected:
        matching = [line for line in lines
                    if (row is None or f"row {row}" in line) and (field is None or field in line)]
        assert matching, f"no stderr line names row {row} and field {field}: {lines}"
    expected_rows = {row for row, _ in expected if row is not None}
    named_rows = {int(part.split()[1]) for line in lines for part in line.split(": ") if part.startswith("row ")}
    assert named_rows == expected_rows, f"rows listed {sorted(named_rows)}, expected {sorted(expected_rows)}"


# Each case: (file contents maker, expected (row, field) pairs). Rows count the header as row 1.
CASES: dict[str, tuple[Callable[[Any], bytes], Expected]] = {
    "missing-required-column": (
        lambda r: csv_bytes([[k for k in r() if k != "victim_name"],
                             [v for k, v in r().items() if k != "victim_name"]]),
        [(1, "victim_name")],
    ),
    "impossible-date": (
        lambda r: csv_bytes([list(r()), list(r().values()),
                             list(r(victim_ref="V-9", reported_at="2024-02-30").values())]),
        [(3, "reported_at")],
    ),
    "impossible-dob": (
        lambda r: csv_bytes([list(r()), list(r(victim_dob="31/02/1980").values())]),
        [(2, "victim_dob")],
    ),
    "malformed-datetime": (
        lambda r: csv_bytes([list(r()), list(r(reported_at="2026-11-16T25:61").values()),
                             list(r(victim_ref="V-8").values()),
                             list(r(victim_ref="V-9", reported_at="last Tuesday").values())]),
        [(2, "reported_at"), (4, "reported_at")],
    ),
    "future-reported-at": (
        lambda r: csv_bytes([list(r()), list(r(crime_ref="CR-2000", reported_at="2027-01-05T10:00").values())]),
        [(2, "reported_at")],
    ),
    "dob-after-report": (
        lambda r: csv_bytes([list(r()), list(r(victim_dob="2026-11-20").values())]),
        [(2, "victim_dob")],
    ),
    "bad-emails": (
        lambda r: csv_bytes([list(r()), list(r(victim_email="anna@").values()),
                             list(r(crime_ref="CR-3000", victim_ref="V-7", oic_id="P300",
                                    oic_email="not an email").values())]),
        [(2, "victim_email"), (3, "oic_email")],
    ),
    "unknown-enhanced-reason": (
        lambda r: csv_bytes([list(r()), list(r(enhanced_reasons="vulnerable;grumpy").values())]),
        [(2, "enhanced_reasons")],
    ),
    "bad-vs-opt-out": (
        lambda r: csv_bytes([list(r()), list(r(vs_opt_out="maybe").values())]),
        [(2, "vs_opt_out")],
    ),
    "duplicate-crime-victim": (
        lambda r: csv_bytes([list(r()), list(r().values()), list(r(victim_ref="V-2").values()),
                             list(r().values())]),
        [(4, "victim_ref")],
    ),
    "crime-with-two-offences": (
        lambda r: csv_bytes([list(r()), list(r().values()),
                             list(r(victim_ref="V-2", offence="Robbery").values())]),
        [(3, "offence")],
    ),
    "crime-with-two-dates": (
        lambda r: csv_bytes([list(r()), list(r().values()),
                             list(r(victim_ref="V-2", reported_at="2026-11-17T10:00").values())]),
        [(3, "reported_at")],
    ),
    "too-many-fields": (
        lambda r: csv_bytes([list(r()), list(r().values()),
                             [*r(victim_ref="V-2").values(), "surplus"]]),
        [(3, None)],
    ),
    "empty-required-value": (
        lambda r: csv_bytes([list(r()), list(r(victim_name="").values())]),
        [(2, "victim_name")],
    ),
    "three-bad-rows": (
        lambda r: csv_bytes([
            list(r()),
            list(r(victim_email="nope").values()),                        # row 2
            list(r(victim_ref="V-2").values()),                           # row 3, good
            list(r(victim_ref="V-3", reported_at="2024-02-30").values()),  # row 4
            list(r(victim_ref="V-4").values()),                           # row 5, good
            list(r(victim_ref="V-5", vs_opt_out="perhaps").values()),     # row 6
        ]),
        [(2, "victim_email"), (4, "reported_at"), (6, "vs_opt_out")],
    ),
    "empty-file": (lambda r: b"", []),
    "bom-only": (lambda r: b"\xef\xbb\xbf", []),
    "header-only": (lambda r: csv_bytes([list(r())]), []),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rejected_file_exits_2_lists_every_bad_row_and_changes_nothing(
        case, cli, seeded, tmp_path, crime_rows, snapshot):
    make, expected = CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(make(crime_rows))
    before = snapshot(seeded)

    result = cli("--db", seeded, "import", "crimes", path)

    assert_rejected(result, path, expected)
    assert snapshot(seeded) == before


@pytest.mark.parametrize("case", ["impossible-date", "duplicate-crime-victim", "empty-file", "header-only"])
def test_the_service_raises_for_rejected_files(case, ctx, tmp_path, crime_rows, snapshot, db_path):
    make, expected = CASES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(make(crime_rows))
    before = snapshot(db_path)
    with pytest.raises(ServiceError) as caught:
        importing.import_crimes(ctx, path)
    if expected:
        assert isinstance(caught.value, ImportRejected)
        assert [(p.row, p.field) for p in caught.value.problems] == expected
        assert all(p.file == str(path) for p in caught.value.problems)
    assert str(path) in str(caught.value)
    assert snapshot(db_path) == before


def test_a_file_with_many_bad_rows_lists_all_of_them(cli, seeded, tmp_path, crime_rows, snapshot):
    rows = [list(crime_rows())]
    bad = []
    for i in range(2, 252):
        if i % 5 == 0:
            rows.append(list(crime_rows(victim_ref=f"V{i}", victim_dob="not a date").values()))
            bad.append((i, "victim_dob"))
        else:
            rows.append(list(crime_rows(victim_ref=f"V{i}").values()))
    path = tmp_path / "many.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot(seeded)
    result = cli("--db", seeded, "import", "crimes", path)
    assert_rejected(result, path, bad)
    assert snapshot(seeded) == before


def test_a_missing_file_is_reported_on_one_line(cli, seeded, tmp_path, snapshot):
    before = snapshot(seeded)
    path = tmp_path / "nowhere.csv"
    result = cli("--db", seeded, "import", "crimes", path)
    assert result.status == 2
    assert len(result.err_lines) == 1 and str(path) in result.err
    assert snapshot(seeded) == before


def test_latin1_bytes_are_rejected_naming_each_bad_row(cli, seeded, tmp_path, crime_rows, snapshot):
    rows = [list(crime_rows()), list(crime_rows().values()),
            list(crime_rows(victim_ref="V-3", victim_name="José Núñez").values()),
            list(crime_rows(victim_ref="V-4").values()),
            list(crime_rows(victim_ref="V-5", victim_name="Zoë Brontë").values())]
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_bytes(rows, encoding="latin-1"))
    before = snapshot(seeded)
    result = cli("--db", seeded, "import", "crimes", path)
    assert snapshot(seeded) == before
    assert_rejected(result, path, [(3, None), (5, None)])


def test_latin1_bytes_are_rejected_and_change_nothing(cli, seeded, tmp_path, crime_rows, snapshot):
    """The part of the latin-1 case that holds today: exit 2, the file named, nothing imported."""
    rows = [list(crime_rows()), list(crime_rows(victim_ref="V-3", victim_name="José Núñez").values())]
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_bytes(rows, encoding="latin-1"))
    before = snapshot(seeded)
    result = cli("--db", seeded, "import", "crimes", path)
    assert result.status == 2
    assert result.err_lines and all(str(path) in line for line in result.err_lines)
    assert "UTF-8" in result.err
    assert snapshot(seeded) == before


def test_row_errors_and_duplicate_rows_are_all_listed(cli, seeded, tmp_path, crime_rows, snapshot):
    rows = [list(crime_rows()),
            list(crime_rows(victim_ref="V-3", victim_email="bad@").values()),  # row 2: own error
            list(crime_rows().values()),                                    # row 3
            list(crime_rows().values())]                                    # row 4: duplicate of row 3
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot(seeded)
    result = cli("--db", seeded, "import", "crimes", path)
    assert snapshot(seeded) == before
    assert_rejected(result, path, [(2, "victim_email"), (4, "victim_ref")])


@pytest.mark.parametrize("reported_at", ["2026-11-27", "2026-11-26T20:00", "27/11/2026 08:00"])
def test_reported_at_later_than_now_is_rejected(cli, seeded, tmp_path, crime_rows, snapshot, reported_at):
    path = tmp_path / "soon.csv"
    path.write_bytes(csv_bytes([list(crime_rows()),
                                list(crime_rows(crime_ref="CR-2000", reported_at=reported_at).values())]))
    before = snapshot(seeded)
    result = cli("--db", seeded, "import", "crimes", path)
    assert snapshot(seeded) == before
    assert_rejected(result, path, [(2, "reported_at")])


def test_a_report_earlier_today_is_accepted(cli, seeded, tmp_path, crime_rows):
    path = tmp_path / "today.csv"
    path.write_bytes(csv_bytes([list(crime_rows()),
                                list(crime_rows(crime_ref="CR-2000", reported_at="2026-11-26T08:30").values())]))
    result = cli("--db", seeded, "import", "crimes", path)
    assert result.status == 0, result.err


def test_rejection_through_a_subprocess(vicman_subprocess, seeded, tmp_path, crime_rows, snapshot):
    """End to end: `python -m vicman` exits 2, lists each bad row with file, row and field, changes nothing."""
    make, expected = CASES["three-bad-rows"]
    path = tmp_path / "three-bad-rows.csv"
    path.write_bytes(make(crime_rows))
    before = snapshot(seeded)
    result = vicman_subprocess("--db", seeded, "import", "crimes", path)
    assert "Traceback" not in result.err
    assert_rejected(result, path, expected)
    assert snapshot(seeded) == before


def test_row_numbers_count_rows_not_lines_when_a_value_spans_lines(cli, seeded, tmp_path, crime_rows, snapshot):
    rows = [list(crime_rows()),
            list(crime_rows(victim_address="Flat 2\nThe Old Mill").values()),     # row 2, two lines
            list(crime_rows(victim_ref="V-2", victim_email="bad@").values())]     # row 3
    path = tmp_path / "multiline.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot(seeded)
    result = cli("--db", seeded, "import", "crimes", path)
    assert snapshot(seeded) == before
    assert_rejected(result, path, [(3, "victim_email")])
