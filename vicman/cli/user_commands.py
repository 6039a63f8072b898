"""`vicman user ...`: add, list, disable and enable users, and change their roles or reset their passwords.

New passwords come from $VICMAN_NEW_PASSWORD, or are asked for twice at the terminal (never on the
command line, where other users of the computer could see them in the process list).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from vicman.cli import identity
from vicman.cli.output import print_json, print_table, uk_datetime
from vicman.services import users
from vicman.services.context import ROLES, ServiceContext
from vicman.services.errors import InvalidInput

NEW_PASSWORD_ENV = "VICMAN_NEW_PASSWORD"


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    user = commands.add_parser("user", parents=[db_option], help="users: add, list, disable, enable, roles, password")
    actions = user.add_subparsers(dest="user_action", metavar="ACTION", required=True, parser_class=parser_class)

    add = actions.add_parser(
        "add", parents=[db_option], help=f"add a user (password from ${NEW_PASSWORD_ENV} or asked twice)"
    )
    add.add_argument("username", help="3-64 characters: letters, digits, '.', '_' or '-' (stored in lower case)")
    add.add_argument("--name", required=True, help="the user's name as shown in the app")
    _role_option(add)
    add.add_argument("--division", help="default: the linked officer's division")
    add.add_argument("--team", help="default: the linked officer's team")
    add.add_argument("--officer", metavar="STAFF_NO", help="link the user to this officer (needed to be an officer)")

    listing = actions.add_parser("list", parents=[db_option], help="list users")
    listing.add_argument("--json", action="store_true")

    disable = actions.add_parser("disable", parents=[db_option], help="stop a user signing in (at once)")
    disable.add_argument("username")
    enable = actions.add_parser("enable", parents=[db_option], help="let a user sign in again (also lifts a lockout)")
    enable.add_argument("username")

    roles = actions.add_parser("roles", parents=[db_option], help="set a user's roles (replacing the old ones)")
    roles.add_argument("username")
    _role_option(roles)

    password = actions.add_parser(
        "password", parents=[db_option], help=f"reset a user's password (from ${NEW_PASSWORD_ENV} or asked twice)"
    )
    password.add_argument("username")


def _role_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=ROLES,
        metavar="ROLE",
        help="one of: " + ", ".join(ROLES) + " (repeat for several)",
    )


def _user(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    return ACTIONS[args.user_action](ctx, args, out)


def _add(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    username = users.normalise_username(args.username)
    password = _new_password(username)
    view = users.add_user(
        ctx,
        username,
        args.name,
        password,
        args.roles,
        division=args.division,
        team=args.team,
        staff_no=args.officer,
    )
    out.write(f"Added user {view.username} ({', '.join(view.roles)}).\n")
    return 0


def _list(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    views = users.list_users(ctx)
    if args.json:
        print_json(
            [
                {
                    "username": v.username,
                    "name": v.display_name,
                    "roles": list(v.roles),
                    "division": v.division,
                    "team": v.team,
                    "officer": v.staff_no,
                    "active": v.active,
                    "locked": v.locked,
                    "created_at": v.created_at.isoformat(),
                    "created_by": v.created_by,
                }
                for v in views
            ],
            out,
        )
        return 0
    print_table(
        ("Username", "Name", "Roles", "Division", "Team", "Officer", "Status", "Created"),
        [
            (
                v.username,
                v.display_name,
                ", ".join(v.roles),
                v.division or "",
                v.team or "",
                v.staff_no or "",
                _status(v),
                uk_datetime(v.created_at),
            )
            for v in views
        ],
        out,
        empty="No users: the database is run by its local administrator.",
    )
    return 0


def _status(view: users.UserView) -> str:
    if not view.active:
        return "disabled"
    return "locked" if view.locked else "active"


def _disable(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    view = users.disable_user(ctx, args.username)
    out.write(f"User {view.username} is disabled.\n")
    return 0


def _enable(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    view = users.enable_user(ctx, args.username)
    out.write(f"User {view.username} is enabled.\n")
    return 0


def _roles(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    view = users.set_roles(ctx, args.username, args.roles)
    out.write(f"User {view.username} has roles: {', '.join(view.roles)}.\n")
    return 0


def _password(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    username = (args.username or "").strip().lower()
    password = _new_password(username)
    view = users.reset_password(ctx, username, password)
    out.write(f"Password of {view.username} is reset; they will be asked to change it when they sign in.\n")
    return 0


def _new_password(username: str) -> str:
    """The new password from $VICMAN_NEW_PASSWORD, else typed twice at the terminal; checked against the policy."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None:
        if not identity.interactive():
            raise InvalidInput(f"no new password: set ${NEW_PASSWORD_ENV}, or run vicman in a terminal to be asked",
                               field="password")
        password = getpass.getpass(f"New password for {username}: ", stream=sys.stderr)
        again = getpass.getpass("The same password again: ", stream=sys.stderr)
        if again != password:
            raise InvalidInput("the two passwords differ", field="password")
    users.check_password(password, username)
    return password


ACTIONS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "add": _add,
    "list": _list,
    "disable": _disable,
    "enable": _enable,
    "roles": _roles,
    "password": _password,
}

COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"user": _user}
