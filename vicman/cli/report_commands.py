"""`vicman report compliance|moj|satisfaction` and `vicman survey add`: reports for scripts and the
scheduled returns, and satisfaction surveys recorded in bulk.

Every report written (to a file or to standard output) is a disclosure in the audit trail. The PDF is laid
out with Qt, imported only for `--format pdf` (the rest of the command line runs without Qt).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from vicman.services import report_export, reports, satisfaction
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.services.parsing import ParseError, parse_date, parse_datetime
from vicman.services.report_types import REPORT_KINDS, TREND_BUCKETS, ReportScope


def _date_arg(option: str) -> Callable[[str], date]:
    def parse(text: str) -> date:
        try:
            return parse_date(text)
        except ParseError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _moment_arg(text: str) -> date | datetime:
    """A bare date stays a date (the survey is dated that day); a date-time is London time unless zoned."""
    try:
        return parse_date(text)
    except ParseError:
        pass
    try:
        return parse_datetime(text)
    except ParseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _score_arg(option: str) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        value = text.strip().lower()
        if value in ("", "none", "na", "-"):
            return None
        if value.isdigit() and 1 <= int(value) <= 5:
            return int(value)
        raise argparse.ArgumentTypeError(f"expected 1 to 5 (or 'none' for not answered), not {text!r}")

    return parse


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    report = commands.add_parser(
        "report", parents=[db_option], help="compliance, MoJ measures or satisfaction for a period, as a file"
    )
    report.add_argument("kind", choices=REPORT_KINDS, help="which report")
    report.add_argument("--from", dest="period_from", required=True, type=_date_arg("--from"), metavar="DATE")
    report.add_argument("--to", dest="period_to", required=True, type=_date_arg("--to"), metavar="DATE")
    where = report.add_mutually_exclusive_group()
    where.add_argument("--division", metavar="DIVISION")
    where.add_argument("--team", metavar="TEAM", help='"Division/Team", or a team\'s name')
    where.add_argument("--officer", metavar="STAFF_NO")
    report.add_argument("--trend", choices=TREND_BUCKETS, default="month", help="compliance trend by (default month)")
    report.add_argument("--format", dest="fmt", required=True, choices=report_export.FORMATS)
    report.add_argument("--out", metavar="FILE", help="the file to write (csv and json: standard output without it)")

    survey = commands.add_parser("survey", parents=[db_option], help="record a victim's satisfaction survey")
    actions = survey.add_subparsers(dest="survey_action", metavar="ACTION", required=True, parser_class=parser_class)
    add = actions.add_parser("add", parents=[db_option], help="record one survey (scores 1-5, or none)")
    add.add_argument("--crime", required=True, metavar="CRIME_REF")
    add.add_argument("--victim", required=True, metavar="VICTIM_REF")
    add.add_argument("--at", required=True, type=_moment_arg, metavar="DATE", help="when the victim answered")
    add.add_argument("--method", required=True, choices=tuple(satisfaction.METHODS))
    for question, label in satisfaction.QUESTIONS.items():
        option = "--" + question.replace("_", "-")
        add.add_argument(option, dest=question, type=_score_arg(option), default=None, metavar="1-5", help=label)
    add.add_argument("--comments")


def _report(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    if args.fmt in ("xlsx", "pdf") and not args.out:
        article = "an" if args.fmt == "xlsx" else "a"
        raise InvalidInput(f"{article} {args.fmt} report is a file: say where with --out FILE", field="--out")
    if args.out and Path(args.out).is_dir():
        raise InvalidInput("is a folder: give a file name", file=args.out)
    if args.out and not Path(args.out).parent.is_dir():
        raise InvalidInput(f"the folder {Path(args.out).parent} does not exist; nothing was written", file=args.out)
    scope = ReportScope(division=args.division, team=args.team, officer=args.officer)
    report: Any
    if args.kind == "compliance":
        report = reports.compliance_report(ctx, args.period_from, args.period_to, scope, trend_bucket=args.trend)
    elif args.kind == "moj":
        report = reports.moj_report(ctx, args.period_from, args.period_to, scope)
    else:
        report = satisfaction.satisfaction_report(ctx, args.period_from, args.period_to, scope)
    if not args.out:
        out.write(report_export.report_text(ctx, report, args.fmt))
        return 0
    write_pdf = None
    if args.fmt == "pdf":
        from vicman.gui.report_pdf import write_report_pdf  # Qt, only when a PDF is asked for

        write_pdf = write_report_pdf
    done = report_export.export_report(ctx, report, args.fmt, args.out, write_pdf=write_pdf)
    out.write(f"Wrote {report.header.title} ({report.header.scope.label}) to {done.path} ({done.bytes:,} bytes).\n")
    return 0


def _survey(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    recorded = satisfaction.record_survey(
        ctx,
        args.crime,
        args.victim,
        at=args.at,
        method=args.method,
        overall=args.overall,
        kept_informed=args.kept_informed,
        treatment=args.treatment,
        ease_of_contact=args.ease_of_contact,
        comments=args.comments,
    )
    out.write(f"Recorded survey {recorded.id} for {recorded.person_ref} in {recorded.crime_ref}.\n")
    return 0


COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "report": _report,
    "survey": _survey,
}
