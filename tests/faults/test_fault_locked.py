"""A database held locked by another program (RELIABILITY.md F4, issue 7 item 5): a write waits a bounded time,
then fails with a clear message and nothing partial; retried after the lock is gone, it is stored exactly once.

The wait is vicman's busy timeout (5 s by default); these tests shorten it, through the connection hook or
$VICMAN_SQLITE_BUSY_TIMEOUT_MS, to keep the suite quick.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXED_NOW, snapshot_database, write_csv
from tests.faults.fault_support import release, victims_csv_rows, write_lock_held
from vicman.services import entries, importing
from vicman.store import StoreUnavailable
from vicman.store.engine import BUSY_TIMEOUT_VARIABLE, SQLITE_BUSY_TIMEOUT_MS, Database, sqlite_busy_timeout_ms

pytestmark = pytest.mark.sqlite_only(reason="SQLite's file lock and busy timeout (PostgreSQL has row locks)")

SHORT_WAIT_MS = 300
CONTACT_AT = FIXED_NOW - timedelta(hours=2)


def shorten_busy_wait(ctx: Any, milliseconds: int = SHORT_WAIT_MS) -> None:
    ctx.db.add_connection_hook(lambda connection: connection.execute(f"PRAGMA busy_timeout={milliseconds}"))


def busy_timeout(ctx: Any) -> int:
    with ctx.db.read() as session:
        return int(session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar_one())


def contacts_of(path: Path, victim_ref: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT count(*) FROM contact_entry c JOIN crime_person l ON l.id = c.link_id "
            "JOIN person p ON p.id = l.person_id WHERE p.ref = ?",
            (victim_ref,),
        ).fetchone()[0]


@pytest.mark.parametrize("mode", ["EXCLUSIVE", "IMMEDIATE"])
def test_a_write_waits_then_says_busy_and_a_retry_after_the_lock_stores_one_copy(seeded_ctx, seeded_db, mode) -> None:
    shorten_busy_wait(seeded_ctx)
    assert busy_timeout(seeded_ctx) == SHORT_WAIT_MS
    before = snapshot_database(seeded_db)
    with write_lock_held(seeded_db, mode) as holder:
        with pytest.raises(StoreUnavailable) as refused:
            entries.record_contact(seeded_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note="Told them.")
        message = str(refused.value)
        assert "busy" in message and "try again" in message.lower() and "nothing was saved" in message
        assert snapshot_database(seeded_db) == before
        # Reading is not blocked by a writer (WAL): what the log-contact dialog reads still comes. (A search is
        # a write too, as it audits the consultation, so it waits and fails like this contact.)
        assert [d.key for d in entries.duties_a_contact_meets(seeded_ctx, "CR-1001", "V-1", CONTACT_AT)]
        release(holder)
    recorded = entries.record_contact(seeded_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note="Told them.")
    assert recorded.kind == "contact"
    assert contacts_of(seeded_db, "V-1") == 1


def test_an_import_into_a_locked_database_changes_nothing_and_succeeds_afterwards(seeded_ctx, seeded_db, tmp_path):
    shorten_busy_wait(seeded_ctx)
    source = write_csv(tmp_path / "more.csv", victims_csv_rows(20, prefix="L"))
    before = snapshot_database(seeded_db)
    with write_lock_held(seeded_db) as holder:
        with pytest.raises(StoreUnavailable, match="busy"):
            importing.import_crimes(seeded_ctx, source)
        assert snapshot_database(seeded_db) == before
        release(holder)
    assert importing.import_crimes(seeded_ctx, source).crimes_created == 20


def test_the_command_line_says_busy_in_one_line_and_the_retry_stores_one_copy(seeded_db, vicman_subprocess):
    command = ("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-25 10:00",
               "--method", "phone", "--outcome", "informed")  # fmt: skip
    short = {BUSY_TIMEOUT_VARIABLE: str(SHORT_WAIT_MS)}
    with write_lock_held(seeded_db) as holder:
        refused = vicman_subprocess(*command, env=short, timeout=60)
        assert refused.status == 2
        assert refused.err_lines == [
            "vicman: The database is busy: another program has been writing to it for too long, so nothing was "
            "saved. Try again in a moment."
        ]
        release(holder)
    stored = vicman_subprocess(*command, env=short, timeout=60)
    assert stored.status == 0, stored.err
    assert contacts_of(seeded_db, "V-1") == 1


def test_the_busy_wait_is_five_seconds_unless_configured(seeded_ctx, monkeypatch, tmp_path) -> None:
    assert busy_timeout(seeded_ctx) == SQLITE_BUSY_TIMEOUT_MS == 5000
    monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, "1500")
    assert sqlite_busy_timeout_ms() == 1500
    database = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        with database.read() as session:
            assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 1500
    finally:
        database.dispose()
    monkeypatch.setenv(BUSY_TIMEOUT_VARIABLE, "soon")
    with pytest.raises(StoreUnavailable, match="whole number of milliseconds"):
        sqlite_busy_timeout_ms()


def test_the_lock_holder_really_holds_the_lock(seeded_db) -> None:
    """The helper's own check: while it holds the lock, a plain sqlite3 writer times out too."""
    with write_lock_held(seeded_db) as holder:
        with closing(sqlite3.connect(seeded_db, timeout=0.1, isolation_level=None)) as other:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        release(holder)
    assert holder.process.returncode == 0, sys.stderr
