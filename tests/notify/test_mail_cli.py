"""`vicman mail send|status|retry|test` against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import FIXED_NOW, open_test_context
from tests.notify.support import RunningServer, free_port
from vicman.notify import outbox


def queue(db_path: Path, key: str, recipient: str = "jane.jones@police.example.uk") -> None:
    ctx = open_test_context(db_path)
    try:
        with ctx.db.transaction() as session:
            outbox.queue(session, key=key, kind="digest", recipient=recipient, recipient_name=None, reason=None,
                         officer_id=None, subject=f"Subject {key}", body="Body", duties=[], now=FIXED_NOW)
    finally:
        ctx.close()


def configure(cli: Callable[..., Any], db_path: Path, port: int) -> None:
    for key, value in (("smtp.host", "127.0.0.1"), ("smtp.port", str(port)), ("smtp.from", "vicman@force.example.uk"),
                       ("smtp.starttls", "false"), ("smtp.timeout", "5")):
        assert cli("--db", db_path, "config", "set", key, value).status == 0


def test_status_before_anything_is_set_up(cli: Callable[..., Any], db_path: Path) -> None:
    done = cli("--db", db_path, "mail", "status")
    assert done.status == 0
    assert "email is not set up: set smtp.host and smtp.from" in done.out
    assert "Last message sent: never. Waiting: 0. Failed: 0." in done.out


def test_send_with_the_server_down_exits_1_and_status_shows_the_error(cli: Callable[..., Any], db_path: Path) -> None:
    configure(cli, db_path, free_port())
    queue(db_path, "one")
    done = cli("--db", db_path, "mail", "send")
    assert done.status == 1
    assert done.out.startswith("0 sent, 1 failed attempt, 1 waiting.\n  error: could not connect to the mail server")

    status = json.loads(cli("--db", db_path, "mail", "status", "--json").out)
    assert (status["pending"], status["failed"], status["last_success_at"]) == (1, 0, None)
    (message,) = status["messages"]
    assert message["attempts"] == 1 and "connection refused" in message["last_error"]
    assert message["next_attempt_at"] == "2026-11-26T09:01:00+00:00"


def test_send_delivers_and_exits_0(
    cli: Callable[..., Any], db_path: Path, smtp_server: Callable[..., RunningServer]
) -> None:
    server = smtp_server(starttls=False)
    configure(cli, db_path, server.port)
    queue(db_path, "one")
    queue(db_path, "two", recipient="ray.khan@police.example.uk")
    done = cli("--db", db_path, "mail", "send", "--json")
    assert done.status == 0
    assert json.loads(done.out) == {"sent": 2, "failed": 0, "pending": 0, "errors": []}
    assert sorted(r.message["Subject"] for r in server.received) == ["Subject one", "Subject two"]
    assert "Last message sent: 26/11/2026 09:00" in cli("--db", db_path, "mail", "status").out


def test_retry_and_test(cli: Callable[..., Any], db_path: Path, smtp_server: Callable[..., RunningServer]) -> None:
    server = smtp_server(starttls=False, refuse=("gone@police.example.uk",))
    configure(cli, db_path, server.port)
    queue(db_path, "one", recipient="gone@police.example.uk")
    assert cli("--db", db_path, "mail", "send").status == 1
    assert cli("--db", db_path, "mail", "retry").out == "1 failed message back in the queue.\n"
    done = cli("--db", db_path, "mail", "test", "admin@police.example.uk")
    assert (done.status, done.out) == (0, "Test message sent to admin@police.example.uk.\n")
    assert server.received[-1].recipients == ["admin@police.example.uk"]


def test_a_test_message_that_cannot_go_exits_1_saying_why(cli: Callable[..., Any], db_path: Path) -> None:
    configure(cli, db_path, free_port())
    done = cli("--db", db_path, "mail", "test", "admin@police.example.uk")
    assert done.status == 1
    assert done.err.startswith("vicman: the test message was not sent: could not connect to the mail server")
