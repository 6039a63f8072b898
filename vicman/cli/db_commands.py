"""`vicman db grant`: give the application's login role (and a read-only reporting role) their PostgreSQL rights.

Run by the owner role, which owns the tables: PostgreSQL itself is the check (no one else can grant on
them). The statements come from `vicman.store.roles`, generated from the schema, so a table added by a
migration is covered by running the command again. See docs/postgresql.md.
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vicman.services.context import ServiceContext
from vicman.store import roles

GRANT_HELP = """\
Give APP (the role every desktop signs in to PostgreSQL with) SELECT and INSERT on every table, UPDATE and
DELETE only on the editable ones, and nothing more: no UPDATE, DELETE or TRUNCATE on the audit trail or any
other append-only table. With --readonly-role, that role may SELECT every table and nothing else. Run it as
the owner role (the one that ran the migrations), after creating the roles (resources/postgresql/roles.sql),
and again after every upgrade. --print shows the SQL instead of running it."""


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    db = commands.add_parser("db", help="PostgreSQL administration: the roles' grants")
    actions = db.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=parser_class)
    grant = actions.add_parser(
        "grant",
        parents=[db_option],
        help="give the app's role (and a reporting role) exactly the rights vicman needs",
        description=GRANT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grant.add_argument("--app-role", required=True, metavar="NAME", help="the application's login role")
    grant.add_argument("--readonly-role", metavar="NAME", help="a reporting role: SELECT on every table only")
    grant.add_argument("--print", action="store_true", help="print the SQL instead of running it")


def _db(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    from vicman.cli.main import CliError

    url = ctx.db.engine.url
    database = url.database or ""
    try:
        roles.check_role_name(args.app_role)
        if args.readonly_role:
            roles.check_role_name(args.readonly_role)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.print:
        shown = database if ctx.db.engine.dialect.name == "postgresql" else "DATABASE"
        out.write(roles.grant_script(shown, args.app_role, args.readonly_role))
        return 0
    if ctx.db.engine.dialect.name != "postgresql":
        raise CliError("grants are for a PostgreSQL database; an SQLite file is protected by its file permissions")
    statements = roles.grant_statements(database, args.app_role, args.readonly_role)
    try:
        with ctx.db.engine.begin() as connection:
            # PostgreSQL only warns when someone else grants on tables they do not own: refuse instead.
            owner, me, superuser = connection.execute(text(
                "SELECT pg_get_userbyid(c.relowner), current_user, r.rolsuper FROM pg_class c, pg_roles r "
                "WHERE c.oid = 'audit'::regclass AND r.rolname = current_user"
            )).one()
            if owner != me and not superuser:
                raise CliError(
                    f"the grants were not applied (run this as the owner role of {database}): "
                    f"the tables belong to {owner}, not to {me}"
                )
            for statement in statements:
                connection.execute(text(statement))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CliError(f"the grants were not applied (run this as the owner role of {database}): {reason}") from None
    readers = f" and {args.readonly_role} (read only)" if args.readonly_role else ""
    out.write(
        f"Granted {args.app_role}{readers} their rights on {database}: {len(roles.append_only_tables())} append-only "
        f"tables (SELECT, INSERT), {len(roles.editable_tables())} editable tables (SELECT, INSERT, UPDATE, DELETE).\n"
    )
    return 0


COMMANDS = {"db": _db}
