"""The migrations build exactly the schema the mappings describe, so neither drifts from the other."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vicman.store.engine import make_engine
from vicman.store.migrate import head_revision, migrate
from vicman.store.tables import APPEND_ONLY_TABLES, Base


def test_migrated_schema_equals_the_mappings(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        triggers = {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert {f"{t}_no_{verb}" for t in APPEND_ONLY_TABLES for verb in ("update", "delete")} <= triggers
    engine.dispose()
    assert head_revision() == "0008"


def test_the_quick_head_check_agrees_with_alembic() -> None:
    from vicman.store.migrate import _head_from_files

    assert _head_from_files() == head_revision()
