"""The email outbox, at the level of the store: a session comes in, no permissions are checked here.

A message is queued once under an idempotency key (`digest:2026-11-26:P100`, say): queuing it again
does nothing, so a reminder run repeated on the same day sends nothing twice. A sender `claim`s a due
message (which hides it from other senders for a short lease), sends it outside any transaction, then
records the outcome with `mark_sent` or `mark_failed`. A failure is retried after 1, 2, 4, 8 ... minutes,
at most an hour apart; after `MAX_ATTEMPTS` the message is `failed` and waits for `retry_failed`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vicman.store.tables import OutboxMessageRow

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
STATUSES = (PENDING, SENT, FAILED, CANCELLED)

MAX_ATTEMPTS = 10
"""Failed attempts in a row after which a message stops being retried on its own (status `failed`)."""
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
DEFAULT_LEASE = timedelta(minutes=5)
"""How long a claimed message is hidden from other senders while one sends it."""

KEY_LENGTH = 200
SUBJECT_LENGTH = 300
NAME_LENGTH = 200
REASON_LENGTH = 200
ERROR_LENGTH = 2000

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


def is_address(text: str | None) -> bool:
    """Whether `text` is a plain email address (`name@example.org`, ASCII: any mail server takes it)."""
    return bool(text) and (text or "").isascii() and len(text or "") <= 254 and _ADDRESS.match(text or "") is not None


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed tries in a row: 1, 2, 4, 8 ... minutes, at most 1 hour."""
    if attempts <= 0:
        return timedelta(0)
    return min(FIRST_RETRY * (2 ** min(attempts - 1, 16)), LONGEST_RETRY)


def _one_line(text: str, limit: int) -> str:
    """Header text on one line (a line break in a subject would start a new header) and within `limit`."""
    return " ".join(text.split())[:limit]


def queue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    recipient_name: str | None,
    reason: str | None,
    officer_id: int | None,
    subject: str,
    body: str,
    duties: Sequence[int],
    now: datetime,
) -> bool:
    """Queue a message unless one with `key` exists (whatever its status). Returns whether it was queued.

    The message is due at once. `recipient` must be a plain address (check with `is_address` first and
    fall back to another recipient if it is not): otherwise ValueError. The subject is put on one line.
    Runs in the caller's transaction.
    """
    if not key or len(key) > KEY_LENGTH:
        raise ValueError(f"an outbox key is 1 to {KEY_LENGTH} characters, not {key!r}")
    if not is_address(recipient):
        raise ValueError(f"not an email address: {recipient!r}")
    if session.scalar(select(OutboxMessageRow.id).where(OutboxMessageRow.key == key)) is not None:
        return False
    row = OutboxMessageRow(
        key=key,
        kind=kind[:16],
        recipient=recipient,
        recipient_name=_one_line(recipient_name, NAME_LENGTH) if recipient_name else None,
        reason=reason[:REASON_LENGTH] if reason else None,
        officer_id=officer_id,
        subject=_one_line(subject, SUBJECT_LENGTH),
        body=body,
        duties=json.dumps(sorted({int(d) for d in duties})),
        status=PENDING,
        attempts=0,
        last_error=None,
        next_attempt_at=now,
        created_at=now,
        sent_at=None,
    )
    try:
        # A savepoint: another writer that queued the same key first (PostgreSQL) costs only this insert.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def duties_of(row: OutboxMessageRow) -> list[int]:
    """The obligation ids a message concerns."""
    return [int(d) for d in json.loads(row.duties or "[]")]


def due(session: Session, now: datetime, limit: int) -> list[OutboxMessageRow]:
    """Pending messages whose next attempt is due at `now`, the longest-waiting first."""
    return list(
        session.scalars(
            select(OutboxMessageRow)
            .where(OutboxMessageRow.status == PENDING, OutboxMessageRow.next_attempt_at <= now)
            .order_by(OutboxMessageRow.next_attempt_at, OutboxMessageRow.id)
            .limit(limit)
        )
    )


def claim(session: Session, row_id: int, now: datetime, lease: timedelta = DEFAULT_LEASE) -> OutboxMessageRow | None:
    """Take one due message for sending: its next attempt moves `lease` ahead, so that another sender (the
    app's timer and a scheduled task, say) does not pick it up meanwhile. None if it is no longer due (sent,
    or claimed by someone else). Compare-and-set, so it is safe on PostgreSQL as well as SQLite."""
    result = session.execute(
        update(OutboxMessageRow)
        .where(
            OutboxMessageRow.id == row_id,
            OutboxMessageRow.status == PENDING,
            OutboxMessageRow.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.get(OutboxMessageRow, row_id, populate_existing=True)
    return row


def mark_sent(session: Session, row_id: int, now: datetime) -> bool:
    """Record that the mail server accepted the message. Returns False if it was not pending (already sent)."""
    row = session.get(OutboxMessageRow, row_id)
    if row is None or row.status != PENDING:
        return False
    row.status = SENT
    row.sent_at = now
    row.attempts += 1
    row.last_error = None
    return True


def mark_failed(
    session: Session, row_id: int, error: str, now: datetime, *, permanent: bool = False
) -> datetime | None:
    """Record a failed attempt: the error, one more attempt, and the next try after the back-off.

    After MAX_ATTEMPTS in a row, or at once if `permanent` (the server refused this recipient for good), the
    status becomes `failed`: no more tries until `retry_failed`. Returns the next attempt's time (None once
    failed, or if the message was not pending).
    """
    row = session.get(OutboxMessageRow, row_id)
    if row is None or row.status != PENDING:
        return None
    row.attempts += 1
    row.last_error = error[:ERROR_LENGTH]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
        row.next_attempt_at = now
        return None
    row.next_attempt_at = now + backoff(row.attempts)
    return row.next_attempt_at


def retry_failed(session: Session, now: datetime, ids: Sequence[int] | None = None) -> int:
    """Put failed messages (all, or those in `ids`) back in the queue, due now, with a fresh count of
    attempts (their last error stays until the next attempt). Returns how many."""
    statement = (
        update(OutboxMessageRow)
        .where(OutboxMessageRow.status == FAILED)
        .values(status=PENDING, attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    if ids is not None:
        statement = statement.where(OutboxMessageRow.id.in_(list(ids)))
    result = session.execute(statement)
    return int(result.rowcount)  # type: ignore[attr-defined]


def cancel(session: Session, key: str) -> bool:
    """Withdraw a message that has not been sent (pending or failed). Returns whether one was withdrawn."""
    row = session.scalar(select(OutboxMessageRow).where(OutboxMessageRow.key == key))
    if row is None or row.status not in (PENDING, FAILED):
        return False
    row.status = CANCELLED
    return True


def counts(session: Session) -> dict[str, int]:
    """How many messages there are in each status."""
    rows = session.execute(select(OutboxMessageRow.status, func.count()).group_by(OutboxMessageRow.status)).all()
    found = {str(status): int(count) for status, count in rows}
    return {status: int(found.get(status, 0)) for status in STATUSES}
