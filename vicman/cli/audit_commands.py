"""`vicman audit verify` and `vicman audit checkpoint`: checking the tamper-evident audit trail."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TextIO

from vicman.cli.output import print_json
from vicman.services import audit_verify
from vicman.services.context import ServiceContext

EXIT_TAMPERED = 1
"""`audit verify` found a problem; 2 stays what it is for every command: a usage or other error."""

VERIFY_HELP = """\
Recompute the audit trail's hash chain from its first record, check that seq counts on without gaps and
that times never run backwards, and check every contact, event, referral, waiver, needs assessment,
contract and certification against the audit record that created it. With --checkpoint, also check the
trail against a head saved earlier by 'vicman audit checkpoint' (only that catches a rewritten chain or
a trail cut short).

exit status: 0 the trail verifies; 1 the trail or an entry has been tampered with (the first problem is
printed on stderr, all of them with --json); 2 a usage or other error (the trail was not checked)."""


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    group = commands.add_parser("audit", parents=[db_option], help="verify the audit trail or save a checkpoint")
    actions = group.add_subparsers(dest="audit_command", metavar="ACTION", required=True, parser_class=parser_class)
    verify = actions.add_parser(
        "verify",
        parents=[db_option],
        help="check the audit trail and every entry against it (exit 1 if tampered with)",
        description=VERIFY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("--checkpoint", metavar="FILE", help="a checkpoint file the trail must still match")
    verify.add_argument("--json", action="store_true", help="the full report, every problem listed, as JSON")
    checkpoint = actions.add_parser(
        "checkpoint",
        parents=[db_option],
        help="save the trail's head (seq and hash) to FILE, to keep where the database's users cannot change it",
    )
    checkpoint.add_argument("file", metavar="FILE")


def _audit(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    if args.audit_command == "checkpoint":
        return _checkpoint(ctx, args, out)
    return _verify(ctx, args, out)


def _verify(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    anchor = audit_verify.read_checkpoint(args.checkpoint) if args.checkpoint else None
    report = audit_verify.verify(ctx, anchor)
    if args.json:
        print_json(_report_json(report), out)
    if report.ok:
        if not args.json:
            seq, digest = report.head
            anchored = f"; matches the checkpoint at seq {anchor.seq}" if anchor is not None else ""
            out.write(
                f"audit trail verified: {report.records:,} records, {report.entries_checked:,} entries, "
                f"head seq {seq} hash {digest[:16]}…{anchored}\n"
            )
        return 0
    first = report.first_problem
    assert first is not None
    count = report.problem_count
    # Commands get stdout only; stderr is looked up now so that redirection (and tests) see it.
    sys.stderr.write(
        f"vicman: audit trail FAILED verification: {first.message} "
        f"({count:,} problem{'s' if count != 1 else ''} in all{'' if args.json else '; --json lists them'})\n"
    )
    return EXIT_TAMPERED


def _report_json(report: audit_verify.VerifyReport) -> dict[str, Any]:
    anchor = report.checkpoint
    return {
        "ok": report.ok,
        "records": report.records,
        "entries_checked": report.entries_checked,
        "head": {"seq": report.head[0], "hash": report.head[1]},
        "checkpoint": (
            {"seq": anchor.seq, "hash": anchor.hash, "at": anchor.at.isoformat()} if anchor is not None else None
        ),
        "problem_count": report.problem_count,
        "problems": [asdict(problem) for problem in report.problems],
    }


def _checkpoint(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    taken = audit_verify.checkpoint(ctx)
    path = audit_verify.write_checkpoint(args.file, taken)
    out.write(f"audit checkpoint saved to {path}: seq {taken.seq} hash {taken.hash} at {taken.at.isoformat()}\n")
    return 0


COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"audit": _audit}
