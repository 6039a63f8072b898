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


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def copy_database(source: Path, target: Path) -> Path:
    """Copy an SQLite file (and any WAL/SHM beside it) so the copy opens as the same database."""
    shutil.copyfile(source, target)
    for side, other in zip(_sidecars(source), _sidecars(target), strict=True):
        if side.exists():
            shutil.copyfile(side, other)
    return target


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty vicman database at the head revision, migrated once per test session."""
    from vicman.services.context import Actor, open_context

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    ctx = open_context(str(path), actor=Actor(TEST_USER, TEST_WORKSTATION, unrestricted=True), clock=_fixed_clock)
    ctx.close()
    return path


@pytest.fixture(scope="session")
def codebook() -> Any:
    from vicman.rules import load_codebook

    return load_codebook()


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the migrated template database, in this test's tmp_path."""
    return copy_database(template_db, tmp_path / "vicman.sqlite3")


def open_test_context(path: Path | str, clock: Callable[[], datetime] = _fixed_clock) -> Any:
    from vicman.services.context import Actor, open_context

    return open_context(str(path), actor=Actor(TEST_USER, TEST_WORKSTATION, unrestricted=True), clock=clock)


@pytest.fixture
def ctx(db_path: Path) -> Iterator[Any]:
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


def snapshot_database(path: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (found with SQLAlchemy inspect), sorted, for before/after comparison."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(f"sqlite:///{path}")
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


@pytest.fixture
def db_query(db_path: Path) -> Callable[..., list[tuple[Any, ...]]]:
    """`db_query(sql, *params)` -> rows, read with plain sqlite3 from the test's database."""
    import sqlite3

    def query(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(db_path)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

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
def seeded_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template database after importing SEED_ROWS once (via the service, fixed clock)."""
    from vicman.services import importing

    folder = tmp_path_factory.mktemp("seeded")
    path = copy_database(template_db, folder / "seeded.sqlite3")
    source = write_csv(folder / "seed.csv", [crime_row(**overrides) for overrides in SEED_ROWS])
    context = open_test_context(path)
    try:
        importing.import_crimes(context, source)
    finally:
        context.close()
    return path


@pytest.fixture
def seeded_db(db_path: Path, seeded_template: Path) -> Path:
    """This test's database file (db_path), holding the seeded crimes CR-1001 (V-1, V-2) and CR-1002 (V-3)."""
    return copy_database(seeded_template, db_path)


@pytest.fixture
def seeded_ctx(seeded_db: Path) -> Iterator[Any]:
    context = open_test_context(seeded_db)
    try:
        yield context
    finally:
        context.close()
