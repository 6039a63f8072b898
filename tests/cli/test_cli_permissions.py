"""The role table through the command line: signed in with `--user` and $VICMAN_PASSWORD, a command
the user's roles do not allow is refused in one line on stderr with exit status 2, and the database is
unchanged but for the sign-in and the `authz-deny` record of the refusal.

The database: CR-1001 in North (officer P100 of team N1) with V-1 and V-2; CR-1002 in South (P200,
team S1) with V-3. Users: `admin` (administrator), `p100` (officer P100, North N1), `p200` (officer
P200, South S1), `bureau-n` (bureau, North) and `sgt-n1` (supervisor of team N1 in North).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_database, crime_row, open_test_context, query_database, snapshot_database, write_csv
from vicman.services import importing, users

PASSWORD = {
    "admin": "admin-password-2026",
    "p100": "p100-password-2026",
    "p200": "p200-password-2026",
    "bureau-n": "bureau-password-2026",
    "sgt-n1": "sergeant-password-2026",
}
CONTACT = ("contact", "add", "CR-1001", "V-1", "--at", "2026-11-24T10:00", "--method", "phone", "--outcome",
           "informed")  # fmt: skip


@pytest.fixture(autouse=True)
def no_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VICMAN_USER", "VICMAN_PASSWORD", "VICMAN_NEW_PASSWORD", "VICMAN_DB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def with_users(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-permissions")
    path = copy_database(template_db, folder / "users.sqlite3")
    rows = [
        crime_row(oic_team="N1"),
        crime_row(victim_ref="V-2", victim_name="Wang Wei", victim_phone="", oic_team="N1"),
        crime_row(crime_ref="CR-1002", division="South", oic_id="P200", oic_name="PC Ray Khan", oic_team="S1",
                  oic_email="ray.khan@police.example.uk", victim_ref="V-3", victim_name="Bethan Hughes"),
    ]  # fmt: skip
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, write_csv(folder / "crimes.csv", rows))
        users.add_user(ctx, "admin", "Alex Admin", PASSWORD["admin"], ["administrator"])
        users.add_user(ctx, "p100", "PC Jane Jones", PASSWORD["p100"], ["officer"], staff_no="P100",
                       division="North", team="N1")  # fmt: skip
        users.add_user(ctx, "p200", "PC Ray Khan", PASSWORD["p200"], ["officer"], staff_no="P200",
                       division="South", team="S1")  # fmt: skip
        users.add_user(ctx, "bureau-n", "Bea Bureau", PASSWORD["bureau-n"], ["bureau"], division="North")
        users.add_user(ctx, "sgt-n1", "Sgt Sam Hale", PASSWORD["sgt-n1"], ["supervisor"], division="North", team="N1")
    finally:
        ctx.close()
    return path


@pytest.fixture
def db(with_users: Path, db_path: Path) -> Path:
    return copy_database(with_users, db_path)


def run_as(cli: Any, monkeypatch: pytest.MonkeyPatch, db: Path, user: str, *argv: str) -> Any:
    monkeypatch.setenv("VICMAN_PASSWORD", PASSWORD[user])
    return cli(*argv, "--db", db, "--user", user)


def audit_actions(db: Path) -> list[tuple[str, str]]:
    return [(action, actor) for action, actor in query_database(db, "SELECT action, actor FROM audit ORDER BY seq")]


def assert_refused(cli: Any, monkeypatch: pytest.MonkeyPatch, db: Path, user: str, *argv: str) -> str:
    """One line on stderr, exit 2, and the database as it was but for `login` + `authz-deny` by `user`."""
    before = snapshot_database(db)
    before_audit = audit_actions(db)
    result = run_as(cli, monkeypatch, db, user, *argv)
    assert result.status == 2, (result.out, result.err)
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith("vicman: "), result.err
    assert "Traceback" not in result.err and result.out == ""
    after = snapshot_database(db)
    assert audit_actions(db)[len(before_audit) :] == [("login", user), ("authz-deny", user)]
    assert {t for t in after if t != "audit" and after[t] != before[t]} == set()
    return result.err_lines[0]


def test_an_administrator_cannot_search_victims(cli, monkeypatch, db) -> None:
    line = assert_refused(cli, monkeypatch, db, "admin", "search", "Nowak")
    assert line == "vicman: You may not search victims by name, reference or phone here (your roles: administrator)."


def test_an_administrator_cannot_log_a_contact(cli, monkeypatch, db) -> None:
    """An administrator has no access to victims at all: the crime reads as one that does not exist."""
    line = assert_refused(cli, monkeypatch, db, "admin", *CONTACT)
    assert line == "vicman: no crime with reference CR-1001"


def test_an_officer_cannot_import_crimes_but_an_administrator_can(cli, monkeypatch, db, tmp_path) -> None:
    source = write_csv(tmp_path / "more.csv", [crime_row(crime_ref="CR-1003", victim_ref="V-4", oic_team="N1")])
    line = assert_refused(cli, monkeypatch, db, "p100", "import", "crimes", source)
    assert "may not import crimes" in line and "(your roles: officer)" in line
    done = run_as(cli, monkeypatch, db, "admin", "import", "crimes", source)
    assert done.status == 0, done.err


def test_an_officer_of_another_division_cannot_log_a_contact(cli, monkeypatch, db) -> None:
    # Another division's crime is not readable to them either: refused as if there were no such crime.
    assert assert_refused(cli, monkeypatch, db, "p200", *CONTACT) == "vicman: no crime with reference CR-1001"
    done = run_as(cli, monkeypatch, db, "p100", *CONTACT)  # the officer in the case can
    assert done.status == 0 and "as entry 1" in done.out, done.err


def test_a_supervisor_reads_the_force_but_writes_only_in_their_team(cli, monkeypatch, db) -> None:
    south = ("contact", "add", "CR-1002", "V-3", "--at", "2026-11-24T10:00", "--method", "phone", "--outcome",
             "informed")  # fmt: skip
    line = assert_refused(cli, monkeypatch, db, "sgt-n1", *south)
    assert line == (
        "vicman: You may not record a contact, event, referral, waiver, needs assessment or contract here "
        "(your roles: supervisor)."
    )


def test_a_supervisor_cannot_correct_an_officers_entry_but_the_officer_can(cli, monkeypatch, db) -> None:
    assert run_as(cli, monkeypatch, db, "p100", *CONTACT).status == 0
    correction = ("correct", "contact", "1", "--reason", "Nobody answered", "--outcome", "no_contact")
    line = assert_refused(cli, monkeypatch, db, "sgt-n1", *correction)
    assert line == (
        "vicman: Only the person who recorded an entry may correct it; this one was recorded by p100. "
        "Ask them to correct it."
    )
    done = run_as(cli, monkeypatch, db, "p100", *correction)
    assert done.status == 0, done.err


def test_the_bureau_sees_only_its_division(cli, monkeypatch, db) -> None:
    found = run_as(cli, monkeypatch, db, "bureau-n", "search", "V-", "--json")
    assert found.status == 0, found.err
    assert '"V-3"' not in found.out and '"V-1"' in found.out
    assert_refused(cli, monkeypatch, db, "bureau-n", "overdue", "--division", "South")
    assert run_as(cli, monkeypatch, db, "bureau-n", "overdue", "--division", "North").status == 0
    assert_refused(cli, monkeypatch, db, "bureau-n", "obligations", "--crime", "CR-1002")
