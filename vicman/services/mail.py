"""Sending the outbox over SMTP, and reporting whether email is getting through.

`send_due` takes the due messages one at a time: it claims one (a short transaction that hides it from
any other sender for a lease), sends it with no transaction open, then records the outcome in another
short transaction (sent, audited as a disclosure to its recipient; or failed, to be retried after a
back-off). With the mail server down, every due message stays pending with the error and a later next
attempt: nothing is lost, and the rows that queued the messages are never touched.

At most once per crash: if the process dies after the server accepted a message but before it was
marked sent (the window is one local SQLite write), the message is sent again once its lease runs out.
That is the only way a message can go twice; a message marked sent is never sent again.
"""

from __future__ import annotations

import ssl
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from vicman.notify import outbox, smtp
from vicman.services import audit, officers, permissions, settings
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, ServiceError
from vicman.store.tables import CrimeRow, OfficerRow, OutboxMessageRow

OUTBOX = "outbox_message"
"""The audit object type of an outbox message."""


class MailNotSent(ServiceError):
    """The mail server could not be used or refused the message; the text says why in plain words."""


@dataclass(frozen=True, slots=True)
class SendReport:
    sent: int
    """Messages the mail server accepted in this run."""
    failed: int
    """Attempts that failed in this run (each message stays pending and is retried, or is `failed`)."""
    pending: int
    """Messages still waiting after the run (due now or later)."""
    errors: tuple[str, ...] = ()
    """What went wrong, in plain words, each error once."""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class OutboxView:
    id: int
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    kind: str = ""
    recipient_name: str | None = None
    reason: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AddressProblem:
    staff_no: str
    name: str
    why: str
    division: str = ""
    fallback: str | None = None
    """Where their reminders go instead: the division's bureau mailbox (None: nowhere, set one)."""


@dataclass(frozen=True, slots=True)
class MailHealth:
    last_success_at: datetime | None
    pending: int
    failed: int
    oldest_pending_at: datetime | None
    messages: tuple[OutboxView, ...]
    """Pending and failed messages, failed first, then by next attempt."""
    officers_without_address: tuple[AddressProblem, ...]
    smtp_configured: bool = False
    smtp_problem: str | None = None
    """Why email cannot go at all (settings missing), in plain words; None when it is set up."""
    divisions_without_mailbox: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: int
    key: str
    kind: str
    recipient: str
    recipient_name: str | None
    subject: str
    body: str
    duties: tuple[int, ...]
    officer_id: int | None


def send_due(ctx: ServiceContext, limit: int = 200, *, ssl_context: ssl.SSLContext | None = None) -> SendReport:
    """Send up to `limit` due messages over one SMTP connection (checked as `mail.send`).

    `ssl_context`: the certificates to trust for STARTTLS (None: the system's, which honours
    SSL_CERT_FILE). A server that cannot be used (down, no STARTTLS, wrong password) fails every due
    message's attempt with its error; a refused recipient fails only that message (for good, on a 5xx).
    """
    permissions.require(ctx, permissions.SEND_MAIL, object_type=OUTBOX, object_id="send")
    with ctx.db.read() as session:
        server = settings.smtp_settings_in(session, ctx.db.url)
        missing = settings.missing_smtp_settings(session)
        due_ids = [row.id for row in outbox.due(session, ctx.now(), limit)]
    if server is None:
        problem = _not_configured(missing)
        return SendReport(0, 0, _pending(ctx), (problem,) if due_ids else ())
    if not due_ids:
        return SendReport(0, 0, _pending(ctx))
    if ssl_context is not None:
        server = replace(server, ssl_context=ssl_context)
    lease = max(outbox.DEFAULT_LEASE, timedelta(seconds=4 * server.timeout))
    waiting = deque(due_ids)
    held: _Claimed | None = None  # claimed, not yet sent: after a dropped connection it goes first on the next
    sent = failed = 0
    errors: list[str] = []
    while waiting or held is not None:
        delivered_here = 0
        try:
            with smtp.connect(server) as connection:
                while waiting or held is not None:
                    if held is None:
                        held = _claim(ctx, waiting.popleft(), lease)
                        if held is None:
                            continue  # sent or claimed meanwhile by another sender
                    message = held
                    try:
                        connection.send(message.recipient, message.subject, message.body,
                                        recipient_name=message.recipient_name)
                    except smtp.SmtpUnavailable:
                        raise
                    except smtp.SmtpError as exc:
                        held = None
                        _failed(ctx, message.id, str(exc), permanent=exc.permanent)
                        failed += 1
                        errors.append(str(exc))
                        continue
                    held = None
                    _sent(ctx, message)
                    sent += 1
                    delivered_here += 1
        except smtp.SmtpUnavailable as exc:
            if delivered_here:
                continue  # the server closed a connection that had carried mail (a limit per connection): reconnect
            if held is not None:
                _failed(ctx, held.id, str(exc))
                failed += 1
                held = None
            errors.append(str(exc))
            failed += _fail_due(ctx, str(exc), limit)
            break
    return SendReport(sent, failed, _pending(ctx), tuple(dict.fromkeys(errors)))


def _not_configured(missing: list[str]) -> str:
    keys = " and ".join(missing) or "the mail server"
    return f"email is not set up: set {keys} (vicman config set KEY VALUE); the messages wait until then"


def _claim(ctx: ServiceContext, row_id: int, lease: timedelta) -> _Claimed | None:
    with ctx.db.transaction() as session:
        row = outbox.claim(session, row_id, ctx.now(), lease)
        if row is None:
            return None
        return _Claimed(row.id, row.key, row.kind, row.recipient, row.recipient_name, row.subject, row.body,
                        tuple(outbox.duties_of(row)), row.officer_id)


def _sent(ctx: ServiceContext, message: _Claimed) -> None:
    with ctx.db.transaction() as session:
        if outbox.mark_sent(session, message.id, ctx.now()):
            detail: dict[str, object] = {"kind": message.kind, "key": message.key, "duties": list(message.duties)}
            if message.officer_id is not None:
                detail["officer_id"] = message.officer_id
            audit.record(ctx, session, audit.DISCLOSE, OUTBOX, message.id, detail, recipients=[message.recipient])


def _failed(ctx: ServiceContext, row_id: int, error: str, *, permanent: bool = False) -> None:
    with ctx.db.transaction() as session:
        outbox.mark_failed(session, row_id, error, ctx.now(), permanent=permanent)


def _fail_due(ctx: ServiceContext, error: str, limit: int) -> int:
    """Count a failed attempt, with `error`, on every message still due (none was sent: the server is out)."""
    with ctx.db.transaction() as session:
        now = ctx.now()
        rows = outbox.due(session, now, limit)
        for row in rows:
            outbox.mark_failed(session, row.id, error, now)
        return len(rows)


def _pending(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return outbox.counts(session)[outbox.PENDING]


def retry_failed(ctx: ServiceContext, ids: list[int] | None = None) -> int:
    """Put failed messages (all, or `ids`) back in the queue, due now (checked as `mail.send`, audited).
    Returns how many."""
    permissions.require(ctx, permissions.SEND_MAIL, object_type=OUTBOX, object_id="retry")
    with ctx.db.transaction() as session:
        count = outbox.retry_failed(session, ctx.now(), ids)
        if count:
            audit.record(ctx, session, audit.ADMIN, OUTBOX, "retry", {"retried": count, "ids": ids})
        return count


TEST_SUBJECT = "vicman: test message"


def send_test(ctx: ServiceContext, recipient: str, *, ssl_context: ssl.SSLContext | None = None) -> None:
    """Send a short test message straight away (not through the outbox), to check the mail settings
    (checked as `mail.send`; audited as a disclosure to `recipient`). Raises SmtpError saying why not."""
    permissions.require(ctx, permissions.SEND_MAIL, object_type=OUTBOX, object_id="test")
    if not outbox.is_address(recipient):
        raise InvalidInput(f"not an email address: {recipient!r}", field="recipient")
    with ctx.db.read() as session:
        server = settings.smtp_settings_in(session, ctx.db.url)
        missing = settings.missing_smtp_settings(session)
    if server is None:
        raise ServiceError(_not_configured(missing))
    if ssl_context is not None:
        server = replace(server, ssl_context=ssl_context)
    body = (
        f"This is a test message from vicman ({ctx.actor.user} on {ctx.actor.workstation}).\n"
        f"If you can read it, reminders from {server.sender} through {server.where} reach this mailbox.\n"
    )
    try:
        smtp.send(server, recipient, TEST_SUBJECT, body)
    except smtp.SmtpError as exc:
        raise MailNotSent(str(exc)) from None
    with ctx.db.transaction() as session:
        audit.record(ctx, session, audit.DISCLOSE, OUTBOX, "test", {"kind": "test"}, recipients=[recipient])


# --- health -------------------------------------------------------------------------------------------


def health(ctx: ServiceContext, limit: int = 500) -> MailHealth:
    """Whether email is getting through (checked as `mail.health`): the last message the server accepted,
    pending and failed messages with their errors (up to `limit`), and officers with no working address."""
    permissions.require(ctx, permissions.MAIL_HEALTH, object_type=OUTBOX, object_id="health")
    today = ctx.today()
    with ctx.db.read() as session:
        counts = outbox.counts(session)
        last = session.scalar(select(func.max(OutboxMessageRow.sent_at)))
        oldest = session.scalar(
            select(func.min(OutboxMessageRow.created_at)).where(OutboxMessageRow.status == outbox.PENDING)
        )
        rows = session.scalars(
            select(OutboxMessageRow)
            .where(OutboxMessageRow.status.in_((outbox.FAILED, outbox.PENDING)))
            .order_by((OutboxMessageRow.status == outbox.PENDING), OutboxMessageRow.next_attempt_at,
                      OutboxMessageRow.id)
            .limit(limit)
        )
        messages = tuple(
            OutboxView(r.id, r.recipient, r.subject, r.status, r.attempts, r.last_error, r.next_attempt_at, r.kind,
                       r.recipient_name, r.reason, r.created_at)
            for r in rows
        )
        missing = settings.missing_smtp_settings(session)
        mailboxes = settings.bureau_mailboxes_in(session)
        problems = tuple(_address_problems(session, today, mailboxes))
        divisions = tuple(d for d in settings.divisions_in(session) if d not in mailboxes)
    return MailHealth(
        last_success_at=last,
        pending=counts[outbox.PENDING],
        failed=counts[outbox.FAILED],
        oldest_pending_at=oldest,
        messages=messages,
        officers_without_address=problems,
        smtp_configured=not missing,
        smtp_problem=_not_configured(missing) if missing else None,
        divisions_without_mailbox=divisions,
    )


def _away(officer: OfficerRow, today: date) -> bool:
    return officers.is_away(officer.away_from, officer.away_until, today)


def _left(officer: OfficerRow, today: date) -> bool:
    return officer.left_on is not None and officer.left_on <= today


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _address_problems(session: Session, today: date, mailboxes: dict[str, str]) -> list[AddressProblem]:
    """Officers whose reminders cannot reach them: no (valid) email, left, or away with no working deputy.

    Counted: active officers, and any officer still in the case of an open crime (a leaver's cases)."""
    deputy = aliased(OfficerRow)
    open_case = select(CrimeRow.id).where(CrimeRow.oic_id == OfficerRow.id, CrimeRow.closed_at.is_(None)).exists()
    rows = session.execute(
        select(OfficerRow, deputy)
        .outerjoin(deputy, deputy.id == OfficerRow.deputy_id)
        .where((OfficerRow.active.is_(True)) | open_case)
        .order_by(OfficerRow.division, OfficerRow.staff_no)
    ).all()
    found = []
    for officer, stand_in in rows:
        why = _why(officer, stand_in, today)
        if why is None:
            continue
        fallback = mailboxes.get(officer.division)
        then = (f"; reminders go to the {officer.division} bureau mailbox" if fallback
                else f"; {officer.division} has no bureau mailbox either: set bureau.mailbox.{officer.division}")
        found.append(AddressProblem(officer.staff_no, officer.name, why + then, officer.division, fallback))
    return found


def _why(officer: OfficerRow, stand_in: OfficerRow | None, today: date) -> str | None:
    if _left(officer, today):
        assert officer.left_on is not None
        return f"left on {_uk(officer.left_on)}"
    if not outbox.is_address(officer.email):
        return "no email address" if not officer.email else f"email address {officer.email!r} is not valid"
    if not _away(officer, today):
        return None
    until = f" until {_uk(officer.away_until)}" if officer.away_until else ""
    if stand_in is None:
        return f"away{until} with no deputy"
    if _left(stand_in, today) or not stand_in.active:
        return f"away{until}; their deputy {stand_in.staff_no} has left"
    if not outbox.is_address(stand_in.email):
        return f"away{until}; their deputy {stand_in.staff_no} has no email address"
    if _away(stand_in, today):
        return f"away{until}; their deputy {stand_in.staff_no} is away too"
    return None
