"""Many desktops on one database: one writer at a time, and no silent overwrite of someone else's save.

Two rules hold on both back ends.

1. **Write transactions run one at a time.** SQLite takes its write lock at `BEGIN IMMEDIATE`; on
   PostgreSQL every write transaction first takes the advisory lock that the audit chain appends under
   (`vicman.store.engine`). Every write appends to the one hash chain, so writers already queued there;
   taking the lock at the start instead of half-way means that whatever a transaction checks (a version, the
   last administrator, a referral already made, the duties derived from the entries) still holds when it
   commits, and that no two transactions wait for each other's row locks (no deadlocks). Reads take no lock.
2. **An edit is made against what the person saw.** A form carries what it was read at: the version of a
   person or a user account, or the values of an officer's absence or of a setting. If the row has moved on
   when the save arrives, the save is refused with `EditConflict`, which names who changed what and when, and
   nothing is written; the person reloads and re-applies their change. Append-only entries (contacts, events,
   referrals, waivers, assessments, contracts, ...) are new rows: they never conflict.

What "the same" means, row by row:

| Row | Edited by | Compared on |
|---|---|---|
| person | `casework.update_person_details` | `version` (each save adds 1 and writes `detail_change` rows) |
| user_account | `users.set_roles` | `version` (each administrative change adds 1 and is audited) |
| officer | `officers.set_away`, `clear_away`, `mark_left` | the absence read: from, until, deputy, left on |
| setting | `settings.set_setting` | the stored value read (or that none was stored) |

Other changes are whole-state commands (disable, enable, reset a password) or follow from append-only entries
(a contract's safe times, a crime closed by a `case_closed` event, the derived duties): being serial, they
read and write the latest state and lose nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.rules.localtime import LONDON
from vicman.services.errors import ServiceError
from vicman.store.tables import AuditRow, DetailChangeRow

FIELDS_PER_SAVE = 16
"""At most this many `detail_change` rows per save (every editable field of a person, with room to spare)."""


class Change(NamedTuple):
    """One field someone else changed: before and after, who and when."""

    field: str
    before: str | None
    after: str | None
    by: str
    at: datetime | None


class EditConflict(ServiceError):
    """Someone else saved the same thing after it was read here; nothing was written.

    `changes` lists what they changed (newest first), so the person can see it and re-apply their own change.
    """

    def __init__(self, subject: str, changes: Sequence[Change], retry: str = "Reopen it and try again.") -> None:
        self.subject = subject
        self.changes = list(changes)
        self.headline = f"{subject} was changed by someone else after you opened it; nothing was saved."
        shown = "; ".join(describe_change(c) for c in self.changes) or "details updated"
        super().__init__(f"{self.headline} Their change: {shown}. {retry}")


def describe_change(change: Change) -> str:
    when = f" at {when_text(change.at)}" if change.at is not None else ""
    return f"{change.field}: {_shown(change.before)} → {_shown(change.after)} by {change.by}{when}"


def when_text(moment: datetime) -> str:
    """`09:05 on 26/11/2026`, Europe/London."""
    local = moment.astimezone(LONDON) if moment.tzinfo is not None else moment
    return f"{local:%H:%M} on {local:%d/%m/%Y}"


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value)


def detail_changes_since(session: Session, object_type: str, object_id: int, saves: int) -> list[Change]:
    """The fields changed by the last `saves` saves of a person, crime or link, newest first.

    Every save writes its `detail_change` rows with one time and one author, so a save is a run of rows
    sharing (`at`, `by`).
    """
    rows = session.execute(
        select(
            DetailChangeRow.field,
            DetailChangeRow.before,
            DetailChangeRow.after,
            DetailChangeRow.by,
            DetailChangeRow.at,
        )
        .where(DetailChangeRow.object_type == object_type, DetailChangeRow.object_id == object_id)
        .order_by(DetailChangeRow.id.desc())
        .limit(max(saves, 1) * FIELDS_PER_SAVE)
    ).all()
    found: list[Change] = []
    seen: list[tuple[datetime, str]] = []
    for field, before, after, by, at in rows:
        if (at, by) not in seen:
            if len(seen) == max(saves, 1):
                break
            seen.append((at, by))
        found.append(Change(field, before, after, by, at))
    return found


def last_audited(session: Session, object_type: str, object_id: str, actions: Iterable[str]) -> AuditRow | None:
    """The newest audit record of one of `actions` on an object: who made the last change, and when."""
    return session.scalars(
        select(AuditRow)
        .where(
            AuditRow.object_type == object_type,
            AuditRow.object_id == object_id,
            AuditRow.action.in_(list(actions)),
        )
        .order_by(AuditRow.seq.desc())
        .limit(1)
    ).first()


def audited_details(
    session: Session, object_type: str, object_id: str, actions: Iterable[str], count: int
) -> list[tuple[AuditRow, dict[str, Any]]]:
    """The newest `count` audit records of `actions` on an object, with their details, newest first."""
    rows = session.scalars(
        select(AuditRow)
        .where(
            AuditRow.object_type == object_type,
            AuditRow.object_id == object_id,
            AuditRow.action.in_(list(actions)),
        )
        .order_by(AuditRow.seq.desc())
        .limit(max(count, 1))
    ).all()
    return [(row, json.loads(row.detail) if row.detail else {}) for row in rows]


def differences(
    expected: dict[str, object], current: dict[str, object], by: str, at: datetime | None
) -> list[Change]:
    """The fields whose value now differs from the one read, as changes by `by` at `at`."""
    return [
        Change(field, _text(expected[field]), _text(current[field]), by, at)
        for field in expected
        if expected[field] != current[field]
    ]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)
