"""The worker of the load test (tests/concurrency/test_load.py): one desktop in a process of its own.

Kept apart from the test module so that a spawned process imports vicman only, not pytest and the fixtures.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from vicman.services import casework, entries, records
from vicman.services.context import Actor, open_context
from vicman.store import StoreUnavailable
from vicman.store.tables import PersonRow

FIXED_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
"""As tests.conftest.FIXED_NOW."""
WORKSTATION = "load-host"

VICTIMS = [f"V-{n}" for n in range(1, 9)]
SHARED = VICTIMS[:3]
"""The victims every worker edits: the edits collide here."""


def crime_of(ref: str) -> str:
    return f"CR-{1000 + int(ref.split('-')[1])}"


def worker(number: int, url: str, operations: int, ready: Any, start: Any, results: Any) -> None:
    """One desktop: `operations` random reads, contacts and edits; puts its list of outcomes on `results`."""
    ctx = open_context(url, actor=Actor(f"load-{number}", WORKSTATION, unrestricted=True),
                       clock=lambda: FIXED_NOW)
    rng = random.Random(number)
    done: list[tuple[str, str, str, Any]] = []
    try:
        ready.put(number)
        start.wait(60)
        for k in range(operations):
            try:
                done.append(_one_operation(ctx, rng, number, k))
            except StoreUnavailable as exc:  # SQLite's busy timeout ran out: a clear refusal, nothing saved
                done.append(("busy", "", "busy", str(exc)))
    except BaseException as exc:  # reported to the parent, which fails the test with it
        done.append(("error", "", "error", repr(exc)))
    finally:
        ctx.close()
        results.put((number, done))


def _one_operation(ctx: Any, rng: random.Random, number: int, k: int) -> tuple[str, str, str, Any]:
    choice = rng.random()
    if choice < 0.3:
        ref = rng.choice(VICTIMS)
        records.open_victim_record(ctx, ref)
        return ("read", ref, "stored", None)
    if choice < 0.6:
        ref = rng.choice(VICTIMS)
        moment = FIXED_NOW - timedelta(hours=1, minutes=rng.randrange(600))
        note = f"load {number}.{k}"
        recorded = entries.record_contact(ctx, crime_of(ref), ref, moment, "phone", "informed", note=note)
        return ("contact", ref, "stored", recorded.id)
    ref = rng.choice(SHARED)
    with ctx.db.read() as session:
        version = session.scalar(select(PersonRow.version).where(PersonRow.ref == ref))
    value = f"L{number}.{k}"
    try:
        new_version = casework.update_person_details(ctx, ref, version, language=value)
    except casework.EditConflict:
        return ("edit", ref, "conflict", (value, version))
    return ("edit", ref, "stored", (value, new_version))
