"""A PostgreSQL database whose writer's turn is held by another desktop (issue 7 item 5): a write waits a
bounded time for its turn, then fails with the same plain "busy" message as on SQLite and saves nothing;
retried once the turn is free, it is stored exactly once.
"""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from tests.conftest import FIXED_NOW, open_test_context, query_database, snapshot_database
from vicman.services import entries
from vicman.store import StoreUnavailable
from vicman.store.audit_chain import ADVISORY_LOCK_KEY
from vicman.store.engine import POSTGRES_WRITER_WAIT_MS, WRITER_WAIT_VARIABLE, postgres_writer_wait_ms

pytestmark = pytest.mark.postgresql_only(reason="PostgreSQL writers queue on an advisory lock (SQLite: the file lock)")

CONTACT_AT = FIXED_NOW - timedelta(hours=2)


def contacts_of(database, victim_ref: str) -> int:
    return query_database(
        database,
        "SELECT count(*) FROM contact_entry c JOIN crime_person l ON l.id = c.link_id "
        "JOIN person p ON p.id = l.person_id WHERE p.ref = ?",
        victim_ref,
    )[0][0]


def test_a_write_waits_its_turn_then_says_busy_and_the_retry_stores_one_copy(seeded_db, monkeypatch) -> None:
    monkeypatch.setenv(WRITER_WAIT_VARIABLE, "300")
    ctx = open_test_context(seeded_db)
    try:
        before = snapshot_database(seeded_db)
        with psycopg.connect(seeded_db.conninfo) as other_desktop:  # a transaction that keeps the turn
            other_desktop.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
            with pytest.raises(StoreUnavailable) as refused:
                entries.record_contact(ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note="Told them.")
            message = str(refused.value)
            assert "busy" in message and "nothing was saved" in message and "try again" in message.lower()
            assert snapshot_database(seeded_db) == before
            other_desktop.rollback()
        entries.record_contact(ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note="Told them.")
        assert contacts_of(seeded_db, "V-1") == 1
    finally:
        ctx.close()


def test_the_writer_wait_is_thirty_seconds_unless_configured(monkeypatch) -> None:
    monkeypatch.delenv(WRITER_WAIT_VARIABLE, raising=False)
    assert postgres_writer_wait_ms() == POSTGRES_WRITER_WAIT_MS == 30_000
    monkeypatch.setenv(WRITER_WAIT_VARIABLE, "1500")
    assert postgres_writer_wait_ms() == 1500
    monkeypatch.setenv(WRITER_WAIT_VARIABLE, "soon")
    with pytest.raises(StoreUnavailable, match="whole number of milliseconds"):
        postgres_writer_wait_ms()
