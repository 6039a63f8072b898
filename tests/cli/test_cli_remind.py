"""`vicman remind` end to end, in-process, against the hand-made force of tests/reminder_support.py and a real
SMTP server (aiosmtpd) on 127.0.0.1: the digests arrive with the right duties; with the server down the
messages stay pending and a contact recorded meanwhile is saved; once it is up, exactly one copy of each
arrives. Also the exit status (1 for orphaned duties or failed messages), --json, --status, and
`vicman officer`.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.conftest import FIXED_NOW, TEST_USER, TEST_WORKSTATION, CliResult, open_test_context
from tests.notify.support import free_port
from tests.reminder_support import (
    JANE,
    NORTH_MAILBOX,
    PASSWORD,
    SUE,
    SUPERVISOR_EMAIL,
    Inbox,
    build_force,
    smtp_servers,
)
from vicman.services import entries, settings, users
from vicman.store.tables import ContactEntryRow, OutboxMessageRow

SENDER = "vicman@police.example.uk"
SOUTH_MAILBOX = "bureau.south@police.example.uk"


# --- a real SMTP server (tests.reminder_support.smtp_inbox) ---------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[Callable[[int], tuple[Controller, Inbox]]]:
    with smtp_servers() as start:
        yield start


# --- the command line, with a clock the test moves ------------------------------------------------------------


@dataclass
class Clock:
    now: datetime = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, clock: Clock, db_path: Path) -> Callable[..., CliResult]:
    """`run(*argv)`: `vicman --db DB argv` in-process, signed in as the administrator, at `clock.now`."""
    import vicman.cli.main as cli_main
    from vicman.services.context import Actor, open_context

    def opened(db: str | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("actor", Actor(TEST_USER, TEST_WORKSTATION, unrestricted=True))
        kwargs.setdefault("clock", clock)
        return open_context(db, **kwargs)

    monkeypatch.setattr(cli_main, "open_context", opened)
    monkeypatch.setenv("VICMAN_USER", "admin")
    monkeypatch.setenv("VICMAN_PASSWORD", PASSWORD)

    def call(*argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli_main.main(["--db", str(db_path), *[str(a) for a in argv]], out=out, err=err)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 0
        return CliResult(status, out.getvalue(), err.getvalue())

    return call


@pytest.fixture
def force(db_path: Path, tmp_path: Path, clock: Clock) -> Iterator[Any]:
    """The force, with mail set up for a server on a free port of 127.0.0.1 (plain SMTP, as for a local relay)."""
    ctx = open_test_context(db_path, clock=clock)
    build_force(ctx, tmp_path)
    port = free_port()
    for key, value in {
        "smtp.host": "127.0.0.1", "smtp.port": str(port), "smtp.starttls": "false", "smtp.from": SENDER,
        "smtp.timeout": "5",
    }.items():  # fmt: skip
        settings.set_setting(ctx, key, value)
    ctx.port = port  # type: ignore[attr-defined]
    yield ctx
    ctx.close()


def outbox(ctx: Any) -> list[OutboxMessageRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(OutboxMessageRow).order_by(OutboxMessageRow.id)))
        session.expunge_all()
        return rows


# --- the tests -------------------------------------------------------------------------------------------------


def test_a_duty_with_no_one_to_tell_is_warned_about_and_exits_1(force: Any, run: Callable[..., CliResult]) -> None:
    result = run("remind", "--as-of", "2026-11-26")
    assert result.status == 1, result.err
    assert result.out.startswith("Reminders for 26/11/2026: 6 queued (3 digests, 1 immediate message, 2 escalations)")
    assert "vicman: warning: 1 duty with no one to be told about" in result.err
    assert "CR-600A V-600A Refer the victim to support services, due 26/11/2026" in result.err
    assert "South has no bureau mailbox (set bureau.mailbox.South)" in result.err
    # Again: nothing new is queued, and the orphan is still reported.
    again = run("remind", "--as-of", "2026-11-26", "--json")
    assert again.status == 1
    report = json.loads(again.out)
    assert (report["queued"], report["already_queued"], report["send"]) == (0, 6, None)
    assert [(o["crime_ref"], o["officer"], o["kind"]) for o in report["orphans"]] == [("CR-600A", "P600", "digest")]
    # With a South mailbox, nothing is orphaned: exit 0.
    settings.set_setting(force, "bureau.mailbox.South", SOUTH_MAILBOX)
    assert run("remind", "--as-of", "2026-11-26").status == 0


def test_remind_send_delivers_each_digest_with_its_duties_once(
    force: Any, run: Callable[..., CliResult], smtp: Callable[[int], tuple[Controller, Inbox]]
) -> None:
    settings.set_setting(force, "bureau.mailbox.South", SOUTH_MAILBOX)
    _, inbox = smtp(force.port)
    result = run("remind", "--as-of", "2026-11-26", "--send")
    assert result.status == 0, result.err
    assert "Email: 7 sent, 0 failed attempts, 0 waiting." in result.out
    assert sorted(r for recipients, _ in inbox.received() for r in recipients) == sorted(
        [JANE.email, JANE.email, SUE.email, NORTH_MAILBOX, NORTH_MAILBOX, SUPERVISOR_EMAIL, SOUTH_MAILBOX]
    )
    (digest,) = [m for m in inbox.to(JANE.email) if m["Subject"].startswith("vicman reminders")]
    body = digest.get_content()
    assert digest["From"] == SENDER
    assert digest["Subject"] == "vicman reminders for 26/11/2026: 2 overdue, 1 due today, 2 due next working day"
    for wanted in (
        "  - Anna Nowak (V-100A), crime CR-100A: Refer the victim to support services "
        "(due 18/11/2026, 6 working days overdue)",
        "  - Eve Fox (V-100E), crime CR-100E: Refer the victim to support services "
        "(due 25/11/2026, 1 working day overdue)",
        "  - Ben Carter (V-100B), crime CR-100B: Refer the victim to support services (due 26/11/2026)",
        "  - Cleo Davies (V-100C), crime CR-100C: Refer the victim to support services (due 27/11/2026)",
        "  - Finn Gray (V-100F), crime CR-100F: Tell the victim about the arrest (due 27/11/2026)",
    ):
        assert wanted in body
    assert "Dan Evans" not in body and "Gita Hale" not in body
    (deputy,) = inbox.to(SUE.email)
    assert "Gita Hale (V-200A)" in deputy.get_content() and "Huw Ince (V-300A)" in deputy.get_content()
    # Sent once: running again sends nothing more.
    again = run("remind", "--as-of", "2026-11-26", "--send")
    assert again.status == 0 and "0 queued" in again.out and "Email: 0 sent" in again.out
    assert len(inbox.received()) == 7
    assert {row.status for row in outbox(force)} == {"sent"}


def test_with_the_server_down_messages_wait_and_a_contact_is_saved_then_exactly_one_copy_arrives(
    force: Any,
    run: Callable[..., CliResult],
    smtp: Callable[[int], tuple[Controller, Inbox]],
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.set_setting(force, "bureau.mailbox.South", SOUTH_MAILBOX)
    users.add_user(force, "jane", JANE.name, PASSWORD, ["officer"], staff_no=JANE.staff_no)
    # Nothing listens on the port: the server is down. Jane logs a contact meanwhile.
    monkeypatch.setenv("VICMAN_USER", "jane")
    contact = run("contact", "add", "CR-100F", "V-100F", "--at", "2026-11-26T08:45", "--method", "phone",
                  "--outcome", "informed")  # fmt: skip
    assert contact.status == 0, contact.err
    monkeypatch.setenv("VICMAN_USER", "admin")
    result = run("remind", "--as-of", "2026-11-26", "--send")
    assert result.status == 1
    assert "Email: 0 sent, 6 failed attempts, 6 waiting." in result.out
    assert "vicman: email:" in result.err and "127.0.0.1" in result.err
    rows = outbox(force)
    assert len(rows) == 6 and {r.status for r in rows} == {"pending"}
    assert all(r.attempts == 1 and r.last_error and r.next_attempt_at > clock.now for r in rows)
    with force.db.read() as session:
        saved = session.scalars(select(ContactEntryRow.outcome)).all()
    assert saved == ["informed"]  # the contact is saved whatever the mail server does
    # The contact met Finn's arrest duty: no immediate message, and today's digest does not list it.
    assert not any("Finn Gray" in r.body for r in rows) and not any(r.kind == "immediate" for r in rows)
    jane = next(r for r in rows if r.key == "digest:2026-11-26:P100")
    assert "Anna Nowak" in jane.body

    # Still down, a minute on: still waiting, nothing lost.
    clock.now += timedelta(minutes=2)
    assert run("remind", "--as-of", "2026-11-26", "--send").status == 1
    assert {r.status for r in outbox(force)} == {"pending"}

    # Up again, after the back-off: exactly one copy of each message.
    _, inbox = smtp(force.port)
    clock.now += timedelta(minutes=5)
    result = run("remind", "--as-of", "2026-11-26", "--send")
    assert result.status == 0, result.err
    assert "Email: 6 sent" in result.out
    clock.now += timedelta(hours=2)
    assert run("remind", "--as-of", "2026-11-26", "--send").status == 0
    subjects = [(tuple(recipients), message["Subject"]) for recipients, message in inbox.received()]
    assert len(subjects) == 6 and len(set(subjects)) == 6
    assert {r.status for r in outbox(force)} == {"sent"}


def test_status_prints_the_health_report_and_exits_1_while_reminders_go_nowhere(
    force: Any, run: Callable[..., CliResult]
) -> None:
    assert run("remind", "--as-of", "2026-11-26").status == 1
    status = run("remind", "--status")
    assert status.status == 1  # P600 has no address and South no mailbox
    assert "Last message sent: never. Waiting: 6" in status.out
    assert "P600" in status.out and "set bureau.mailbox.South" in status.out
    assert "Officers with no working address" in status.out
    report = json.loads(run("remind", "--status", "--json").out)
    assert report["pending"] == 6 and report["failed"] == 0
    settings.set_setting(force, "bureau.mailbox.South", SOUTH_MAILBOX)
    assert run("remind", "--status").status == 0


def test_remind_needs_an_administrator(force: Any, run: Callable[..., CliResult], monkeypatch) -> None:
    monkeypatch.setenv("VICMAN_USER", "sgt.sam")
    result = run("remind", "--as-of", "2026-11-26")
    assert result.status == 2 and "may not queue the daily reminders" in result.err
    assert outbox(force) == []


def test_the_help_documents_the_exit_status(run: Callable[..., CliResult]) -> None:
    result = run("remind", "--help")
    assert result.status == 0
    text = " ".join(result.out.split())
    assert "exit status: 0 all queued (and sent); 1 something needs a person" in text
    assert "a duty has no one to be told about" in text and "2 a usage or other error" in text


def test_officer_commands_mark_away_back_and_left(force: Any, run: Callable[..., CliResult]) -> None:
    away = run("officer", "away", "P100", "--from", "2026-11-26", "--until", "2026-11-30", "--deputy", "P300")
    assert away.status == 0, away.err
    assert away.out == "P100 PC Jane Jones (North/N1): away 26/11/2026 to 30/11/2026, deputy P300 PC Sue Park\n"
    shown = json.loads(run("officer", "show", "P100", "--json").out)
    assert (shown["away_until"], shown["deputy"]) == ("2026-11-30", "P300")
    refused = run("officer", "away", "P100", "--from", "2026-11-30", "--until", "2026-11-26")
    assert refused.status == 2 and "before the first" in refused.err
    assert run("officer", "back", "P100").out.endswith("in, and reminders go to jane.jones@police.example.uk\n")
    assert "left on 31/12/2026" in run("officer", "left", "P100", "--on", "2026-12-31").out
    assert run("officer", "left", "P100", "--undo").status == 0
    assert run("officer", "show", "P999").status == 2


def test_an_arrest_at_noon_is_sent_by_the_next_run(
    force: Any, run: Callable[..., CliResult], smtp: Callable[[int], tuple[Controller, Inbox]], clock: Clock
) -> None:
    """The app's timer (or a second scheduled run) catches a one-day duty that arises during the day."""
    settings.set_setting(force, "bureau.mailbox.South", SOUTH_MAILBOX)
    _, inbox = smtp(force.port)
    assert run("remind", "--as-of", "2026-11-26", "--send").status == 0
    before = len(inbox.received())
    clock.now = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    entries.record_event(force, "CR-100F", "charge", datetime(2026, 11, 26, 12, 0, tzinfo=UTC))  # by the officer
    result = run("remind", "--as-of", "2026-11-26", "--send")
    assert result.status == 0 and "1 queued (0 digests, 1 immediate message, 0 escalations)" in result.out
    (new,) = inbox.received()[before:]
    assert new[0] == [JANE.email]
    assert "Finn Gray (V-100F), crime CR-100F: Tell the victim the suspect has been charged" in new[1].get_content()
