"""Appending to the hash-chained audit trail, one writer at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from vicman.store.bulk import bulk_insert
from vicman.store.hashing import CHAIN_FIELDS, GENESIS, link_digest
from vicman.store.tables import AuditRow, core_table

ADVISORY_LOCK_KEY = 0x76_69_63_6D_61_6E  # "vicman": serialises chain appends on PostgreSQL


def chain_head(session: Session, *, lock: bool = True) -> tuple[int, str]:
    """The last record's `(seq, hash)`, or `(0, GENESIS)` on an empty trail.

    With `lock`, PostgreSQL writers queue on an advisory lock held to the end of the transaction, so two
    desktops cannot both append after the same head. SQLite write transactions are already serial
    (BEGIN IMMEDIATE).
    """
    if lock and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    head = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    return (int(head[0]), str(head[1])) if head else (0, GENESIS)


def append(session: Session, records: Sequence[Mapping[str, Any]]) -> tuple[int, str]:
    """Chain `records` (each with the fields in CHAIN_FIELDS but `seq`) onto the trail; returns the new head."""
    seq, prev = chain_head(session)
    rows = []
    for record in records:
        seq += 1
        fields = {name: record.get(name) for name in CHAIN_FIELDS}
        fields["seq"] = seq
        digest = link_digest(prev, fields)
        rows.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    bulk_insert(session, core_table(AuditRow), rows)
    return seq, prev
