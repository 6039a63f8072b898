"""Migration 0005 chains a 0004 database's audit records and stamps its entries' digests; the result verifies.

The 0004 database is built by Alembic itself and filled with raw SQL as vicman 0004 stored its rows
(audit records without seq or hashes), then opened the ordinary way, which backs it up and migrates it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command

from tests.conftest import open_test_context
from vicman.services import audit_verify, entries
from vicman.store.engine import make_engine
from vicman.store.hashing import GENESIS
from vicman.store.migrate import _config

T = "2026-11-20 10:00:00.000000"
AUDIT_0004 = (
    # (ts, actor, workstation, action, object_type, object_id, detail), in the order 0004 wrote them
    (T, "import", "desk-1", "collect", "record", "crime:CR-1001", '{"source": "crimes.csv"}'),
    (T, "import", "desk-1", "collect", "record", "person:V-1", None),
    ("2026-11-20 11:00:00.000000", "pc-jones", "desk-2", "collect", "event", "1", '{"crime": "CR-1001"}'),
    ("2026-11-20 11:30:00", "pc-jones", "desk-2", "collect", "contact", "1", '{"outcome": "informed"}'),
    ("2026-11-20 11:31:00.000000", "pc-jones", "desk-2", "consult", "person", "V-1", '{"crimes": ["CR-1001"]}'),
    ("2026-11-20 11:29:00.000000", "pc-khan", "desk-3", "consult", "search", "Nowak", None),  # a slow clock
)


def make_0004_database(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0004")
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)
    try:
        connection.executescript(
            f"""
            INSERT INTO officer (id, staff_no, name, email, division, team, active, created_at)
                VALUES (1, 'P100', 'PC Jane Jones', 'jane.jones@police.example.uk', 'North', NULL, 1, '{T}');
            INSERT INTO crime (id, ref, ref_key, kind, offence, reported_at, division, oic_id, closed_at, version,
                               created_at, updated_at)
                VALUES (1, 'CR-1001', 'CR1001', 'crime', 'Theft of pedal cycle', '2026-11-16 10:00:00.000000',
                        'North', 1, NULL, 1, '{T}', '{T}');
            INSERT INTO person (id, ref, ref_key, name, surname_key, name_key, interpreter_needed, version,
                                created_at, updated_at)
                VALUES (1, 'V-1', 'V1', 'Anna Nowak', 'nowak', 'anna nowak', 0, 1, '{T}', '{T}');
            INSERT INTO crime_person (id, crime_id, person_id, role, enhanced_reasons, vs_opt_out, updates_opt_out,
                                      version, created_at)
                VALUES (1, 1, 1, 'victim', '', 0, 0, 1, '{T}');
            INSERT INTO event (id, crime_id, type, at, note, recorded_at, recorded_by, corrects_id, retracted)
                VALUES (1, 1, 'arrest', '2026-11-18 14:00:00.000000', 'Arrested at home',
                        '2026-11-20 11:00:00.000000', 'pc-jones', NULL, 0);
            INSERT INTO contact_entry (id, link_id, at, method, outcome, note, recorded_at, recorded_by, retracted)
                VALUES (1, 1, '2026-11-19 09:15:00', 'phone', 'informed', 'Told of the arrest – “good news”',
                        '2026-11-20 11:30:00', 'pc-jones', 0);
            """
        )
        connection.executemany(
            "INSERT INTO audit (ts, actor, workstation, action, object_type, object_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            AUDIT_0004,
        )
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def migrated(tmp_path: Path) -> Any:
    path = tmp_path / "old.sqlite3"
    make_0004_database(path)
    ctx = open_test_context(path)
    try:
        yield path, ctx
    finally:
        ctx.close()


def test_the_0004_database_is_as_0004_left_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    make_0004_database(path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
        assert "seq" not in columns and "hash" not in columns
        assert connection.execute("SELECT count(*) FROM audit").fetchone() == (len(AUDIT_0004),)
    finally:
        connection.close()


def test_the_migrated_trail_and_entries_verify(migrated: Any) -> None:
    path, ctx = migrated

    report = audit_verify.verify(ctx)

    assert report.ok, report.problems
    assert report.records == len(AUDIT_0004) and report.entries_checked == 2
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT seq, actor, object_type, object_id, entry_hash IS NOT NULL, prev_hash, hash FROM audit ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    assert [r[0] for r in rows] == list(range(1, len(AUDIT_0004) + 1))  # chained in the order written
    assert [(r[1], r[2], r[3]) for r in rows] == [(a[1], a[4], a[5]) for a in AUDIT_0004]
    assert [r[4] for r in rows] == [False, False, True, True, False, False]  # creating records of entries only
    assert rows[0][5] == GENESIS and all(rows[i][5] == rows[i - 1][6] for i in range(1, len(rows)))
    assert report.head == (rows[-1][0], rows[-1][6])


def test_the_trail_goes_on_after_the_migration_and_still_verifies(migrated: Any) -> None:
    _path, ctx = migrated
    anchor = audit_verify.checkpoint(ctx)
    entries.record_contact(ctx, "CR-1001", "V-1", datetime(2026, 11, 25, 10, 0, tzinfo=UTC), "visit", "informed")

    report = audit_verify.verify(ctx, anchor)

    assert report.ok, report.problems
    assert anchor.seq == len(AUDIT_0004) and report.records == len(AUDIT_0004) + 2 and report.entries_checked == 3


def test_a_migrated_entry_changed_afterwards_is_caught(migrated: Any) -> None:
    path, ctx = migrated
    connection = sqlite3.connect(path)
    try:
        connection.execute("DROP TRIGGER contact_entry_no_update")
        connection.execute("UPDATE contact_entry SET outcome = 'no_contact' WHERE id = 1")
        connection.commit()
    finally:
        connection.close()

    first = audit_verify.verify(ctx).first_problem
    assert first is not None and (first.kind, first.where, first.seq) == ("changed", "contact entry 1", 4)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit SET actor = 'someone-else' WHERE seq = 2", "DELETE FROM audit WHERE seq = 2"]
)
def test_the_audit_trail_is_still_append_only_after_the_migration(migrated: Any, statement: str) -> None:
    path, _ctx = migrated
    connection = sqlite3.connect(path)
    try:
        triggers = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"audit_no_update", "audit_no_delete"} <= triggers
        with pytest.raises(sqlite3.DatabaseError, match="audit is append-only"):
            connection.execute(statement)
        connection.rollback()
        assert connection.execute("SELECT actor FROM audit WHERE seq = 2").fetchone() == ("import",)
    finally:
        connection.close()


def test_the_database_is_backed_up_before_migrating(migrated: Any) -> None:
    path, _ctx = migrated
    backups = sorted(path.parent.glob(f"{path.name}.before-0004-*.bak"))
    assert len(backups) == 1
    connection = sqlite3.connect(backups[0])
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
        assert "hash" not in columns
        assert connection.execute("SELECT count(*) FROM audit").fetchone() == (len(AUDIT_0004),)
    finally:
        connection.close()
