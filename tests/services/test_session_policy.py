"""The idle-lock setting (vicman/services/session_policy.py): read with a default, set by administrators
only, kept within 1 to 30 minutes, and every change audited.

The database holds officer P100 (from one imported crime) and two users: `admin` (administrator) and
`p100` (officer, linked to P100).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import copy_database, crime_row, open_test_context, write_csv
from vicman.services import auth, importing, permissions, session_policy, users
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.store.tables import AuditRow, SettingRow

ADMIN_PW = "admin-password-2026"
OFFICER_PW = "officer-password-2026"


@pytest.fixture(scope="module")
def policy_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("policy")
    path = copy_database(template_db, folder / "policy.sqlite3")
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, write_csv(folder / "crimes.csv", [crime_row()]))
        users.add_user(ctx, "admin", "Alex Admin", ADMIN_PW, ["administrator"])
        users.add_user(ctx, "p100", "PC Jane Jones", OFFICER_PW, ["officer"], staff_no="P100")
    finally:
        ctx.close()
    return path


@pytest.fixture
def pctx(policy_template: Path, tmp_path: Path) -> Iterator[ServiceContext]:
    context = open_test_context(copy_database(policy_template, tmp_path / "vicman.sqlite3"))
    try:
        yield context
    finally:
        context.close()


def stored(ctx: ServiceContext) -> str | None:
    with ctx.db.read() as session:
        row = session.get(SettingRow, session_policy.IDLE_SETTING)
        return None if row is None else row.value


def audit_records(ctx: ServiceContext, **where: Any) -> list[AuditRow]:
    with ctx.db.read() as session:
        query = select(AuditRow).order_by(AuditRow.seq)
        for name, value in where.items():
            query = query.where(getattr(AuditRow, name) == value)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def test_an_administrator_sets_the_idle_limit_and_each_change_is_audited(pctx: ServiceContext) -> None:
    assert session_policy.idle_minutes(pctx) == session_policy.DEFAULT_IDLE_MINUTES == 15
    auth.sign_in(pctx, "admin", ADMIN_PW)

    assert session_policy.set_idle_minutes(pctx, 20) == 20
    assert session_policy.idle_minutes(pctx) == 20 and stored(pctx) == "20"
    session_policy.set_idle_minutes(pctx, 30)
    session_policy.set_idle_minutes(pctx, 30)  # no change: nothing more to audit
    session_policy.set_idle_minutes(pctx, 1)
    assert session_policy.idle_minutes(pctx) == 1

    records = audit_records(pctx, object_type="setting")
    assert [(r.action, r.object_id, r.actor, r.role) for r in records] == [
        ("admin", "session.idle_minutes", "admin", "administrator")
    ] * 3
    assert [json.loads(r.detail or "{}") for r in records] == [
        {"from": None, "to": "20"},
        {"from": "20", "to": "30"},
        {"from": "30", "to": "1"},
    ]


@pytest.mark.parametrize("minutes", [0, 31, -5, 90, True, 2.5, "20"])
def test_the_idle_limit_is_a_whole_number_of_minutes_from_1_to_30(pctx: ServiceContext, minutes: Any) -> None:
    auth.sign_in(pctx, "admin", ADMIN_PW)
    session_policy.set_idle_minutes(pctx, 10)
    before = len(audit_records(pctx))
    with pytest.raises(InvalidInput) as raised:
        session_policy.set_idle_minutes(pctx, minutes)
    assert raised.value.field == "idle_minutes"
    assert "from 1 to 30" in raised.value.reason
    assert stored(pctx) == "10" and len(audit_records(pctx)) == before


def test_only_those_who_manage_users_may_set_it(pctx: ServiceContext) -> None:
    auth.sign_in(pctx, "p100", OFFICER_PW)
    with pytest.raises(permissions.NotPermitted):
        session_policy.set_idle_minutes(pctx, 25)
    with pytest.raises(permissions.NotPermitted):  # refused before the value is even looked at
        session_policy.set_idle_minutes(pctx, 99)
    assert stored(pctx) is None and session_policy.idle_minutes(pctx) == 15
    denials = audit_records(pctx, action="authz-deny")
    assert [(d.actor, d.object_type, d.object_id) for d in denials] == [("p100", "setting", "session.idle_minutes")] * 2
    assert json.loads(denials[0].detail or "{}")["action"] == permissions.MANAGE_USERS
    assert audit_records(pctx, action="admin", object_type="setting") == []


def test_the_built_in_local_administrator_may_set_it(pctx: ServiceContext) -> None:
    """The unrestricted actor of the command line on a database with no users yet (and of the tests)."""
    assert pctx.actor.unrestricted
    session_policy.set_idle_minutes(pctx, 12)
    assert session_policy.idle_minutes(pctx) == 12
