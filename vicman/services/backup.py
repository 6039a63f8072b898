"""Backing up the whole database to a file (`vicman backup FILE`), for administrators, audited as a disclosure.

A backup holds every victim's data, so taking one is recorded like any other disclosure (DPA 2018 s.62): who,
from which workstation, when, and where to (the file, as the recipient). The record is written after the copy is
complete and before the file appears under its name: a file that exists was audited, and a failed backup leaves
no file and no record. The copy itself is a consistent snapshot taken while others keep working (see
`vicman.store.backup`); the disclosure record is therefore not in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vicman.services import audit, auth, permissions
from vicman.services.context import ServiceContext
from vicman.store import backup

SQLITE_FORMAT = "sqlite"
PG_DUMP_FORMAT = "pg_dump custom"


@dataclass(frozen=True)
class BackupTaken:
    file: str
    bytes: int
    format: str
    """SQLITE_FORMAT (a database file that opens as it is) or PG_DUMP_FORMAT (restore with pg_restore)."""


def back_up(ctx: ServiceContext, target: str | Path, *, force: bool = False) -> BackupTaken:
    """Copy the database to `target` (replacing an existing file only with `force`)."""
    engine = ctx.db.engine
    database_file = backup.sqlite_file(engine)
    # The audit's object id is short (the file or database name); the full location goes in the detail.
    name = database_file.name if database_file is not None else str(engine.url.database or "")
    permissions.require(ctx, permissions.BACK_UP, object_type="database", object_id=name)
    auth.require_fresh_authentication(ctx)
    if ctx.db.is_sqlite and database_file is None:
        raise backup.BackupFailed("An in-memory database cannot be backed up to a file.")
    path = backup.check_target(Path(target), force=force, database_file=database_file)
    with backup.staged_file(path) as staged:
        if database_file is not None:
            backup.copy_sqlite(engine, staged)
            kind = SQLITE_FORMAT
        else:
            backup.dump_postgresql(engine.url, staged)
            kind = PG_DUMP_FORMAT
        size = staged.stat().st_size
        with ctx.db.transaction() as session:
            audit.record(
                ctx,
                session,
                audit.DISCLOSE,
                "database",
                name,
                {"database": ctx.db.location, "backup": str(path), "format": kind, "bytes": size},
                recipients=[str(path)],
            )
        size = backup.publish(staged, path)
    return BackupTaken(str(path), size, kind)
