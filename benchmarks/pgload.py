"""The benchmark's force data set on PostgreSQL: the SQLite cache (`bench_core.build`) loaded into a
database whose schema vicman's own migrations created.

    .venv/bin/python benchmarks/pgload.py --scale 0.1     # load (or check) bench_force_0_1 on the dev server

- The schema comes from `open_context(<url>)` (Alembic), exactly as a force's server gets it.
- Rows are copied table by table in foreign-key order with `COPY ... FROM STDIN` through psycopg, in batches
  of `BATCH` rows read from the SQLite file. SQLite stores instants as UTC text, dates as ISO text and
  booleans as 0/1: PostgreSQL parses all three in COPY's text format, with the session time zone set to UTC.
  Foreign keys and triggers are not checked during the load (`session_replication_role = replica`): the
  rows come from a database that already holds them consistently. Indexes that back no constraint are
  dropped before a table's load and created again after it (one sort instead of millions of inserts).
- Then every sequence is set past its table's largest id (new rows get fresh ids) and the database is
  vacuumed and analysed, as autovacuum would leave a database in service.
- The database remembers what it holds in its comment (JSON: scale, seed, generator, the cache's build time,
  schema revision). A database that holds the same data is reused; one at an older schema revision only is
  migrated by `open_context`; anything else is dropped and loaded again.

Measurements run on a copy (`work_copy`: `CREATE DATABASE ... TEMPLATE`), so the loaded database stays as
loaded although the operations measured write audit records.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from vicman.services.context import open_context  # noqa: E402
from vicman.store.migrate import head_revision  # noqa: E402
from vicman.store.tables import Base  # noqa: E402

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:54329"
BATCH = 100_000
MARKER_KEYS = ("scale", "seed", "generator", "built_at")
"""What must match for a loaded database to hold the same data as the SQLite cache."""


def database_name(scale: float) -> str:
    return "bench_force_" + str(float(scale)).replace(".", "_")


def url_for(server_or_url: str, scale: float) -> str:
    """A full URL: `server_or_url` as given if it names a database, else the scale's database on that server."""
    parsed = make_url(server_or_url)
    if parsed.database:
        return server_or_url
    return parsed.set(database=database_name(scale)).render_as_string(hide_password=False)


def connect(url: str, dbname: str | None = None, autocommit: bool = True) -> psycopg.Connection[Any]:
    """A plain psycopg connection for a SQLAlchemy URL (to another database on the same server if given)."""
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "localhost",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=dbname or parsed.database,
        autocommit=autocommit,
    )


def _admin(url: str) -> psycopg.Connection[Any]:
    return connect(url, dbname="postgres")


def server_facts(url: str) -> dict[str, Any]:
    """Version and the settings that shape write timings, for the report."""
    with _admin(url) as conn:
        facts: dict[str, Any] = {"version": conn.execute("SHOW server_version").fetchone()[0]}  # type: ignore[index]
        for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem",
                     "effective_cache_size", "max_parallel_workers_per_gather", "jit"):
            facts[name] = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]  # type: ignore[index]
    return facts


def marker(url: str) -> dict[str, Any] | None:
    """The JSON comment of the URL's database, or None when there is no such database (or no marker)."""
    name = make_url(url).database
    with _admin(url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    if row is None:
        return None
    try:
        found = json.loads(row[0] or "")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _set_marker(url: str, value: dict[str, Any]) -> None:
    with _admin(url) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(make_url(url).database or ""), sql.Literal(json.dumps(value, sort_keys=True))
            )
        )


def drop_database(url: str) -> None:
    with _admin(url) as conn:
        name = sql.Identifier(make_url(url).database or "")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _create_database(url: str, template: str | None = None) -> None:
    name = sql.Identifier(make_url(url).database or "")
    with _admin(url) as conn:
        if template is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        else:
            # FILE_COPY: a copy of the files, much faster than WAL_LOG (PostgreSQL 15's default) for gigabytes.
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(name, sql.Identifier(template))
            )


def ensure_loaded(
    sqlite_path: Path, meta: dict[str, Any], url: str, reload: bool = False, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """The database at `url` holding the data of the SQLite cache `sqlite_path` (described by `meta`),
    loaded first if needed. Returns its marker (with the load's timings)."""
    wanted = {k: meta[k] for k in MARKER_KEYS}
    head = head_revision()
    found = None if reload else marker(url)
    if found and all(found.get(k) == v for k, v in wanted.items()):
        if found.get("schema") == head:
            log(f"Reusing PostgreSQL database {make_url(url).database} (loaded {found.get('loaded_at')})")
            return found
        log(f"{make_url(url).database} is at schema {found.get('schema')}: migrating it to {head}")
        open_context(url).close()
        with connect(url) as conn:
            conn.execute("ANALYZE")
        found = {**found, "schema": head, "migrated_from": found.get("schema")}
        _set_marker(url, found)
        return found
    return load(sqlite_path, meta, url, log)


def load(sqlite_path: Path, meta: dict[str, Any], url: str, log: Callable[[str], None] = print) -> dict[str, Any]:
    name = make_url(url).database
    log(f"Loading {sqlite_path.name} into PostgreSQL database {name} ...")
    started = time.perf_counter()
    drop_database(url)
    _create_database(url)
    open_context(url).close()  # the schema, by vicman's own migrations
    schema_seconds = time.perf_counter() - started
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    source = sqlite3.connect(f"{sqlite_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        with connect(url, autocommit=False) as conn:
            conn.execute("SET TIME ZONE 'UTC'")
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET maintenance_work_mem = '512MB'")
            for table in _tables_in_fk_order(conn):
                t0 = time.perf_counter()
                indexes = _plain_indexes(conn, table)
                for index_name, _definition in indexes:
                    conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index_name)))
                count = _copy_table(source, conn, table)
                for _index_name, definition in indexes:
                    conn.execute(definition)  # built once after the load: faster than row by row
                conn.commit()
                rows[table] = count
                seconds[table] = round(time.perf_counter() - t0, 1)
                if count:
                    log(f"  {table:>20}: {count:>12,} rows in {seconds[table]:.1f}s "
                        f"({count / max(seconds[table], 0.01):,.0f} rows/s)")
            _advance_sequences(conn)
            conn.commit()
    finally:
        source.close()
    copy_seconds = time.perf_counter() - started - schema_seconds
    t0 = time.perf_counter()
    with connect(url) as conn:
        conn.execute("VACUUM (ANALYZE)")
    analyse_seconds = time.perf_counter() - t0
    with connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
    found = {
        **{k: meta[k] for k in MARKER_KEYS},
        "schema": head_revision(),
        "source": sqlite_path.name,
        "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_seconds": {
            "schema": round(schema_seconds, 1),
            "copy": round(copy_seconds, 1),
            "vacuum_analyze": round(analyse_seconds, 1),
            "total": round(time.perf_counter() - started, 1),
        },
        "rows": rows,
        "db_bytes": size,
    }
    _set_marker(url, found)
    log(f"  loaded in {found['load_seconds']['total']:.0f}s (copy {copy_seconds:.0f}s, vacuum/analyse "
        f"{analyse_seconds:.0f}s); {size / 1e9:.2f} GB")
    return found


def _tables_in_fk_order(conn: psycopg.Connection[Any]) -> list[str]:
    """vicman's tables, parents before children (the metadata's order), that the migrations created."""
    present = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    return [t.name for t in Base.metadata.sorted_tables if t.name in present]


def _plain_indexes(conn: psycopg.Connection[Any], table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint (keys stay)."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            (table,),
        )
    ]


def _columns(conn: psycopg.Connection[Any], table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
    ]


def _copy_table(source: sqlite3.Connection, conn: psycopg.Connection[Any], table: str) -> int:
    """Copy one table's rows; columns the SQLite file lacks (a newer schema) take their defaults."""
    have = {r[1] for r in source.execute(f'PRAGMA table_info("{table}")')}
    if not have:
        return 0
    columns = [c for c in _columns(conn, table) if c in have]
    quoted = ", ".join(f'"{c}"' for c in columns)
    select = f'SELECT {quoted} FROM "{table}"' + (" ORDER BY id" if "id" in columns else "")
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    count = 0
    cursor = source.execute(select)
    with conn.cursor() as pg, pg.copy(statement) as copy:
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)  # psycopg formats in C; SQLite's text, 0/1 and ISO dates parse as they are
            count += len(batch)
    return count


def _advance_sequences(conn: psycopg.Connection[Any]) -> None:
    """Every id sequence past its table's largest id, so that the next insert gets a fresh id."""
    for table in _tables_in_fk_order(conn):
        if "id" not in _columns(conn, table):
            continue
        sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()
        if sequence is None or sequence[0] is None:
            continue
        top = conn.execute(sql.SQL("SELECT max(id) FROM {}").format(sql.Identifier(table))).fetchone()[0]  # type: ignore[index]
        if top is None:
            conn.execute("SELECT setval(%s, 1, false)", (sequence[0],))
        else:
            conn.execute("SELECT setval(%s, %s, true)", (sequence[0], top))


def work_copy(url: str, suffix: str = "_work") -> str:
    """A fresh copy of the loaded database, to measure on (dropped with `drop_database`)."""
    source = make_url(url).database or ""
    target = make_url(url).set(database=source + suffix).render_as_string(hide_password=False)
    drop_database(target)
    _create_database(target, template=source)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    import bench_core

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--pg-url", default=DEFAULT_SERVER, help="server URL (the database is named by scale) or a "
                        "full database URL")
    parser.add_argument("--reload", action="store_true", help="load again even if the database holds the data")
    args = parser.parse_args(argv)
    path, meta = bench_core.build(args.scale, args.seed, False)
    ensure_loaded(path, meta, url_for(args.pg_url, args.scale), args.reload, log=bench_core.log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
