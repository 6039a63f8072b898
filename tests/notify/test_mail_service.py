"""`mail.send_due` and `mail.health` against a real SMTP server on 127.0.0.1: nothing lost while the
server is down, exactly one copy once it is up, nothing in clear when STARTTLS is required."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import FIXED_NOW, open_test_context, snapshot_database
from tests.notify.support import PASSWORD, USERNAME, MemoryKeyring, RunningServer, free_port
from vicman.notify import outbox
from vicman.services import entries, mail, settings
from vicman.services.context import Actor
from vicman.services.errors import ServiceError
from vicman.services.permissions import NotPermitted
from vicman.store.tables import AuditRow, OfficerRow, OutboxMessageRow

RECIPIENT = "jane.jones@police.example.uk"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_NOW)


@pytest.fixture
def mctx(seeded_db: Path, clock: Clock) -> Iterator[Any]:
    """A context on the seeded database (CR-1001 with V-1, V-2 under P100; CR-1002 under P200) with a clock
    the test moves."""
    context = open_test_context(seeded_db, clock=clock)
    try:
        yield context
    finally:
        context.close()


def configure(ctx: Any, port: int, **extra: str) -> None:
    values = {"smtp.host": "127.0.0.1", "smtp.port": str(port), "smtp.from": "Vicman <vicman@force.example.uk>",
              "smtp.timeout": "5", **extra}
    for key, value in values.items():
        settings.set_setting(ctx, key, value)


def queue(ctx: Any, key: str = "digest:2026-11-26:P100", recipient: str = RECIPIENT, **changes: Any) -> bool:
    values: dict[str, Any] = {
        "key": key, "kind": "digest", "recipient": recipient, "recipient_name": "PC Jane Jones",
        "reason": "officer in the case", "officer_id": None, "subject": "Your duties for Thursday 26/11/2026",
        "body": "Overdue:\n- Anna Nowak (CR-1001): acknowledge the crime, due 17/11/2026\n", "duties": [1, 2],
        "now": ctx.now(),
    }
    values.update(changes)
    with ctx.db.transaction() as session:
        return outbox.queue(session, **values)


def message(ctx: Any, key: str = "digest:2026-11-26:P100") -> OutboxMessageRow:
    with ctx.db.read() as session:
        row = session.scalar(select(OutboxMessageRow).where(OutboxMessageRow.key == key))
        assert row is not None
        return row


def audit_rows(ctx: Any, action: str) -> list[AuditRow]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.seq)))


def test_a_queued_message_arrives_once_and_is_audited_as_a_disclosure(
    mctx: Any, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server()
    configure(mctx, server.port)
    assert queue(mctx) is True
    assert queue(mctx) is False  # the same key again: still one row, one email

    report = mail.send_due(mctx, ssl_context=client_tls)

    assert (report.sent, report.failed, report.pending, report.errors) == (1, 0, 0, ())
    (got,) = server.received
    assert got.recipients == [RECIPIENT]
    assert got.message["Subject"] == "Your duties for Thursday 26/11/2026"
    assert got.message["To"] == f"PC Jane Jones <{RECIPIENT}>"
    assert "Anna Nowak (CR-1001): acknowledge the crime" in got.message.get_content()
    stored = message(mctx)
    assert (stored.status, stored.attempts, stored.sent_at, stored.last_error) == ("sent", 1, FIXED_NOW, None)
    (disclosed,) = audit_rows(mctx, "disclose")
    assert disclosed.recipients == RECIPIENT
    assert (disclosed.object_type, disclosed.object_id) == ("outbox_message", str(stored.id))
    assert json.loads(disclosed.detail or "{}")["duties"] == [1, 2]
    assert "Anna" not in (disclosed.detail or "")  # the body is not copied into the audit trail

    again = mail.send_due(mctx, ssl_context=client_tls)
    assert (again.sent, again.failed, again.pending) == (0, 0, 0)
    assert len(server.received) == 1


def test_server_down_then_up_nothing_lost_exactly_one_copy(
    mctx: Any, clock: Clock, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext, seeded_db: Path
) -> None:
    port = free_port()  # nothing listens here yet
    configure(mctx, port)
    # What triggers a message: a contact, saved, then the message queued for it.
    contact = entries.record_contact(mctx, "CR-1001", "V-1", FIXED_NOW - timedelta(hours=1), "phone", "informed")
    queue(mctx, "contact:1", duties=[contact.id])
    queue(mctx, "contact:2", recipient="ray.khan@police.example.uk")
    before = snapshot_database(seeded_db)

    report = mail.send_due(mctx, ssl_context=client_tls)

    assert (report.sent, report.failed, report.pending) == (0, 2, 2)
    assert len(report.errors) == 1 and "connection refused" in report.errors[0]
    for key in ("contact:1", "contact:2"):
        stored = message(mctx, key)
        assert stored.status == "pending" and stored.attempts == 1
        assert stored.last_error is not None and "connection refused" in stored.last_error
        assert stored.next_attempt_at == FIXED_NOW + timedelta(minutes=1)
    after = snapshot_database(seeded_db)
    changed = {table for table in before if before[table] != after[table]}
    assert changed == {"outbox_message"}  # the contact and everything else untouched, nothing audited as sent

    server = smtp_server(port=port)
    not_yet = mail.send_due(mctx, ssl_context=client_tls)
    assert (not_yet.sent, not_yet.failed, not_yet.pending) == (0, 0, 2)  # back-off not over
    assert server.received == []

    clock.now = FIXED_NOW + timedelta(minutes=1, seconds=1)
    report = mail.send_due(mctx, ssl_context=client_tls)
    assert (report.sent, report.failed, report.pending, report.errors) == (2, 0, 0, ())
    assert sorted(r.recipients[0] for r in server.received) == ["jane.jones@police.example.uk",
                                                                 "ray.khan@police.example.uk"]
    clock.now += timedelta(hours=2)
    assert mail.send_due(mctx, ssl_context=client_tls).sent == 0
    assert len(server.received) == 2
    assert message(mctx, "contact:1").status == "sent"


def test_back_off_grows_while_the_server_stays_down(mctx: Any, clock: Clock) -> None:
    configure(mctx, free_port())
    queue(mctx)
    waits = []
    for _ in range(5):
        mail.send_due(mctx)
        stored = message(mctx)
        waits.append(stored.next_attempt_at - clock.now)
        clock.now = stored.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert message(mctx).attempts == 5


def test_starttls_required_and_not_offered_nothing_in_clear(
    mctx: Any, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext, memory_keyring: MemoryKeyring
) -> None:
    server = smtp_server(starttls=False, auth=True, auth_in_clear=True)
    configure(mctx, server.port, **{"smtp.username": USERNAME, "smtp.password": PASSWORD})
    queue(mctx)

    report = mail.send_due(mctx, ssl_context=client_tls)

    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    assert "refused STARTTLS: nothing was sent" in report.errors[0]
    assert server.received == []
    assert not server.recorder.saw("AUTH") and not server.recorder.saw("MAIL") and not server.recorder.saw("DATA")
    stored = message(mctx)
    assert stored.status == "pending" and "STARTTLS" in (stored.last_error or "")
    assert audit_rows(mctx, "disclose") == []


def test_starttls_with_a_trusted_certificate_and_the_keyring_password_delivers(
    mctx: Any, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext, memory_keyring: MemoryKeyring
) -> None:
    server = smtp_server(auth=True)
    configure(mctx, server.port, **{"smtp.username": USERNAME, "smtp.password": PASSWORD})
    queue(mctx)

    report = mail.send_due(mctx, ssl_context=client_tls)

    assert report.sent == 1 and report.errors == ()
    assert server.recorder.logins == [(USERNAME, True)]
    assert len(server.received) == 1


def test_a_refused_recipient_fails_for_good_and_the_rest_still_go(
    mctx: Any, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server(refuse=("gone@police.example.uk",))
    configure(mctx, server.port)
    queue(mctx, "a", recipient="gone@police.example.uk")
    queue(mctx, "b")

    report = mail.send_due(mctx, ssl_context=client_tls)

    assert (report.sent, report.failed, report.pending) == (1, 1, 0)
    assert "refused the recipient gone@police.example.uk: 550" in report.errors[0]
    assert message(mctx, "a").status == "failed"
    assert [r.recipients for r in server.received] == [[RECIPIENT]]

    assert mail.retry_failed(mctx) == 1
    assert message(mctx, "a").status == "pending"
    (retried,) = [r for r in audit_rows(mctx, "admin") if r.object_type == "outbox_message"]
    assert json.loads(retried.detail or "{}")["retried"] == 1


def test_not_set_up_nothing_is_tried_and_the_report_says_what_to_set(mctx: Any) -> None:
    queue(mctx)
    report = mail.send_due(mctx)
    assert (report.sent, report.failed, report.pending) == (0, 0, 1)
    assert report.errors == (
        "email is not set up: set smtp.host and smtp.from (vicman config set KEY VALUE); the messages wait until then",
    )
    assert message(mctx).attempts == 0


def test_send_test_reaches_the_address_and_explains_a_failure(
    mctx: Any, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server()
    configure(mctx, server.port)
    mail.send_test(mctx, "admin@police.example.uk", ssl_context=client_tls)
    (got,) = server.received
    assert got.message["Subject"] == mail.TEST_SUBJECT
    server.stop()
    with pytest.raises(mail.MailNotSent, match="connection refused"):
        mail.send_test(mctx, "admin@police.example.uk", ssl_context=client_tls)


def test_health_shows_the_queue_errors_and_officers_with_no_working_address(
    mctx: Any, clock: Clock, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server()
    configure(mctx, server.port)
    queue(mctx, "sent-one")
    mail.send_due(mctx, ssl_context=client_tls)
    clock.now = FIXED_NOW + timedelta(hours=1)
    settings.set_setting(mctx, "smtp.port", str(free_port()))
    queue(mctx, "stuck")
    mail.send_due(mctx)
    settings.set_setting(mctx, "bureau.mailbox.North", "bureau.north@police.example.uk")
    with mctx.db.transaction() as session:
        officers = {o.staff_no: o for o in session.scalars(select(OfficerRow))}
        today = date(2026, 11, 26)
        north = officers["P100"]
        extra = [
            OfficerRow(staff_no="P101", name="PC No Mail", email=None, division="North", active=True,
                       created_at=FIXED_NOW),
            OfficerRow(staff_no="P102", name="PC Gone", email="gone@police.example.uk", division="North",
                       active=True, created_at=FIXED_NOW, left_on=today - timedelta(days=3)),
            OfficerRow(staff_no="P103", name="PC Away Alone", email="alone@police.example.uk", division="North",
                       active=True, created_at=FIXED_NOW, away_from=today, away_until=today + timedelta(days=7)),
            OfficerRow(staff_no="P104", name="PC Away Covered", email="covered@police.example.uk", division="North",
                       active=True, created_at=FIXED_NOW, away_from=today, away_until=today + timedelta(days=7),
                       deputy_id=north.id),
            OfficerRow(staff_no="P105", name="PC Back", email="back@police.example.uk", division="North",
                       active=True, created_at=FIXED_NOW, away_until=today - timedelta(days=1)),
            OfficerRow(staff_no="P106", name="PC Long Gone", email=None, division="North", active=False,
                       created_at=FIXED_NOW, left_on=date(2020, 1, 1)),
            OfficerRow(staff_no="P201", name="PC South", email=None, division="South", active=True,
                       created_at=FIXED_NOW),
        ]
        session.add_all(extra)

    health = mail.health(mctx)

    assert health.smtp_configured and health.smtp_problem is None
    assert health.last_success_at == FIXED_NOW
    assert (health.pending, health.failed) == (1, 0)
    assert health.oldest_pending_at == FIXED_NOW + timedelta(hours=1)
    (stuck,) = health.messages
    assert (stuck.recipient, stuck.status, stuck.attempts) == (RECIPIENT, "pending", 1)
    assert "connection refused" in (stuck.last_error or "")
    assert stuck.next_attempt_at == clock.now + timedelta(minutes=1)
    problems = {p.staff_no: p for p in health.officers_without_address}
    assert set(problems) == {"P101", "P102", "P103", "P201"}
    assert problems["P101"].why.startswith("no email address; reminders go to the North bureau mailbox")
    assert problems["P102"].why.startswith("left on 23/11/2026")
    assert problems["P103"].why.startswith("away until 03/12/2026 with no deputy")
    assert problems["P101"].fallback == "bureau.north@police.example.uk"
    assert problems["P201"].fallback is None
    assert "South has no bureau mailbox either" in problems["P201"].why
    assert health.divisions_without_mailbox == ("South",)


def test_health_without_settings_says_email_is_not_set_up(mctx: Any) -> None:
    health = mail.health(mctx)
    assert not health.smtp_configured
    assert health.smtp_problem is not None and "smtp.host and smtp.from" in health.smtp_problem
    assert health.last_success_at is None and health.messages == ()


@pytest.mark.parametrize(
    ("role", "may_send", "may_see_health"),
    [("officer", False, False), ("bureau", False, True), ("supervisor", False, True), ("administrator", True, True)],
)
def test_who_may_send_and_who_may_see_health(mctx: Any, role: str, may_send: bool, may_see_health: bool) -> None:
    mctx.actor = replace(Actor("someone", "test-host", roles=frozenset({role})), division="North", team="N1")
    calls: list[tuple[Callable[[], object], bool]] = [
        (lambda: mail.send_due(mctx), may_send),
        (lambda: mail.retry_failed(mctx), may_send),
        (lambda: mail.health(mctx), may_see_health),
    ]
    for call, allowed in calls:
        if allowed:
            call()
        else:
            with pytest.raises(NotPermitted):
                call()


def test_send_test_refuses_a_bad_address(mctx: Any) -> None:
    with pytest.raises(ServiceError, match="not an email address"):
        mail.send_test(mctx, "not an address")


def test_a_server_that_closes_after_some_messages_gets_the_rest_on_a_new_connection(
    mctx: Any, smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server(per_connection=2)
    configure(mctx, server.port)
    for n in range(5):
        queue(mctx, f"m{n}", subject=f"Message {n}")

    report = mail.send_due(mctx, ssl_context=client_tls)

    assert (report.sent, report.failed, report.pending, report.errors) == (5, 0, 0, ())
    assert sorted(r.message["Subject"] for r in server.received) == [f"Message {n}" for n in range(5)]
    assert server.recorder.commands.count("STARTTLS") == 3  # three connections, each over TLS
