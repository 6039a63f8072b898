"""Who the command line acts as: a signed-in user, or the built-in local administrator of a database
that has no users yet (so that scripts on a fresh database keep working; audited like anyone).

Each command signs in afresh (and so counts as freshly authenticated for sensitive operations). A
failed sign-in is audited by `auth.sign_in` and ends the command with one line and exit status 2.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TextIO

from vicman.services import auth
from vicman.services.context import Actor, ServiceContext

USER_ENV = "VICMAN_USER"
PASSWORD_ENV = "VICMAN_PASSWORD"


def acting_user(ctx: ServiceContext, username: str | None, err: TextIO) -> Actor:
    """The actor for this command: `--user`, else $VICMAN_USER, signed in with $VICMAN_PASSWORD or a prompt."""
    if not auth.users_exist(ctx):
        return ctx.actor if ctx.actor.unrestricted else Actor.local_administrator()
    username = username or os.environ.get(USER_ENV) or ""
    if not username:
        raise auth.SignInFailed(f"this database has users: say who you are with --user or ${USER_ENV}")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = ask_password(f"Password for {username}: ", PASSWORD_ENV, err)
    return auth.sign_in(ctx, username, password).actor


def ask_password(prompt: str, variable: str, err: TextIO) -> str:
    """A password typed at the terminal (not echoed); refused rather than waiting when there is no terminal."""
    if not interactive():
        raise auth.SignInFailed(f"no password: set ${variable}, or run vicman in a terminal to be asked")
    return getpass.getpass(prompt, stream=err)


def interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False
