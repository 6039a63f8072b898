#!/usr/bin/env python3
"""Make docs/sample-digest.txt: a daily reminder digest to an officer, from demo data, as vicman queues it.

    python scripts/sample_digest.py [--out docs/sample-digest.txt] [--date YYYY-MM-DD] [--crimes 1500]

A fresh temporary database is filled by `make_demo` with the clock stopped at 09:00 UK time on `--date`
(default: 2026-11-26, a Thursday), each division is given a bureau mailbox, and the day's reminders are
planned (`reminders.plan_reminders`; nothing is queued or sent). The digest shown is the shortest one to
an officer that has duties overdue, due today and due on the next working day (else the one with the
most kinds). Everything in it is made up, as all demo data is. The database is thrown away.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SENDER = "Vicman <vicman@demo.police.example.uk>"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "sample-digest.txt")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 26), help="the demo's today")
    parser.add_argument("--crimes", type=int, default=1500, help="how many demo crimes (default 1500)")
    args = parser.parse_args(argv)

    from vicman.rules.localtime import to_utc
    from vicman.services import people, reminders, settings
    from vicman.services.context import Actor, open_context
    from vicman.services.demo import make_demo

    day = args.date
    now = to_utc(datetime(day.year, day.month, day.day, 9, 0))
    with tempfile.TemporaryDirectory(prefix="vicman-digest-") as folder:
        ctx = open_context(
            str(Path(folder) / "demo.sqlite3"), actor=Actor.local_administrator("sample-digest"), clock=lambda: now
        )
        try:
            make_demo(ctx, crimes=args.crimes)
            for division in people.list_divisions(ctx):
                mailbox = f"bureau.{division.lower().replace(' ', '-')}@demo.police.example.uk"
                settings.set_setting(ctx, f"bureau.mailbox.{division}", mailbox)
            plan = reminders.plan_reminders(ctx, day)
        finally:
            ctx.close()
    chosen = _choose(plan)
    text = (
        f"From: {SENDER}\nTo: {chosen.recipient_name} <{chosen.recipient}>\nSubject: {chosen.subject}\n"
        f"X-Vicman-Key: {chosen.key}\n\n{chosen.body}"
    )
    args.out.write_text(text, encoding="utf-8")
    kinds = plan.by_kind()
    print(
        f"{args.out}: {chosen.key} ({len(chosen.duties)} duties); the day's plan: {kinds['digest']} digests, "
        f"{kinds['immediate']} immediate messages, {kinds['escalation']} escalations, {len(plan.orphans)} orphans"
    )
    return 0


def _choose(plan):  # type: ignore[no-untyped-def]
    """The shortest officer digest listing all three kinds of duty (else the one listing the most kinds)."""
    digests = [m for m in plan if m.kind == "digest" and m.reason is None and "@" not in m.key.split(":", 2)[2]]
    if not digests:
        raise SystemExit("the demo data made no digest to an officer: try more --crimes")

    def kinds(message) -> int:  # type: ignore[no-untyped-def]
        return sum(heading in message.body for heading in ("Overdue (", "Due today, ", "Due on the next working day"))

    return min(digests, key=lambda m: (-kinds(m), len(m.duties) < 4, len(m.duties), m.key))


if __name__ == "__main__":
    raise SystemExit(main())
