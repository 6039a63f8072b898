"""`vicman mail send | status | retry | test`: the outbox and the mail server.

`mail send` sends what is due (for a scheduled task: exit 1 when anything could not be sent, so that the
task shows as failed); `mail status` shows whether email is getting through; `mail retry` puts failed
messages back in the queue; `mail test ADDRESS` sends a test message at once to check the settings.
`write_health` and `health_json` are also what `vicman remind --status` prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from vicman.cli.output import local_iso, print_json, print_table, uk_datetime
from vicman.services import mail
from vicman.services.context import ServiceContext

EXIT_NOT_SENT = 1
"""`mail send` or `mail test`: something could not be sent (it stays in the outbox); 2 stays a usage error."""


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    group = commands.add_parser("mail", parents=[db_option], help="send the outbox, see its state, retry, test")
    actions = group.add_subparsers(dest="mail_action", metavar="ACTION", required=True, parser_class=parser_class)
    send = actions.add_parser(
        "send", parents=[db_option], help="send the email that is due (exit 1 if any could not be sent)"
    )
    send.add_argument("--limit", type=int, default=200, help="at most this many messages (default 200)")
    send.add_argument("--json", action="store_true")
    status = actions.add_parser(
        "status", parents=[db_option], help="last send, pending and failed messages, officers with no working address"
    )
    status.add_argument("--json", action="store_true")
    retry = actions.add_parser("retry", parents=[db_option], help="put failed messages back in the queue")
    retry.add_argument("ids", metavar="ID", type=int, nargs="*", help="only these messages (default: all failed)")
    test = actions.add_parser("test", parents=[db_option], help="send a test message now, to check the settings")
    test.add_argument("address", metavar="ADDRESS")


def _mail(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    return ACTIONS[args.mail_action](ctx, args, out)


def _send(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    report = mail.send_due(ctx, limit=args.limit)
    if args.json:
        print_json(report_json(report), out)
    else:
        out.write(f"{report.sent} sent, {report.failed} failed attempt{'s' if report.failed != 1 else ''}, "
                  f"{report.pending} waiting.\n")
        for error in report.errors:
            out.write(f"  error: {error}\n")
    return EXIT_NOT_SENT if report.errors else 0


def report_json(report: mail.SendReport) -> dict[str, Any]:
    return {"sent": report.sent, "failed": report.failed, "pending": report.pending, "errors": list(report.errors)}


def _status(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    health = mail.health(ctx)
    if args.json:
        print_json(health_json(health), out)
    else:
        write_health(health, out)
    return 0


def health_json(health: mail.MailHealth) -> dict[str, Any]:
    return {
        "smtp_configured": health.smtp_configured,
        "smtp_problem": health.smtp_problem,
        "last_success_at": local_iso(health.last_success_at),
        "pending": health.pending,
        "failed": health.failed,
        "oldest_pending_at": local_iso(health.oldest_pending_at),
        "messages": [
            {
                "id": m.id,
                "kind": m.kind,
                "recipient": m.recipient,
                "recipient_name": m.recipient_name,
                "subject": m.subject,
                "status": m.status,
                "attempts": m.attempts,
                "last_error": m.last_error,
                "next_attempt_at": local_iso(m.next_attempt_at),
                "created_at": local_iso(m.created_at),
            }
            for m in health.messages
        ],
        "officers_without_address": [
            {"staff_no": p.staff_no, "name": p.name, "division": p.division, "why": p.why, "fallback": p.fallback}
            for p in health.officers_without_address
        ],
        "divisions_without_mailbox": list(health.divisions_without_mailbox),
    }


def write_health(health: mail.MailHealth, out: TextIO) -> None:
    """The health report as text: what a person at a terminal (or a scheduled task's log) reads."""
    if health.smtp_problem:
        out.write(f"Email: {health.smtp_problem}\n")
    last = uk_datetime(health.last_success_at) or "never"
    oldest = f" (the oldest since {uk_datetime(health.oldest_pending_at)})" if health.oldest_pending_at else ""
    out.write(f"Last message sent: {last}. Waiting: {health.pending}{oldest}. Failed: {health.failed}.\n")
    if health.messages:
        out.write("\n")
        print_table(
            ("Id", "Status", "To", "Subject", "Tries", "Next try", "Last error"),
            [
                (m.id, m.status, m.recipient, m.subject, m.attempts,
                 uk_datetime(m.next_attempt_at) if m.status == "pending" else "", m.last_error or "")
                for m in health.messages
            ],
            out,
        )
    if health.officers_without_address:
        out.write("\nOfficers with no working address:\n")
        print_table(
            ("Staff no", "Name", "Division", "Why"),
            [(p.staff_no, p.name, p.division, p.why) for p in health.officers_without_address],
            out,
        )
    if health.divisions_without_mailbox:
        out.write(f"\nDivisions with no bureau mailbox: {', '.join(health.divisions_without_mailbox)}\n")


def _retry(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    count = mail.retry_failed(ctx, args.ids or None)
    out.write(f"{count} failed message{'s' if count != 1 else ''} back in the queue.\n")
    return 0


def _test(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    try:
        mail.send_test(ctx, args.address)
    except mail.MailNotSent as exc:
        # Looked up now, so that redirection (and tests) see it.
        sys.stderr.write(f"vicman: the test message was not sent: {exc}\n")
        return EXIT_NOT_SENT
    out.write(f"Test message sent to {args.address}.\n")
    return 0


ACTIONS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "send": _send,
    "status": _status,
    "retry": _retry,
    "test": _test,
}

COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"mail": _mail}
