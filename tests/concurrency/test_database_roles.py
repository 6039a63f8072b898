"""PostgreSQL enforces the boundaries itself: as the application's role, UPDATE, DELETE and TRUNCATE on the
audit trail and the contact entries are refused by permission (not only by trigger), INSERT works, and the
whole app works end to end; the reporting role only reads. The grants come from `vicman db grant`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql

from tests.conftest import FIXED_NOW, crime_row, open_test_context, write_csv
from vicman.services import audit_verify, entries, importing, records
from vicman.store.roles import append_only_tables, editable_tables, grant_statements
from vicman.store.tables import APPEND_ONLY_TABLES, Base

pytestmark = pytest.mark.postgresql_only(reason="database roles and grants exist only on PostgreSQL")


@dataclass
class Roles:
    owner: str
    app: str
    reports: str
    database: Any

    def url(self, role: str, driver: str = "postgresql+psycopg") -> str:
        server_url = self.database.server.url
        return server_url.set(drivername=driver, username=role, database=self.database.database).render_as_string(
            hide_password=False
        )

    def connect(self, role: str) -> psycopg.Connection:
        return psycopg.connect(self.url(role, driver="postgresql"), autocommit=True)


@pytest.fixture
def roles(backend, tmp_path, cli) -> Iterator[Roles]:
    """A database owned by its own owner role, migrated and granted by it, and an app and a reporting role."""
    server = backend.server
    suffix = f"h2_{os.getpid()}"
    made = Roles(f"vicman_owner_{suffix}", f"vicman_app_{suffix}", f"vicman_reports_{suffix}", None)
    for role in (made.owner, made.app, made.reports):
        server.admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        server.admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT").format(sql.Identifier(role)))
    made.database = backend.new_database(tmp_path / "roles.sqlite3")
    name = sql.Identifier(made.database.database)
    try:
        server.admin.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(name, sql.Identifier(made.owner)))
        with psycopg.connect(made.database.conninfo, autocommit=True) as connection:
            connection.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(made.owner)))
        done = cli("--db", made.url(made.owner), "db", "grant", "--app-role", made.app,
                   "--readonly-role", made.reports)  # opens (so migrates) as the owner, then grants
        assert done.status == 0, done.err
        assert f"Granted {made.app} and {made.reports} (read only)" in done.out
        yield made
    finally:
        server.drop(made.database.database)
        for role in (made.app, made.reports, made.owner):
            server.admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_every_table_is_either_append_only_or_editable_and_the_lists_follow_the_schema() -> None:
    assert set(append_only_tables()) == set(APPEND_ONLY_TABLES)
    assert set(append_only_tables()) | set(editable_tables()) == set(Base.metadata.tables)
    statements = grant_statements("vicman", "vicman_app")
    granted_update = next(s for s in statements if s.startswith("GRANT SELECT, INSERT, UPDATE, DELETE ON "))
    assert not any(f" {t}," in granted_update or f" {t} TO" in granted_update for t in APPEND_ONLY_TABLES)


def test_the_app_role_cannot_change_or_remove_audit_records_or_contact_entries(roles: Roles) -> None:
    ctx = open_test_context(roles.url(roles.app))
    try:
        importing.import_crimes(ctx, write_csv(roles.database.hint.parent / "crimes.csv", [crime_row()]))
        entries.record_contact(ctx, "CR-1001", "V-1", FIXED_NOW - timedelta(hours=1), "phone", "informed")
    finally:
        ctx.close()
    with roles.connect(roles.app) as connection:
        for statement in (
            "UPDATE audit SET actor = 'someone else'",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "UPDATE contact_entry SET note = 'rewritten'",
            "DELETE FROM contact_entry",
            "TRUNCATE contact_entry",
            "TRUNCATE person",
        ):
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
                connection.execute(statement)
        assert connection.execute("SELECT count(*) FROM contact_entry").fetchone() == (1,)
        connection.execute("UPDATE person SET language = 'Welsh' WHERE ref = 'V-1'")  # editable: allowed


def test_the_app_works_end_to_end_as_its_role(roles: Roles) -> None:
    ctx = open_test_context(roles.url(roles.app))
    try:
        importing.import_crimes(ctx, write_csv(roles.database.hint.parent / "crimes.csv", [crime_row()]))
        entries.record_contact(ctx, "CR-1001", "V-1", FIXED_NOW - timedelta(hours=1), "visit", "informed", note="ok")
        record = records.open_victim_record(ctx, "V-1")
        assert [e.summary for e in record.timeline if e.kind == "contact"]
        report = audit_verify.verify(ctx)
        assert report.ok, report
    finally:
        ctx.close()


def test_the_reporting_role_reads_everything_and_writes_nothing(roles: Roles) -> None:
    open_test_context(roles.url(roles.app)).close()
    with roles.connect(roles.reports) as connection:
        assert connection.execute("SELECT count(*) FROM audit").fetchone() is not None
        for statement in (
            "INSERT INTO setting (key, value) VALUES ('smtp.host', 'x')",
            "UPDATE person SET name = 'x'",
            "DELETE FROM obligation",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute(statement)


def test_grant_run_by_a_role_that_does_not_own_the_tables_is_refused(roles: Roles, cli) -> None:
    done = cli("--db", roles.url(roles.app), "db", "grant", "--app-role", roles.app)
    assert done.status != 0
    assert "the grants were not applied (run this as the owner role of" in done.err
