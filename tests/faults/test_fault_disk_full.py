"""A full disk (RELIABILITY.md F3, issue 7 item 5): a clear error, nothing partial, and the app keeps running.

The disk is "filled" with SQLite's `PRAGMA max_page_count`, set on every connection of the context through
`Database.add_connection_hook` (a test hook; the application never limits the size of its database): SQLite then
fails a write that needs more pages exactly as it fails one on a full disk (SQLITE_FULL).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXED_NOW, snapshot_database, write_csv
from tests.faults.fault_support import integrity_check, victims_csv_rows
from vicman.services import audit_verify, entries, importing, records
from vicman.store import StoreUnavailable

pytestmark = pytest.mark.sqlite_only(reason="fills the database with SQLite's max_page_count")

CONTACT_AT = FIXED_NOW - timedelta(hours=2)
LARGE_NOTE = "The victim described the events at length. " * 4000  # ~176,000 characters: dozens of pages


def fill_the_disk(ctx: Any, path: Path) -> None:
    """From now on the database may not grow by a single page."""
    with closing(sqlite3.connect(path)) as connection:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    ctx.db.add_connection_hook(lambda connection: connection.execute(f"PRAGMA max_page_count={pages}"))


def free_the_disk(ctx: Any) -> None:
    ctx.db.add_connection_hook(lambda connection: connection.execute("PRAGMA max_page_count=1073741823"))


def test_a_contact_with_a_large_note_on_a_full_disk_fails_clearly_and_leaves_nothing(seeded_ctx, seeded_db) -> None:
    assert len(LARGE_NOTE) <= entries.MAX_NOTE_CHARS
    fill_the_disk(seeded_ctx, seeded_db)
    before = snapshot_database(seeded_db)
    with pytest.raises(StoreUnavailable) as refused:
        entries.record_contact(seeded_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note=LARGE_NOTE)
    assert str(refused.value) == (
        "The disk holding the database is full; nothing was saved. Free some space, then try again."
    )
    assert snapshot_database(seeded_db) == before
    assert integrity_check(seeded_db) == "ok"
    # The app keeps running: the same context still reads, and writes once there is room again.
    record = records.open_victim_record(seeded_ctx, "V-1")
    assert record.name == "Anna Nowak"
    free_the_disk(seeded_ctx)
    entries.record_contact(seeded_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note=LARGE_NOTE)
    assert audit_verify.verify(seeded_ctx).ok


def test_an_import_on_a_full_disk_fails_clearly_and_leaves_nothing(seeded_ctx, seeded_db, tmp_path) -> None:
    source = write_csv(tmp_path / "more.csv", victims_csv_rows(300, prefix="D"))
    fill_the_disk(seeded_ctx, seeded_db)
    before = snapshot_database(seeded_db)
    with pytest.raises(StoreUnavailable, match="disk holding the database is full"):
        importing.import_crimes(seeded_ctx, source)
    assert snapshot_database(seeded_db) == before
    assert integrity_check(seeded_db) == "ok"
    free_the_disk(seeded_ctx)
    assert importing.import_crimes(seeded_ctx, source).crimes_created == 300
    assert audit_verify.verify(seeded_ctx).ok


def test_the_command_line_reports_a_full_disk_in_one_line(seeded_db: Path, cli, monkeypatch) -> None:
    """Through `vicman contact add`: one line on stderr, exit status 2, no traceback."""
    import vicman.cli.main as cli_main

    opened = cli_main.open_context

    def open_on_a_full_disk(db: str | None = None, **kwargs: Any) -> Any:
        ctx = opened(db, **kwargs)
        fill_the_disk(ctx, seeded_db)
        return ctx

    monkeypatch.setattr(cli_main, "open_context", open_on_a_full_disk)
    before = snapshot_database(seeded_db)
    result = cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-25 10:00",
                 "--method", "phone", "--outcome", "informed", "--note", LARGE_NOTE)  # fmt: skip
    assert result.status == 2
    assert result.err_lines == [
        "vicman: The disk holding the database is full; nothing was saved. Free some space, then try again."
    ]
    assert snapshot_database(seeded_db) == before
