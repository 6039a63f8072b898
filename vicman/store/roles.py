"""The PostgreSQL grants of the application's login role and the read-only reporting role.

Generated from the schema, so they cannot drift from it: every table of `Base.metadata` is either
append-only (`APPEND_ONLY_TABLES`: SELECT and INSERT only; never UPDATE, DELETE or TRUNCATE) or editable
(SELECT, INSERT, UPDATE, DELETE). The owner role (which owns the schema and runs the migrations) applies
them with `vicman db grant`; the triggers on the append-only tables stay as a second line, which also
stops the owner. See docs/postgresql.md.
"""

from __future__ import annotations

import re

from vicman.store.tables import APPEND_ONLY_TABLES, Base

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATIONS_TABLE = "alembic_version"


def check_role_name(name: str) -> str:
    """A role name safe to write into SQL unquoted: lower-case letters, digits and underscores."""
    if not ROLE_NAME.match(name or ""):
        raise ValueError(
            f"{name!r} is not a role name vicman uses: lower-case letters, digits and _, starting with a letter"
        )
    return name


def append_only_tables() -> list[str]:
    return sorted(t for t in Base.metadata.tables if t in APPEND_ONLY_TABLES)


def editable_tables() -> list[str]:
    return sorted(t for t in Base.metadata.tables if t not in APPEND_ONLY_TABLES)


def grant_statements(database: str, app_role: str, readonly_role: str | None = None) -> list[str]:
    """The statements, in order, that give `app_role` (and `readonly_role`) exactly what vicman needs.

    They start by revoking what the roles had, so running them again (after a migration added a table)
    leaves the same grants.
    """
    app = check_role_name(app_role)
    readers = [check_role_name(readonly_role)] if readonly_role else []
    db = _quoted(database)
    appended, editable = ", ".join(append_only_tables()), ", ".join(editable_tables())
    statements = [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {app}",  # TEMPORARY: an import stages its rows
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {app}",
        f"GRANT SELECT, INSERT ON {appended} TO {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {editable} TO {app}",
        f"GRANT SELECT ON {MIGRATIONS_TABLE} TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
    ]
    for reader in readers:
        statements += [
            f"GRANT CONNECT ON DATABASE {db} TO {reader}",
            f"GRANT USAGE ON SCHEMA public TO {reader}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {reader}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}",
        ]
    return statements


def grant_script(database: str, app_role: str, readonly_role: str | None = None) -> str:
    """`grant_statements` as an SQL script (what `vicman db grant --print` shows)."""
    header = [
        f"-- vicman grants for database {database}: run as the owner role (the one that ran the migrations).",
        f"-- Append-only (SELECT, INSERT): {', '.join(append_only_tables())}",
        f"-- Editable (SELECT, INSERT, UPDATE, DELETE): {', '.join(editable_tables())}",
        "BEGIN;",
    ]
    body = [f"{statement};" for statement in grant_statements(database, app_role, readonly_role)]
    return "\n".join([*header, *body, "COMMIT;", ""])


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
