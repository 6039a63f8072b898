"""Copying a whole database to a file while people keep working: SQLite's backup API, PostgreSQL's pg_dump.

The copy is written under a temporary name beside the target and renamed into place only when complete (and,
for SQLite, checked), so a failed or interrupted backup never leaves a half-written file under the chosen name.
See docs/backup.md for taking and restoring backups.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from vicman.store.errors import StoreError

PAGES_PER_STEP = 1024
"""SQLite pages copied per backup step (4 MiB at the default page size)."""
PAUSE_BETWEEN_STEPS = 0.01
"""Seconds between steps: other desktops' writes get the disk in between."""
PG_DUMP_VARIABLE = "VICMAN_PG_DUMP"
"""The pg_dump program to use, if not the newest one found on PATH or in the usual install folders."""
PG_BIN_GLOBS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
    "C:/Program Files/PostgreSQL/*/bin",
)
"""Where PostgreSQL's client programs are installed when they are not on PATH (Debian, RHEL, macOS, Windows)."""
PG_DUMP_TIMEOUT_SECONDS = 6 * 60 * 60

# libpq reads these from the environment, so nothing secret (or otherwise) goes on pg_dump's command line,
# where other users of the machine could read it in the process list.
_LIBPQ_QUERY_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "krbsrvname": "PGKRBSRVNAME",
    "gssencmode": "PGGSSENCMODE",
}


class BackupFailed(StoreError):
    """The backup could not be taken; nothing was written under the chosen name."""


def check_target(target: Path, *, force: bool, database_file: Path | None = None) -> Path:
    """The absolute target path, after refusing what must not be written over."""
    target = Path(os.path.abspath(target.expanduser()))
    if not target.parent.is_dir():
        raise BackupFailed(f"The folder for the backup does not exist: {target.parent}")
    if target.is_dir():
        raise BackupFailed(f"{target} is a folder; give the name of the backup file to write.")
    if database_file is not None:
        live = {os.path.realpath(f"{database_file}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
        if os.path.realpath(target) in live:
            raise BackupFailed(f"{target} is the database itself (or one of its files); choose another name.")
    if target.exists() and not force:
        raise BackupFailed(f"{target} already exists; it was left as it is. Use --force to replace it.")
    return target


@contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` to write the backup to; removed unless `publish` moved it into place."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    staged = Path(name)
    try:
        yield staged
    finally:
        for leftover in (staged, *(Path(f"{staged}{s}") for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)


def publish(staged: Path, target: Path) -> int:
    """Flush `staged` to disk and rename it to `target` (replacing it); the size in bytes."""
    with open(staged, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(staged, target)
    _sync_folder(target.parent)
    return target.stat().st_size


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows has no directory handles to flush; the rename is durable once NTFS logs it
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- SQLite ------------------------------------------------------------------------------------------------


def sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def copy_sqlite(
    engine: Engine,
    staged: Path,
    *,
    pages_per_step: int = PAGES_PER_STEP,
    pause: float = PAUSE_BETWEEN_STEPS,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Copy the engine's SQLite database to `staged` with the backup API, a few pages at a time.

    The source holds one read transaction for the whole copy: in WAL mode that does not stop anyone writing,
    and the copy is one consistent snapshot (without it, every write elsewhere would restart the copy, and a
    busy database might never finish). The copy is switched out of WAL mode so that it is one self-contained
    file, and is checked before it is published. `progress(copied_pages, total_pages)` after each step.
    """
    raw = engine.raw_connection()
    try:
        source: Any = raw.driver_connection
        source.execute("BEGIN")
        try:
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # starts the snapshot
            with closing(sqlite3.connect(staged, isolation_level=None)) as copy:
                report = None if progress is None else (lambda _s, left, total: progress(total - left, total))
                source.backup(copy, pages=pages_per_step, progress=report, sleep=pause)
                copy.execute("PRAGMA journal_mode=DELETE")
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            source.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise BackupFailed(f"The backup could not be written: {exc}.") from exc
    finally:
        raw.close()
    if verdict != "ok":
        raise BackupFailed(f"The copy failed its check ({verdict}); it was not kept.")


# --- PostgreSQL --------------------------------------------------------------------------------------------


def find_pg_dump(globs: tuple[str, ...] = PG_BIN_GLOBS) -> Path | None:
    """$VICMAN_PG_DUMP, else the newest pg_dump in the install folders, else the one on PATH.

    Newest first because pg_dump refuses a server newer than itself, and Debian puts only one version on PATH.
    """
    chosen = os.environ.get(PG_DUMP_VARIABLE)
    if chosen:
        return Path(chosen) if Path(chosen).is_file() else None
    name = "pg_dump.exe" if os.name == "nt" else "pg_dump"
    found = [Path(folder) / name for pattern in globs for folder in glob.glob(pattern)]
    found = [path for path in found if path.is_file()]
    if found:
        return max(found, key=_version_of)
    on_path = shutil.which("pg_dump")
    return Path(on_path) if on_path else None


def _version_of(program: Path) -> tuple[int, ...]:
    numbers = re.findall(r"\d+(?:\.\d+)?", str(program.parent.parent))
    return tuple(int(part) for part in numbers[-1].split(".")) if numbers else (0,)


def libpq_environment(url: URL | str) -> dict[str, str]:
    """The PG* variables that point libpq at `url`'s database, password included (PGPASSWORD)."""
    parsed = make_url(url)
    values = {
        "PGHOST": parsed.host,
        "PGPORT": str(parsed.port) if parsed.port else None,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password if isinstance(parsed.password, str) else None,
        "PGDATABASE": parsed.database,
    }
    for key, value in parsed.query.items():
        text = value if isinstance(value, str) else (value[-1] if value else "")
        if key == "host":
            values["PGHOST"] = text
        elif key == "port":
            values["PGPORT"] = text
        elif key in _LIBPQ_QUERY_VARIABLES:
            values[_LIBPQ_QUERY_VARIABLES[key]] = text
    return {name: value for name, value in values.items() if value}


def dump_postgresql(url: URL | str, staged: Path, *, pg_dump: Path | None = None) -> None:
    """`pg_dump --format=custom` of `url`'s database into `staged` (one consistent snapshot, writers not held up)."""
    program = pg_dump or find_pg_dump()
    if program is None:
        raise BackupFailed(
            "pg_dump, PostgreSQL's backup program, was not found. Install PostgreSQL's client programs "
            f"(on Debian: apt-get install postgresql-client) or set {PG_DUMP_VARIABLE} to its path."
        )
    # The URL's settings override the caller's PG* variables; the rest (PGPASSFILE, say) apply as they would
    # to vicman's own connection, which libpq also makes.
    environment = {**os.environ, **libpq_environment(url)}
    command = [str(program), "--format=custom", "--no-password", f"--file={staged}"]
    try:
        finished = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupFailed(f"pg_dump could not be run: {exc}") from exc
    if finished.returncode != 0:
        lines = [line.strip() for line in finished.stderr.splitlines() if line.strip()]
        said = "; ".join(lines[:3]) or f"exit status {finished.returncode}"
        raise BackupFailed(f"pg_dump failed: {said}")
