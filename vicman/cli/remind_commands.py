"""`vicman remind [--as-of DATE] [--send] [--json] [--status]`: the day's reminders, for a scheduled task.

Queues the day's digests, immediate messages and escalations in the outbox (see
`vicman.services.reminders`); with --send, also sends what is due. Run it every morning (and as often as
you like after: a second run on the same day queues nothing new). Exit status 1 tells the scheduler that
something needs a person: a message failed, or a duty has no one to be told about.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TextIO

from vicman.cli.mail_commands import health_json, report_json, write_health
from vicman.cli.output import print_json, uk_date
from vicman.services import mail, reminders
from vicman.services.context import ServiceContext
from vicman.services.parsing import ParseError, parse_date

EXIT_NEEDS_ATTENTION = 1
"""A message failed (or cannot go: email is not set up), or a duty is orphaned; 2 stays a usage error."""
SEND_BATCH = 200
ORPHANS_LISTED = 20
"""Orphaned duties listed on stderr (--json lists them all)."""

HELP = """\
Queue the day's reminders in the outbox: a digest to each officer in the case of their duties overdue,
due today and due on the next working day; an immediate message for each one-working-day duty of a victim
with enhanced rights; an escalation to the supervisors of duties overdue by reminders.escalate_after_days
working days. An officer who is away goes to their deputy; one who has left, or who has no working
address, to the division's bureau mailbox (bureau.mailbox.<division>). Running it again on the same day
queues nothing new, so it is safe to run as often as you like.

--send also sends what is due (the mail server is set with 'vicman config set smtp.host ...'). --status
only prints the health report: the last successful send, pending and failed messages with their errors,
and officers with no working address; nothing is queued or sent.

The app sends too, every 15 minutes while an administrator is signed in; the scheduled task is the
primary mechanism, and the app's timer only a backstop.

exit status: 0 all queued (and sent); 1 something needs a person: a message failed or could not be sent
(it stays in the outbox and is retried), or a duty has no one to be told about (no bureau mailbox: the
duties are listed on stderr), or (--status) there are failed messages or officers whose reminders go
nowhere; 2 a usage or other error (nothing was queued)."""


def _date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except ParseError as exc:
        raise argparse.ArgumentTypeError(f"--as-of: {exc}") from None


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    remind = commands.add_parser(
        "remind",
        parents=[db_option],
        help="queue (and with --send, send) the day's reminders; exit 1 if any failed or had no one to go to",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    remind.add_argument("--as-of", type=_date_arg, metavar="DATE", help="the day, YYYY-MM-DD (default: today)")
    remind.add_argument("--send", action="store_true", help="also send the messages that are due")
    remind.add_argument("--json", action="store_true", help="the report as JSON")
    remind.add_argument("--status", action="store_true", help="only print the health report (queues and sends nothing)")


def _remind(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    if args.status:
        return _status(ctx, args, out)
    as_of = args.as_of or ctx.today()
    report = reminders.queue_reminders(ctx, as_of)
    sent = _send_all(ctx) if args.send else None
    if args.json:
        print_json(
            {
                "as_of": as_of.isoformat(),
                "queued": report.queued,
                "already_queued": report.already_queued,
                "by_kind": report.by_kind,
                "orphans": [_orphan_json(o) for o in report.orphans],
                "send": report_json(sent) if sent is not None else None,
            },
            out,
        )
    else:
        kinds = ", ".join(f"{report.by_kind[k]} {_kind_words(k, report.by_kind[k])}" for k in reminders.KINDS)
        out.write(
            f"Reminders for {uk_date(as_of)}: {report.queued} queued ({kinds}); "
            f"{report.already_queued} already queued earlier.\n"
        )
        if sent is not None:
            out.write(
                f"Email: {sent.sent} sent, {sent.failed} failed attempt{'s' if sent.failed != 1 else ''}, "
                f"{sent.pending} waiting.\n"
            )
    # Commands get stdout only; stderr is looked up now so that redirection (and tests) see it.
    err = sys.stderr
    if report.orphans:
        count = len({o.obligation_id for o in report.orphans})
        err.write(
            f"vicman: warning: {count} dut{'ies' if count != 1 else 'y'} with no one to be told about "
            "(set a bureau mailbox, or give the officer an address or a deputy):\n"
        )
        for orphan in report.orphans[:ORPHANS_LISTED]:
            officer = orphan.officer or "no officer"
            err.write(
                f"vicman:   {orphan.crime_ref} {orphan.victim_ref} {orphan.title}, due {uk_date(orphan.due)} "
                f"({orphan.kind}; {officer}): {orphan.why}\n"
            )
        if len(report.orphans) > ORPHANS_LISTED:
            err.write(f"vicman:   ... and {len(report.orphans) - ORPHANS_LISTED} more (--json lists them all)\n")
    if sent is not None:
        for error in sent.errors:
            err.write(f"vicman: email: {error}\n")
    failed = sent is not None and (sent.failed > 0 or bool(sent.errors))
    return EXIT_NEEDS_ATTENTION if report.orphans or failed else 0


def _send_all(ctx: ServiceContext) -> mail.SendReport:
    """Send everything that is due, a batch at a time, until a batch is not full (or the server is out)."""
    sent = failed = 0
    errors: list[str] = []
    while True:
        batch = mail.send_due(ctx, limit=SEND_BATCH)
        sent += batch.sent
        failed += batch.failed
        errors.extend(batch.errors)
        if batch.sent < SEND_BATCH or batch.errors:
            return mail.SendReport(sent, failed, batch.pending, tuple(dict.fromkeys(errors)))


def _status(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    health = mail.health(ctx)
    if args.json:
        print_json(health_json(health), out)
    else:
        write_health(health, out)
    nowhere = any(p.fallback is None for p in health.officers_without_address)
    return EXIT_NEEDS_ATTENTION if health.failed or nowhere else 0


def _orphan_json(orphan: reminders.Orphan) -> dict[str, Any]:
    return {
        "kind": orphan.kind,
        "obligation_id": orphan.obligation_id,
        "crime_ref": orphan.crime_ref,
        "victim_ref": orphan.victim_ref,
        "duty": orphan.title,
        "due": orphan.due.isoformat(),
        "officer": orphan.officer,
        "division": orphan.division,
        "why": orphan.why,
    }


def _kind_words(kind: str, count: int) -> str:
    one, many = {
        reminders.DIGEST: ("digest", "digests"),
        reminders.IMMEDIATE: ("immediate message", "immediate messages"),
        reminders.ESCALATION: ("escalation", "escalations"),
    }[kind]
    return one if count == 1 else many


COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"remind": _remind}
