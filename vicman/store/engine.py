"""Opening a database: URL resolution, SQLite pragmas, sessions, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vicman.paths import default_database_path
from vicman.store.errors import StoreUnavailable

SQLITE_BUSY_TIMEOUT_MS = 5000


def resolve_url(db: str | None) -> str:
    """A `--db` value (path or SQLAlchemy URL), else `VICMAN_DB`, else the per-user default file."""
    value = db or os.environ.get("VICMAN_DB")
    if not value:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def describe_url(url: str) -> str:
    """What to show a user: the file for SQLite, the URL without its password otherwise."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def check_sqlite_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not SQLite or holds someone else's database.

    Runs before the engine's first connection, which would switch the file to WAL mode.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreUnavailable(f"{path} is not a vicman database (it is not an SQLite file: {exc}).") from exc
    if tables and "alembic_version" not in tables:
        raise StoreUnavailable(f"{path} holds a database that is not a vicman database; it was not changed.")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).parent
            if not folder.exists():
                raise StoreUnavailable(f"The folder for the database does not exist: {folder}")
            check_sqlite_file(Path(database))
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        # Python's sqlite3 opens transactions lazily; begin explicitly so reads and writes in
        # one service call see one snapshot and writers take the lock up front.
        event.listen(engine, "connect", _disable_pysqlite_transactions)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _disable_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Any) -> None:
    reading = connection.get_execution_options().get("vicman_read", False)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory. One per process and URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(self.engine.execution_options(vicman_read=True), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        try:
            with self.sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise StoreUnavailable(explain_operational_error(exc)) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: one consistent snapshot, no write lock."""
        try:
            with self.read_sessions() as session:
                yield session
        except OperationalError as exc:
            raise StoreUnavailable(explain_operational_error(exc)) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def explain_operational_error(exc: OperationalError) -> str:
    """What a database error means for the user, in plain words."""
    text = str(exc.orig) if exc.orig else str(exc)
    if "locked" in text or "busy" in text:
        return "The database is busy (another program is writing to it). Try again in a moment."
    if ("disk" in text and "full" in text) or "database or disk is full" in text:
        return "The disk holding the database is full; nothing was saved."
    if "unable to open" in text:
        return "The database file cannot be opened; check that it exists and that you may write to it."
    return f"The database reported a problem: {text}"
