"""Schema migrations with Alembic, and the safety rules around them.

- A new database is created at the newest schema.
- An SQLite file at an older schema is copied (`<file>.before-<revision>.bak`) before migrating.
- A database whose revision this vicman does not know was written by a newer vicman: refused.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

from vicman.store.errors import DatabaseTooNew, StoreUnavailable

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    # A read: it must not queue behind another desktop's long write (an import) for the write lock.
    with engine.execution_options(vicman_read=True).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION = re.compile(r"""^(down_revision|revision)\s*=\s*['"]?([\w-]+|None)['"]?\s*$""", re.MULTILINE)


def _head_from_files() -> str | None:
    """The newest revision, read from the migration files without importing Alembic (start-up time)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stamped_revision(engine: Engine) -> str | None:
    try:
        with engine.execution_options(vicman_read=True).connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def migrate(engine: Engine) -> Path | None:
    """Bring the database to the newest schema. Returns the backup made, if any."""
    head = _head_from_files()
    if head is not None and _stamped_revision(engine) == head:
        return None  # the usual case, answered without loading Alembic
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _config()
    scripts = ScriptDirectory.from_config(config)
    current = current_revision(engine)
    head = scripts.get_current_head()
    if current == head:
        return None
    if current is not None:
        known = {rev.revision for rev in scripts.walk_revisions()}
        if current not in known:
            raise DatabaseTooNew(
                f"This database was written by a newer version of vicman (schema {current}). "
                "Install the newer vicman to open it; this one has not changed it."
            )
    elif _has_user_tables(engine):
        raise StoreUnavailable("This file holds a database that is not a vicman database; it was not changed.")
    backup = _backup_sqlite(engine, current) if current is not None else None
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return backup


def _has_user_tables(engine: Engine) -> bool:
    return bool([t for t in inspect(engine).get_table_names() if not t.startswith("sqlite_")])


def _backup_sqlite(engine: Engine, revision: str) -> Path | None:
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    source = Path(engine.url.database)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.name}.before-{revision}-{stamp}.bak")
    # The backup API copies a consistent snapshot even with the WAL file beside it.
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    if not target.exists():
        shutil.copy2(source, target)
    return target
