"""Alembic environment: runs on the connection vicman hands it (see vicman.store.migrate)."""

from alembic import context

from vicman.store.tables import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
