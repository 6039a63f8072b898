"""PLACEHOLDER being replaced (issue 4): signing in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vicman.services.context import ServiceContext
from vicman.services.errors import ServiceError
from vicman.store.tables import UserRow


class SignInFailed(ServiceError):
    pass


def users_exist(ctx: ServiceContext) -> bool:
    with ctx.db.read() as session:
        return session.scalar(select(UserRow.id).limit(1)) is not None


def sign_in(ctx: ServiceContext, username: str, password: str) -> Any:
    raise SignInFailed("Wrong username or password.")
