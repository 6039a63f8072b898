"""The command line in general (DESIGN.md section 5): help, --db, VICMAN_DB, usage errors, refused databases.

Most cases run `vicman.cli.main.main` in-process (the `cli` fixture); a few run `python -m vicman`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import copy_database, query_database, snapshot_database
from vicman.cli.main import build_parser


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand path the parser knows (walking its subparsers)."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.extend(command_paths(sub, (*prefix, name)))
    return paths


SPEC_COMMANDS = {(), ("demo",), ("import",), ("import", "crimes"), ("event",), ("event", "add"), ("contact",),
                 ("contact", "add"), ("referral",), ("referral", "add"), ("obligations",), ("waive",), ("correct",),
                 ("overdue",), ("search",)}


def test_the_parser_has_every_command_in_the_contract():
    assert SPEC_COMMANDS <= set(command_paths(build_parser()))


@pytest.mark.parametrize("path", command_paths(build_parser()), ids=lambda p: " ".join(p) or "vicman")
def test_help_works_for_every_command(cli, path):
    result = cli(*path, "--help")
    assert result.status == 0, result.err
    assert "usage:" in result.out
    assert result.err == ""


def test_version(cli):
    result = cli("--version")
    assert result.status == 0
    assert result.out.startswith("vicman ")


# --- usage errors: exit 2, one line on stderr ----------------------------------------------------

USAGE_ERRORS = {
    "unknown-command": ["frobnicate"],
    "import-without-kind": ["import"],
    "import-unknown-kind": ["import", "officers", "x.csv"],
    "import-without-file": ["import", "crimes"],
    "event-without-at": ["event", "add", "CR-1001", "arrest"],
    "event-unknown-type": ["event", "add", "CR-1001", "kidnapped-by-aliens", "--at", "2026-11-18T14:00"],
    "event-bad-at": ["event", "add", "CR-1001", "arrest", "--at", "yesterday"],
    "event-impossible-at": ["event", "add", "CR-1001", "arrest", "--at", "2026-02-30T10:00"],
    "contact-without-method": ["contact", "add", "CR-1001", "V-1", "--at", "2026-11-18", "--outcome", "informed"],
    "contact-unknown-method": ["contact", "add", "CR-1001", "V-1", "--at", "2026-11-18", "--method", "fax",
                               "--outcome", "informed"],
    "contact-unknown-outcome": ["contact", "add", "CR-1001", "V-1", "--at", "2026-11-18", "--method", "phone",
                                "--outcome", "shrug"],
    "contact-missing-victim": ["contact", "add", "CR-1001", "--at", "2026-11-18", "--method", "phone",
                               "--outcome", "informed"],
    "referral-without-at": ["referral", "add", "CR-1001", "V-1"],
    "waive-without-reason": ["waive", "CR-1001", "V-1", "vs_referral"],
    "correct-bad-kind": ["correct", "phonecall", "1", "--reason", "x", "--retract"],
    "correct-bad-id": ["correct", "contact", "one", "--reason", "x", "--retract"],
    "correct-nothing-to-correct": ["correct", "contact", "1", "--reason", "typo"],
    "obligations-bad-as-of": ["obligations", "--as-of", "26/13/2026"],
    "obligations-impossible-as-of": ["obligations", "--as-of", "2026-02-30"],
    "overdue-without-scope": ["overdue"],
    "overdue-both-scopes": ["overdue", "--division", "North", "--officer", "P100"],
    "search-without-text": ["search"],
    "unknown-option": ["obligations", "--as-of", "2026-11-26", "--colour"],
}


@pytest.mark.parametrize("argv", list(USAGE_ERRORS.values()), ids=list(USAGE_ERRORS))
def test_bad_usage_exits_2_with_one_line_on_stderr(cli, seeded_db, snapshot, argv):
    before = snapshot(seeded_db)
    result = cli("--db", seeded_db, *argv)
    assert result.status == 2
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith("vicman: ")
    assert result.out == ""
    assert snapshot(seeded_db) == before


def test_bad_usage_through_a_subprocess(vicman_subprocess, seeded_db):
    result = vicman_subprocess("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "not-a-time")
    assert result.status == 2
    assert len(result.err_lines) == 1 and "--at" in result.err
    assert "Traceback" not in result.err


# --- choosing the database ------------------------------------------------------------------------


def _crime_refs(result) -> set[str]:
    assert result.status == 0, result.err
    return {item["crime_ref"] for item in json.loads(result.out)}


def test_db_accepts_a_path(cli, seeded_db):
    assert _crime_refs(cli("--db", seeded_db, "obligations", "--as-of", "2026-11-26", "--json")) == {
        "CR-1001", "CR-1002"}


@pytest.mark.sqlite_only(reason="an sqlite:/// URL names an SQLite file; the PostgreSQL half passes its URL in "
                         "every test")
def test_db_accepts_a_sqlite_url(cli, seeded_db):
    url = f"sqlite:///{seeded_db}"
    assert _crime_refs(cli("--db", url, "obligations", "--as-of", "2026-11-26", "--json")) == {"CR-1001", "CR-1002"}


@pytest.mark.sqlite_only(reason="a relative path is a file path (SQLite)")
def test_db_accepts_a_relative_path(cli, seeded_db, monkeypatch):
    monkeypatch.chdir(seeded_db.parent)
    assert _crime_refs(cli("--db", seeded_db.name, "obligations", "--as-of", "2026-11-26", "--json")) == {
        "CR-1001", "CR-1002"}


def test_db_may_follow_the_command(cli, seeded_db):
    assert _crime_refs(cli("obligations", "--db", seeded_db, "--as-of", "2026-11-26", "--json")) == {
        "CR-1001", "CR-1002"}


def test_vicman_db_environment_variable_is_the_default(cli, seeded_db, monkeypatch):
    monkeypatch.setenv("VICMAN_DB", str(seeded_db))
    assert _crime_refs(cli("obligations", "--as-of", "2026-11-26", "--json")) == {"CR-1001", "CR-1002"}


def test_db_option_overrides_vicman_db(cli, seeded_db, tmp_path, monkeypatch):
    other = tmp_path / "other.sqlite3"
    monkeypatch.setenv("VICMAN_DB", str(other))
    assert _crime_refs(cli("--db", seeded_db, "obligations", "--as-of", "2026-11-26", "--json")) == {
        "CR-1001", "CR-1002"}
    assert not other.exists()


def test_vicman_db_through_a_subprocess(vicman_subprocess, seeded_db):
    result = vicman_subprocess("obligations", "--as-of", "2026-11-26", "--crime", "CR-1002", "--json",
                               env={"VICMAN_DB": str(seeded_db) if "://" in str(seeded_db) else f"sqlite:///{seeded_db}"})
    assert _crime_refs(result) == {"CR-1002"}


def test_a_new_database_file_is_created(cli, tmp_path):
    path = tmp_path / "fresh.sqlite3"
    result = cli("--db", path, "obligations", "--as-of", "2026-11-26", "--json")
    assert result.status == 0, result.err
    assert json.loads(result.out) == []
    assert path.exists()


def test_a_database_in_a_missing_folder_is_one_clear_line(cli, tmp_path):
    result = cli("--db", tmp_path / "missing" / "db.sqlite3", "obligations", "--as-of", "2026-11-26")
    assert result.status == 2
    assert len(result.err_lines) == 1 and "folder" in result.err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_from_a_newer_vicman_is_refused_in_one_line_and_unchanged(cli, template_db, tmp_path):
    database = copy_database(template_db, tmp_path / "newer.sqlite3")
    query_database(database, "UPDATE alembic_version SET version_num = '9999'")
    before = snapshot_database(database) if "://" in str(database) else _digest(database)
    result = cli("--db", database, "obligations", "--as-of", "2026-11-26")
    assert result.status == 2
    assert len(result.err_lines) == 1 and "newer" in result.err
    assert (snapshot_database(database) if "://" in str(database) else _digest(database)) == before


def test_a_non_vicman_sqlite_file_is_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "recipes.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.commit()
    connection.close()
    result = cli("--db", path, "import", "crimes", tmp_path / "whatever.csv")
    assert result.status == 2
    assert len(result.err_lines) == 1 and "vicman database" in result.err
    connection = sqlite3.connect(path)
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    connection.close()
    assert tables == ["recipes"]


def test_a_file_that_is_not_a_database_is_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100, encoding="utf-8")
    before = _digest(path)
    try:
        result = cli("--db", path, "obligations", "--as-of", "2026-11-26")
        assert result.status == 2
        assert len(result.err_lines) == 1
    finally:
        assert _digest(path) == before
