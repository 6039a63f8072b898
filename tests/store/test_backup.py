"""`vicman backup FILE` (issue 7 item 6, RELIABILITY.md F6): taken while another desktop keeps recording contacts,
the copy restores (SQLite: opens; PostgreSQL: pg_restore into a new database), passes its integrity check and
`audit verify`; the backup is an administrator's, audited as a disclosure to the file, and never half-written.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import open_test_context, write_csv
from tests.faults.fault_support import contact_writer, integrity_check, victim_refs, victims_csv_rows
from vicman.services import audit_verify, backup, importing
from vicman.services.context import Actor
from vicman.services.permissions import NotPermitted
from vicman.store import backup as store_backup
from vicman.store.tables import AuditRow, ContactEntryRow

VICTIMS = 20


@pytest.fixture
def busy_db(db_path: Any, tmp_path: Path) -> tuple[Any, list[tuple[str, str]]]:
    rows = victims_csv_rows(VICTIMS, prefix="B")
    ctx = open_test_context(db_path)
    try:
        importing.import_crimes(ctx, write_csv(tmp_path / "victims.csv", rows))
    finally:
        ctx.close()
    return db_path, victim_refs(rows)


def contact_count(ctx: Any) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ContactEntryRow)) or 0)


def restore(backend: Any, taken: Path, tmp_path: Path) -> Any:
    """What docs/backup.md tells an administrator to do: a database to open, made from the backup."""
    if not backend.is_postgresql:
        restored = tmp_path / "restored.sqlite3"
        shutil.copyfile(taken, restored)
        assert integrity_check(restored) == "ok"
        return restored
    restored = backend.server.create(tmp_path / "restored")
    pg_restore = store_backup.find_pg_dump().with_name("pg_restore")  # type: ignore[union-attr]
    finished = subprocess.run(
        [str(pg_restore), "--no-owner", "--exit-on-error", f"--dbname={restored.conninfo}", str(taken)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    return restored


def test_a_backup_taken_while_another_desktop_records_contacts_restores_and_verifies(
    backend, busy_db, tmp_path: Path
) -> None:
    database, victims = busy_db
    target = tmp_path / "backup.vicman"
    ctx = open_test_context(database)
    try:
        with contact_writer(database, victims) as writer:
            for _ in range(3):
                writer.wait_for("recorded")
            taken = backup.back_up(ctx, target)
            for _ in range(3):  # the writer was not held up: it keeps recording after the backup
                writer.wait_for("recorded")
        assert not [line for line in writer.seen if line.startswith("unavailable")]
        with ctx.db.read() as session:
            disclosure = session.scalars(select(AuditRow).where(AuditRow.action == "disclose")).one()
        assert (disclosure.object_type, disclosure.recipients) == ("database", str(target))
        assert taken.file == str(target) and taken.bytes == target.stat().st_size > 0
        assert taken.format == (backup.PG_DUMP_FORMAT if backend.is_postgresql else backup.SQLITE_FORMAT)
        after = contact_count(ctx)
    finally:
        ctx.close()

    restored = open_test_context(restore(backend, target, tmp_path))
    try:
        report = audit_verify.verify(restored)
        assert report.ok, report.first_problem
        in_backup = contact_count(restored)
        assert 3 <= in_backup < after  # a snapshot from the middle of the writing
        assert report.entries_checked >= in_backup  # every contact in it matches its audit record
    finally:
        restored.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_an_existing_file_is_replaced_only_with_force(ctx, tmp_path: Path, cli, db_path) -> None:
    target = tmp_path / "backup.vicman"
    target.write_text("an older backup")
    refused = cli("--db", db_path, "backup", target)
    assert refused.status == 2
    assert refused.err_lines == [f"vicman: {target} already exists; it was left as it is. Use --force to replace it."]
    assert target.read_text() == "an older backup"
    replaced = cli("--db", db_path, "backup", target, "--force")
    assert replaced.status == 0, replaced.err
    assert replaced.out.startswith(f"Backed up {ctx.db.location} to {target} (")
    assert target.stat().st_size > len("an older backup")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_only_administrators_may_take_a_backup_and_a_refusal_is_audited(ctx, tmp_path: Path) -> None:
    target = tmp_path / "backup.vicman"
    ctx.actor = Actor("pc-officer", "test-host", roles=frozenset({"officer", "supervisor"}))
    with pytest.raises(NotPermitted):
        backup.back_up(ctx, target)
    assert not target.exists()
    with ctx.db.read() as session:
        denied = session.scalars(select(AuditRow).where(AuditRow.action == "authz-deny")).one()
    assert (denied.actor, denied.object_type) == ("pc-officer", "database")


def test_a_missing_folder_is_a_clear_error(ctx, tmp_path: Path) -> None:
    with pytest.raises(store_backup.BackupFailed, match="The folder for the backup does not exist"):
        backup.back_up(ctx, tmp_path / "no-such-folder" / "backup.vicman")


@pytest.mark.sqlite_only(reason="only an SQLite database is a file that a backup could be written over")
def test_the_database_file_itself_is_never_the_target(ctx, db_path: Path) -> None:
    for target in (db_path, Path(f"{db_path}-wal")):
        with pytest.raises(store_backup.BackupFailed, match="is the database itself"):
            backup.back_up(ctx, target, force=True)
    assert integrity_check(db_path) == "ok"


@pytest.mark.sqlite_only(reason="the SQLite copy's own format: one self-contained file")
def test_an_sqlite_backup_is_one_self_contained_file(ctx, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    backup.back_up(ctx, target)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("backup")) == ["backup.sqlite3"]
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.postgresql_only(reason="pg_dump is PostgreSQL's")
def test_without_pg_dump_the_error_says_what_to_install(ctx, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(store_backup.PG_DUMP_VARIABLE, str(tmp_path / "no-pg_dump-here"))
    target = tmp_path / "backup.vicman"
    with pytest.raises(store_backup.BackupFailed, match="pg_dump, PostgreSQL's backup program, was not found"):
        backup.back_up(ctx, target)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_pg_dump_gets_the_password_from_the_environment_never_the_command_line(tmp_path: Path) -> None:
    url = "postgresql+psycopg://vicman_app:s3cret%20pw@db.police.example:6543/vicman?sslmode=verify-full"
    assert store_backup.libpq_environment(url) == {
        "PGHOST": "db.police.example",
        "PGPORT": "6543",
        "PGUSER": "vicman_app",
        "PGPASSWORD": "s3cret pw",
        "PGDATABASE": "vicman",
        "PGSSLMODE": "verify-full",
    }
    program = store_backup.find_pg_dump()
    if program is None:
        pytest.skip("pg_dump is not installed here")
    # A real run against a closed port: it fails, and says so without the password.
    closed = "postgresql+psycopg://vicman_app:s3cret@127.0.0.1:9/vicman?connect_timeout=2"
    with pytest.raises(store_backup.BackupFailed) as failed:
        store_backup.dump_postgresql(closed, tmp_path / "x.partial", pg_dump=program)
    assert str(failed.value).startswith("pg_dump failed: ") and "s3cret" not in str(failed.value)
    assert os.environ.get("PGPASSWORD") is None or "s3cret" not in os.environ["PGPASSWORD"]


@pytest.mark.sqlite_only(reason="the steps of SQLite's backup API")
def test_a_copy_made_in_many_small_steps_under_writes_is_one_consistent_snapshot(busy_db, tmp_path: Path) -> None:
    """A step at a time with pauses between (writers get the disk), yet never restarted by their writes: the
    source holds its read snapshot for the whole copy (WAL lets the writer go on meanwhile)."""
    database, victims = busy_db
    ctx = open_test_context(database)
    staged = tmp_path / "copy.sqlite3"
    steps: list[tuple[int, int]] = []
    try:
        with contact_writer(database, victims) as writer:
            writer.wait_for("recorded")

            def step(copied: int, total: int) -> None:
                steps.append((copied, total))
                if len(steps) == 2:  # a contact is written (and committed) in the middle of the copy
                    writer.wait_for("recorded")

            store_backup.copy_sqlite(ctx.db.engine, staged, pages_per_step=4, pause=0, progress=step)
    finally:
        ctx.close()
    assert len(steps) > 10
    assert [copied for copied, _ in steps] == sorted(copied for copied, _ in steps)  # never started again
    assert integrity_check(staged) == "ok"
    restored = open_test_context(staged)
    try:
        assert audit_verify.verify(restored).ok
    finally:
        restored.close()
