"""`vicman referrals export|candidates|consent`: the daily Victim Support referral file (docs/referral-file.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from vicman.cli.output import print_json, print_table, uk_date
from vicman.services import vs_referrals
from vicman.services.context import ServiceContext
from vicman.services.parsing import ParseError, parse_date, parse_datetime
from vicman.services.vs_referrals import Candidate

EXPORT_HELP = """\
Write the day's referral file (CSV, UTF-8 with a byte-order mark, columns in docs/referral-file.md) of
victims whose Victim Support referral is open or overdue on --as-of and who have not opted out, and record
the referral of each (which meets the vs_referral duty) with one disclosure in the audit trail. Victims the
Code needs explicit consent from (sexual offences, domestic abuse, bereaved relatives from the 2013 Code)
are exported only once their consent is recorded ('vicman referrals consent'); victims of domestic abuse
only with a safe contact channel, and then with that channel's detail only. The others are listed as held,
with the reason. A victim is never referred twice for one crime, so running it again exports nobody twice.
FILE must not exist yet: a referral file is never overwritten."""


def _date_arg(option: str) -> Callable[[str], date]:
    def parse(text: str) -> date:
        try:
            return parse_date(text)
        except ParseError as exc:
            raise argparse.ArgumentTypeError(f"{option}: {exc}") from None

    return parse


def _datetime_arg(text: str) -> datetime:
    try:
        return parse_datetime(text)
    except ParseError as exc:
        raise argparse.ArgumentTypeError(f"--at: {exc}") from None


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    group = commands.add_parser("referrals", parents=[db_option], help="the daily Victim Support referral file")
    actions = group.add_subparsers(dest="referrals_action", metavar="ACTION", required=True, parser_class=parser_class)
    export = actions.add_parser(
        "export",
        parents=[db_option],
        help="write the day's referral file and record the referrals",
        description=EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--as-of", required=True, type=_date_arg("--as-of"), metavar="DATE", help="the file's date")
    export.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write (must not exist)")
    export.add_argument("--division", help="only this division's crimes (default: the whole force)")
    export.add_argument("--json", action="store_true", help="print the file, the exported and the held as JSON")
    candidates = actions.add_parser(
        "candidates", parents=[db_option], help="list who is due a referral on a date: included or held, and why"
    )
    candidates.add_argument("--as-of", required=True, type=_date_arg("--as-of"), metavar="DATE")
    candidates.add_argument("--division", help="only this division's crimes (default: the whole force)")
    candidates.add_argument("--json", action="store_true")
    consent = actions.add_parser(
        "consent", parents=[db_option], help="record a victim's answer when asked for explicit consent to a referral"
    )
    consent.add_argument("crime_ref")
    consent.add_argument("victim_ref")
    answer = consent.add_mutually_exclusive_group(required=True)
    answer.add_argument("--given", action="store_true", help="the victim gave explicit consent")
    answer.add_argument("--refused", action="store_true", help="the victim refused")
    consent.add_argument("--at", type=_datetime_arg, help="when they answered (default: now; naive = UK time)")


def _referrals(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    return ACTIONS[args.referrals_action](ctx, args, out)


def _export(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    result = vs_referrals.export_referral_file(ctx, args.as_of, args.out, division=args.division)
    if args.json:
        print_json(
            {
                "file": str(result.path),
                "as_of": args.as_of.isoformat(),
                "exported": [_candidate_json(c) for c in result.exported],
                "held": [_candidate_json(c) for c in result.held],
            },
            out,
        )
        return 0
    out.write(f"{result.path}: {len(result.exported)} exported, {len(result.held)} held.\n")
    for c in result.held:
        out.write(f"  {c.crime_ref} {c.person_ref} {c.name}: {c.why}\n")
    return 0


def _candidates(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    found = vs_referrals.referral_candidates(ctx, args.as_of, division=args.division)
    if args.json:
        print_json([_candidate_json(c) for c in found], out)
        return 0
    _table(found, out, f"Nobody is due a Victim Support referral on {uk_date(args.as_of)}.")
    return 0


def _consent(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    done = vs_referrals.record_referral_consent(ctx, args.crime_ref, args.victim_ref, args.given, at=args.at)
    verb = "gave" if done.consent == vs_referrals.CONSENT_GIVEN else "refused"
    out.write(f"Recorded that {done.person_ref} {verb} consent to referral for crime {done.crime_ref}.\n")
    return 0


def _table(found: Sequence[Candidate], out: TextIO, empty: str) -> None:
    print_table(
        ("Crime", "Victim", "Name", "Division", "Due", "Status", "Decision"),
        [
            (c.crime_ref, c.person_ref, c.name, c.division, uk_date(c.due), c.status, c.why)
            for c in found
        ],
        out,
        empty=empty,
    )


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "crime_ref": c.crime_ref,
        "victim_ref": c.person_ref,
        "name": c.name,
        "role": c.role,
        "division": c.division,
        "offence": c.offence,
        "due": c.due.isoformat(),
        "status": c.status,
        "consent": c.consent,
        "consent_recorded": c.consent_recorded,
        "domestic_abuse": c.domestic_abuse,
        "safe_channel": c.safe_channel,
        "included": c.included,
        "reasons": list(c.reasons),
    }


ACTIONS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "export": _export,
    "candidates": _candidates,
    "consent": _consent,
}
COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"referrals": _referrals}
