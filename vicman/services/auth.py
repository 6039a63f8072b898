"""Signing in: passwords checked against Argon2id hashes, failed attempts throttled, every attempt audited.

- One message for every failure - an unknown username, a wrong password, a disabled or locked
  account - and the same work behind it: a username that does not exist is still put through an
  Argon2 verification (against a dummy hash), so neither the words nor the time tell whether an
  account exists.
- Throttling is a refusal window, not a sleep: after `LOCKOUT_AFTER` failures in a row the account is
  locked for `LOCKOUT_PERIOD`, and while it is locked a password is refused without being looked at.
  The count goes on after the lock ends (each further failure locks it again) until a success resets
  it, so an account sees at most 5 + 4 evaluated failures an hour; and `MAX_FAILURES_PER_HOUR` (ASVS
  4.0.3 2.2.1) is enforced as well, from the audit trail, should the figures above ever change.
- Every attempt is audited: `login` or `login-failed` (object type `user`, object id the typed
  username; the detail says why it failed, never the password).
- A successful sign-in sets `ctx.actor` and `ctx.authenticated_at`. Sensitive operations call
  `require_fresh_authentication` (5 minutes); the app asks for the password again with
  `reauthenticate`. The command line signs in for every command, so it is always fresh. A signed-in
  session lasts at most `SESSION_LIFETIME` (12 hours, about a shift; see `session_expired`). `sign_out`
  leaves the context acting for no one (no roles) until the next sign-in.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NoReturn

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.rules.localtime import LONDON
from vicman.services import audit, users
from vicman.services.context import Actor, ServiceContext
from vicman.services.errors import ServiceError
from vicman.store.tables import AuditRow, OfficerRow, UserRow

LOCKOUT_AFTER = 5
LOCKOUT_PERIOD = timedelta(minutes=15)
MAX_FAILURES_PER_HOUR = 100
FRESH_WINDOW = timedelta(minutes=5)
SESSION_LIFETIME = timedelta(hours=12)

WRONG = "Wrong username or password."
LOCKOUT_HINT = "After 5 failed attempts an account is locked for 15 minutes."
ANONYMOUS = "anonymous"
"""The audit trail's actor for a failed sign-in: no one has proved who they are."""


class SignInFailed(ServiceError):
    """The message is one line (the command line prints it as is); `hint` is an extra line for a screen."""

    def __init__(self, message: str = WRONG, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class ReauthenticationRequired(ServiceError):
    """A sensitive operation, and the user last gave their password too long ago: ask for it again."""


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    user: users.UserView
    signed_in_at: datetime
    must_change_password: bool
    """The password was set by an administrator (a new account, a reset): ask the user to choose their own."""


def users_exist(ctx: ServiceContext) -> bool:
    with ctx.db.read() as session:
        return session.scalar(select(UserRow.id).limit(1)) is not None


def sign_in(ctx: ServiceContext, username: str, password: str) -> SignedIn:
    """Check the password and make this user the context's actor; SignInFailed (audited) otherwise."""
    return _attempt(ctx, username, password, reauthentication=False)


def reauthenticate(ctx: ServiceContext, password: str) -> None:
    """The signed-in user gives their password again (before a sensitive operation); failures count
    towards the lockout like failed sign-ins."""
    if ctx.actor.user_id is None:
        raise ServiceError("Nobody is signed in.")
    _attempt(ctx, ctx.actor.user, password, reauthentication=True)


def sign_out(ctx: ServiceContext) -> None:
    """End the signed-in user's session (audited `logout`): the context acts for no one until the next sign-in."""
    actor = ctx.actor
    if actor.user_id is not None:
        audit.log_alone(ctx, audit.LOGOUT, users.USER, actor.user)
    ctx.actor = Actor(ANONYMOUS, actor.workstation)
    ctx.authenticated_at = None


def require_fresh_authentication(ctx: ServiceContext, within: timedelta = FRESH_WINDOW) -> None:
    """ReauthenticationRequired unless the actor gave their password within `within` (or is unrestricted)."""
    if ctx.actor.unrestricted:
        return
    at = ctx.authenticated_at
    if at is not None and timedelta(0) <= ctx.now() - at <= within:
        return
    minutes = int(within.total_seconds() // 60)
    raise ReauthenticationRequired(
        f"Enter your password again to do this (it is asked for when it is more than {minutes} minutes old)."
    )


def session_expired(ctx: ServiceContext, signed_in_at: datetime) -> bool:
    """Whether a session that began at `signed_in_at` has reached its absolute lifetime (12 hours)."""
    return ctx.now() - signed_in_at >= SESSION_LIFETIME


def create_first_administrator(
    ctx: ServiceContext,
    username: str,
    display_name: str,
    password: str,
    staff_no: str | None = None,
    extra_roles: Iterable[str] = (),
) -> SignedIn:
    """The first-run screen: make the database's first user, an administrator, and sign them in.

    Only while the database has no users (whoever has a fresh database is its local administrator).
    """
    name = users.normalise_username(username)
    users.check_password(password, name)
    with ctx.db.transaction() as session:
        if session.scalar(select(UserRow.id).limit(1)) is not None:
            raise ServiceError("This database already has users: sign in, or ask an administrator for an account.")
        account = users.check_account(
            session, name, display_name, [users.ADMINISTRATOR, *extra_roles], staff_no=staff_no
        )
        users.insert_accounts(ctx, session, [account], [users.hash_password(password)], own_password=True)
    return sign_in(ctx, name, password)


# --- one attempt ----------------------------------------------------------------------------------

_dummy_hash: str | None = None


def _dummy_verify(password: str) -> None:
    """The work of checking a password, for attempts that are refused without checking it."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = users.hash_password(secrets.token_urlsafe(24))
    _verify(_dummy_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return users.PASSWORD_HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class _Account:
    id: int
    password_hash: str
    active: bool
    locked_until: datetime | None


def _attempt(ctx: ServiceContext, typed: str, password: str, *, reauthentication: bool) -> SignedIn:
    now = ctx.now()
    key = (typed or "").strip().lower()[:128]
    with ctx.db.read() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == key)) if key else None
        account = _Account(row.id, row.password_hash, row.active, row.locked_until) if row else None
        evaluated = _evaluated_failures(session, key, now) if account else 0
    if reauthentication and (account is None or account.id != ctx.actor.user_id):
        raise ServiceError("Nobody is signed in.")

    refusal = None
    if account is None:
        refusal = "unknown user"
    elif not account.active:
        refusal = "disabled"
    elif account.locked_until is not None and account.locked_until > now:
        refusal = "locked"
    elif evaluated >= MAX_FAILURES_PER_HOUR:
        refusal = "hourly limit"
    if refusal is not None or account is None:
        _dummy_verify(password)
        _refuse(ctx, key, refusal or "unknown user", account, reauthentication)
    if not _verify(account.password_hash, password):
        _refuse(ctx, key, "wrong password", account, reauthentication)
    signed_in = _succeed(ctx, account, password, now, reauthentication)
    if signed_in is None:  # disabled in the moment between reading and writing
        _refuse(ctx, key, "disabled", account, reauthentication)
    return signed_in


def _evaluated_failures(session: Session, key: str, now: datetime) -> int:
    """Failed attempts on this account in the last hour whose password was checked (from the audit trail)."""
    details = session.scalars(
        select(AuditRow.detail).where(
            AuditRow.object_type == users.USER,
            AuditRow.object_id == key,
            AuditRow.action == audit.LOGIN_FAILED,
            AuditRow.ts > now - timedelta(hours=1),
        )
    )
    return sum(1 for detail in details if detail and json.loads(detail).get("evaluated"))


def _refuse(
    ctx: ServiceContext, key: str, why: str, account: _Account | None, reauthentication: bool
) -> NoReturn:
    """Count the failure (if the password was checked), audit it, and raise SignInFailed."""
    now = ctx.now()
    evaluated = why == "wrong password"
    detail: dict[str, object] = {"why": why, "evaluated": evaluated}
    if reauthentication:
        detail["reauthentication"] = True
    locked_until = account.locked_until if account else None
    previous = ctx.actor
    if not reauthentication:
        ctx.actor = Actor(ANONYMOUS, previous.workstation)
    try:
        with ctx.db.transaction() as session:
            row = session.get(UserRow, account.id) if account is not None and evaluated else None
            if row is not None:
                row.failed_count += 1
                row.last_failed_at = now
                detail["failures"] = row.failed_count
                if row.failed_count >= LOCKOUT_AFTER:
                    row.locked_until = locked_until = now + LOCKOUT_PERIOD
                    detail["locked_until"] = locked_until.isoformat()
            audit.record(ctx, session, audit.LOGIN_FAILED, users.USER, key, detail)
    finally:
        ctx.actor = previous
    if not reauthentication:
        raise SignInFailed(WRONG, hint=LOCKOUT_HINT)
    if why == "disabled":
        raise SignInFailed("This account is disabled. Ask an administrator.")
    if locked_until is not None and locked_until > now:
        until = locked_until.astimezone(LONDON).strftime("%H:%M")
        raise SignInFailed(f"Too many failed attempts: try again after {until}.", hint=LOCKOUT_HINT)
    raise SignInFailed("Wrong password.", hint=LOCKOUT_HINT)


def _succeed(
    ctx: ServiceContext, account: _Account, password: str, now: datetime, reauthentication: bool
) -> SignedIn | None:
    """Reset the failure count, rehash if the hasher's figures changed, audit, set the actor (None: disabled)."""
    previous = ctx.actor
    try:
        with ctx.db.transaction() as session:
            row = session.get(UserRow, account.id)
            if row is None or not row.active:
                return None
            row.failed_count = 0
            row.locked_until = None
            detail: dict[str, object] = {}
            if reauthentication:
                detail["reauthentication"] = True
            if users.PASSWORD_HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = users.hash_password(password)
                detail["rehashed"] = True
            officer = session.get(OfficerRow, row.officer_id) if row.officer_id is not None else None
            staff_no = officer.staff_no if officer else None
            actor = Actor(
                user=row.username,
                workstation=previous.workstation,
                roles=frozenset(users.roles_of(row)),
                user_id=row.id,
                officer_id=row.officer_id,
                staff_no=staff_no,
                division=row.division,
                team=row.team,
            )
            ctx.actor = actor if not reauthentication else replace(previous, roles=actor.roles,
                                                                   division=actor.division, team=actor.team)
            audit.record(ctx, session, audit.LOGIN, users.USER, row.username, detail or None)
            view = users.view_of(row, staff_no, now)
            must_change = row.password_changed_at is None
    except BaseException:
        ctx.actor = previous
        raise
    ctx.authenticated_at = now
    return SignedIn(ctx.actor, view, now, must_change)
