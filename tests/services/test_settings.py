"""The settings registry: checked values, errors naming the key, audit without secrets, and the mail password
kept in a keyring (a real backend object, in memory) or refused, never in the database."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked
from sqlalchemy import select

from tests.conftest import snapshot_database
from tests.notify.support import MemoryKeyring, using_keyring
from vicman.services import session_policy, settings
from vicman.services.context import Actor
from vicman.services.errors import InvalidInput
from vicman.services.permissions import NotPermitted
from vicman.store.tables import AuditRow, SettingRow

SECRET = "Tr0ub4dor&3-not-in-the-db"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(settings.PASSWORD_ENV, raising=False)
    with using_keyring(fail.Keyring()):
        yield


def admin_records(ctx: Any) -> list[AuditRow]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditRow).where(AuditRow.action == "admin").order_by(AuditRow.seq)))


def test_defaults_before_anything_is_set(ctx: Any) -> None:
    port = settings.get_setting(ctx, "smtp.port")
    assert (port.value, port.default, port.effective, port.is_set, port.shown) == (None, "587", "587", False,
                                                                                  "587 (default)")
    assert settings.get_setting(ctx, "smtp.host").shown == "(not set)"
    assert settings.escalate_after_days(ctx) == 2
    assert settings.get_setting(ctx, "smtp.starttls").effective == "true"
    assert settings.smtp_settings(ctx) is None


def test_set_normalises_stores_and_audits(ctx: Any) -> None:
    assert settings.set_setting(ctx, "smtp.port", " 25 ").value == "25"
    assert settings.set_setting(ctx, "smtp.starttls", "No").value == "false"
    settings.set_setting(ctx, "smtp.host", "mail.force.example.uk")
    settings.set_setting(ctx, "smtp.from", "Vicman <vicman@force.example.uk>")
    settings.set_setting(ctx, "reminders.escalate_after_days", "5")

    assert settings.escalate_after_days(ctx) == 5
    smtp = settings.smtp_settings(ctx)
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.starttls, smtp.sender, smtp.username, smtp.password) == (
        "mail.force.example.uk", 25, False, "Vicman <vicman@force.example.uk>", None, None)
    records = admin_records(ctx)
    assert [(r.object_type, r.object_id) for r in records][:2] == [
        ("setting", "smtp.port"), ("setting", "smtp.starttls")]
    assert json.loads(records[0].detail or "{}") == {"from": None, "to": "25"}

    settings.set_setting(ctx, "smtp.port", "25")  # no change: no audit record
    assert len(admin_records(ctx)) == len(records)
    assert settings.set_setting(ctx, "smtp.port", "").value is None  # empty: back to the default
    assert settings.get_setting(ctx, "smtp.port").effective == "587"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("smtp.port", "abc", "whole number from 1 to 65535"),
        ("smtp.port", "0", "from 1 to 65535"),
        ("smtp.port", "65536", "from 1 to 65535"),
        ("smtp.starttls", "maybe", "true or false"),
        ("smtp.host", "mail server", "host name"),
        ("smtp.from", "vicman at force", "email address"),
        ("smtp.username", "two\nlines", "one line"),
        ("smtp.timeout", "0", "from 1 to 300"),
        ("reminders.escalate_after_days", "0", "from 1 to 365"),
        ("reminders.escalate_after_days", "1.5", "whole number"),
        ("session.idle_minutes", "31", "from 1 to 30"),
        ("bureau.mailbox.North", "bureau-north", "email address"),
        ("smtp.hostname", "x", "there is no setting 'smtp.hostname'"),
        ("bureau.mailbox.", "x@y.example", "there is no setting"),
    ],
)
def test_a_bad_value_names_the_key_and_changes_nothing(
    ctx: Any, db_path: Path, key: str, value: str, words: str
) -> None:
    before = snapshot_database(db_path)
    with pytest.raises(InvalidInput) as caught:
        settings.set_setting(ctx, key, value)
    assert caught.value.field == key
    assert key in str(caught.value) and words in str(caught.value)
    assert snapshot_database(db_path) == before


def test_a_bureau_mailbox_needs_a_known_division(seeded_ctx: Any) -> None:
    with pytest.raises(InvalidInput, match="there is no division 'West'; the divisions are: North, South"):
        settings.set_setting(seeded_ctx, "bureau.mailbox.West", "bureau.west@police.example.uk")
    stored = settings.set_setting(seeded_ctx, "bureau.mailbox.north", "bureau.north@police.example.uk")
    assert stored.key == "bureau.mailbox.North"  # as the database spells the division
    assert settings.bureau_mailbox(seeded_ctx, "North") == "bureau.north@police.example.uk"
    assert settings.bureau_mailbox(seeded_ctx, "South") is None
    listed = {s.key: s.shown for s in settings.list_settings(seeded_ctx)}
    assert listed["bureau.mailbox.North"] == "bureau.north@police.example.uk"
    assert listed["bureau.mailbox.South"] == "(not set)"


def test_the_idle_limit_is_the_same_setting_the_session_policy_reads(ctx: Any) -> None:
    settings.set_setting(ctx, "session.idle_minutes", "20")
    assert session_policy.idle_minutes(ctx) == 20


def test_a_value_spoiled_behind_vicmans_back_falls_back_to_the_default(ctx: Any) -> None:
    with ctx.db.transaction() as session:
        session.add(SettingRow(key="reminders.escalate_after_days", value="soon"))
    assert settings.escalate_after_days(ctx) == 2


def test_the_password_goes_to_the_keyring_never_the_database_nor_the_audit(
    ctx: Any, db_path: Path, memory_keyring: MemoryKeyring
) -> None:
    settings.set_setting(ctx, "smtp.host", "127.0.0.1")
    settings.set_setting(ctx, "smtp.from", "vicman@force.example.uk")
    settings.set_setting(ctx, "smtp.username", "relay")
    shown = settings.set_setting(ctx, "smtp.password", SECRET)

    assert (shown.is_set, shown.value, shown.stored_in, shown.shown) == (True, None, "keyring", "(set)")
    assert memory_keyring.entries == {("vicman", settings.keyring_username(ctx.db.url)): SECRET}
    assert str(db_path) in settings.keyring_username(ctx.db.url)
    assert SECRET not in repr(snapshot_database(db_path))
    (record,) = [r for r in admin_records(ctx) if r.object_id == "smtp.password"]
    assert json.loads(record.detail or "{}") == {"stored_in": "keyring", "changed": True}
    smtp = settings.smtp_settings(ctx)
    assert smtp is not None and smtp.password == SECRET and smtp.username == "relay"
    assert {s.key: s.shown for s in settings.list_settings(ctx)}["smtp.password"] == "(set)"

    cleared = settings.set_setting(ctx, "smtp.password", "")
    assert cleared.shown == "(not set)" and memory_keyring.entries == {}


def test_without_a_keyring_the_password_is_refused_and_the_environment_is_the_way(
    ctx: Any, db_path: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot_database(db_path)
    with pytest.raises(InvalidInput) as caught:
        settings.set_setting(ctx, "smtp.password", SECRET)
    assert caught.value.field == "smtp.password"
    assert "no keyring is available" in str(caught.value) and "VICMAN_SMTP_PASSWORD" in str(caught.value)
    assert snapshot_database(db_path) == before
    assert settings.get_setting(ctx, "smtp.password").shown == "(not set)"

    monkeypatch.setenv("VICMAN_SMTP_PASSWORD", "from-the-environment")
    settings.set_setting(ctx, "smtp.host", "127.0.0.1")
    settings.set_setting(ctx, "smtp.from", "vicman@force.example.uk")
    settings.set_setting(ctx, "smtp.username", "relay")
    assert settings.get_setting(ctx, "smtp.password").stored_in == "environment"
    smtp = settings.smtp_settings(ctx)
    assert smtp is not None and smtp.password == "from-the-environment"


@pytest.mark.parametrize(
    ("role", "may_read", "may_change"),
    [("officer", False, False), ("bureau", False, False), ("supervisor", True, False), ("administrator", True, True)],
)
def test_who_may_read_and_change_settings(ctx: Any, role: str, may_read: bool, may_change: bool) -> None:
    ctx.actor = replace(Actor("someone", "test-host", roles=frozenset({role})), division="North")
    for call, allowed in (
        (lambda: settings.get_setting(ctx, "smtp.port"), may_read),
        (lambda: settings.list_settings(ctx), may_read),
        (lambda: settings.set_setting(ctx, "smtp.port", "25"), may_change),
    ):
        if allowed:
            call()
        else:
            with pytest.raises(NotPermitted):
                call()
    with pytest.raises(NotPermitted) if role != "administrator" else contextlib.nullcontext():
        settings.smtp_settings(ctx)  # only a sender gets the password


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but locked (a desktop keyring nobody unlocked): every call refuses."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the keyring is locked")


def test_a_locked_keyring_refuses_in_words_and_reading_falls_back_to_the_environment(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with using_keyring(LockedKeyring()):
        with pytest.raises(InvalidInput, match="the keyring said: the keyring is locked"):
            settings.set_setting(ctx, "smtp.password", SECRET)
        monkeypatch.setenv("VICMAN_SMTP_PASSWORD", "from-the-environment")
        assert settings.smtp_password(ctx.db.url) == "from-the-environment"
