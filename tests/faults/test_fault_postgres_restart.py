"""PostgreSQL restarted mid-session (RELIABILITY.md F4, issue 7 item 5): a call during the outage fails with a
clear message, not a traceback; once the server is back the same context works again without reopening; a write
cut off by the restart is all or nothing.

Runs on a private cluster of its own (tests/faults/pg_cluster.py): the suite's shared server must not be
restarted under the other tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from tests.conftest import FIXED_NOW, SEED_ROWS, crime_row, open_test_context, snapshot_database, write_csv
from tests.faults import pg_cluster
from vicman.services import audit_verify, entries, importing, records
from vicman.store import StoreUnavailable
from vicman.store.tables import ContactEntryRow

CONTACT_AT = FIXED_NOW - timedelta(hours=2)
UNREACHABLE = "Cannot reach the database server"


@pytest.fixture(scope="module")
def cluster() -> Iterator[pg_cluster.PrivateCluster]:
    reason = pg_cluster.why_not_available()
    if reason is not None:
        if pg_cluster.must_run():
            pytest.fail(f"{reason}; the PostgreSQL restart tests need one", pytrace=False)
        pytest.skip(f"{reason} (install Debian's postgresql package, or run `make test`, which does)")
    made = pg_cluster.PrivateCluster()
    try:
        yield made
    finally:
        made.destroy()


@pytest.fixture
def pg_ctx(cluster: pg_cluster.PrivateCluster, tmp_path: Path) -> Iterator[Any]:
    url = cluster.create_database(f"fault_{uuid.uuid4().hex[:12]}")
    ctx = open_test_context(url)
    try:
        importing.import_crimes(ctx, write_csv(tmp_path / "seed.csv", [crime_row(**row) for row in SEED_ROWS]))
        yield ctx
    finally:
        ctx.close()


def contacts(ctx: Any) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ContactEntryRow)) or 0)


def test_calls_during_an_outage_fail_clearly_and_the_same_context_recovers(cluster, pg_ctx) -> None:
    assert records.open_victim_record(pg_ctx, "V-1").name == "Anna Nowak"
    cluster.stop()
    try:
        with pytest.raises(StoreUnavailable, match=UNREACHABLE) as read_refused:
            entries.duties_a_contact_meets(pg_ctx, "CR-1001", "V-1", CONTACT_AT)
        assert "try again" in str(read_refused.value).lower()
        with pytest.raises(StoreUnavailable, match=UNREACHABLE):
            records.open_victim_record(pg_ctx, "V-1")
        with pytest.raises(StoreUnavailable, match=UNREACHABLE):
            entries.record_contact(pg_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed")
    finally:
        cluster.start()
    # The same context, not reopened: stale pooled connections are noticed (pool_pre_ping) and replaced.
    assert [d.key for d in entries.duties_a_contact_meets(pg_ctx, "CR-1001", "V-1", CONTACT_AT)]
    assert records.open_victim_record(pg_ctx, "V-1").name == "Anna Nowak"
    entries.record_contact(pg_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed")
    assert contacts(pg_ctx) == 1
    assert audit_verify.verify(pg_ctx).ok


@pytest.mark.parametrize("cut_after", ["INSERT INTO contact_entry", "INSERT INTO audit", "DELETE FROM obligation"])
def test_a_write_cut_off_by_a_restart_leaves_nothing_and_a_retry_stores_one(cluster, pg_ctx, cut_after) -> None:
    url = pg_ctx.db.url
    before = snapshot_database(url)
    restarted = []

    def restart_after(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not restarted and " ".join(statement.split()).startswith(cut_after):
            restarted.append(statement)
            cluster.restart()  # ends this session mid-transaction; the next statement finds it gone

    event.listen(pg_ctx.db.engine, "after_cursor_execute", restart_after)
    try:
        with pytest.raises(StoreUnavailable, match=UNREACHABLE):
            entries.record_contact(pg_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note="Cut off.")
    finally:
        event.remove(pg_ctx.db.engine, "after_cursor_execute", restart_after)
    assert restarted
    assert snapshot_database(url) == before
    entries.record_contact(pg_ctx, "CR-1001", "V-1", CONTACT_AT, "phone", "informed", note="Cut off.")
    assert contacts(pg_ctx) == 1
    assert audit_verify.verify(pg_ctx).ok


def test_the_command_line_says_the_server_cannot_be_reached_in_one_line(cluster, pg_ctx, cli) -> None:
    url = pg_ctx.db.url
    cluster.stop()
    try:
        result = cli("--db", url, "obligations", "--crime", "CR-1001")
    finally:
        cluster.start()
    assert result.status == 2
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith(f"vicman: {UNREACHABLE}")
    assert "Traceback" not in result.err
    assert cli("--db", url, "obligations", "--crime", "CR-1001").status == 0
