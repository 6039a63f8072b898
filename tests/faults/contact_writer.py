"""The other desktop of the fault and backup tests: records contacts in a loop until stopped or killed.

    python contact_writer.py DB VICTIMS [--pause-at POINT --pause-on N]

DB is a path or URL; VICTIMS a comma-separated list of CRIME:VICTIM references, contacted in turn (round and
round). Each call is `entries.record_contact` (an informed phone call, an hour before the tests' fixed now), as
the application makes it. Prints one line per call as it ends, flushed at once so the parent can follow:
"recorded CRIME VICTIM ID" after the commit, or "unavailable CRIME VICTIM MESSAGE" for a StoreUnavailable
(the loop goes on with the next victim; it does not retry, so a write is never made twice).

--pause-at SQL | commit, with --pause-on N: in the N-th call (from 1), stop right after the first statement of
its transaction that starts with SQL (e.g. "INSERT INTO audit": the row is written, the transaction still open),
or just before its COMMIT, print "paused CRIME VICTIM", and wait for stdin to close. The kill tests kill the
process there, so they know the write was in flight; no timing is guessed. A call that passes the point without
stopping prints "missed" and ends the writer (status 4), so a wrong point fails fast.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event

from vicman.services import entries
from vicman.services.context import Actor, open_context
from vicman.store import StoreUnavailable

FIXED_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # tests/conftest.py FIXED_NOW
WRITER = Actor("pc-writer", "writer-host", unrestricted=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("victims")
    parser.add_argument("--pause-at", default=None)
    parser.add_argument("--pause-on", type=int, default=0)
    parser.add_argument("--calls", type=int, default=0, help="stop after this many calls (0: never)")
    args = parser.parse_args()
    targets = [tuple(item.split(":", 1)) for item in args.victims.split(",")]
    ctx = open_context(args.db, actor=WRITER, clock=lambda: FIXED_NOW)
    state = {"call": 0, "paused": False}
    current: dict[str, Any] = {}

    def pause() -> None:
        state["paused"] = True
        say(f"paused {current['crime']} {current['victim']}")
        sys.stdin.read()  # until the parent kills us (or closes stdin)
        raise SystemExit(3)

    def after_statement(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if state["call"] == args.pause_on and args.pause_at != "commit":
            if " ".join(statement.split()).startswith(args.pause_at):
                pause()

    def before_commit(_session: Any) -> None:
        if state["call"] == args.pause_on and args.pause_at == "commit":
            pause()

    event.listen(ctx.db.engine, "after_cursor_execute", after_statement)
    event.listen(ctx.db.sessions, "before_commit", before_commit)
    say("ready")
    at = FIXED_NOW - timedelta(hours=1)
    while not args.calls or state["call"] < args.calls:
        crime, victim = targets[state["call"] % len(targets)]
        state["call"] += 1
        current.update(crime=crime, victim=victim)
        try:
            recorded = entries.record_contact(ctx, crime, victim, at, "phone", "informed", note=f"call {state['call']}")
        except StoreUnavailable as exc:
            say(f"unavailable {crime} {victim} {exc}")
            continue
        say(f"recorded {crime} {victim} {recorded.id}")
        if args.pause_at and state["call"] == args.pause_on:
            say("missed")
            return 4
    ctx.close()
    return 0


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
