"""`vicman backup FILE`: a copy of the whole database, taken while others keep working (administrators only)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from vicman.services import backup
from vicman.services.context import ServiceContext

BACKUP_HELP = """\
Copy the whole database to FILE while others keep working. An SQLite database is copied with SQLite's backup
API into a database file that opens as it is; a PostgreSQL database is dumped with pg_dump in its custom
format (restore it with pg_restore). The copy is written under a temporary name and renamed to FILE only
when complete. A backup holds every victim's data: taking one is recorded in the audit trail as a disclosure
to FILE, and only administrators may take one. See docs/backup.md for restoring."""


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    command = commands.add_parser(
        "backup",
        parents=[db_option],
        help="copy the whole database to a file (administrators; audited)",
        description=BACKUP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("file", metavar="FILE", help="the backup file to write")
    command.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _backup(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    taken = backup.back_up(ctx, args.file, force=args.force)
    how = "restore it with pg_restore" if taken.format == backup.PG_DUMP_FORMAT else "it opens with --db"
    out.write(f"Backed up {ctx.db.location} to {taken.file} ({taken.bytes:,} bytes; {how}).\n")
    return 0


COMMANDS = {"backup": _backup}
