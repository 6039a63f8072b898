"""`vicman config get|set|list`: values checked, errors naming the key, the password never shown."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from tests.conftest import snapshot_database
from tests.notify.support import MemoryKeyring, using_keyring

SECRET = "s3cret-relay-password"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


def test_set_get_and_list(cli: Callable[..., Any], db_path: Path) -> None:
    done = cli("--db", db_path, "config", "set", "smtp.host", "mail.force.example.uk")
    assert (done.status, done.out) == (0, "smtp.host = mail.force.example.uk\n")
    assert cli("--db", db_path, "config", "set", "smtp.starttls", "yes").out == "smtp.starttls = true\n"
    assert cli("--db", db_path, "config", "get", "smtp.host").out == "mail.force.example.uk\n"
    assert cli("--db", db_path, "config", "get", "smtp.port").out == "587 (default)\n"

    listing = cli("--db", db_path, "config", "list")
    assert listing.status == 0
    assert "smtp.host" in listing.out and "mail.force.example.uk" in listing.out
    assert "smtp.password" in listing.out and "(not set)" in listing.out

    rows = {r["key"]: r for r in json.loads(cli("--db", db_path, "config", "list", "--json").out)}
    assert rows["smtp.host"]["value"] == "mail.force.example.uk"
    assert rows["smtp.port"] == rows["smtp.port"] | {"value": None, "default": "587", "effective": "587"}
    assert rows["smtp.password"]["value"] == "(not set)" and rows["smtp.password"]["secret"] is True
    assert rows["reminders.escalate_after_days"]["effective"] == "2"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("set", "smtp.port", "99999"), "vicman: field smtp.port: smtp.port is a whole number from 1 to 65535"),
        (("set", "reminders.escalate_after_days", "0"), "vicman: field reminders.escalate_after_days: "),
        (("get", "smtp.nothing"), "vicman: field smtp.nothing: there is no setting 'smtp.nothing'"),
        (("set", "smtp.host"), "vicman: field smtp.host: give a value for smtp.host"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_key(
    cli: Callable[..., Any], db_path: Path, argv: tuple[str, ...], message: str
) -> None:
    before = snapshot_database(db_path)
    done = cli("--db", db_path, "config", *argv)
    assert done.status == 2
    assert len(done.err_lines) == 1 and done.err_lines[0].startswith(message)
    assert snapshot_database(db_path) == before


def test_the_password_from_standard_input_goes_to_the_keyring_and_is_never_shown(
    cli: Callable[..., Any], db_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    done = cli("--db", db_path, "config", "set", "smtp.password", "-")
    assert (done.status, done.out) == (0, "smtp.password is set (in the keyring).\n")
    assert list(memory_keyring.entries.values()) == [SECRET]
    assert cli("--db", db_path, "config", "get", "smtp.password").out == "(set)\n"
    listing = cli("--db", db_path, "config", "list", "--json")
    assert SECRET not in listing.out
    assert SECRET not in repr(snapshot_database(db_path))


def test_without_a_keyring_the_password_is_refused_plainly(
    cli: Callable[..., Any], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    with using_keyring(fail.Keyring()):
        done = cli("--db", db_path, "config", "set", "smtp.password", "-")
    assert done.status == 2
    assert "no keyring is available" in done.err and "VICMAN_SMTP_PASSWORD" in done.err
    assert SECRET not in repr(snapshot_database(db_path))


def test_no_password_and_no_terminal_says_how_to_give_it(
    cli: Callable[..., Any], db_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    done = cli("--db", db_path, "config", "set", "smtp.password")
    assert done.status == 2 and "give the password as '-'" in done.err
    assert memory_keyring.entries == {}
