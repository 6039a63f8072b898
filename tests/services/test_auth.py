"""Signing in (issue 4; RELIABILITY.md 3.3 and test A3): who the actor becomes; one message and the same
work for every failure; the lockout after 5 failures and its end 15 minutes later; no more than 100
evaluated failures an hour; every attempt audited; old hashes upgraded; re-authentication and its
5-minute window; the 12-hour session; the first administrator of a new database.

The database `auth_db` holds officer P100 (North, North Response) and users `admin` (administrator)
and `p100` (officer, linked to P100), made once for the module. The clock is a `Clock` the test moves.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from tests.conftest import FIXED_NOW, copy_database, crime_row, open_test_context, write_csv
from vicman.services import auth, importing, permissions, users
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, ServiceError
from vicman.store.tables import AuditRow, UserRow

ADMIN_PW = "admin-password-2026"
OFFICER_PW = "officer-password-2026"
WRONG_PW = "not-the-password"


class Clock:
    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def auth_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("auth")
    path = copy_database(template_db, folder / "auth.sqlite3")
    source = write_csv(folder / "crimes.csv", [crime_row(oic_team="North Response")])
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, source)
        users.add_user(ctx, "admin", "Alex Admin", ADMIN_PW, ["administrator"])
        users.add_user(ctx, "p100", "PC Jane Jones", OFFICER_PW, ["officer"], staff_no="P100")
    finally:
        ctx.close()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def actx(auth_template: Path, tmp_path: Path, clock: Clock) -> Iterator[ServiceContext]:
    context = open_test_context(copy_database(auth_template, tmp_path / "vicman.sqlite3"), clock=clock)
    try:
        yield context
    finally:
        context.close()


def user_row(ctx: ServiceContext, username: str) -> UserRow:
    with ctx.db.read() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        assert row is not None
        session.expunge(row)
        return row


def logins(ctx: ServiceContext) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(action, actor, object_id, detail) of every login and login-failed record, in order."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(AuditRow.action, AuditRow.actor, AuditRow.object_id, AuditRow.detail)
            .where(AuditRow.action.in_(("login", "login-failed")))
            .order_by(AuditRow.seq)
        ).all()
    return [(a, who, obj, json.loads(d) if d else {}) for a, who, obj, d in rows]


def refused(attempt: Callable[[], object]) -> auth.SignInFailed:
    with pytest.raises(auth.SignInFailed) as raised:
        attempt()
    return raised.value


# --- success --------------------------------------------------------------------------------------


def test_signing_in_makes_the_user_the_actor(actx: ServiceContext) -> None:
    workstation = actx.actor.workstation
    signed = auth.sign_in(actx, "  P100 ", OFFICER_PW)  # the username in any case, with stray spaces
    actor = signed.actor
    assert actx.actor == actor and actx.authenticated_at == FIXED_NOW == signed.signed_in_at
    assert (actor.user, actor.roles, actor.unrestricted) == ("p100", frozenset({"officer"}), False)
    assert (actor.staff_no, actor.division, actor.team, actor.workstation) == (
        "P100", "North", "North Response", workstation
    )
    assert actor.user_id == user_row(actx, "p100").id and actor.officer_id is not None
    assert signed.user.username == "p100" and signed.must_change_password  # an administrator set it
    assert logins(actx) == [("login", "p100", "p100", {})]
    # The role table now applies: an officer may list officers, not users.
    permissions.require(actx, permissions.LIST_OFFICERS)
    with pytest.raises(permissions.NotPermitted):
        permissions.require(actx, permissions.LIST_USERS)


# --- failures -------------------------------------------------------------------------------------


def test_every_failure_reads_the_same_and_is_audited(actx: ServiceContext) -> None:
    unknown = refused(lambda: auth.sign_in(actx, "nobody", OFFICER_PW))
    wrong = refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
    users.add_user(actx, "spare", "Sam Spare", "spare-password-1", ["bureau"])
    users.disable_user(actx, "spare")
    disabled = refused(lambda: auth.sign_in(actx, "spare", "spare-password-1"))
    empty = refused(lambda: auth.sign_in(actx, "", ""))

    messages = {(str(e), e.hint) for e in (unknown, wrong, disabled, empty)}
    assert messages == {("Wrong username or password.", "After 5 failed attempts an account is locked for 15 minutes.")}
    assert "\n" not in str(unknown)

    records = logins(actx)
    assert [(a, who, obj, d["why"]) for a, who, obj, d in records] == [
        ("login-failed", "anonymous", "nobody", "unknown user"),
        ("login-failed", "anonymous", "p100", "wrong password"),
        ("login-failed", "anonymous", "spare", "disabled"),
        ("login-failed", "anonymous", "", "unknown user"),
    ]
    with actx.db.read() as session:
        details = " ".join(d or "" for d in session.scalars(select(AuditRow.detail)))
    assert OFFICER_PW not in details and WRONG_PW not in details and "spare-password-1" not in details
    assert user_row(actx, "p100").failed_count == 1 and user_row(actx, "spare").failed_count == 0


def test_an_unknown_user_takes_as_long_as_a_wrong_password(actx: ServiceContext) -> None:
    """Without the dummy Argon2 verification an unknown user would be refused ~20 times faster."""

    def fastest(username: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            refused(lambda: auth.sign_in(actx, username, WRONG_PW))
            times.append(time.perf_counter() - started)
        return min(times)

    refused(lambda: auth.sign_in(actx, "warm-up", WRONG_PW))  # makes the dummy hash once
    unknown, wrong = fastest("nobody-at-all"), fastest("p100")
    assert 1 / 3 < unknown / wrong < 3, (unknown, wrong)


def test_five_failures_lock_the_account_for_fifteen_minutes(actx: ServiceContext, clock: Clock) -> None:
    for attempt in range(1, 6):
        refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
        assert user_row(actx, "p100").failed_count == attempt
        clock.advance(seconds=10)
    locked_until = user_row(actx, "p100").locked_until
    assert locked_until == FIXED_NOW + timedelta(seconds=40, minutes=15)

    # Locked: even the right password is refused, unread, with the same message.
    clock.advance(minutes=14)
    lock = refused(lambda: auth.sign_in(actx, "p100", OFFICER_PW))
    assert str(lock) == "Wrong username or password."
    assert logins(actx)[-1][3] == {"why": "locked", "evaluated": False}
    assert user_row(actx, "p100").failed_count == 5

    # After 15 minutes the count goes on: one more failure locks it again at once.
    clock.advance(minutes=2)
    refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
    assert user_row(actx, "p100").failed_count == 6
    refused(lambda: auth.sign_in(actx, "p100", OFFICER_PW))
    assert logins(actx)[-1][3]["why"] == "locked"

    clock.advance(minutes=15)
    assert auth.sign_in(actx, "p100", OFFICER_PW).actor.user == "p100"
    row = user_row(actx, "p100")
    assert (row.failed_count, row.locked_until) == (0, None)
    assert user_row(actx, "admin").failed_count == 0  # other accounts are untouched


def test_a_success_resets_the_count(actx: ServiceContext) -> None:
    for _ in range(4):
        refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
    auth.sign_in(actx, "p100", OFFICER_PW)
    for _ in range(4):
        refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
    assert user_row(actx, "p100").locked_until is None
    auth.sign_in(actx, "p100", OFFICER_PW)


@pytest.mark.slow
def test_no_more_than_100_failures_an_hour_are_evaluated(actx: ServiceContext, clock: Clock) -> None:
    """101 attempts in an hour (RELIABILITY A3): the lockout lets 5, then one each 15 minutes, be checked."""
    for _ in range(101):
        refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
        clock.advance(seconds=35)
    assert clock.now - FIXED_NOW < timedelta(hours=1)
    records = logins(actx)
    assert len(records) == 101 and all(a == "login-failed" for a, *_ in records)
    evaluated = [d for *_, d in records if d["evaluated"]]
    assert len(evaluated) == 5 + 3 <= auth.MAX_FAILURES_PER_HOUR
    assert user_row(actx, "p100").failed_count == len(evaluated)


def test_the_hourly_limit_holds_whatever_the_lockout_figures(
    actx: ServiceContext, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a lockout too short to matter, the limit itself stops checking passwords for the hour."""
    monkeypatch.setattr(auth, "LOCKOUT_PERIOD", timedelta(seconds=1))
    monkeypatch.setattr(auth, "MAX_FAILURES_PER_HOUR", 7)
    for _ in range(7):
        refused(lambda: auth.sign_in(actx, "p100", WRONG_PW))
        clock.advance(seconds=5)
    refused(lambda: auth.sign_in(actx, "p100", OFFICER_PW))  # the right password, unread
    assert logins(actx)[-1][3] == {"why": "hourly limit", "evaluated": False}
    clock.advance(hours=1)
    auth.sign_in(actx, "p100", OFFICER_PW)


def test_a_hash_with_old_figures_is_redone_at_sign_in(actx: ServiceContext) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(OFFICER_PW)
    with actx.db.transaction() as session:
        session.execute(update(UserRow).where(UserRow.username == "p100").values(password_hash=weak))
    auth.sign_in(actx, "p100", OFFICER_PW)
    stored = user_row(actx, "p100").password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and stored != weak
    assert logins(actx)[-1][3] == {"rehashed": True}
    auth.sign_in(actx, "p100", OFFICER_PW)
    assert logins(actx)[-1][3] == {}


# --- re-authentication and sessions ----------------------------------------------------------------


def test_sensitive_operations_need_a_password_from_the_last_five_minutes(
    actx: ServiceContext, clock: Clock
) -> None:
    auth.require_fresh_authentication(actx)  # the unrestricted local administrator is always fresh
    auth.sign_in(actx, "admin", ADMIN_PW)
    clock.advance(minutes=5)
    auth.require_fresh_authentication(actx)
    clock.advance(seconds=1)
    with pytest.raises(auth.ReauthenticationRequired):
        auth.require_fresh_authentication(actx)
    auth.require_fresh_authentication(actx, within=timedelta(minutes=10))

    wrong = refused(lambda: auth.reauthenticate(actx, WRONG_PW))
    assert str(wrong) == "Wrong password."
    assert user_row(actx, "admin").failed_count == 1
    with pytest.raises(auth.ReauthenticationRequired):
        auth.require_fresh_authentication(actx)

    auth.reauthenticate(actx, ADMIN_PW)
    assert actx.authenticated_at == clock.now and actx.actor.user == "admin"
    auth.require_fresh_authentication(actx)
    assert user_row(actx, "admin").failed_count == 0
    assert [(a, who, d) for a, who, _, d in logins(actx)] == [
        ("login", "admin", {}),
        ("login-failed", "admin", {"why": "wrong password", "evaluated": True, "reauthentication": True,
                                   "failures": 1}),
        ("login", "admin", {"reauthentication": True}),
    ]


def test_failed_reauthentications_lock_the_account(actx: ServiceContext, clock: Clock) -> None:
    auth.sign_in(actx, "p100", OFFICER_PW)
    for _ in range(4):
        refused(lambda: auth.reauthenticate(actx, WRONG_PW))
    fifth = refused(lambda: auth.reauthenticate(actx, WRONG_PW))
    assert str(fifth) == "Too many failed attempts: try again after 09:15."
    refused(lambda: auth.reauthenticate(actx, OFFICER_PW))
    clock.advance(minutes=15)
    auth.reauthenticate(actx, OFFICER_PW)


def test_nobody_signed_in_cannot_reauthenticate(actx: ServiceContext) -> None:
    with pytest.raises(ServiceError, match="Nobody is signed in"):
        auth.reauthenticate(actx, ADMIN_PW)


def test_a_session_lasts_twelve_hours(actx: ServiceContext, clock: Clock) -> None:
    signed = auth.sign_in(actx, "p100", OFFICER_PW)
    clock.advance(hours=11, minutes=59)
    assert not auth.session_expired(actx, signed.signed_in_at)
    clock.advance(minutes=1)
    assert auth.session_expired(actx, signed.signed_in_at)


# --- the first administrator ------------------------------------------------------------------------


def test_the_first_administrator_is_made_and_signed_in_once(ctx: ServiceContext) -> None:
    assert not auth.users_exist(ctx)
    with pytest.raises(InvalidInput, match="at least 12"):
        auth.create_first_administrator(ctx, "boss", "Bo Boss", "short")
    signed = auth.create_first_administrator(ctx, "Boss", "Bo Boss", "boss-password-1", extra_roles=["supervisor"])
    assert auth.users_exist(ctx) and ctx.actor == signed.actor
    assert signed.actor.roles == frozenset({"administrator", "supervisor"}) and not signed.must_change_password
    with pytest.raises(ServiceError, match="already has users"):
        auth.create_first_administrator(ctx, "second", "Sue Second", "second-password-1")


def test_the_first_administrator_may_be_an_officer_too(seeded_ctx: ServiceContext) -> None:
    linked = auth.create_first_administrator(
        seeded_ctx, "jones", "PC Jane Jones", "jones-password-1", staff_no="P100", extra_roles=["officer"]
    )
    assert (linked.actor.staff_no, linked.actor.division) == ("P100", "North")


def test_signing_out_leaves_the_context_acting_for_no_one(actx: ServiceContext) -> None:
    auth.sign_in(actx, "admin", ADMIN_PW)
    auth.sign_out(actx)
    assert (actx.actor.user, actx.actor.roles, actx.actor.unrestricted, actx.authenticated_at) == (
        "anonymous", frozenset(), False, None
    )
    with pytest.raises(permissions.NotPermitted):
        permissions.require(actx, permissions.LIST_OFFICERS)
    with pytest.raises(auth.ReauthenticationRequired):
        auth.require_fresh_authentication(actx)
    with actx.db.read() as session:
        actions = list(session.execute(select(AuditRow.action, AuditRow.actor, AuditRow.object_id)
                                       .where(AuditRow.action.in_(("login", "logout"))).order_by(AuditRow.seq)))
    assert [tuple(r) for r in actions] == [("login", "admin", "admin"), ("logout", "admin", "admin")]
