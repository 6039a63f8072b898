"""`vicman user ...` and signing in from the command line (issue 4).

On a database with no users the command line acts as the built-in local administrator, so the first
`vicman user add` needs no password. Once users exist every command signs in: `--user` or
$VICMAN_USER, with $VICMAN_PASSWORD (or a prompt at a terminal). A failed sign-in is one line on
stderr, exit status 2, and a `login-failed` record in the audit trail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_database, open_test_context
from vicman.services import users

ADMIN_PW = "admin-password-2026"
OFFICER_PW = "officer-password-2026"


@pytest.fixture(autouse=True)
def no_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever runs the tests: their own VICMAN_* settings must not leak in."""
    for name in ("VICMAN_USER", "VICMAN_PASSWORD", "VICMAN_NEW_PASSWORD", "VICMAN_DB"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def with_users(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded database (CR-1001 with officer P100, CR-1002 with P200) plus `admin` and officer `p100`."""
    path = copy_database(seeded_template, tmp_path_factory.mktemp("cli-users") / "users.sqlite3")
    ctx = open_test_context(path)
    try:
        users.add_user(ctx, "admin", "Alex Admin", ADMIN_PW, ["administrator"])
        users.add_user(ctx, "p100", "PC Jane Jones", OFFICER_PW, ["officer"], staff_no="P100")
    finally:
        ctx.close()
    return path


@pytest.fixture
def users_db(with_users: Path, db_path: Path) -> Path:
    return copy_database(with_users, db_path)


def as_user(monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> None:
    monkeypatch.setenv("VICMAN_USER", username)
    monkeypatch.setenv("VICMAN_PASSWORD", password)


def test_the_local_administrator_adds_the_first_user_on_a_fresh_database(cli, db_path, db_query, monkeypatch):
    monkeypatch.setenv("VICMAN_NEW_PASSWORD", ADMIN_PW)
    refused = cli("--db", db_path, "user", "add", "boss", "--name", "Bo Boss", "--role", "supervisor")
    assert refused.status == 2 and refused.err_lines == [
        "vicman: field role: the first user of a database must have the administrator role, or no one could "
        "manage users"
    ]
    added = cli("--db", db_path, "user", "add", "Boss", "--name", "Bo Boss", "--role", "administrator",
                "--role", "supervisor")
    assert added.status == 0, added.err
    assert added.out == "Added user boss (supervisor, administrator).\n"
    assert db_query("SELECT actor, action, object_type, object_id FROM audit") == [
        ("pc-test", "admin", "user", "boss")
    ]
    (stored,) = db_query("SELECT password_hash FROM user_account")
    assert stored[0].startswith("$argon2id$")

    # Now the database has users: the same command line must say who it is.
    anonymous = cli("--db", db_path, "user", "list")
    assert anonymous.status == 2
    assert anonymous.err_lines == ["vicman: this database has users: say who you are with --user or $VICMAN_USER"]
    monkeypatch.setenv("VICMAN_PASSWORD", ADMIN_PW)
    listed = cli("--db", db_path, "user", "list", "--user", "BOSS")
    assert listed.status == 0, listed.err
    assert "boss" in listed.out and "Bo Boss" in listed.out and "active" in listed.out


def test_a_wrong_password_is_one_line_exit_2_and_audited(cli, users_db, db_query, snapshot, monkeypatch):
    before = snapshot(users_db)
    as_user(monkeypatch, "admin", "not-the-password")
    result = cli("--db", users_db, "user", "add", "bureau", "--name", "Bea Bureau", "--role", "bureau")
    assert result.status == 2
    assert result.err_lines == ["vicman: Wrong username or password."] and result.out == ""
    assert db_query("SELECT actor, action, object_id FROM audit WHERE action LIKE 'login%'") == [
        ("anonymous", "login-failed", "admin")
    ]
    after = snapshot(users_db)
    assert {t: r for t, r in after.items() if t not in ("audit", "user_account")} == {
        t: r for t, r in before.items() if t not in ("audit", "user_account")
    }
    assert db_query("SELECT username, failed_count FROM user_account ORDER BY username") == [("admin", 1), ("p100", 0)]

    unknown = cli("--db", users_db, "search", "Anna", "--user", "nobody")
    assert unknown.err_lines == ["vicman: Wrong username or password."] and unknown.status == 2


def test_the_administrator_manages_users(cli, users_db, db_query, monkeypatch):
    as_user(monkeypatch, "admin", ADMIN_PW)
    monkeypatch.setenv("VICMAN_NEW_PASSWORD", "bureau-password-1")
    added = cli("--db", users_db, "user", "add", "bureau", "--name", "Bea Bureau", "--role", "bureau",
                "--division", "North")
    assert added.status == 0, added.err
    linked = cli("--db", users_db, "user", "add", "p200", "--name", "PC Ray Khan", "--role", "officer",
                 "--officer", "P200")
    assert linked.status == 0, linked.err

    listed = cli("--db", users_db, "user", "list", "--json")
    assert listed.status == 0, listed.err
    rows = {r["username"]: r for r in json.loads(listed.out)}
    assert list(rows) == ["admin", "bureau", "p100", "p200"]
    assert (rows["p200"]["officer"], rows["p200"]["division"], rows["p200"]["roles"]) == ("P200", "South", ["officer"])
    assert rows["bureau"]["created_by"] == "admin" and rows["bureau"]["active"] is True

    roles = cli("--db", users_db, "user", "roles", "bureau", "--role", "bureau", "--role", "supervisor")
    assert roles.out == "User bureau has roles: bureau, supervisor.\n"
    assert cli("--db", users_db, "user", "disable", "bureau").out == "User bureau is disabled.\n"
    self_disable = cli("--db", users_db, "user", "disable", "admin")
    assert self_disable.status == 2 and self_disable.err_lines == [
        "vicman: field username: you cannot disable your own account"
    ]
    assert cli("--db", users_db, "user", "enable", "bureau").out == "User bureau is enabled.\n"
    missing = cli("--db", users_db, "user", "disable", "nobody")
    assert missing.status == 2 and missing.err_lines == ["vicman: there is no user nobody"]

    monkeypatch.setenv("VICMAN_NEW_PASSWORD", "short")
    weak = cli("--db", users_db, "user", "password", "bureau")
    assert weak.status == 2 and weak.err_lines == ["vicman: field password: a password needs at least 12 characters"]
    changes = db_query("SELECT actor, object_id, detail FROM audit WHERE action = 'admin' AND object_id <> 'p100' "
                       "AND object_id <> 'admin' ORDER BY seq")
    assert [(who, obj, json.loads(d)["change"]) for who, obj, d in changes] == [
        ("admin", "bureau", "add"), ("admin", "p200", "add"), ("admin", "bureau", "roles"),
        ("admin", "bureau", "disable"), ("admin", "bureau", "enable"),
    ]


def test_an_officer_may_not_manage_users(cli, users_db, db_query, monkeypatch):
    as_user(monkeypatch, "p100", OFFICER_PW)
    monkeypatch.setenv("VICMAN_NEW_PASSWORD", "sneaky-password-1")
    result = cli("--db", users_db, "user", "add", "sneaky", "--name", "Sid Sneaky", "--role", "administrator")
    assert result.status == 2 and len(result.err_lines) == 1
    assert "You may not add, change or disable users" in result.err
    assert db_query("SELECT actor, action, object_id FROM audit WHERE action = 'authz-deny'") == [
        ("p100", "authz-deny", "sneaky")
    ]
    assert db_query("SELECT count(*) FROM user_account") == [(2,)]


def test_a_disabled_user_cannot_act(cli, users_db, db_query, monkeypatch):
    as_user(monkeypatch, "p100", OFFICER_PW)
    before = cli("--db", users_db, "search", "Anna")
    assert before.status == 0, before.err

    assert cli("--db", users_db, "user", "disable", "p100", "--user", "admin").status == 2  # p100's password
    as_user(monkeypatch, "admin", ADMIN_PW)
    assert cli("--db", users_db, "user", "disable", "p100").status == 0

    as_user(monkeypatch, "p100", OFFICER_PW)
    after = cli("--db", users_db, "search", "Anna")
    assert after.status == 2 and after.err_lines == ["vicman: Wrong username or password."]
    logins = db_query("SELECT action, object_id, detail FROM audit WHERE action LIKE 'login%' ORDER BY seq")
    assert [(action, who, json.loads(detail).get("why") if detail else None) for action, who, detail in logins] == [
        ("login", "p100", None),
        ("login-failed", "admin", "wrong password"),
        ("login", "admin", None),
        ("login-failed", "p100", "disabled"),
    ]


def test_signing_in_through_a_real_process(vicman_subprocess, users_db, db_query):
    env = {"VICMAN_USER": "admin", "VICMAN_PASSWORD": ADMIN_PW}
    listed = vicman_subprocess("--db", users_db, "user", "list", "--json", env=env)
    assert listed.status == 0, listed.err
    assert [u["username"] for u in json.loads(listed.out)] == ["admin", "p100"]

    wrong = vicman_subprocess("--db", users_db, "user", "list", env={**env, "VICMAN_PASSWORD": "not-the-password"})
    assert wrong.status == 2 and wrong.err_lines == ["vicman: Wrong username or password."]
    assert "Traceback" not in wrong.err

    # No password and no terminal: refused at once rather than waiting for one.
    silent = subprocess.run(
        [sys.executable, "-m", "vicman", "--db", str(users_db), "user", "list"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        env={**os.environ, "VICMAN_USER": "admin"},
    )
    assert silent.returncode == 2 and "set $VICMAN_PASSWORD" in silent.stderr
    assert db_query("SELECT actor, action FROM audit WHERE action LIKE 'login%' ORDER BY seq") == [
        ("admin", "login"), ("anonymous", "login-failed")
    ]
