"""`vicman referrals export|candidates|consent`: counts, or the lists as JSON; errors on one line, exit 2,
database unchanged.

The database: the seeded crimes (CR-1001 North: V-1, V-2; CR-1002 South: V-3; reported 16/11/2026, so
every referral is overdue on 26/11) and CR-1003 (North, harassment (domestic), V-4 with no safe channel).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crime_row, open_test_context, snapshot_database, write_csv
from vicman.services import importing, users

AS_OF = ("--as-of", "2026-11-26")
HELD_V4 = "held: needs explicit consent; held: no safe contact channel"


@pytest.fixture
def db(seeded_db: Path, tmp_path: Path) -> Path:
    ctx = open_test_context(seeded_db)
    try:
        da = crime_row(crime_ref="CR-1003", offence="Harassment (domestic)", victim_ref="V-4", victim_name="Mia Lund")
        importing.import_crimes(ctx, write_csv(tmp_path / "extra.csv", [da]))
    finally:
        ctx.close()
    return seeded_db


@pytest.fixture(autouse=True)
def no_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VICMAN_USER", "VICMAN_PASSWORD", "VICMAN_DB"):
        monkeypatch.delenv(name, raising=False)


def victims_in(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")
    return [row["victim_ref"] for row in csv.DictReader(io.StringIO(text, newline=""))]


def test_candidates_as_a_table_and_as_json(cli: Any, db: Path) -> None:
    table = cli("referrals", "candidates", *AS_OF, "--db", db)
    assert table.status == 0 and table.err == ""
    lines = table.out.splitlines()
    assert lines[0].split() == ["Crime", "Victim", "Name", "Division", "Due", "Status", "Decision"]
    assert lines[2].split()[:2] == ["CR-1001", "V-1"] and lines[2].endswith("overdue  included: has not opted out")
    assert lines[-1].split()[:3] == ["CR-1003", "V-4", "Mia"] and lines[-1].endswith(HELD_V4)
    listed = json.loads(cli("referrals", "candidates", *AS_OF, "--db", db, "--json").out)
    assert [(c["crime_ref"], c["victim_ref"], c["included"]) for c in listed] == [
        ("CR-1001", "V-1", True), ("CR-1001", "V-2", True), ("CR-1002", "V-3", True), ("CR-1003", "V-4", False),
    ]  # fmt: skip
    assert listed[3] == {
        "crime_ref": "CR-1003",
        "victim_ref": "V-4",
        "name": "Mia Lund",
        "role": "victim",
        "division": "North",
        "offence": "Harassment (domestic)",
        "due": "2026-11-18",
        "status": "overdue",
        "consent": "explicit",
        "consent_recorded": None,
        "domestic_abuse": True,
        "safe_channel": None,
        "included": False,
        "reasons": ["held: needs explicit consent", "held: no safe contact channel"],
    }
    south = cli("referrals", "candidates", *AS_OF, "--division", "South", "--db", db, "--json")
    assert [c["victim_ref"] for c in json.loads(south.out)] == ["V-3"]


def test_export_prints_the_counts_and_who_is_held_and_a_second_run_exports_nobody(
    cli: Any, db: Path, tmp_path: Path
) -> None:
    first = tmp_path / "vs-2026-11-26.csv"
    done = cli("referrals", "export", *AS_OF, "--out", first, "--db", db)
    assert (done.status, done.err) == (0, "")
    assert done.out == f"{first}: 3 exported, 1 held.\n  CR-1003 V-4 Mia Lund: {HELD_V4}\n"
    assert victims_in(first) == ["V-1", "V-2", "V-3"]
    again = cli("referrals", "export", *AS_OF, "--out", tmp_path / "again.csv", "--db", db)
    assert again.out.startswith(f"{tmp_path / 'again.csv'}: 0 exported, 1 held.\n")
    assert victims_in(tmp_path / "again.csv") == []
    duties = json.loads(cli("obligations", *AS_OF, "--db", db, "--json").out)
    referral = {(d["crime_ref"], d["victim_ref"]): d["status"] for d in duties if d["rule"] == "vs_referral"}
    assert referral == {("CR-1001", "V-1"): "met", ("CR-1001", "V-2"): "met", ("CR-1002", "V-3"): "met",
                        ("CR-1003", "V-4"): "overdue"}  # fmt: skip


def test_export_json_lists_the_exported_and_the_held(cli: Any, db: Path, tmp_path: Path) -> None:
    done = cli("referrals", "export", *AS_OF, "--out", tmp_path / "n.csv", "--division", "North", "--db", db, "--json")
    assert done.status == 0
    printed = json.loads(done.out)
    assert (printed["file"], printed["as_of"]) == (str(tmp_path / "n.csv"), "2026-11-26")
    assert [c["victim_ref"] for c in printed["exported"]] == ["V-1", "V-2"]
    assert [(c["victim_ref"], c["reasons"]) for c in printed["held"]] == [
        ("V-4", ["held: needs explicit consent", "held: no safe contact channel"])
    ]


def test_consent_and_a_safe_channel_bring_a_held_victim_into_the_next_file(cli: Any, db: Path, tmp_path: Path) -> None:
    given = cli("referrals", "consent", "CR-1003", "V-4", "--given", "--at", "2026-11-26T08:30", "--db", db)
    assert (given.status, given.out) == (0, "Recorded that V-4 gave consent to referral for crime CR-1003.\n")
    ctx = open_test_context(db)
    try:
        row = crime_row(crime_ref="CR-1003", offence="Harassment (domestic)", victim_ref="V-4",
                        victim_name="Mia Lund", victim_safe_channel="email")  # fmt: skip
        importing.import_crimes(ctx, write_csv(tmp_path / "channel.csv", [row]))
    finally:
        ctx.close()
    done = cli("referrals", "export", *AS_OF, "--out", tmp_path / "vs.csv", "--db", db, "--json")
    (v4,) = [c for c in json.loads(done.out)["exported"] if c["victim_ref"] == "V-4"]
    assert v4["reasons"] == [
        "included: explicit consent given",
        "only the safe channel (email) is sent (domestic abuse)",
    ]
    text = (tmp_path / "vs.csv").read_bytes().decode("utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text, newline="")) if r["victim_ref"] == "V-4"]
    assert (row["phone"], row["email"], row["address"], row["consent"]) == ("", "anna@example.org", "", "explicit")
    refused = cli("referrals", "consent", "CR-1001", "V-2", "--refused", "--db", db)
    assert refused.out == "Recorded that V-2 refused consent to referral for crime CR-1001.\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("referrals", "export", "--as-of", "2026-13-01", "--out", "{tmp}/x.csv"), "vicman: argument --as-of: "),
        (("referrals", "export", "--as-of", "2026-11-27", "--out", "{tmp}/x.csv"), "vicman: field as_of: is in the"),
        (("referrals", "export", *AS_OF, "--out", "{tmp}/taken.csv"), "vicman: {tmp}/taken.csv: already exists"),
        (("referrals", "export", *AS_OF, "--out", "{tmp}/nowhere/x.csv"), "vicman: {tmp}/nowhere/x.csv: the folder"),
        (("referrals", "export", *AS_OF), "vicman: the following arguments are required: --out"),
        (("referrals", "consent", "CR-9", "V-1", "--given"), "vicman: no crime with reference CR-9"),
        (("referrals", "consent", "CR-1001", "V-1"), "vicman: one of the arguments --given --refused is required"),
    ],
)
def test_errors_are_one_line_exit_2_and_change_nothing(
    cli: Any, db: Path, tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    (tmp_path / "taken.csv").write_text("an earlier file\n")
    before = snapshot_database(db)
    result = cli(*[a.replace("{tmp}", str(tmp_path)) for a in argv], "--db", db)
    assert result.status == 2
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith(message.replace("{tmp}", str(tmp_path)))
    assert result.out == ""
    assert snapshot_database(db) == before
    assert (tmp_path / "taken.csv").read_text() == "an earlier file\n"
    assert not (tmp_path / "x.csv").exists()


def test_signed_in_the_bureau_exports_its_division_and_an_officer_is_refused(
    cli: Any, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = open_test_context(db)
    try:
        users.add_user(ctx, "admin", "Alex Admin", "admin-password-2026", ["administrator"])
        users.add_user(ctx, "bureau-n", "Bea Bureau", "bureau-password-2026", ["bureau"], division="North")
        users.add_user(ctx, "pc-n", "PC Jane Jones", "officer-password-2026", ["officer"], staff_no="P100",
                       division="North")
    finally:
        ctx.close()
    monkeypatch.setenv("VICMAN_PASSWORD", "officer-password-2026")
    refused = cli("referrals", "export", *AS_OF, "--out", tmp_path / "o.csv", "--division", "North", "--db", db,
                  "--user", "pc-n")  # fmt: skip
    assert refused.status == 2 and refused.err_lines == [
        "vicman: You may not export the daily Victim Support referral file (and list who is due or held) here "
        "(your roles: officer)."
    ]
    assert not (tmp_path / "o.csv").exists()
    monkeypatch.setenv("VICMAN_PASSWORD", "bureau-password-2026")
    south = cli("referrals", "export", *AS_OF, "--out", tmp_path / "s.csv", "--division", "South", "--db", db,
                "--user", "bureau-n")  # fmt: skip
    assert south.status == 2 and not (tmp_path / "s.csv").exists()
    north = cli("referrals", "export", *AS_OF, "--out", tmp_path / "n.csv", "--division", "North", "--db", db,
                "--user", "bureau-n")  # fmt: skip
    assert north.status == 0 and north.out.startswith(f"{tmp_path / 'n.csv'}: 2 exported, 1 held.")
    assert victims_in(tmp_path / "n.csv") == ["V-1", "V-2"]
