"""Users: who may sign in, with which roles, linked to which officer; their passwords.

Passwords are stored as Argon2id hashes with at least OWASP's minimum cost (19 MiB, two passes, one
lane), and the policy is ASVS's: at least 12 characters, at most 128, any characters, not the
username; no composition rules. Every change is audited (`admin` on object type `user`), never
with the password in it.

Only administrators manage users (the built-in local administrator of a database with no users
too, so `vicman user add` works on a fresh database), and the first user of a database must be an
administrator, or no one could manage users afterwards. Changing roles, disabling an account or
resetting a password also needs fresh authentication (`auth.require_fresh_authentication`); an
administrator cannot disable themselves, and the last active administrator cannot be disabled or
lose the role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.services import audit, auth, concurrency, permissions
from vicman.services.context import ROLES, ServiceContext
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.store.tables import OfficerRow, UserRow

USER = "user"
"""The audit object type of a user account."""
ADMINISTRATOR = "administrator"
OFFICER = "officer"

PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
"""Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1); hashes made with other figures are redone at sign-in."""

MIN_PASSWORD = 12
MAX_PASSWORD = 128
USERNAME = re.compile(r"[a-z0-9._-]{3,64}")


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    roles: tuple[str, ...]
    division: str | None
    team: str | None
    staff_no: str | None
    active: bool
    locked: bool
    created_at: datetime
    created_by: str
    locked_until: datetime | None = None
    """While `locked`: when the lockout after failed sign-ins ends."""
    version: int = 0
    """The account's version when read: `set_roles(..., expected_version=)` refuses if it has moved on."""


@dataclass(frozen=True)
class NewAccount:
    """A user about to be added, already checked (see `check_account`)."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    division: str | None
    team: str | None
    officer_id: int | None
    staff_no: str | None

    def audit_detail(self) -> dict[str, Any]:
        return {
            "change": "add",
            "display_name": self.display_name,
            "roles": list(self.roles),
            "division": self.division,
            "team": self.team,
            "staff_no": self.staff_no,
        }


# --- checks -------------------------------------------------------------------------------------


def normalise_username(username: str) -> str:
    """The stored form of a username (lower case); InvalidInput unless 3-64 of a-z, 0-9, '.', '_', '-'."""
    name = (username or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise InvalidInput(
            "a username is 3 to 64 characters: letters, digits, '.', '_' or '-'", field="username"
        )
    return name


def normalise_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """The roles in the order of ROLES, without repeats; InvalidInput for an unknown role or none at all."""
    wanted = {r.strip().lower() for r in roles if r and r.strip()}
    unknown = sorted(wanted - set(ROLES))
    if unknown:
        raise InvalidInput(f"unknown role {unknown[0]!r}: choose from {', '.join(ROLES)}", field="role")
    if not wanted:
        raise InvalidInput("give the user at least one role", field="role")
    return tuple(r for r in ROLES if r in wanted)


def check_password(password: str, username: str) -> None:
    """ASVS's password rules: 12 to 128 characters of anything, and not the username."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"a password has at most {MAX_PASSWORD} characters", field="password")
    if password.strip().lower() == username.strip().lower():
        raise InvalidInput("a password must not be the username", field="password")


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def check_account(
    session: Session,
    username: str,
    display_name: str,
    roles: Iterable[str],
    *,
    division: str | None = None,
    team: str | None = None,
    staff_no: str | None = None,
) -> NewAccount:
    """Everything about a new user except the password, against the database as it is now."""
    name = normalise_username(username)
    label = " ".join((display_name or "").split())
    if not label:
        raise InvalidInput("give the user's name", field="name")
    if len(label) > 200:
        raise InvalidInput("a name has at most 200 characters", field="name")
    wanted = normalise_roles(roles)
    if session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
        raise InvalidInput(f"there is already a user {name}", field="username")
    if session.scalar(select(UserRow.id).limit(1)) is None and ADMINISTRATOR not in wanted:
        raise InvalidInput(
            "the first user of a database must have the administrator role, or no one could manage users",
            field="role",
        )
    officer_id = None
    staff = (staff_no or "").strip() or None
    division = (division or "").strip() or None
    team = (team or "").strip() or None
    if staff is not None:
        officer = session.scalar(select(OfficerRow).where(OfficerRow.staff_no == staff))
        if officer is None:
            raise InvalidInput(f"there is no officer with staff number {staff}", field="officer")
        holder = session.scalar(select(UserRow.username).where(UserRow.officer_id == officer.id))
        if holder is not None:
            raise InvalidInput(f"officer {staff} already has an account ({holder})", field="officer")
        officer_id = officer.id
        division = division or officer.division
        team = team or officer.team
    elif OFFICER in wanted:
        raise InvalidInput("a user with the officer role must be linked to an officer (give a staff number)",
                           field="officer")
    return NewAccount(name, label, wanted, division, team, officer_id, staff)


def insert_accounts(
    ctx: ServiceContext,
    session: Session,
    accounts: Sequence[NewAccount],
    password_hashes: Sequence[str],
    *,
    own_password: bool,
) -> list[UserRow]:
    """Add checked accounts in the caller's transaction, each audited (`admin`, object type `user`).

    `own_password`: the users chose their passwords themselves; otherwise (an administrator set it)
    they are asked to change it when they next sign in.
    """
    now = ctx.now()
    rows = [
        UserRow(
            username=account.username,
            display_name=account.display_name,
            password_hash=password_hash,
            roles=";".join(account.roles),
            division=account.division,
            team=account.team,
            officer_id=account.officer_id,
            active=True,
            failed_count=0,
            password_changed_at=now if own_password else None,
            version=1,
            created_at=now,
            created_by=ctx.actor.user,
        )
        for account, password_hash in zip(accounts, password_hashes, strict=True)
    ]
    session.add_all(rows)
    session.flush()
    audit.record_many(ctx, session, audit.ADMIN, USER, [(a.username, a.audit_detail()) for a in accounts])
    return rows


def view_of(row: UserRow, staff_no: str | None, now: datetime) -> UserView:
    return UserView(
        username=row.username,
        display_name=row.display_name,
        roles=roles_of(row),
        division=row.division,
        team=row.team,
        staff_no=staff_no,
        active=row.active,
        locked=row.locked_until is not None and row.locked_until > now,
        created_at=row.created_at,
        created_by=row.created_by,
        locked_until=row.locked_until if row.locked_until is not None and row.locked_until > now else None,
        version=row.version,
    )


def roles_of(row: UserRow) -> tuple[str, ...]:
    return tuple(r for r in ROLES if r in row.roles.split(";"))


def staff_no_of(session: Session, row: UserRow) -> str | None:
    if row.officer_id is None:
        return None
    return session.scalar(select(OfficerRow.staff_no).where(OfficerRow.id == row.officer_id))


# --- the service calls --------------------------------------------------------------------------


def add_user(
    ctx: ServiceContext,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[str],
    *,
    division: str | None = None,
    team: str | None = None,
    staff_no: str | None = None,
) -> UserView:
    """Add a user who may sign in with `password` (they are asked to change it at their first sign-in)."""
    name = normalise_username(username)
    roles = list(roles)
    permissions.require(ctx, permissions.MANAGE_USERS, object_type=USER, object_id=name)
    check_password(password, name)
    with ctx.db.transaction() as session:
        account = check_account(
            session, name, display_name, roles, division=division, team=team, staff_no=staff_no
        )
        (row,) = insert_accounts(ctx, session, [account], [hash_password(password)], own_password=False)
        return view_of(row, account.staff_no, ctx.now())


def list_users(ctx: ServiceContext) -> list[UserView]:
    permissions.require(ctx, permissions.LIST_USERS, object_type=USER)
    now = ctx.now()
    with ctx.db.read() as session:
        rows = session.execute(
            select(UserRow, OfficerRow.staff_no)
            .outerjoin(OfficerRow, OfficerRow.id == UserRow.officer_id)
            .order_by(UserRow.username)
        ).all()
        return [view_of(row, staff_no, now) for row, staff_no in rows]


def get_user(ctx: ServiceContext, username: str) -> UserView:
    permissions.require(ctx, permissions.LIST_USERS, object_type=USER, object_id=username)
    with ctx.db.read() as session:
        row = _load(session, username)
        return view_of(row, staff_no_of(session, row), ctx.now())


def disable_user(ctx: ServiceContext, username: str) -> UserView:
    """Stop a user signing in; it takes effect at their next service call, wherever they are signed in."""
    name = _sensitive_change(ctx, username)
    with ctx.db.transaction() as session:
        row = _load(session, name)
        if row.active:
            if ctx.actor.user_id == row.id:
                raise InvalidInput("you cannot disable your own account", field="username")
            if ADMINISTRATOR in roles_of(row) and _active_administrators(session) == [row.id]:
                raise InvalidInput(
                    f"{name} is the last active administrator: make someone else an administrator first",
                    field="username",
                )
            row.active = False
            row.version += 1
            audit.record(ctx, session, audit.ADMIN, USER, name, {"change": "disable"})
        return view_of(row, staff_no_of(session, row), ctx.now())


def enable_user(ctx: ServiceContext, username: str) -> UserView:
    """Let a disabled user sign in again; this also lifts a lockout after failed sign-ins."""
    name = _sensitive_change(ctx, username)
    with ctx.db.transaction() as session:
        row = _load(session, name)
        locked = row.locked_until is not None and row.locked_until > ctx.now()
        if not row.active or locked or row.failed_count:
            row.active = True
            row.failed_count = 0
            row.locked_until = None
            row.version += 1
            audit.record(ctx, session, audit.ADMIN, USER, name, {"change": "enable", "was_locked": locked})
        return view_of(row, staff_no_of(session, row), ctx.now())


def set_roles(
    ctx: ServiceContext, username: str, roles: Iterable[str], *, expected_version: int | None = None
) -> UserView:
    """Give a user exactly `roles`. `expected_version`: the account's version as the administrator saw it;
    if someone has changed the account since, `EditConflict` and nothing is saved."""
    name = _sensitive_change(ctx, username)
    wanted = normalise_roles(roles)
    with ctx.db.transaction() as session:
        row = _load(session, name)
        if expected_version is not None and row.version != expected_version:
            raise concurrency.EditConflict(
                f"The account of {name}",
                _account_changes(session, name, row.version - expected_version),
                "Check their change, then save again if yours is still needed.",
            )
        before = roles_of(row)
        if wanted == before:
            return view_of(row, staff_no_of(session, row), ctx.now())
        if OFFICER in wanted and row.officer_id is None:
            raise InvalidInput(f"{name} is not linked to an officer, so cannot have the officer role", field="role")
        if (
            ADMINISTRATOR in before
            and ADMINISTRATOR not in wanted
            and row.active
            and _active_administrators(session) == [row.id]
        ):
            raise InvalidInput(
                f"{name} is the last active administrator: make someone else an administrator first", field="role"
            )
        row.roles = ";".join(wanted)
        row.version += 1
        detail = {"change": "roles", "from": list(before), "to": list(wanted)}
        audit.record(ctx, session, audit.ADMIN, USER, name, detail)
        return view_of(row, staff_no_of(session, row), ctx.now())


def reset_password(ctx: ServiceContext, username: str, new_password: str) -> UserView:
    """Set someone's password (they are asked to change it at their next sign-in); lifts any lockout."""
    name = _sensitive_change(ctx, username)
    check_password(new_password, name)
    with ctx.db.transaction() as session:
        row = _load(session, name)
        row.password_hash = hash_password(new_password)
        row.password_changed_at = None
        row.failed_count = 0
        row.locked_until = None
        row.version += 1
        audit.record(ctx, session, audit.ADMIN, USER, name, {"change": "password reset"})
        return view_of(row, staff_no_of(session, row), ctx.now())


def change_own_password(ctx: ServiceContext, old: str, new: str) -> None:
    """The signed-in user changes their password, giving the current one (a wrong one counts as a failed sign-in)."""
    actor = ctx.actor
    if actor.user_id is None:
        raise ServiceError("Sign in as a user to change your password.")
    check_password(new, actor.user)
    if new == old:
        raise InvalidInput("the new password must differ from the current one", field="password")
    auth.reauthenticate(ctx, old)
    with ctx.db.transaction() as session:
        row = session.get(UserRow, actor.user_id)
        if row is None:
            raise NotFound(f"no user {actor.user}")
        row.password_hash = hash_password(new)
        row.password_changed_at = ctx.now()
        row.version += 1
        audit.record(ctx, session, audit.ADMIN, USER, row.username, {"change": "own password"})


# --- helpers ------------------------------------------------------------------------------------


def _sensitive_change(ctx: ServiceContext, username: str) -> str:
    """Permission and fresh authentication for changing someone's account; the stored username."""
    name = (username or "").strip().lower()
    permissions.require(ctx, permissions.MANAGE_USERS, object_type=USER, object_id=name)
    auth.require_fresh_authentication(ctx)
    return name


def _load(session: Session, username: str) -> UserRow:
    name = (username or "").strip().lower()
    row = session.scalar(select(UserRow).where(UserRow.username == name))
    if row is None:
        raise NotFound(f"there is no user {name}")
    return row


def _account_changes(session: Session, username: str, saves: int) -> list[concurrency.Change]:
    """What the last `saves` administrative changes of an account were, from the audit trail."""
    found = []
    for record, detail in concurrency.audited_details(session, USER, username, [audit.ADMIN], saves):
        change = str(detail.get("change", "account"))
        before, after = detail.get("from"), detail.get("to")
        found.append(
            concurrency.Change(
                change,
                ", ".join(before) if isinstance(before, list) else None,
                ", ".join(after) if isinstance(after, list) else ("done" if after is None else str(after)),
                record.actor,
                record.ts,
            )
        )
    return found


def _active_administrators(session: Session) -> list[int]:
    rows = session.execute(select(UserRow.id, UserRow.roles).where(UserRow.active.is_(True))).all()
    return sorted(user_id for user_id, roles in rows if ADMINISTRATOR in roles.split(";"))
