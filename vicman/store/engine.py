"""Opening a database: URL resolution, SQLite pragmas, sessions, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from vicman.paths import default_database_path
from vicman.store.audit_chain import ADVISORY_LOCK_KEY
from vicman.store.errors import StoreUnavailable
from vicman.store.locations import NetworkLocation, check_local

SQLITE_BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another program's write lock before it gives up with "busy" (RELIABILITY F4)."""
BUSY_TIMEOUT_VARIABLE = "VICMAN_SQLITE_BUSY_TIMEOUT_MS"
"""Overrides SQLITE_BUSY_TIMEOUT_MS (milliseconds), e.g. longer on a slow shared disk or shorter in tests."""
POSTGRES_WRITER_WAIT_MS = 30_000
"""How long a PostgreSQL write waits for its turn (writers go one at a time, see `_one_writer_at_a_time`)
before it gives up with "busy". Longer than SQLite's: many desktops share the server, and an import holds
the turn for its whole transaction."""
WRITER_WAIT_VARIABLE = "VICMAN_PG_WRITER_WAIT_MS"


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


def sqlite_busy_timeout_ms() -> int:
    """SQLITE_BUSY_TIMEOUT_MS, or the whole number of milliseconds in $VICMAN_SQLITE_BUSY_TIMEOUT_MS."""
    return _milliseconds(BUSY_TIMEOUT_VARIABLE, SQLITE_BUSY_TIMEOUT_MS)


def postgres_writer_wait_ms() -> int:
    """POSTGRES_WRITER_WAIT_MS, or the whole number of milliseconds in $VICMAN_PG_WRITER_WAIT_MS."""
    return _milliseconds(WRITER_WAIT_VARIABLE, POSTGRES_WRITER_WAIT_MS)


def _milliseconds(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise StoreUnavailable(f"{variable} must be a whole number of milliseconds, not {value!r}.")
    return int(value)


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return set_pragmas


_set_sqlite_pragmas = _sqlite_pragmas(SQLITE_BUSY_TIMEOUT_MS)
"""The standard pragmas with the standard wait, for code that sets up a raw sqlite3 connection like vicman's."""


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


def make_engine(url: str, *, busy_timeout_ms: int | None = None) -> Engine:
    """An engine for `url`. SQLite: refuses network shares and foreign files, sets the pragmas on every connection.

    `busy_timeout_ms` (SQLite): how long a write waits for another writer; default `sqlite_busy_timeout_ms()`.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).parent
            if not folder.exists():
                raise StoreUnavailable(f"The folder for the database does not exist: {folder}")
            try:
                check_local(Path(database))
            except NetworkLocation as exc:
                raise StoreUnavailable(str(exc)) from None
            check_sqlite_file(Path(database))
        wait_ms = sqlite_busy_timeout_ms() if busy_timeout_ms is None else busy_timeout_ms
        engine = create_engine(url, connect_args={"timeout": wait_ms / 1000})
        event.listen(engine, "connect", _sqlite_pragmas(wait_ms))
        # Python's sqlite3 opens transactions lazily; begin explicitly so reads and writes in
        # one service call see one snapshot and writers take the lock up front.
        event.listen(engine, "connect", _disable_pysqlite_transactions)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if parsed.get_backend_name() == "postgresql":
        event.listen(engine, "begin", _one_writer_at_a_time(postgres_writer_wait_ms()))
    return engine


def _disable_pysqlite_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _one_writer_at_a_time(wait_ms: int) -> Callable[[Any], None]:
    """PostgreSQL's `BEGIN IMMEDIATE`: a write transaction first queues on the audit chain's advisory lock
    (held to its end), so writers run one at a time as on SQLite. See `vicman.services.concurrency`.
    The wait is bounded (`lock_timeout`): past it the write fails as "busy" and nothing is saved."""

    def take_the_turn(connection: Any) -> None:
        if not connection.get_execution_options().get("vicman_read", False):
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(wait_ms)}")
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(ADVISORY_LOCK_KEY)})")

    return take_the_turn


def _begin_immediate(connection: Any) -> None:
    reading = connection.get_execution_options().get("vicman_read", False)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory. One per process and URL."""

    def __init__(self, url: str, *, busy_timeout_ms: int | None = None) -> None:
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
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
        except DBAPIError as exc:
            if not _environmental(exc):
                raise
            raise StoreUnavailable(explain_operational_error(exc)) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work: one consistent snapshot, no write lock."""
        try:
            with self.read_sessions() as session:
                yield session
        except DBAPIError as exc:
            if not _environmental(exc):
                raise
            raise StoreUnavailable(explain_operational_error(exc)) from exc

    def add_connection_hook(self, hook: Callable[[Any], None]) -> None:
        """Run `hook(dbapi_connection)` on every connection from now on, after the standard set-up.

        The pool is emptied so that no connection opened earlier escapes it. For tests and tools that need a
        connection setting of their own - the fault tests fill the disk with `PRAGMA max_page_count` and shorten
        the busy wait this way; the application itself does not use it.
        """
        event.listen(self.engine, "connect", lambda connection, _record: hook(connection))
        self.engine.dispose()

    def dispose(self) -> None:
        self.engine.dispose()


_DISCONNECTED = (
    "connection refused",
    "could not connect",
    "connection failed",
    "server closed the connection",
    "terminating connection",
    "the connection is closed",
    "connection is lost",
    "connection timed out",
    "timeout expired",
    "could not receive data",
    "could not send data",
    "no connection to the server",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "could not translate host name",
    "ssl connection has been closed",
    "connection reset",
)


def _environmental(exc: DBAPIError) -> bool:
    """Whether a driver error is about the database's surroundings (busy, full, gone) rather than a bug."""
    return isinstance(exc, OperationalError) or exc.connection_invalidated or _server_gone(_driver_text(exc))


def _driver_text(exc: DBAPIError) -> str:
    return str(exc.orig) if exc.orig else str(exc)


def _first_line(text: str) -> str:
    """The server's own words: the part after "FATAL:" of the first line that has one, else the first line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if "FATAL:" in line:
            return line.split("FATAL:", 1)[1].strip()
    return lines[0] if lines else text


def _server_gone(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in _DISCONNECTED)


_REFUSED_BY_SERVER = (
    ("password authentication failed", "the server refused the user name or password in the database URL"),
    ("no pg_hba.conf entry", "the server does not accept connections from this computer or user"),
    ("too many connections", "the server has as many connections as it allows; try again in a moment"),
    ("remaining connection slots are reserved", "the server has as many connections as it allows"),
)


def explain_operational_error(exc: DBAPIError) -> str:
    """What a database error means for the user, in plain words."""
    text = _driver_text(exc)
    lowered = text.lower()
    for phrase, meaning in _REFUSED_BY_SERVER:
        if phrase in lowered:
            return f"The database server refused the connection: {meaning} ({_first_line(text)})."
    if "does not exist" in lowered and "fatal" in lowered:
        return f"The database server has no such database or user: {_first_line(text)}."
    if exc.connection_invalidated or _server_gone(text):
        return (
            "Cannot reach the database server: the connection was refused or cut off, so this was not done. "
            "Try again in a moment; if it keeps happening, ask your system administrator whether the server is up."
        )
    if "locked" in text or "busy" in text or "lock timeout" in lowered:
        return (
            "The database is busy: another program has been writing to it for too long, so nothing was saved. "
            "Try again in a moment."
        )
    if ("disk" in text and "full" in text) or "database or disk is full" in text:
        return "The disk holding the database is full; nothing was saved. Free some space, then try again."
    if "unable to open" in text:
        return "The database file cannot be opened; check that it exists and that you may write to it."
    return f"The database reported a problem: {text}"
