"""`vicman config get KEY | set KEY [VALUE] | list [--json]`: the database settings.

The mail password (`smtp.password`) is never shown: "(set)" or "(not set)". Give it as '-' to read it
from standard input, or leave VALUE out to be asked at the terminal, so that it stays out of the shell
history and the process list. An empty VALUE unsets a key (its default applies again).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any, TextIO

from vicman.cli import identity
from vicman.cli.output import print_json, print_table
from vicman.services import settings
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput

KEYS_HELP = "settings: " + ", ".join([*settings.SPECS, settings.BUREAU_MAILBOX + "<division>"])


def register(commands: Any, db_option: argparse.ArgumentParser, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add this module's sub-commands to `commands` (argparse sub-parsers)."""
    group = commands.add_parser(
        "config", parents=[db_option], help="read or change the settings (mail server, reminders, bureau mailboxes)",
        description=KEYS_HELP,
    )
    actions = group.add_subparsers(dest="config_action", metavar="ACTION", required=True, parser_class=parser_class)
    get = actions.add_parser("get", parents=[db_option], help="show one setting", description=KEYS_HELP)
    get.add_argument("key", metavar="KEY")
    get.add_argument("--json", action="store_true")
    put = actions.add_parser(
        "set", parents=[db_option], help="change one setting (an empty VALUE unsets it)", description=KEYS_HELP
    )
    put.add_argument("key", metavar="KEY")
    put.add_argument(
        "value", metavar="VALUE", nargs="?",
        help="the new value; for smtp.password give '-' to read it from standard input, or leave it out to be asked",
    )
    listing = actions.add_parser("list", parents=[db_option], help="show every setting")
    listing.add_argument("--json", action="store_true")


def _config(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    return ACTIONS[args.config_action](ctx, args, out)


def _get(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    setting = settings.get_setting(ctx, args.key)
    if args.json:
        print_json(_as_json(setting), out)
    else:
        out.write(f"{setting.shown}\n")
    return 0


def _set(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    spec = settings.spec_for(args.key)
    value = args.value
    if spec.secret:
        value = _secret(spec.key, value)
    elif value is None:
        raise InvalidInput(f"give a value for {spec.key} (or '' to unset it)", field=spec.key)
    setting = settings.set_setting(ctx, args.key, value)
    if setting.secret:
        where = {"keyring": "in the keyring", "environment": f"in ${settings.PASSWORD_ENV}"}.get(setting.stored_in, "")
        out.write(f"{setting.key} is {'set' if value else 'cleared'}" + (f" ({where})" if where and value else "") +
                  ".\n")
    else:
        out.write(f"{setting.key} = {setting.shown}\n")
    return 0


def _secret(key: str, value: str | None) -> str:
    if value == "-":
        return sys.stdin.readline().rstrip("\r\n")
    if value is not None:
        return value
    if not identity.interactive():
        raise InvalidInput("give the password as '-' and on standard input, or run vicman in a terminal to be asked",
                           field=key)
    first = getpass.getpass(f"{key}: ", stream=sys.stderr)
    again = getpass.getpass("The same again: ", stream=sys.stderr)
    if first != again:
        raise InvalidInput("the two passwords differ; nothing was changed", field=key)
    return first


def _list(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    found = settings.list_settings(ctx)
    if args.json:
        print_json([_as_json(s) for s in found], out)
        return 0
    print_table(("Key", "Value", "What it is"), [(s.key, s.shown, s.label) for s in found], out)
    return 0


def _as_json(setting: settings.Setting) -> dict[str, Any]:
    return {
        "key": setting.key,
        "value": setting.shown if setting.secret else setting.value,
        "default": setting.default,
        "effective": setting.shown if setting.secret else setting.effective,
        "is_set": setting.is_set,
        "secret": setting.secret,
        "stored_in": setting.stored_in or None,
        "label": setting.label,
        "doc": setting.doc,
    }


ACTIONS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {
    "get": _get,
    "set": _set,
    "list": _list,
}

COMMANDS: dict[str, Callable[[ServiceContext, argparse.Namespace, TextIO], int]] = {"config": _config}
