"""The store (DESIGN.md section 3): SQLite pragmas, creating and migrating databases, and refusing ones it must
not touch. Every test works on real SQLite files in tmp_path.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from vicman.store import Database, DatabaseTooNew, StoreError, migrate
from vicman.store.tables import Base

pytestmark = pytest.mark.sqlite_only(
    reason="the SQLite store itself: pragmas, WAL, the file, its copies and backups before migrating"
)

# `vicman.store.migrate` is also the name of a function re-exported by vicman.store; get the module itself.
store_migrate = importlib.import_module("vicman.store.migrate")

HERE_MIGRATIONS = store_migrate.MIGRATIONS_DIR


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def revision_of(path: Path) -> str | None:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        connection.close()
    assert len(rows) == 1
    return rows[0][0]


def columns_of(path: Path, table: str) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    finally:
        connection.close()


def open_and_migrate(path: Path) -> Path | None:
    database = Database(f"sqlite:///{path}")
    try:
        return migrate(database.engine)
    finally:
        database.dispose()


# --- connection settings --------------------------------------------------------------------------


def test_sqlite_connections_use_wal_foreign_keys_and_full_sync(ctx):
    with ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_every_pooled_connection_gets_the_pragmas(ctx):
    reading = ctx.db.engine.execution_options(vicman_read=True)  # plain BEGIN: no write lock held
    connections = [reading.connect() for _ in range(3)]
    try:
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        for connection in connections:
            connection.close()


def test_foreign_keys_are_enforced(ctx):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), ctx.db.transaction() as session:
        session.execute(text("INSERT INTO crime_person (crime_id, person_id, role, enhanced_reasons, vs_opt_out, "
                             "updates_opt_out, version, created_at) VALUES (999, 999, 'victim', '', 0, 0, 1, "
                             "'2026-11-26 09:00:00')"))


# --- creating -------------------------------------------------------------------------------------


def test_a_new_file_is_created_at_the_head_revision(tmp_path):
    path = tmp_path / "new.sqlite3"
    assert not path.exists()
    backup = open_and_migrate(path)
    assert backup is None
    assert path.exists()
    assert revision_of(path) == store_migrate.head_revision()
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    assert set(Base.metadata.tables) <= tables
    assert list(tmp_path.glob("*.bak")) == []


def test_opening_a_database_at_head_changes_nothing(template_db, tmp_path):
    path = shutil.copyfile(template_db, tmp_path / "same.sqlite3")
    before = digest(Path(path))
    assert open_and_migrate(Path(path)) is None
    assert digest(Path(path)) == before
    assert list(tmp_path.glob("*.bak")) == []


def test_a_missing_folder_is_a_clear_store_error(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        Database(f"sqlite:///{tmp_path / 'no' / 'such' / 'db.sqlite3'}")


# --- refusing ---------------------------------------------------------------------------------------


def test_a_database_from_a_newer_vicman_is_refused_and_left_unchanged(template_db, tmp_path):
    path = Path(shutil.copyfile(template_db, tmp_path / "newer.sqlite3"))
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    before = digest(path)

    with pytest.raises(DatabaseTooNew) as caught:
        open_and_migrate(path)

    message = str(caught.value)
    assert "newer" in message and "9999_from_the_future" in message
    assert digest(path) == before
    assert revision_of(path) == "9999_from_the_future"
    assert list(tmp_path.glob("*.bak")) == []


def test_open_context_refuses_a_newer_database(template_db, tmp_path):
    from vicman.services.context import open_context

    path = Path(shutil.copyfile(template_db, tmp_path / "newer.sqlite3"))
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(DatabaseTooNew):
        open_context(str(path))
    assert digest(path) == before


def _foreign_database(path: Path, journal_mode: str) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA journal_mode={journal_mode}")
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO recipes (name) VALUES ('Welsh cakes')")
    connection.commit()
    connection.close()
    return path


def test_a_non_vicman_sqlite_file_is_refused_with_a_clear_message(tmp_path):
    path = _foreign_database(tmp_path / "recipes.sqlite3", "delete")
    with pytest.raises(StoreError, match=r"(?i)vicman"):
        open_and_migrate(path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT name FROM recipes").fetchall() == [("Welsh cakes",)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    assert tables == {"recipes"}
    assert list(tmp_path.glob("*.bak")) == []


def test_a_non_vicman_sqlite_file_is_left_byte_for_byte_unchanged(tmp_path):
    path = _foreign_database(tmp_path / "recipes.sqlite3", "delete")
    before = digest(path)
    with pytest.raises(StoreError):
        open_and_migrate(path)
    assert digest(path) == before


def test_a_non_vicman_wal_file_is_left_byte_for_byte_unchanged(tmp_path):
    path = _foreign_database(tmp_path / "recipes.sqlite3", "wal")
    before = digest(path)
    with pytest.raises(StoreError):
        open_and_migrate(path)
    assert digest(path) == before


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Not a database at all.\n" * 50, encoding="utf-8")
    before = digest(path)
    try:
        with pytest.raises(StoreError):
            open_and_migrate(path)
    finally:
        assert digest(path) == before


# --- migrating, with a backup first -------------------------------------------------------------

EXTRA_REVISION = '''"""Test-only revision: a nullable column on person.

Revision ID: {revision}
Revises: {down}
"""

from alembic import op
import sqlalchemy as sa


revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("test_nickname", sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("test_nickname")
'''


def _copy_migrations(target: Path) -> Path:
    shutil.copytree(HERE_MIGRATIONS, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_an_older_database_is_backed_up_before_it_is_migrated(template_db, tmp_path, monkeypatch):
    old_head = store_migrate.head_revision()
    path = Path(shutil.copyfile(template_db, tmp_path / "vicman.sqlite3"))
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO officer (staff_no, name, email, division, team, active, created_at) "
                       "VALUES ('P1', 'PC Ann Lee', NULL, 'North', NULL, 1, '2026-11-26 09:00:00.000000')")
    connection.commit()
    connection.close()
    assert revision_of(path) == old_head

    migrations = _copy_migrations(tmp_path / "migrations")
    (migrations / "versions" / "9001_test_nickname.py").write_text(
        EXTRA_REVISION.format(revision="9001", down=old_head), encoding="utf-8")
    monkeypatch.setattr(store_migrate, "MIGRATIONS_DIR", migrations)
    assert store_migrate.head_revision() == "9001"

    backup = open_and_migrate(path)

    assert backup is not None and backup.exists()
    assert backup.parent == path.parent and backup != path
    assert [p.name for p in tmp_path.glob("*.bak")] == [backup.name]
    assert revision_of(backup) == old_head
    assert "test_nickname" not in columns_of(backup, "person")
    assert revision_of(path) == "9001"
    assert "test_nickname" in columns_of(path, "person")
    for copy in (backup, path):
        connection = sqlite3.connect(copy)
        assert connection.execute("SELECT staff_no, name FROM officer").fetchall() == [("P1", "PC Ann Lee")]
        connection.close()


def test_a_database_at_the_first_revision_is_backed_up_and_migrated_to_head(tmp_path, monkeypatch):
    first_only = _copy_migrations(tmp_path / "first_only")
    for script in (first_only / "versions").glob("*.py"):
        if not script.name.startswith("0001"):
            script.unlink()
    path = tmp_path / "old.sqlite3"
    monkeypatch.setattr(store_migrate, "MIGRATIONS_DIR", first_only)
    open_and_migrate(path)
    assert revision_of(path) == "0001"
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO officer (staff_no, name, email, division, team, active, created_at) "
                       "VALUES ('P1', 'PC Ann Lee', NULL, 'North', NULL, 1, '2026-11-26 09:00:00.000000')")
    connection.commit()
    connection.close()
    monkeypatch.setattr(store_migrate, "MIGRATIONS_DIR", HERE_MIGRATIONS)
    head = store_migrate.head_revision()
    if head == "0001":
        pytest.skip("only one revision exists")

    backup = open_and_migrate(path)

    assert backup is not None and revision_of(backup) == "0001"
    assert revision_of(path) == head
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT staff_no FROM officer").fetchall() == [("P1",)]
    finally:
        connection.close()
