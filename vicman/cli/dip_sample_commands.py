"""`vicman dip-sample draw|show|list`: supervisors' dip samples of contact entries from the command line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any, TextIO

from vicman.cli.output import local_iso, print_json, print_table, uk_date, uk_datetime
from vicman.services import dip_sampling
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_population import METHODS, SCOPE_KINDS
from vicman.services.dip_sampling import SampleItemView, SampleView
from vicman.services.parsing import ParseError, parse_date

DRAW_HELP = """\
Draw a reproducible sample of contact entries for review. The population is every standing contact
entry dated (UK time) from --from to --to in the scope, as recorded by now:
  division:NAME          the crimes of a division
  team:DIVISION/TEAM     the crimes whose officer in the case is in that team (or team:TEAM in any division)
  officer:STAFF_NO       one officer's crimes
Methods: random (simple random), stratified (by officer, in proportion, at least one each when the size
allows), risk (weighted towards enhanced victims, late or overdue duties and gaps of 28 days or more).
The same seed draws the same entries; without --seed one is chosen and printed."""


def _scope_arg(text: str) -> tuple[str, str]:
    kind, colon, value = text.partition(":")
    if not colon or kind.strip() not in SCOPE_KINDS or not value.strip():
        raise argparse.ArgumentTypeError(
            f"expected division:NAME, team:DIVISION/TEAM or officer:STAFF_NO, not {text!r}"
        )
    return kind.strip(), value.strip()


def _date_arg(option: str) -> Callable[[str], date]:
    def parse(text: str) -> date:
        try:
            return parse_date(text)
        except ParseError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def _whole(option: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None

    return parse


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    group = commands.add_parser("dip-sample", parents=[db_option], help="supervisors' dip samples of contact entries")
    actions = group.add_subparsers(dest="dip_sample_action", metavar="ACTION", required=True, parser_class=parser_class)
    draw = actions.add_parser(
        "draw",
        parents=[db_option],
        help="draw a sample of contact entries to review",
        description=DRAW_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    draw.add_argument("--scope", required=True, type=_scope_arg, help="division:NAME, team:DIVISION/TEAM or officer:ID")
    draw.add_argument("--from", dest="period_from", required=True, type=_date_arg("--from"), metavar="DATE")
    draw.add_argument("--to", dest="period_to", required=True, type=_date_arg("--to"), metavar="DATE")
    draw.add_argument("--size", required=True, type=_whole("--size"), metavar="N", help="how many entries to draw")
    draw.add_argument("--method", required=True, choices=list(METHODS))
    draw.add_argument("--seed", type=_whole("--seed"), help="draw the same sample again (default: a random seed)")
    draw.add_argument("--json", action="store_true", help="print {sample, items} as JSON")
    show = actions.add_parser("show", parents=[db_option], help="show a sample and its entries (audited)")
    show.add_argument("sample_id", type=_whole("ID"), metavar="ID")
    show.add_argument("--json", action="store_true", help="print {sample, items} as JSON")
    listing = actions.add_parser("list", parents=[db_option], help="list the samples drawn, newest first")
    listing.add_argument("--json", action="store_true")


def _dip_sample(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    return ACTIONS[args.dip_sample_action](ctx, args, out)


def _draw(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    kind, value = args.scope
    sample = dip_sampling.draw_sample(
        ctx, kind, value, args.period_from, args.period_to, args.size, args.method, seed=args.seed
    )
    return _print_sample(sample, dip_sampling.sample_items(ctx, sample.id), args.json, out)


def _show(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    sample = dip_sampling.get_sample(ctx, args.sample_id)
    return _print_sample(sample, dip_sampling.sample_items(ctx, sample.id), args.json, out)


def _list(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    samples = dip_sampling.list_samples(ctx)
    if args.json:
        print_json([_sample_json(s) for s in samples], out)
        return 0
    print_table(
        ("Sample", "Drawn", "By", "Scope", "Period", "Method", "Seed", "Entries", "Reviewed"),
        [
            (
                s.id,
                uk_datetime(s.drawn_at),
                s.drawn_by,
                s.scope_label,
                f"{uk_date(s.period_from)}-{uk_date(s.period_to)}",
                s.method,
                s.seed,
                f"{s.items} of {s.population}",
                s.reviewed,
            )
            for s in samples
        ],
        out,
        empty="No dip samples yet.",
    )
    return 0


def _print_sample(sample: SampleView, items: list[SampleItemView], as_json: bool, out: TextIO) -> int:
    if as_json:
        print_json({"sample": _sample_json(sample), "items": [_item_json(i) for i in items]}, out)
        return 0
    out.write(
        f"Dip sample {sample.id}: {sample.items} of {sample.population} contact entries, "
        f"{sample.method_label.lower()}, seed {sample.seed}.\n"
        f"Scope: {sample.scope_label}; contacts dated {uk_date(sample.period_from)} to {uk_date(sample.period_to)}; "
        f"drawn {uk_datetime(sample.drawn_at)} by {sample.drawn_by}.\n"
        f"Audit trail head when drawn: seq {sample.audit_seq} hash {sample.audit_hash}\n"
    )
    print_table(
        ("#", "Entry", "At", "Victim", "Crime", "Officer", "Contact", "Risk", "Verdict", "Since drawn"),
        [
            (
                i.position,
                i.entry_id,
                uk_datetime(i.entry_at),
                f"{i.victim_name} ({i.victim_ref})",
                i.crime_ref,
                i.officer_staff_no or "",
                f"{i.method_label}: {i.outcome_label}" if i.method else "",
                ", ".join(i.risk_flags),
                i.verdict_label or "",
                _since_drawn(i),
            )
            for i in items
        ],
        out,
        empty="The population is empty: nothing was drawn.",
    )
    return 0


def _since_drawn(item: SampleItemView) -> str:
    notes = []
    if item.entry_missing:
        notes.append("ENTRY MISSING")
    elif item.changed_since_drawn:
        notes.append("CHANGED (tampered)")
    if item.corrected_by is not None:
        word = "retracted" if item.corrected_by.retracted else "corrected"
        notes.append(f"{word} by entry {item.corrected_by.entry_id}")
    return "; ".join(notes)


def _sample_json(sample: SampleView) -> dict[str, Any]:
    return {
        "id": sample.id,
        "drawn_at": local_iso(sample.drawn_at),
        "drawn_by": sample.drawn_by,
        "scope": {"kind": sample.scope_kind, "value": sample.scope_value, "label": sample.scope_label},
        "from": sample.period_from.isoformat(),
        "to": sample.period_to.isoformat(),
        "size": sample.size,
        "method": sample.method,
        "seed": sample.seed,
        "population": sample.population,
        "items": sample.items,
        "reviewed": sample.reviewed,
        "audit_seq": sample.audit_seq,
        "audit_hash": sample.audit_hash,
    }


def _item_json(item: SampleItemView) -> dict[str, Any]:
    corrected = item.corrected_by
    return {
        "item_id": item.id,
        "position": item.position,
        "entry_id": item.entry_id,
        "victim_ref": item.victim_ref,
        "victim_name": item.victim_name,
        "crime_ref": item.crime_ref,
        "officer": item.officer_staff_no,
        "officer_name": item.officer_name,
        "at": local_iso(item.entry_at),
        "method": item.method,
        "outcome": item.outcome,
        "note_excerpt": item.note_excerpt,
        "recorded_by": item.recorded_by,
        "risk": list(item.risk_flags),
        "verdict": item.verdict,
        "changed_since_drawn": item.changed_since_drawn,
        "corrected_by": (
            {"entry_id": corrected.entry_id, "reason": corrected.reason, "retracted": corrected.retracted}
            if corrected is not None
            else None
        ),
        "acknowledged": item.acknowledged,
    }


ACTIONS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "draw": _draw,
    "show": _show,
    "list": _list,
}

COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"dip-sample": _dip_sample}
