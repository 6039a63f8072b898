"""The outbox at the level of the store: queued once per key, handed out when due, backed off on failure."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXED_NOW
from vicman.notify import outbox
from vicman.store.tables import OutboxMessageRow

NOW = FIXED_NOW


def put(ctx: Any, key: str = "digest:2026-11-26:P100", **changes: Any) -> bool:
    values: dict[str, Any] = {
        "key": key, "kind": "digest", "recipient": "jane.jones@police.example.uk", "recipient_name": "PC Jane Jones",
        "reason": "officer in the case", "officer_id": None, "subject": "Your duties", "body": "Body",
        "duties": [3, 1, 3], "now": NOW,
    }
    values.update(changes)
    with ctx.db.transaction() as session:
        return outbox.queue(session, **values)


def row(ctx: Any, key: str = "digest:2026-11-26:P100") -> OutboxMessageRow:
    with ctx.db.read() as session:
        found = session.scalar(select(OutboxMessageRow).where(OutboxMessageRow.key == key))
        assert found is not None
        return found


def test_the_same_key_queues_once(ctx: Any) -> None:
    assert put(ctx) is True
    assert put(ctx, subject="Something else") is False
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessageRow)) == 1
    stored = row(ctx)
    assert (stored.status, stored.attempts, stored.subject, stored.duties) == ("pending", 0, "Your duties", "[1, 3]")
    assert stored.next_attempt_at == NOW and stored.created_at == NOW


def test_a_sent_message_is_not_queued_again_under_its_key(ctx: Any) -> None:
    put(ctx)
    with ctx.db.transaction() as session:
        assert outbox.mark_sent(session, row(ctx).id, NOW)
    assert put(ctx) is False
    with ctx.db.transaction() as session:
        assert outbox.due(session, NOW + timedelta(days=1), 10) == []
        assert outbox.mark_sent(session, row(ctx).id, NOW) is False  # never "sent" twice


def test_a_bad_address_is_refused_and_a_subject_is_one_line(ctx: Any) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        put(ctx, recipient="jane jones@police")
    with pytest.raises(ValueError, match="not an email address"):
        put(ctx, recipient="a@b.example\r\nBcc: x@evil.example")
    put(ctx, subject="Two\r\nlines")
    assert row(ctx).subject == "Two lines"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("jane.jones@police.example.uk", True), ("", False), (None, False), ("jane", False),
     ("jane@localhost", False), ("jane @police.example.uk", False), ("<jane@police.example.uk>", False)],
)
def test_is_address(text: str | None, ok: bool) -> None:
    assert outbox.is_address(text) is ok


def test_due_hands_out_pending_messages_whose_time_has_come_oldest_first(ctx: Any) -> None:
    put(ctx, "b", now=NOW)
    put(ctx, "a", now=NOW - timedelta(minutes=5))
    put(ctx, "later", now=NOW + timedelta(minutes=5))
    with ctx.db.read() as session:
        assert [r.key for r in outbox.due(session, NOW, 10)] == ["a", "b"]
        assert [r.key for r in outbox.due(session, NOW, 1)] == ["a"]


def test_a_claimed_message_is_hidden_from_a_second_sender(ctx: Any) -> None:
    put(ctx)
    message_id = row(ctx).id
    with ctx.db.transaction() as session:
        claimed = outbox.claim(session, message_id, NOW, timedelta(minutes=5))
        assert claimed is not None and claimed.next_attempt_at == NOW + timedelta(minutes=5)
    with ctx.db.transaction() as session:
        assert outbox.claim(session, message_id, NOW, timedelta(minutes=5)) is None
        assert outbox.due(session, NOW, 10) == []
    # A sender that died holding it: the lease runs out and the message is due again.
    with ctx.db.read() as session:
        assert [r.id for r in outbox.due(session, NOW + timedelta(minutes=5), 10)] == [message_id]


def test_back_off_doubles_from_one_minute_to_at_most_an_hour() -> None:
    assert [outbox.backoff(n) for n in range(1, 9)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)
    ]
    assert outbox.backoff(1000) == timedelta(hours=1)


def test_failures_back_off_then_stop_until_an_explicit_retry(ctx: Any) -> None:
    put(ctx)
    message_id = row(ctx).id
    now = NOW
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        with ctx.db.transaction() as session:
            next_at = outbox.mark_failed(session, message_id, f"refused {attempt}", now)
        assert next_at is not None
        waits.append(next_at - now)
        now = next_at
    assert waits[:4] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert waits == sorted(waits) and max(waits) == timedelta(hours=1)
    stored = row(ctx)
    assert (stored.status, stored.attempts, stored.last_error) == ("pending", 9, "refused 9")

    with ctx.db.transaction() as session:
        assert outbox.mark_failed(session, message_id, "refused 10", now) is None
    stored = row(ctx)
    assert (stored.status, stored.attempts, stored.last_error) == ("failed", 10, "refused 10")
    with ctx.db.read() as session:
        assert outbox.due(session, now + timedelta(days=30), 10) == []

    with ctx.db.transaction() as session:
        assert outbox.retry_failed(session, now) == 1
    stored = row(ctx)
    assert (stored.status, stored.attempts, stored.next_attempt_at) == ("pending", 0, now)
    assert stored.last_error == "refused 10"  # kept until the next attempt says otherwise
    with ctx.db.read() as session:
        assert [r.id for r in outbox.due(session, now, 10)] == [message_id]


def test_a_permanent_failure_stops_at_once_and_retry_can_pick_one(ctx: Any) -> None:
    put(ctx, "x")
    put(ctx, "y")
    with ctx.db.transaction() as session:
        outbox.mark_failed(session, row(ctx, "x").id, "550 no such user", NOW, permanent=True)
        outbox.mark_failed(session, row(ctx, "y").id, "550 no such user", NOW, permanent=True)
    assert row(ctx, "x").status == "failed" and row(ctx, "x").attempts == 1
    with ctx.db.transaction() as session:
        assert outbox.retry_failed(session, NOW, ids=[row(ctx, "y").id]) == 1
        assert outbox.counts(session) == {"pending": 1, "sent": 0, "failed": 1, "cancelled": 0}


def test_cancel_withdraws_an_unsent_message_only(ctx: Any) -> None:
    put(ctx, "x")
    put(ctx, "y")
    with ctx.db.transaction() as session:
        outbox.mark_sent(session, row(ctx, "y").id, NOW)
        assert outbox.cancel(session, "x") is True
        assert outbox.cancel(session, "y") is False
        assert outbox.cancel(session, "nothing") is False
    assert row(ctx, "x").status == "cancelled"
    assert put(ctx, "x") is False  # the key stays taken: a cancelled reminder is not queued again
