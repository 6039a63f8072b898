"""`vicman officer show | away | back | left`: officers away with a deputy, and officers who have left.

While an officer is away their reminders go to their deputy (or, with none, to the division's bureau
mailbox); from the day they leave, to the bureau mailbox. See `vicman.services.officers`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any, TextIO

from vicman.cli.output import print_json, uk_date
from vicman.services import officers
from vicman.services.context import ServiceContext
from vicman.services.parsing import ParseError, parse_date


def _date_arg(option: str) -> Callable[[str], date]:
    def parse(text: str) -> date:
        try:
            return parse_date(text)
        except ParseError as exc:
            raise argparse.ArgumentTypeError(f"{option}: {exc}") from None

    return parse


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    group = commands.add_parser(
        "officer", parents=[db_option], help="mark an officer away (with a deputy), back, or left"
    )
    actions = group.add_subparsers(dest="officer_action", metavar="ACTION", required=True, parser_class=parser_class)
    show = actions.add_parser("show", parents=[db_option], help="an officer's absence, deputy and leaving date")
    show.add_argument("staff_no", metavar="STAFF_NO")
    show.add_argument("--json", action="store_true")
    away = actions.add_parser(
        "away", parents=[db_option], help="away from DATE until DATE (both included): reminders go to the deputy"
    )
    away.add_argument("staff_no", metavar="STAFF_NO")
    away.add_argument("--from", dest="from_date", required=True, type=_date_arg("--from"), metavar="DATE")
    away.add_argument("--until", dest="until_date", required=True, type=_date_arg("--until"), metavar="DATE")
    away.add_argument("--deputy", metavar="STAFF_NO", help="who takes their reminders (default: the bureau mailbox)")
    back = actions.add_parser("back", parents=[db_option], help="the officer is back: reminders go to them again")
    back.add_argument("staff_no", metavar="STAFF_NO")
    left = actions.add_parser(
        "left", parents=[db_option], help="the officer left on DATE: reminders go to the bureau mailbox"
    )
    left.add_argument("staff_no", metavar="STAFF_NO")
    when = left.add_mutually_exclusive_group(required=True)
    when.add_argument("--on", dest="on_date", type=_date_arg("--on"), metavar="DATE")
    when.add_argument("--undo", action="store_true", help="withdraw a leaving date recorded by mistake")


def _officer(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    action = args.officer_action
    if action == "show":
        shown = officers.get_absence(ctx, args.staff_no)
        if args.json:
            print_json(_json(shown), out)
            return 0
    elif action == "away":
        shown = officers.set_away(ctx, args.staff_no, args.from_date, args.until_date, args.deputy)
    elif action == "back":
        shown = officers.clear_away(ctx, args.staff_no)
    else:
        shown = officers.mark_left(ctx, args.staff_no, None if args.undo else args.on_date)
    out.write(describe(shown) + "\n")
    return 0


def describe(officer: officers.OfficerAbsence) -> str:
    """One line: who, and where their reminders go."""
    who = f"{officer.staff_no} {officer.name} ({officer.division}{'/' + officer.team if officer.team else ''})"
    parts = []
    if officer.left_on is not None:
        parts.append(f"left on {uk_date(officer.left_on)}")
    if officer.away_from is not None or officer.away_until is not None:
        deputy = f"deputy {officer.deputy_staff_no} {officer.deputy_name}" if officer.deputy_staff_no else "no deputy"
        parts.append(f"away {uk_date(officer.away_from)} to {uk_date(officer.away_until)}, {deputy}")
    if not officer.email:
        parts.append("no email address")
    return f"{who}: {'; '.join(parts) if parts else 'in, and reminders go to ' + str(officer.email)}"


def _json(officer: officers.OfficerAbsence) -> dict[str, Any]:
    return {
        "staff_no": officer.staff_no,
        "name": officer.name,
        "division": officer.division,
        "team": officer.team,
        "email": officer.email,
        "away_from": officer.away_from.isoformat() if officer.away_from else None,
        "away_until": officer.away_until.isoformat() if officer.away_until else None,
        "deputy": officer.deputy_staff_no,
        "left_on": officer.left_on.isoformat() if officer.left_on else None,
    }


COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"officer": _officer}
