"""Kill -9 in the middle of writing (RELIABILITY.md F1, issue 7 item 5): the database stays sound and every
operation is all or nothing.

The import is one transaction (vicman.services.importing: staged, checked, merged, committed once), so a killed
import leaves either every row or none, and running it again completes it. A contact is one transaction too: the
entry, its audit record and the duties it meets are there together or not at all.

The kill moments are not guessed with sleeps: the import is killed when its write-ahead log grows (the
transaction has started spilling pages, long before its commit); the contact writer is stopped at instrumented
points inside its transaction (after the entry is written, after its audit record, with its duties half
rebuilt, just before COMMIT) and killed there, and once while committing (WAL growth) and once running freely.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import open_test_context, snapshot_database, table_counts, write_csv
from tests.faults.fault_support import (
    Child,
    checkpoint,
    contact_writer,
    integrity_check,
    victim_refs,
    victims_csv_rows,
    wal_size,
)
from vicman.services import audit_verify, importing
from vicman.store.tables import AuditRow, ContactEntryRow, ObligationRow

pytestmark = pytest.mark.sqlite_only(reason="kill -9 against SQLite's own files (WAL recovery, integrity_check)")

IMPORT_ROWS = 2000
KILL_WHEN_WAL_HOLDS = (1, 500_000, 1_500_000)
"""Bytes of uncommitted log at which the import is killed: its first spilled page, then later and later."""
WATCH_DEADLINE = 120.0


@pytest.fixture
def big_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "big.csv", victims_csv_rows(IMPORT_ROWS, prefix="K"))


@pytest.fixture
def complete_import_counts(template_db: Path, big_csv: Path, tmp_path: Path) -> dict[str, int]:
    """Row counts after the same import, run to the end without interference: what "all" means."""
    from tests.conftest import copy_database

    reference = copy_database(template_db, tmp_path / "reference.sqlite3")
    ctx = open_test_context(reference)
    try:
        importing.import_crimes(ctx, big_csv)
    finally:
        ctx.close()
    return table_counts(reference)


def kill_import_when_the_log_grows(database: Path, source: Path, threshold: int) -> bool:
    """Run `vicman import crimes` on `database` and SIGKILL it once its WAL holds `threshold` bytes more.

    True if it was killed while running; False if it finished first (then the import is simply complete).
    """
    checkpoint(database)
    child = Child([sys.executable, "-m", "vicman", "--db", str(database), "import", "crimes", str(source)])
    deadline = time.monotonic() + WATCH_DEADLINE
    try:
        while child.process.poll() is None:
            if wal_size(database) >= threshold:
                child.process.send_signal(signal.SIGKILL)
                child.finish()
                return child.process.returncode == -signal.SIGKILL
            assert time.monotonic() < deadline, "the import neither wrote nor finished in time"
            time.sleep(0.002)  # polling interval, not a guess at when to kill
        return False
    finally:
        child.kill()


def test_an_import_killed_midway_leaves_all_rows_or_none_and_can_be_run_again(
    db_path: Path, big_csv: Path, complete_import_counts: dict[str, int], tmp_path: Path
) -> None:
    from tests.conftest import copy_database

    outcomes = []
    before = snapshot_database(db_path)
    for attempt, threshold in enumerate(KILL_WHEN_WAL_HOLDS):
        database = copy_database(db_path, tmp_path / f"attempt{attempt}.sqlite3")
        killed = kill_import_when_the_log_grows(database, big_csv, threshold)
        assert integrity_check(database) == "ok"
        counts = table_counts(database)
        if counts["crime"] == 0:
            assert snapshot_database(database) == before, "nothing of a killed import may remain"
            outcomes.append("none")
        else:
            assert counts == complete_import_counts, "a committed import is complete"
            outcomes.append("all")
        ctx = open_test_context(database)  # the app starts normally on the recovered file
        try:
            assert audit_verify.verify(ctx).ok
            if outcomes[-1] == "none" and "rerun" not in outcomes:
                importing.import_crimes(ctx, big_csv)  # and running the import again completes it
                assert table_counts(database) == complete_import_counts
                outcomes.append("rerun")
        finally:
            ctx.close()
        assert killed or outcomes[-1] == "all"
    assert "none" in outcomes and "rerun" in outcomes, f"no attempt was killed before its commit: {outcomes}"


# --- recording contacts --------------------------------------------------------------------------------------


VICTIMS = 30


@pytest.fixture
def contact_db(db_path: Path, tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    rows = victims_csv_rows(VICTIMS, prefix="C")
    ctx = open_test_context(db_path)
    try:
        importing.import_crimes(ctx, write_csv(tmp_path / "victims.csv", rows))
    finally:
        ctx.close()
    return db_path, victim_refs(rows)


def contacts_by_victim(database: Path) -> dict[str, list[int]]:
    with closing(sqlite3.connect(database)) as connection:
        found: dict[str, list[int]] = {}
        for victim, entry in connection.execute(
            "SELECT p.ref, c.id FROM contact_entry c JOIN crime_person l ON l.id = c.link_id "
            "JOIN person p ON p.id = l.person_id ORDER BY c.id"
        ):
            found.setdefault(victim, []).append(entry)
        return found


def assert_every_contact_is_whole(database: Path) -> None:
    """Each contact entry has exactly one audit record, meets its victim's update, and nothing points at a ghost."""
    ctx = open_test_context(database)
    try:
        with ctx.db.read() as session:
            entries = set(session.scalars(select(ContactEntryRow.id)))
            audited = list(
                session.scalars(
                    select(AuditRow.object_id).where(AuditRow.object_type == "contact", AuditRow.action == "collect")
                )
            )
            met = {
                row.met_by_id: row.key
                for row in session.scalars(select(ObligationRow).where(ObligationRow.met_by_kind == "contact"))
            }
            pending_updates = session.scalar(
                select(func.count())
                .select_from(ObligationRow)
                .where(ObligationRow.key == "update:1", ObligationRow.state == "pending")
            )
        assert sorted(int(a) for a in audited) == sorted(entries), "one audit record per entry, none for a ghost"
        assert set(met) == entries, "every entry met its victim's update, and no duty is met by a ghost"
        assert set(met.values()) == {"update:1"} or not met
        assert pending_updates == VICTIMS - len(entries)
        assert audit_verify.verify(ctx).ok
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("pause_at", "pause_on"),
    [("INSERT INTO contact_entry", 1), ("INSERT INTO audit", 2), ("DELETE FROM obligation", 2), ("commit", 3)],
    ids=["after-the-entry", "after-the-audit-record", "duties-half-rebuilt", "before-commit"],
)
def test_a_contact_killed_inside_its_transaction_leaves_nothing(
    contact_db: tuple[Path, list[tuple[str, str]]], pause_at: str, pause_on: int
) -> None:
    database, victims = contact_db
    with contact_writer(database, victims, "--pause-at", pause_at, "--pause-on", str(pause_on)) as writer:
        paused = writer.wait_for("paused")
        writer.kill()
    recorded = [line.split() for line in writer.seen if line.startswith("recorded")]
    assert len(recorded) == pause_on - 1
    assert integrity_check(database) == "ok"
    stored = contacts_by_victim(database)
    assert sorted(stored) == sorted(victim for _, _, victim, _ in recorded)
    assert paused.split()[2] not in stored
    assert_every_contact_is_whole(database)


def test_contacts_killed_while_committing_and_while_running_are_each_whole(
    contact_db: tuple[Path, list[tuple[str, str]]],
) -> None:
    database, victims = contact_db
    # While committing: the first growth of the log after a few contacts is the next one's commit (a small
    # transaction writes its pages only when it commits).
    with contact_writer(database, victims) as writer:
        for _ in range(3):
            writer.wait_for("recorded")
        size = wal_size(database)
        deadline = time.monotonic() + WATCH_DEADLINE
        while wal_size(database) == size and writer.process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.0005)
        writer.kill()
    assert integrity_check(database) == "ok"
    assert_every_contact_is_whole(database)
    first_round = contacts_by_victim(database)
    assert len(first_round) >= 3
    # Running freely: killed as soon as a few more have been reported, whatever it is doing then.
    remaining = [v for v in victims if v[1] not in first_round]
    with contact_writer(database, remaining) as writer:
        for _ in range(4):
            writer.wait_for("recorded")
        writer.kill()
    assert integrity_check(database) == "ok"
    assert_every_contact_is_whole(database)
    reported = {line.split()[2] for line in writer.seen if line.startswith("recorded")}
    assert reported <= set(contacts_by_victim(database))
    assert all(len(ids) == 1 for ids in contacts_by_victim(database).values())
