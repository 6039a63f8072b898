"""Storage: SQLAlchemy mappings, engine set-up, migrations and the queries the services use."""

from vicman.store.engine import Database, describe_url, resolve_url
from vicman.store.errors import DatabaseTooNew, StoreError, StoreUnavailable
from vicman.store.migrate import migrate

__all__ = [
    "Database",
    "DatabaseTooNew",
    "StoreError",
    "StoreUnavailable",
    "describe_url",
    "migrate",
    "resolve_url",
]
