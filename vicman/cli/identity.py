"""Who the command line acts as: a signed-in user, or the built-in local administrator of a database
that has no users yet (so that scripts on a fresh database keep working; audited like anyone)."""

from __future__ import annotations

import getpass
import os
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
        password = getpass.getpass(f"Password for {username}: ", stream=err)
    return auth.sign_in(ctx, username, password).actor
