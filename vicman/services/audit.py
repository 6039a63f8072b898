"""The audit trail: who did what to which record, when (UTC) and from where."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from vicman.services.context import ServiceContext
from vicman.store.bulk import bulk_insert
from vicman.store.tables import AuditRow, core_table

COLLECT = "collect"
ALTER = "alter"
CONSULT = "consult"
DISCLOSE = "disclose"
ERASE = "erase"


def record(
    ctx: ServiceContext,
    session: Session,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
) -> None:
    record_many(ctx, session, action, object_type, [(object_id, detail)])


def record_many(
    ctx: ServiceContext,
    session: Session,
    action: str,
    object_type: str,
    items: Iterable[tuple[object, dict[str, Any] | None]],
) -> None:
    now = ctx.now()
    rows = [
        {
            "ts": now,
            "actor": ctx.actor.user,
            "workstation": ctx.actor.workstation,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "detail": json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False) if detail else None,
        }
        for object_id, detail in items
    ]
    if rows:
        bulk_insert(session, core_table(AuditRow), rows)


def consulted(ctx: ServiceContext, object_type: str, object_id: object, detail: dict[str, Any] | None = None) -> None:
    """Log a read of victims' data in its own short transaction, after the read itself."""
    with ctx.db.transaction() as session:
        record(ctx, session, CONSULT, object_type, object_id, detail)
