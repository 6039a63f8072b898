"""Users (issue 4): adding them with a checked, Argon2id-hashed password; roles and officer links;
who may manage them; disabling and revoking that bite at the next service call; the last
administrator kept; fresh authentication for sensitive changes; and the demo accounts.

The database `users_db` holds officers P100 (North, team North Response) and P200 (South, South CID)
and three users: `admin` (administrator), `p100` (officer, linked to P100) and `sgt` (supervisor,
linked to P200). Argon2 costs tens of milliseconds a hash, so they are made once for the module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXED_NOW, copy_database, crime_row, open_test_context, write_csv
from vicman.services import auth, importing, permissions, users
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, NotFound
from vicman.store.tables import AuditRow, UserRow

ADMIN_PW = "admin-password-2026"
OFFICER_PW = "officer-password-2026"
SGT_PW = "sergeant-password-2026"


class Clock:
    """A clock the test moves on."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def users_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("users")
    path = copy_database(template_db, folder / "users.sqlite3")
    source = write_csv(
        folder / "crimes.csv",
        [
            crime_row(oic_team="North Response"),
            crime_row(crime_ref="CR-1002", division="South", oic_id="P200", oic_name="DS Ray Khan",
                      oic_email="ray.khan@police.example.uk", oic_team="South CID", victim_ref="V-3",
                      victim_name="Bethan Hughes"),
        ],
    )
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, source)
        users.add_user(ctx, "Admin", "Alex Admin", ADMIN_PW, ["administrator"])
        users.add_user(ctx, "p100", "PC Jane Jones", OFFICER_PW, ["officer"], staff_no="P100")
        users.add_user(ctx, "sgt", "DS Ray Khan", SGT_PW, ["supervisor"], staff_no="P200")
    finally:
        ctx.close()
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users_db(users_template: Path, tmp_path: Path) -> Path:
    return copy_database(users_template, tmp_path / "vicman.sqlite3")


@pytest.fixture
def uctx(users_db: Path, clock: Clock) -> Iterator[ServiceContext]:
    """A context on `users_db` as the unrestricted test actor (sign in to act as someone)."""
    context = open_test_context(users_db, clock=clock)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def other(users_db: Path, clock: Clock) -> Iterator[ServiceContext]:
    """A second context on the same database: another workstation, say."""
    context = open_test_context(users_db, clock=clock)
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


def audit_records(ctx: ServiceContext, **where: Any) -> list[AuditRow]:
    with ctx.db.read() as session:
        query = select(AuditRow).order_by(AuditRow.seq)
        for name, value in where.items():
            query = query.where(getattr(AuditRow, name) == value)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def user_count(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(UserRow)) or 0


# --- adding users -----------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_with_at_least_owasps_cost(uctx: ServiceContext) -> None:
    stored = user_row(uctx, "admin").password_hash
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", stored)
    assert match, stored
    memory, passes, lanes = map(int, match.groups())
    assert memory >= 19456 and passes >= 2 and lanes >= 1
    assert ADMIN_PW not in stored
    # The same password gets a different salt (and so a different hash) for each user.
    users.reset_password(uctx, "sgt", ADMIN_PW)
    assert user_row(uctx, "sgt").password_hash != stored


def test_adding_a_user_is_audited_without_the_password(uctx: ServiceContext) -> None:
    added = users.add_user(uctx, "Bureau.One", "Bea Bureau", "bureau-password-1", ["bureau"], division="North")
    assert added.username == "bureau.one"  # stored in lower case
    assert (added.roles, added.division, added.team, added.staff_no) == (("bureau",), "North", None, None)
    assert added.active and not added.locked and added.created_at == FIXED_NOW
    (record,) = audit_records(uctx, action="admin", object_id="bureau.one")
    assert record.object_type == "user" and record.actor == "pc-test"
    detail = json.loads(record.detail or "{}")
    assert detail["change"] == "add" and detail["roles"] == ["bureau"]
    assert "bureau-password-1" not in (record.detail or "")
    assert all("password-" not in (r.detail or "") for r in audit_records(uctx))


def test_the_first_user_must_be_an_administrator(ctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput, match="first user of a database must have the administrator role"):
        users.add_user(ctx, "someone", "Sam One", "a-long-password", ["supervisor"])
    assert user_count(ctx) == 0 and not auth.users_exist(ctx)
    users.add_user(ctx, "first", "Fran First", "a-long-password", ["supervisor", "administrator"])
    assert auth.users_exist(ctx)
    assert users.list_users(ctx)[0].roles == ("supervisor", "administrator")


@pytest.mark.parametrize(
    ("username", "password", "roles", "staff_no", "field", "words"),
    [
        ("ab", "a-long-password", ["bureau"], None, "username", "3 to 64"),
        ("has space", "a-long-password", ["bureau"], None, "username", "3 to 64"),
        ("x" * 65, "a-long-password", ["bureau"], None, "username", "3 to 64"),
        ("ADMIN", "a-long-password", ["bureau"], None, "username", "already a user admin"),
        ("newbie", "short-pw", ["bureau"], None, "password", "at least 12"),
        ("newbie", "p" * 129, ["bureau"], None, "password", "at most 128"),
        ("longusername", "LongUserName", ["bureau"], None, "password", "not be the username"),
        ("newbie", "a-long-password", [], None, "role", "at least one role"),
        ("newbie", "a-long-password", ["chief"], None, "role", "unknown role 'chief'"),
        ("newbie", "a-long-password", ["officer"], None, "officer", "linked to an officer"),
        ("newbie", "a-long-password", ["officer"], "P999", "officer", "no officer with staff number P999"),
        ("newbie", "a-long-password", ["officer"], "P100", "officer", "P100 already has an account (p100)"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_added(
    uctx: ServiceContext, username: str, password: str, roles: list[str], staff_no: str | None, field: str,
    words: str,
) -> None:
    before = user_count(uctx), len(audit_records(uctx))
    with pytest.raises(InvalidInput) as raised:
        users.add_user(uctx, username, "Nia Newbie", password, roles, staff_no=staff_no)
    assert raised.value.field == field and words in str(raised.value)
    assert (user_count(uctx), len(audit_records(uctx))) == before


def test_an_officer_link_gives_division_and_team(uctx: ServiceContext) -> None:
    views = {v.username: v for v in users.list_users(uctx)}
    assert (views["p100"].staff_no, views["p100"].division, views["p100"].team) == ("P100", "North", "North Response")
    assert (views["sgt"].division, views["sgt"].team) == ("South", "South CID")
    assert (views["admin"].staff_no, views["admin"].division) == (None, None)
    assert list(views) == ["admin", "p100", "sgt"]


def test_only_administrators_manage_users(uctx: ServiceContext) -> None:
    auth.sign_in(uctx, "p100", OFFICER_PW)
    with pytest.raises(permissions.NotPermitted):
        users.add_user(uctx, "sneaky", "Sid Sneaky", "a-long-password", ["administrator"])
    with pytest.raises(permissions.NotPermitted):
        users.list_users(uctx)
    with pytest.raises(permissions.NotPermitted):
        users.set_roles(uctx, "p100", ["officer", "administrator"])
    assert [r.object_id for r in audit_records(uctx, action="authz-deny")] == ["sneaky", "", "p100"]
    assert user_row(uctx, "p100").roles == "officer" and user_count(uctx) == 3

    auth.sign_in(uctx, "sgt", SGT_PW)  # supervisors may list, not change
    assert [v.username for v in users.list_users(uctx)] == ["admin", "p100", "sgt"]
    with pytest.raises(permissions.NotPermitted):
        users.disable_user(uctx, "p100")

    auth.sign_in(uctx, "admin", ADMIN_PW)
    added = users.add_user(uctx, "bureau", "Bea Bureau", "a-long-password", ["bureau"], division="North")
    assert added.created_by == "admin"


# --- changes that bite at once ------------------------------------------------------------------------


def test_disabling_a_user_takes_effect_at_their_next_call(uctx: ServiceContext, other: ServiceContext) -> None:
    auth.sign_in(uctx, "p100", OFFICER_PW)
    permissions.require(uctx, permissions.LIST_OFFICERS)  # allowed now

    auth.sign_in(other, "admin", ADMIN_PW)
    disabled = users.disable_user(other, "p100")
    assert not disabled.active

    with pytest.raises(permissions.NotPermitted, match="disabled"):
        permissions.require(uctx, permissions.LIST_OFFICERS)
    denial = audit_records(uctx, action="authz-deny")[-1]
    assert denial.actor == "p100" and "account disabled" in (denial.detail or "")
    with pytest.raises(auth.SignInFailed, match="Wrong username or password"):
        auth.sign_in(uctx, "p100", OFFICER_PW)

    users.enable_user(other, "p100")
    auth.sign_in(uctx, "p100", OFFICER_PW)
    permissions.require(uctx, permissions.LIST_OFFICERS)


def test_revoking_a_role_takes_effect_at_the_next_call(uctx: ServiceContext, other: ServiceContext) -> None:
    auth.sign_in(uctx, "sgt", SGT_PW)
    permissions.require(uctx, permissions.LIST_USERS)

    auth.sign_in(other, "admin", ADMIN_PW)
    users.set_roles(other, "sgt", ["bureau"])

    with pytest.raises(permissions.NotPermitted):
        permissions.require(uctx, permissions.LIST_USERS)
    assert uctx.actor.roles == frozenset({"bureau"})
    records = audit_records(uctx, action="admin", object_id="sgt")
    (change,) = [r for r in records if '"change": "roles"' in (r.detail or "")]
    assert json.loads(change.detail or "{}") == {"change": "roles", "from": ["supervisor"], "to": ["bureau"]}
    assert change.actor == "admin"


def test_the_officer_role_needs_an_officer_link(uctx: ServiceContext) -> None:
    with pytest.raises(InvalidInput, match="not linked to an officer"):
        users.set_roles(uctx, "admin", ["administrator", "officer"])
    with pytest.raises(NotFound):
        users.set_roles(uctx, "nobody", ["bureau"])


def test_the_last_active_administrator_is_kept(uctx: ServiceContext, other: ServiceContext) -> None:
    auth.sign_in(uctx, "admin", ADMIN_PW)
    with pytest.raises(InvalidInput, match="cannot disable your own account"):
        users.disable_user(uctx, "admin")
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.set_roles(uctx, "admin", ["supervisor"])
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.disable_user(other, "admin")  # even for the built-in local administrator
    assert user_row(uctx, "admin").active and user_row(uctx, "admin").roles == "administrator"

    users.set_roles(uctx, "sgt", ["supervisor", "administrator"])
    users.set_roles(uctx, "admin", ["supervisor"])  # now someone else can manage users
    assert user_row(uctx, "admin").roles == "supervisor"
    with pytest.raises(permissions.NotPermitted):
        users.add_user(uctx, "late", "Lee Late", "a-long-password", ["bureau"])


def test_sensitive_changes_need_a_password_given_within_five_minutes(
    uctx: ServiceContext, clock: Clock
) -> None:
    auth.sign_in(uctx, "admin", ADMIN_PW)
    clock.advance(minutes=4)
    users.set_roles(uctx, "sgt", ["supervisor", "bureau"])
    clock.advance(minutes=2)
    for change in (
        lambda: users.set_roles(uctx, "sgt", ["supervisor"]),
        lambda: users.disable_user(uctx, "sgt"),
        lambda: users.enable_user(uctx, "sgt"),
        lambda: users.reset_password(uctx, "sgt", "a-new-long-password"),
    ):
        with pytest.raises(auth.ReauthenticationRequired):
            change()
    assert user_row(uctx, "sgt").roles == "bureau;supervisor" and user_row(uctx, "sgt").active
    users.add_user(uctx, "bureau", "Bea Bureau", "a-long-password", ["bureau"])  # adding is not in the list
    auth.reauthenticate(uctx, ADMIN_PW)
    users.disable_user(uctx, "sgt")
    assert not user_row(uctx, "sgt").active


def test_a_reset_password_must_be_changed_and_the_old_one_stops_working(uctx: ServiceContext) -> None:
    users.reset_password(uctx, "p100", "temporary-password-1")
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(uctx, "p100", OFFICER_PW)
    signed = auth.sign_in(uctx, "p100", "temporary-password-1")
    assert signed.must_change_password

    with pytest.raises(auth.SignInFailed, match="Wrong password"):
        users.change_own_password(uctx, "not-the-password", "my-own-password-1")
    assert user_row(uctx, "p100").failed_count == 1
    with pytest.raises(InvalidInput, match="at least 12"):
        users.change_own_password(uctx, "temporary-password-1", "short")
    users.change_own_password(uctx, "temporary-password-1", "my-own-password-1")
    again = auth.sign_in(uctx, "p100", "my-own-password-1")
    assert not again.must_change_password and user_row(uctx, "p100").failed_count == 0
    changes = [json.loads(r.detail or "{}")["change"] for r in audit_records(uctx, action="admin", object_id="p100")]
    assert changes == ["add", "password reset", "own password"]


def test_enabling_lifts_a_lockout(uctx: ServiceContext) -> None:
    for _ in range(auth.LOCKOUT_AFTER):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(uctx, "sgt", "wrong-password-here")
    listed = {v.username: v for v in users.list_users(uctx)}
    assert listed["sgt"].locked and listed["sgt"].active
    users.enable_user(uctx, "sgt")
    assert auth.sign_in(uctx, "sgt", SGT_PW).actor.user == "sgt"


# --- demo accounts ---------------------------------------------------------------------------------


def test_the_demo_makes_accounts_for_every_role(ctx: ServiceContext) -> None:
    from vicman.services.demo import make_demo
    from vicman.services.demo.places import DIVISIONS
    from vicman.services.demo.users import DEMO_PASSWORD

    make_demo(ctx, crimes=60)
    listed = {v.username: v for v in users.list_users(ctx)}
    assert DEMO_PASSWORD == "demo-password-2026"
    assert listed["admin"].roles == ("administrator",)
    assert listed["bureau"].roles == ("bureau",) and listed["bureau"].division == DIVISIONS[0].name
    supervisor = listed["supervisor"]
    assert supervisor.roles == ("supervisor",) and supervisor.staff_no and supervisor.division == DIVISIONS[0].name
    officers = [v for v in listed.values() if v.roles == ("officer",)]
    assert 1 <= len(officers) <= 10
    assert all(v.username == (v.staff_no or "").lower() for v in officers)
    added = audit_records(ctx, action="admin", object_type="user")
    assert sorted(r.object_id for r in added) == sorted(listed)

    signed = auth.sign_in(ctx, "admin", "demo-password-2026")
    assert signed.actor.roles == frozenset({"administrator"}) and not signed.must_change_password
    sergeant = auth.sign_in(ctx, "supervisor", "demo-password-2026").actor
    assert sergeant.staff_no == supervisor.staff_no and sergeant.officer_id is not None
    assert auth.sign_in(ctx, officers[0].username, "demo-password-2026").actor.roles == frozenset({"officer"})
