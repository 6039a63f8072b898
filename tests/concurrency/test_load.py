"""Many desktops at once (issue 7, Load): worker processes, each its own context and user, mix opening victims'
records (one consultation record each), logging contacts, and editing a few SHARED victims with the version
they read. Each reports every write: stored (with its id or new version) or refused as a conflict.

Afterwards every stored write is in the database, every conflict left nothing, nothing else was written
(contacts, audit records per action, final versions = 1 + successful edits), the audit chain verifies and
its `seq` runs 1..n with no two records after the same one.

PostgreSQL: 20 processes. SQLite (a file in WAL mode, writers serialised by BEGIN IMMEDIATE and the busy
timeout): a smaller run of 6, to show the same guarantees hold there.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.concurrency.load_worker import SHARED, VICTIMS, crime_of, worker
from tests.conftest import crime_row, open_test_context, write_csv
from vicman.services import audit_verify, importing
from vicman.store.tables import AuditRow, ContactEntryRow, DetailChangeRow, PersonRow

HARD_TIMEOUT = 150.0
"""Seconds the whole run may take before the workers are killed and the test fails."""


def run_workers(url: str, workers: int, operations: int) -> list[tuple[str, str, str, Any]]:
    spawn = multiprocessing.get_context("spawn")
    ready, results, start = spawn.Queue(), spawn.Queue(), spawn.Event()
    processes = [
        spawn.Process(target=worker, args=(n, url, operations, ready, start, results), daemon=True)
        for n in range(workers)
    ]
    deadline = time.monotonic() + HARD_TIMEOUT
    outcomes: list[tuple[str, str, str, Any]] = []
    try:
        for process in processes:
            process.start()
        for _ in processes:  # every desktop open before any starts, so that they overlap
            ready.get(timeout=max(deadline - time.monotonic(), 1))
        start.set()
        for _ in processes:
            _number, done = results.get(timeout=max(deadline - time.monotonic(), 1))
            outcomes.extend(done)
    except queue.Empty:
        pytest.fail(f"the load run did not finish within {HARD_TIMEOUT:.0f} s")
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
    errors = [o for o in outcomes if o[0] == "error"]
    assert not errors, errors
    return outcomes


def assert_consistent(db: Any, before: dict[str, Any], outcomes: list[tuple[str, str, str, Any]]) -> None:
    kinds = Counter((kind, outcome) for kind, _, outcome, _ in outcomes)
    contacts = sorted(detail for kind, _, _, detail in outcomes if kind == "contact")
    edits = [(ref, detail) for kind, ref, outcome, detail in outcomes if kind == "edit" and outcome == "stored"]
    refused = [(ref, detail) for kind, ref, outcome, detail in outcomes if kind == "edit" and outcome == "conflict"]
    ctx = open_test_context(db)
    try:
        with ctx.db.read() as session:
            stored_contacts = sorted(session.scalars(select(ContactEntryRow.id)))
            grouped = select(AuditRow.action, AuditRow.object_type, func.count()).group_by(
                AuditRow.action, AuditRow.object_type
            )
            actions = {(action, kind): count for action, kind, count in session.execute(grouped)}
            shared = select(PersonRow.ref, PersonRow.version).where(PersonRow.ref.in_(SHARED))
            versions = dict(session.execute(shared).all())
            languages = list(session.execute(
                select(DetailChangeRow.after, DetailChangeRow.by).where(DetailChangeRow.field == "language")
            ))
            seqs = list(session.scalars(select(AuditRow.seq).order_by(AuditRow.seq)))
            prev_hashes = list(session.scalars(select(AuditRow.prev_hash)))
        report = audit_verify.verify(ctx)
    finally:
        ctx.close()

    assert stored_contacts == contacts  # every stored contact is there, and nothing else
    assert actions.get(("collect", "contact"), 0) == len(contacts)
    assert actions.get(("consult", "person"), 0) - before.get(("consult", "person"), 0) == kinds[("read", "stored")]
    assert actions.get(("alter", "person"), 0) == len(edits)
    for ref in SHARED:
        assert versions[ref] == before["versions"][ref] + sum(1 for r, _ in edits if r == ref), ref
    assert sorted(after for after, _ in languages) == sorted(value for _, (value, _) in edits)
    assert not {value for _, (value, _) in refused} & {after for after, _ in languages}  # a conflict left nothing
    new_versions = [(ref, version) for ref, (_, version) in edits]
    assert len(new_versions) == len(set(new_versions))  # no two edits stored the same version of a victim
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(prev_hashes) == len(set(prev_hashes))  # linear: no two records follow the same one
    assert report.ok, report


def prepare(ctx: Any, tmp_path: Any) -> dict[str, Any]:
    rows = [crime_row(crime_ref=crime_of(ref), victim_ref=ref, victim_name=f"Victim {ref}") for ref in VICTIMS]
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", rows))
    with ctx.db.read() as session:
        shared = select(PersonRow.ref, PersonRow.version).where(PersonRow.ref.in_(SHARED))
        versions = dict(session.execute(shared).all())
        consulted = (AuditRow.action == "consult", AuditRow.object_type == "person")
        consults = session.scalar(select(func.count()).select_from(AuditRow).where(*consulted))
    return {"versions": versions, ("consult", "person"): consults}


@pytest.mark.postgresql_only(reason="20 desktops on one server is the PostgreSQL deployment; SQLite has its own run")
def test_twenty_desktops_at_once_lose_nothing_on_postgresql(ctx, db_path, tmp_path) -> None:
    before = prepare(ctx, tmp_path)
    ctx.close()
    outcomes = run_workers(str(db_path), workers=20, operations=8)
    assert len(outcomes) == 20 * 8
    assert not [o for o in outcomes if o[2] == "busy"]  # writers queue on the server: no time-outs
    assert {kind for kind, *_ in outcomes} == {"read", "contact", "edit"}
    assert any(outcome == "conflict" for _, _, outcome, _ in outcomes)  # the shared victims did collide
    assert_consistent(db_path, before, outcomes)


@pytest.mark.sqlite_only(reason="the SQLite twin of the PostgreSQL load run: one file in WAL mode, fewer desktops")
def test_six_desktops_at_once_lose_nothing_on_sqlite(ctx, db_path, tmp_path) -> None:
    before = prepare(ctx, tmp_path)
    ctx.close()
    outcomes = run_workers(str(db_path), workers=6, operations=8)
    assert len(outcomes) == 6 * 8
    assert_consistent(db_path, before, outcomes)
