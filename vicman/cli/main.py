"""Argument parsing and dispatch. Errors: one line on stderr, exit status 2, database unchanged."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TextIO

from vicman import __version__
from vicman.cli import (
    audit_commands,
    backup_commands,
    config_commands,
    db_commands,
    dip_sample_commands,
    identity,
    mail_commands,
    officer_commands,
    referral_file_commands,
    remind_commands,
    report_commands,
    user_commands,
)
from vicman.cli.output import local_iso, print_json, print_table, stream_json_array, uk_date, uk_datetime
from vicman.domain.enums import ContactMethod, EventType, Outcome
from vicman.rules.code import CodeDataError
from vicman.services import entries, importing, queries
from vicman.services.context import ServiceContext, open_context
from vicman.services.errors import ImportRejected, InvalidInput, ServiceError
from vicman.services.parsing import ParseError, parse_date, parse_datetime
from vicman.store import StoreError

EXIT_ERROR = 2


class CliError(Exception):
    """A usage error found after parsing (a bad date in an option, say)."""


def _datetime_arg(option: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return parse_datetime(text)
        except ParseError as exc:
            raise argparse.ArgumentTypeError(f"{option}: {exc}") from None

    return parse


def _date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except ParseError as exc:
        raise argparse.ArgumentTypeError(f"--as-of: {exc}") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"vicman: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    db_option = _Parser(add_help=False)
    db_option.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $VICMAN_DB, else the per-user file)",
    )
    db_option.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="act as this user (default: $VICMAN_USER); the password comes from $VICMAN_PASSWORD or a prompt",
    )
    parser = _Parser(
        prog="vicman",
        description="Victims' Code re-contact manager. With no command, opens the app.",
        parents=[db_option],
    )
    parser.add_argument("--version", action="version", version=f"vicman {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", parents=[db_option], help="fill the database with realistic synthetic data")
    demo.add_argument("--crimes", type=int, default=3000, help="how many crimes to make (default 3000)")
    demo.add_argument("--seed", type=int, default=2006, help="random seed, for the same data again")

    imp = commands.add_parser("import", parents=[db_option], help="import a crime-system extract")
    imp_kinds = imp.add_subparsers(dest="what", metavar="WHAT", required=True, parser_class=_Parser)
    crimes = imp_kinds.add_parser("crimes", parents=[db_option], help="CSV of crimes and victims (idempotent)")
    crimes.add_argument("file")

    event = commands.add_parser("event", parents=[db_option], help="investigation events")
    event_actions = event.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    event_add = event_actions.add_parser("add", parents=[db_option], help="record an event in a crime")
    event_add.add_argument("crime_ref")
    event_add.add_argument(
        "type",
        choices=[e.value for e in EventType],
        metavar="TYPE",
        help="one of: " + ", ".join(e.value for e in EventType),
    )
    event_add.add_argument("--at", required=True, type=_datetime_arg("--at"), help="when (naive = UK local time)")
    event_add.add_argument("--note")

    contact = commands.add_parser("contact", parents=[db_option], help="contacts with victims")
    contact_actions = contact.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    contact_add = contact_actions.add_parser("add", parents=[db_option], help="log a contact or attempt")
    contact_add.add_argument("crime_ref")
    contact_add.add_argument("victim_ref")
    contact_add.add_argument("--at", required=True, type=_datetime_arg("--at"))
    contact_add.add_argument("--method", required=True, choices=[m.value for m in ContactMethod])
    contact_add.add_argument("--outcome", required=True, choices=[o.value for o in Outcome])
    contact_add.add_argument("--note")
    contact_add.add_argument("--on-behalf-of", metavar="STAFF_NO", help="officer the contact was made for")

    referral = commands.add_parser("referral", parents=[db_option], help="referrals to support services")
    referral_actions = referral.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    referral_add = referral_actions.add_parser("add", parents=[db_option], help="record a referral")
    referral_add.add_argument("crime_ref")
    referral_add.add_argument("victim_ref")
    referral_add.add_argument("--at", required=True, type=_datetime_arg("--at"))
    referral_add.add_argument("--service", default="Victim Support")

    waive = commands.add_parser("waive", parents=[db_option], help="waive a duty, with a reason")
    waive.add_argument("crime_ref")
    waive.add_argument("victim_ref")
    waive.add_argument("duty", help="the duty's rule id (e.g. inform_arrest) or key (e.g. update:2)")
    waive.add_argument("--reason", required=True)

    correct = commands.add_parser(
        "correct", parents=[db_option], help="correct an entry (the original stays, marked and linked)"
    )
    correct.add_argument("kind", choices=["contact", "event", "referral", "waiver"])
    correct.add_argument("entry_id", type=int)
    correct.add_argument("--reason", required=True)
    correct.add_argument("--retract", action="store_true", help="the entry should not have been made at all")
    correct.add_argument("--at", type=_datetime_arg("--at"))
    correct.add_argument("--method", choices=[m.value for m in ContactMethod])
    correct.add_argument("--outcome", choices=[o.value for o in Outcome])
    correct.add_argument("--type", dest="event_type", choices=[e.value for e in EventType])
    correct.add_argument("--note")

    obligations = commands.add_parser("obligations", parents=[db_option], help="duties and their status on a date")
    obligations.add_argument("--as-of", type=_date_arg, help="YYYY-MM-DD (default: today)")
    obligations.add_argument("--crime")
    obligations.add_argument("--victim")
    obligations.add_argument("--json", action="store_true")

    overdue = commands.add_parser("overdue", parents=[db_option], help="worklist of overdue (and due-soon) duties")
    scope = overdue.add_mutually_exclusive_group(required=True)
    scope.add_argument("--division")
    scope.add_argument("--officer", metavar="STAFF_NO")
    overdue.add_argument("--as-of", type=_date_arg)
    overdue.add_argument("--due-soon", action="store_true", help="also duties due today or on the next working day")
    overdue.add_argument("--limit", type=int, default=200)
    overdue.add_argument("--json", action="store_true")

    search = commands.add_parser("search", parents=[db_option], help="find victims by name, reference or phone")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    for module in COMMAND_MODULES:
        module.register(commands, db_option, _Parser)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    db = getattr(args, "db", None)
    if args.command is None:
        return _open_app(db)
    try:
        ctx = open_context(db)
    except (StoreError, CodeDataError) as exc:
        err.write(f"vicman: {exc}\n")
        return EXIT_ERROR
    try:
        ctx.actor = identity.acting_user(ctx, getattr(args, "user", None), err)
        return _command(args.command)(ctx, args, out)
    except ImportRejected as exc:
        for problem in exc.problems:
            err.write(f"vicman: {problem.located()}\n")
        err.write(f"vicman: {exc}\n")
        return EXIT_ERROR
    except InvalidInput as exc:
        err.write(f"vicman: {exc.located()}\n")
        return EXIT_ERROR
    except (ServiceError, StoreError, CliError) as exc:
        err.write(f"vicman: {exc}\n")
        return EXIT_ERROR
    finally:
        ctx.close()


def _open_app(db: str | None) -> int:
    from vicman.gui.app import run
    from vicman.store import resolve_url

    return run(resolve_url(db))


# --- commands -----------------------------------------------------------------------------------


def _demo(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    from vicman.services.demo import make_demo

    summary = make_demo(ctx, crimes=args.crimes, seed=args.seed)
    out.write(f"{summary}\n")
    return 0


def _import(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    result = importing.import_crimes(ctx, args.file)
    if result.unchanged:
        out.write(f"{result.file}: {result.rows} rows; nothing new or changed.\n")
    else:
        out.write(
            f"{result.file}: {result.rows} rows; crimes {result.crimes_created} new, {result.crimes_updated} changed; "
            f"people {result.people_created} new, {result.people_updated} changed; "
            f"officers {result.officers_created} new, {result.officers_updated} changed; "
            f"{result.obligations_rederived} duties worked out.\n"
        )
    return 0


def _event(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    recorded = entries.record_event(ctx, args.crime_ref, args.type, args.at, note=args.note)
    out.write(f"Recorded {args.type} in {args.crime_ref} as event {recorded.id}.\n")
    return 0


def _contact(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    recorded = entries.record_contact(
        ctx,
        args.crime_ref,
        args.victim_ref,
        args.at,
        args.method,
        args.outcome,
        note=args.note,
        on_behalf_of=args.on_behalf_of,
    )
    out.write(f"Logged {args.outcome} {args.method} contact with {args.victim_ref} as entry {recorded.id}.\n")
    return 0


def _referral(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    recorded = entries.record_referral(ctx, args.crime_ref, args.victim_ref, args.at, service=args.service)
    out.write(f"Recorded referral of {args.victim_ref} to {args.service} as entry {recorded.id}.\n")
    return 0


def _waive(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    recorded = entries.waive(ctx, args.crime_ref, args.victim_ref, args.duty, args.reason)
    out.write(f"Waived {args.duty} for {args.victim_ref} in {args.crime_ref} (waiver {recorded.id}).\n")
    return 0


def _correct(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    changes = {
        k: v
        for k, v in (
            ("at", args.at),
            ("method", args.method),
            ("outcome", args.outcome),
            ("type", args.event_type),
            ("note", args.note),
        )
        if v is not None
    }
    if not changes and not args.retract:
        raise CliError("say what to correct (--at, --method, --outcome, --type, --note) or --retract")
    recorded = entries.correct_entry(ctx, args.kind, args.entry_id, args.reason, retract=args.retract, **changes)
    out.write(f"Recorded correction {recorded.id} of {args.kind} entry {args.entry_id}.\n")
    return 0


def _obligations(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    as_of = args.as_of or ctx.today()
    views = queries.iter_obligations_as_of(ctx, as_of, crime_ref=args.crime, victim_ref=args.victim)
    if args.json:
        stream_json_array(
            (
                {
                    "crime_ref": v.crime_ref,
                    "victim_ref": v.victim_ref,
                    "rule": v.rule,
                    "edition": v.edition,
                    "enhanced": v.enhanced,
                    "due": v.due.isoformat(),
                    "status": v.status.value,
                    "late": v.late,
                    "met_at": local_iso(v.met_at),
                }
                for v in views
            ),
            out,
        )
        return 0
    rows = [
        (
            v.crime_ref,
            v.victim_ref,
            v.title,
            v.edition,
            "yes" if v.enhanced else "",
            uk_date(v.due),
            v.status.value + (" (late)" if v.late else ""),
            uk_datetime(v.met_at) or (v.waiver_reason or ""),
        )
        for v in views
    ]
    print_table(
        ("Crime", "Victim", "Duty", "Code", "Enhanced", "Due", "Status", "Met / waived"),
        rows,
        out,
        empty=f"No duties as of {uk_date(as_of)}.",
    )
    return 0


def _overdue(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    as_of = args.as_of or ctx.today()
    if args.officer:
        until = ctx.calendar.next_working_day(as_of) if args.due_soon else as_of - timedelta(days=1)
        rows = [r for r in queries.officer_worklist(ctx, args.officer, as_of=as_of, limit=args.limit) if r.due <= until]
    else:
        rows = queries.overdue_worklist(
            ctx, args.division, as_of=as_of, limit=args.limit, include_due_soon=args.due_soon
        )
    if args.json:
        print_json(
            [
                {
                    "crime_ref": r.crime_ref,
                    "victim_ref": r.victim_ref,
                    "victim_name": r.victim_name,
                    "rule": r.rule,
                    "duty": r.title,
                    "due": r.due.isoformat(),
                    "status": r.status.value,
                    "enhanced": r.enhanced,
                    "division": r.division,
                    "oic": r.oic_staff_no,
                    "language": r.language,
                    "preferred_method": r.preferred_method,
                    "last_contact_at": local_iso(r.last_contact_at),
                }
                for r in rows
            ],
            out,
        )
        return 0
    print_table(
        ("Due", "Status", "Duty", "Victim", "Crime", "Enh", "OIC", "Language", "Method", "Last contact"),
        [
            (
                uk_date(r.due),
                r.status.value,
                r.title,
                r.victim_name,
                r.crime_ref,
                "E" if r.enhanced else "",
                r.oic_staff_no,
                r.language,
                r.preferred_method,
                uk_datetime(r.last_contact_at),
            )
            for r in rows
        ],
        out,
        empty="No overdue duties.",
    )
    return 0


def _search(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    hits = queries.search(ctx, args.text)
    if args.json:
        print_json(
            [
                {
                    "victim_ref": h.person_ref,
                    "name": h.name,
                    "dob": h.dob.isoformat() if h.dob else None,
                    "phone": h.phone,
                    "crimes": list(h.crime_refs),
                    "matched_on": h.matched_on,
                }
                for h in hits
            ],
            out,
        )
        return 0
    print_table(
        ("Victim", "Name", "Born", "Phone", "Crimes", "Matched on"),
        [(h.person_ref, h.name, uk_date(h.dob), h.phone, ", ".join(h.crime_refs), h.matched_on) for h in hits],
        out,
        empty="No one matches.",
    )
    return 0


COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "demo": _demo,
    "import": _import,
    "event": _event,
    "contact": _contact,
    "referral": _referral,
    "waive": _waive,
    "correct": _correct,
    "obligations": _obligations,
    "overdue": _overdue,
    "search": _search,
}

COMMAND_MODULES = (
    audit_commands,
    backup_commands,
    dip_sample_commands,
    user_commands,
    referral_file_commands,
    config_commands,
    mail_commands,
    remind_commands,
    officer_commands,
    report_commands,
    db_commands,
)
"""Command groups in modules of their own: each has `register(commands, db_option, parser_class)` and `COMMANDS`."""


def _command(name: str) -> Callable[[ServiceContext, argparse.Namespace, TextIO], int]:
    if name in COMMANDS:
        return COMMANDS[name]
    for module in COMMAND_MODULES:
        if name in module.COMMANDS:
            return module.COMMANDS[name]
    raise CliError(f"unknown command {name}")
