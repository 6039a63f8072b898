"""Shared pytest set-up."""

import os

# Before anything imports Qt: tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# --- Database, context, CSV and snapshot helpers for the service, CLI and store tests -----------

import contextlib
import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

FIXED_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
"""The fixed "now" of every test context: Thursday 26 November 2026, 09:00 UTC (= London time)."""

TEST_USER = "pc-test"
TEST_WORKSTATION = "test-host"
REPO_ROOT = Path(__file__).resolve().parents[1]


def _fixed_clock() -> datetime:
    return FIXED_NOW


# --- The two back ends ---------------------------------------------------------------------------
#
# Every test that uses a database runs twice: `[sqlite]` on a file in its tmp_path, `[postgresql]` on
# a database of its own on the server named by VICMAN_TEST_POSTGRES_URL (`make test` starts a
# throw-away cluster, scripts/pg_test_cluster.sh, and sets it). The parameter is the session-scoped
# `backend` fixture, which `template_db` (and so db_path, ctx, seeded_ctx, ...) depends on; pytest
# groups the tests so that each back end's templates are made once.
#
# A database is a `Path` on SQLite and a `PostgresDatabase` (a str: its SQLAlchemy URL) on
# PostgreSQL; `str(db)` is what `open_context`/`--db` take on both. `copy_database(source, target)`
# copies a file, or makes a PostgreSQL database from another with `CREATE DATABASE ... TEMPLATE`;
# `target` is a path on both back ends (PostgreSQL names the database after it), so copying twice to
# one path gives the same database, as with files. Databases named after a path inside a test's
# tmp_path are dropped when that test ends; the others when the session ends.
#
# Working on both: `new_database(name)` (an empty database of the test's back end), `db_query` /
# `query_database(db, sql, *params)` (plain driver, `?` parameters, values as SQLite stores them),
# `raw_connection(db, guards=False)` / `tamper_database` (behind vicman's back, append-only guards off),
# `connect_database` (where a test had `sqlite3.connect`), `refusal(db, sql)` (the database's error),
# `snapshot_database`/`table_counts`. In SQL text write booleans as TRUE/FALSE and use RETURNING id.
#
# `@pytest.mark.sqlite_only(reason=...)`: the test is about SQLite itself (the file, WAL, pragmas,
# sqlite3 behind vicman's back) and runs only as `[sqlite]`. `@pytest.mark.postgresql_only(reason=...)`:
# the PostgreSQL twin of such a test. tests/test_backends.py checks that every such mark has a reason.

POSTGRES_URL_VARIABLE = "VICMAN_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_VARIABLE = "VICMAN_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgresql")
HOW_TO_RUN_POSTGRES = (
    f"{POSTGRES_URL_VARIABLE} is not set, so the PostgreSQL half of the suite was skipped: run `make test` "
    f"(it starts a throw-away PostgreSQL cluster and runs every database test on both back ends), or set "
    f"{POSTGRES_URL_VARIABLE}=postgresql+psycopg://USER@HOST:PORT/postgres for a server where USER may create "
    f"databases"
)


def _postgres_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRES_VARIABLE, "") not in ("", "0")


class PostgresDatabase(str):
    """A PostgreSQL test database. The string is its SQLAlchemy URL; `.database` is its name."""

    database: str
    server: "PostgresServer"
    hint: Path

    def __new__(cls, url: str, database: str, server: "PostgresServer", hint: Path) -> "PostgresDatabase":
        instance = super().__new__(cls, url)
        instance.database = database
        instance.server = server
        instance.hint = hint
        return instance

    @property
    def conninfo(self) -> str:
        return self.server.conninfo(self.database)


def _is_postgres(database: object) -> bool:
    # Duck-typed: tests import this module as `tests.conftest` while pytest loads it as `conftest`,
    # so there are two PostgresDatabase classes.
    return hasattr(database, "server") and hasattr(database, "database")


class PostgresServer:
    """The server of VICMAN_TEST_POSTGRES_URL: makes and drops this session's test databases."""

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.prefix = f"vt{os.getpid()}_"  # unique per session, so a shared server is fine too
        self.created: dict[str, Path] = {}
        self.admin = psycopg.connect(self.conninfo(self.url.database or "postgres"), autocommit=True,
                                     connect_timeout=10)

    def conninfo(self, database: str) -> str:
        return self.url.set(drivername="postgresql", database=database).render_as_string(hide_password=False)

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def name_for(self, hint: Path) -> str:
        import hashlib
        import re

        digest = hashlib.sha1(str(hint).encode()).hexdigest()[:10]
        stem = re.sub(r"[^a-z0-9]+", "_", hint.stem.lower()).strip("_")
        return f"{self.prefix}{digest}_{stem}"[:63]

    def _handle(self, database: str, hint: Path) -> PostgresDatabase:
        return PostgresDatabase(self.url_of(database), database, self, hint)

    def create(self, hint: Path, template: str = "template0") -> PostgresDatabase:
        """A new database named after `hint` (replacing one of that name), copied from `template`."""
        from psycopg import sql

        database = self.name_for(hint)
        self.drop(database)
        if template != "template0":
            self._disconnect(template)  # CREATE DATABASE ... TEMPLATE needs the template idle
        self.admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(database),
                                                                           sql.Identifier(template)))
        self.created[database] = hint
        return self._handle(database, hint)

    def _disconnect(self, database: str) -> None:
        self.admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (database,))

    def drop(self, database: str) -> None:
        from psycopg import sql

        # WITH (FORCE) ends any connection a test left open first.
        self.admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        self.created.pop(database, None)

    def drop_under(self, folder: Path) -> None:
        """Drop the databases named after paths inside `folder` (a test's tmp_path)."""
        for database, hint in list(self.created.items()):
            if hint.is_relative_to(folder):
                self.drop(database)

    def close(self) -> None:
        for database in list(self.created):
            self.drop(database)
        self.admin.close()


@dataclass
class Backend:
    """Which back end this test runs on, and how to make a database there."""

    name: str
    server: PostgresServer | None = None

    @property
    def is_postgresql(self) -> bool:
        return self.name == "postgresql"

    def new_database(self, path: Path) -> Any:
        """An empty database (not migrated yet): the file `path` on SQLite, a database named after it on PostgreSQL."""
        if self.server is None:
            return path
        return self.server.create(path)


def _connect_postgres_server() -> PostgresServer:
    """The server, or a skip (fail under VICMAN_REQUIRE_POSTGRES=1) saying why not and how."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        if _postgres_required():
            pytest.fail(f"{REQUIRE_POSTGRES_VARIABLE}=1 but {POSTGRES_URL_VARIABLE} is not set", pytrace=False)
        pytest.skip(HOW_TO_RUN_POSTGRES)
    try:
        return PostgresServer(url)
    except Exception as exc:
        message = f"cannot use the PostgreSQL server {POSTGRES_URL_VARIABLE}={url}: {exc}".strip()
        if _postgres_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message + " (run `make test` for a throw-away server)")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under `make test` (VICMAN_REQUIRE_POSTGRES=1) a missing server stops the run at once, failing."""
    if not _postgres_required():
        return
    url = os.environ.get(POSTGRES_URL_VARIABLE, "")
    if not url:
        pytest.exit(f"{REQUIRE_POSTGRES_VARIABLE}=1 but {POSTGRES_URL_VARIABLE} is not set", returncode=1)
    try:
        PostgresServer(url).close()
    except Exception as exc:
        pytest.exit(f"{REQUIRE_POSTGRES_VARIABLE}=1 but the PostgreSQL server {url} cannot be used: {exc}",
                    returncode=1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that (directly or through other fixtures) uses `backend` once per back end."""
    if "backend" not in metafunc.fixturenames:
        return
    definition = metafunc.definition
    if definition.get_closest_marker("sqlite_only"):
        names: tuple[str, ...] = ("sqlite",)
    elif definition.get_closest_marker("postgresql_only"):
        names = ("postgresql",)
    else:
        names = BACKENDS
    metafunc.parametrize("backend", names, indirect=True, ids=names, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The back end of this test: "sqlite" or "postgresql" (parametrised by pytest_generate_tests)."""
    name = getattr(request, "param", "sqlite")
    if name == "sqlite":
        yield Backend("sqlite")
        return
    server = _connect_postgres_server()
    try:
        yield Backend("postgresql", server)
    finally:
        server.close()


@pytest.fixture(autouse=True)
def _drop_this_tests_databases(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test (and its fixtures), drop the PostgreSQL databases it made in its tmp_path."""
    yield
    chosen = request.node.funcargs.get("backend") if hasattr(request.node, "funcargs") else None
    folder = request.node.funcargs.get("tmp_path") if hasattr(request.node, "funcargs") else None
    if chosen is not None and chosen.server is not None and folder is not None:
        chosen.server.drop_under(folder)


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def copy_database(source: Any, target: Any) -> Any:
    """Copy a test database to `target` (a path; on PostgreSQL also an existing database, replaced).

    SQLite: copies the file (and any WAL/SHM beside it) so the copy opens as the same database, and
    returns `target`. PostgreSQL: `CREATE DATABASE <named after target> TEMPLATE <source>`.
    """
    if _is_postgres(source):
        hint = target.hint if _is_postgres(target) else Path(target)
        return source.server.create(hint, template=source.database)
    shutil.copyfile(source, target)
    for side, other in zip(_sidecars(source), _sidecars(target), strict=True):
        if side.exists():
            shutil.copyfile(side, other)
    return target


@pytest.fixture(scope="session")
def template_db(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An empty vicman database at the head revision, migrated once per test session and back end."""
    from vicman.services.context import Actor, open_context

    database = backend.new_database(tmp_path_factory.mktemp("template") / "template.sqlite3")
    ctx = open_context(str(database), actor=Actor(TEST_USER, TEST_WORKSTATION, unrestricted=True),
                       clock=_fixed_clock)
    ctx.close()
    return database


@pytest.fixture(scope="session")
def codebook() -> Any:
    from vicman.rules import load_codebook

    return load_codebook()


@pytest.fixture
def db_path(request: pytest.FixtureRequest, template_db: Any, tmp_path: Path) -> Any:
    """This test's own database, a copy of the migrated template (of the seeded one if the test uses seeded_db).

    SQLite: the file tmp_path/vicman.sqlite3. PostgreSQL: a PostgresDatabase (str: its URL).
    """
    source = request.getfixturevalue("seeded_template") if "seeded_db" in request.fixturenames else template_db
    return copy_database(source, tmp_path / "vicman.sqlite3")


@pytest.fixture
def new_database(backend: Backend, tmp_path: Path) -> Callable[[str], Any]:
    """`new_database("name.sqlite3")` -> an empty, unmigrated database of this test's back end (see Backend)."""

    def make(name: str = "fresh.sqlite3") -> Any:
        return backend.new_database(tmp_path / name)

    return make


def open_test_context(path: Any, clock: Callable[[], datetime] = _fixed_clock) -> Any:
    from vicman.services.context import Actor, open_context

    return open_context(str(path), actor=Actor(TEST_USER, TEST_WORKSTATION, unrestricted=True), clock=clock)


@pytest.fixture
def ctx(db_path: Any) -> Iterator[Any]:
    """A ServiceContext on a fresh database: actor pc-test@test-host, clock fixed at FIXED_NOW."""
    context = open_test_context(db_path)
    try:
        yield context
    finally:
        context.close()


# --- CSV files ---------------------------------------------------------------------------------

CSV_COLUMNS = (
    "crime_ref", "reported_at", "offence", "division", "oic_id", "oic_name", "oic_email",
    "victim_ref", "victim_name", "victim_dob", "victim_phone", "victim_email", "victim_address",
    "enhanced_reasons", "vs_opt_out",
)


def crime_row(**overrides: Any) -> dict[str, str]:
    """One valid import row (crime CR-1001 reported Monday 16/11/2026, victim V-1), with overrides."""
    row = {
        "crime_ref": "CR-1001",
        "reported_at": "2026-11-16T10:00",
        "offence": "Theft of pedal cycle",
        "division": "North",
        "oic_id": "P100",
        "oic_name": "PC Jane Jones",
        "oic_email": "jane.jones@police.example.uk",
        "victim_ref": "V-1",
        "victim_name": "Anna Nowak",
        "victim_dob": "1980-05-17",
        "victim_phone": "07700 900123",
        "victim_email": "anna@example.org",
        "victim_address": "1 High Street, Preston",
        "enhanced_reasons": "",
        "vs_opt_out": "no",
    }
    row.update({k: ("" if v is None else str(v)) for k, v in overrides.items()})
    return row


def write_csv(
    path: Path,
    rows: Sequence[dict[str, Any]],
    header: Sequence[str] | None = None,
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\r\n",
) -> Path:
    """Write `rows` (dicts) as a CSV file with a header row; missing keys are written empty.

    `header` defaults to the keys of the first row (in order). Keys not in the header are ignored.
    """
    if header is None:
        header = list(rows[0].keys()) if rows else list(CSV_COLUMNS)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator=newline, extrasaction="ignore",
                            restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    """`make_csv(rows, name="crimes.csv", header=None, encoding="utf-8", bom=False)` -> path in tmp_path."""

    def make(rows: Sequence[dict[str, Any]], name: str = "crimes.csv", header: Sequence[str] | None = None,
             **options: Any) -> Path:
        return write_csv(tmp_path / name, rows, header, **options)

    return make


# --- Snapshots ---------------------------------------------------------------------------------


def snapshot_database(database: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (found with SQLAlchemy inspect), sorted, for before/after comparison.

    `database`: an SQLite path, a PostgresDatabase or a URL (values come back as each driver gives them).
    """
    from sqlalchemy import create_engine, inspect, text

    url = str(database)
    engine = create_engine(url if "://" in url else f"sqlite:///{database}")
    try:
        result: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as connection:
            for table in sorted(inspect(connection).get_table_names()):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                result[table] = sorted((tuple(r) for r in rows), key=repr)
        return result
    finally:
        engine.dispose()


def table_counts(path: Path | str) -> dict[str, int]:
    return {table: len(rows) for table, rows in snapshot_database(path).items()}


@pytest.fixture
def snapshot() -> Callable[[Path | str], dict[str, list[tuple[Any, ...]]]]:
    return snapshot_database


# --- Running the command line ------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    status: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run `vicman.cli.main.main(argv)` in-process, with the test actor and the fixed clock.

    Captures what argparse writes to sys.stdout/sys.stderr (help, usage errors) as well.
    """
    import vicman.cli.main as cli_main
    from vicman.services.context import Actor, open_context

    def fixed_open_context(db: str | None = None, **kwargs: Any) -> Any:
        kwargs.setdefault("actor", Actor(TEST_USER, TEST_WORKSTATION, unrestricted=True))
        kwargs.setdefault("clock", _fixed_clock)
        return open_context(db, **kwargs)

    monkeypatch.setattr(cli_main, "open_context", fixed_open_context)

    def run(*argv: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli_main.main([str(a) for a in argv], out=out, err=err)
            except SystemExit as exc:
                status = _exit_status(exc.code)
        return CliResult(status, out.getvalue(), err.getvalue())

    return run


def run_vicman(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None,
               timeout: float = 120) -> CliResult:
    """Run `python -m vicman ARGV` as a subprocess (real clock, real environment)."""
    import os

    environment = dict(os.environ)
    environment.pop("VICMAN_DB", None)
    environment.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "vicman", *[str(a) for a in argv]],
        capture_output=True, text=True, encoding="utf-8", env=environment, cwd=cwd, timeout=timeout,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def vicman_subprocess() -> Callable[..., CliResult]:
    return run_vicman


@pytest.fixture
def crime_rows() -> Callable[..., dict[str, str]]:
    """`crime_rows(**overrides)` -> one valid import row (see `crime_row`)."""
    return crime_row


def as_sqlite_stores(value: Any) -> Any:
    """A value read from PostgreSQL in the form SQLite stores it, so one expectation holds on both back ends.

    Instants: naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (PostgreSQL: timestamptz); dates: ISO text;
    booleans: 0/1; JSON: its text.
    """
    import json
    from datetime import date

    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class RawCursor:
    """What `RawConnection.execute` returns: rows in SQLite's stored form (see `as_sqlite_stores`)."""

    def __init__(self, rows: list[tuple[Any, ...]], columns: list[str], rowcount: int, lastrowid: int | None) -> None:
        self.rows, self.columns, self.rowcount, self.lastrowid = rows, columns, rowcount, lastrowid

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def mappings(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class RawConnection:
    """The plain driver (sqlite3 or psycopg) on a test database, behind vicman's back, with `?` parameters.

    Booleans in SQL text: write TRUE/FALSE (both back ends read them). `lastrowid` is SQLite's; use
    `RETURNING id` for both.
    """

    def __init__(self, connection: Any, postgres: bool) -> None:
        self.connection, self.postgres = connection, postgres

    def execute(self, sql: str, params: Sequence[Any] = ()) -> RawCursor:
        if self.postgres:
            cursor = self.connection.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))
        else:
            cursor = self.connection.execute(sql, tuple(params))
        columns = [column[0] for column in cursor.description] if cursor.description else []
        rows = [tuple(as_sqlite_stores(value) for value in row) for row in cursor.fetchall()] if columns else []
        return RawCursor(rows, columns, cursor.rowcount, None if self.postgres else cursor.lastrowid)


class OpenRawConnection(RawConnection):
    """A RawConnection left open (autocommit): `connect_database(db)` where a test used `sqlite3.connect(path)`."""

    def commit(self) -> None:
        if not self.postgres:
            self.connection.commit()

    def close(self) -> None:
        if not self.postgres:
            self.connection.commit()
        self.connection.close()


def connect_database(database: Any) -> OpenRawConnection:
    """The plain driver on a test database, autocommitted, `?` parameters; close() it (see RawConnection)."""
    if _is_postgres(database):
        import psycopg

        connection = psycopg.connect(database.conninfo, autocommit=True)
        connection.execute("SET TIME ZONE 'UTC'")
        return OpenRawConnection(connection, postgres=True)
    import sqlite3

    return OpenRawConnection(sqlite3.connect(database), postgres=False)


@contextlib.contextmanager
def raw_connection(database: Any, *, guards: bool = True) -> Iterator[RawConnection]:
    """A RawConnection in one transaction, committed when the block ends (rolled back if it raises).

    `guards=False`: as an attacker with full access to the database, with the append-only guards off.
    SQLite: the `*_no_update`/`*_no_delete` triggers are dropped (anyone who can write the file can).
    PostgreSQL: a superuser session with `session_replication_role = replica`, which skips every
    trigger for this session only (the triggers stay for everyone else).
    """
    if _is_postgres(database):
        import psycopg

        with psycopg.connect(database.conninfo) as connection:  # commits on a clean exit
            connection.execute("SET TIME ZONE 'UTC'")  # naive instants in SQL text are UTC, as on SQLite
            if not guards:
                connection.execute("SET session_replication_role = replica")
            yield RawConnection(connection, postgres=True)
        return
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        with connection:
            if not guards:
                triggers = connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                    "AND (name LIKE '%\\_no\\_update' ESCAPE '\\' OR name LIKE '%\\_no\\_delete' ESCAPE '\\')"
                ).fetchall()
                for (name,) in triggers:
                    connection.execute(f'DROP TRIGGER "{name}"')
            yield RawConnection(connection, postgres=False)
    finally:
        connection.close()


def query_database(database: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on `database` with the plain driver (sqlite3 / psycopg), committed; its rows.

    Parameters are written `?` (sqlite3's style) on both back ends, and values come back as SQLite
    stores them (see `as_sqlite_stores`). Behind vicman's back: for checking what is stored.
    """
    with raw_connection(database) as connection:
        return connection.execute(sql, params).fetchall()


def refusal(database: Any, sql: str, *params: Any) -> str:
    """The database's error message for one statement (own transaction, rolled back); fails if it was accepted.

    For the append-only guards: `assert "append-only" in refusal(db, "DELETE FROM audit")` on both back ends.
    """
    import sqlite3

    import psycopg

    try:
        with raw_connection(database) as connection:
            connection.execute(sql, params)
    except (sqlite3.DatabaseError, psycopg.DatabaseError) as exc:
        return str(exc)
    raise AssertionError(f"the database accepted: {sql} {params}")


def tamper_database(database: Any, sql: str, *params: Any) -> None:
    """Change stored rows behind vicman's back with the append-only guards off (see `raw_connection`)."""
    with raw_connection(database, guards=False) as connection:
        connection.execute(sql, params)


@pytest.fixture
def db_query(db_path: Any) -> Callable[..., list[tuple[Any, ...]]]:
    """`db_query(sql, *params)` -> rows, read with the plain driver from the test's database (`?` parameters)."""

    def query(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return query_database(db_path, sql, *params)

    return query


# --- A database with the standard crimes already imported ----------------------------------------

SEED_ROWS = (
    # CR-1001: reported Monday 16/11/2026 10:00, North, PC Jane Jones; V-1 standard, V-2 vulnerable.
    {},
    {"victim_ref": "V-2", "victim_name": "Wang Wei", "victim_dob": "1990-02-03", "victim_phone": "",
     "victim_email": "", "enhanced_reasons": "vulnerable"},
    # CR-1002: same day, South, PC Ray Khan; V-3 standard.
    {"crime_ref": "CR-1002", "offence": "Harassment", "division": "South", "oic_id": "P200",
     "oic_name": "PC Ray Khan", "oic_email": "ray.khan@police.example.uk", "victim_ref": "V-3",
     "victim_name": "Bethan Hughes", "victim_dob": "1975-09-09", "victim_phone": "01772 123456",
     "victim_email": "bethan@example.org"},
)


@pytest.fixture(scope="session")
def seeded_template(template_db: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The template database after importing SEED_ROWS once (via the service, fixed clock)."""
    from vicman.services import importing

    folder = tmp_path_factory.mktemp("seeded")
    database = copy_database(template_db, folder / "seeded.sqlite3")
    source = write_csv(folder / "seed.csv", [crime_row(**overrides) for overrides in SEED_ROWS])
    context = open_test_context(database)
    try:
        importing.import_crimes(context, source)
    finally:
        context.close()
    return database


@pytest.fixture
def seeded_db(db_path: Any) -> Any:
    """This test's database (db_path), holding the seeded crimes CR-1001 (V-1, V-2) and CR-1002 (V-3).

    db_path is made from the seeded template when the test uses this fixture.
    """
    return db_path


@pytest.fixture
def seeded_ctx(seeded_db: Any) -> Iterator[Any]:
    context = open_test_context(seeded_db)
    try:
        yield context
    finally:
        context.close()
