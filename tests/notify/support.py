"""Test support for mail: a recording aiosmtpd server, a free port, and an in-memory keyring.

The server records every command it dispatched (so a test can assert that no AUTH or DATA reached it)
and every message it accepted. `MemoryKeyring` is a real keyring backend (keyring's own base class) that
keeps passwords in a dict, for `keyring.set_keyring` in tests.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

USERNAME = "vicman-relay"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    commands: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)
    """(user name, over TLS) for every AUTH the server checked."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, command: str) -> bool:
        with self.lock:
            return command in self.commands

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


class RecordingHandler:
    def __init__(self, recorder: Recorder, refuse: set[str], per_connection: int | None = None) -> None:
        self.recorder = recorder
        self.refuse = refuse
        self.per_connection = per_connection
        self.accepted: dict[int, int] = {}

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.per_connection is not None and self.accepted.get(id(session), 0) >= self.per_connection:
            return "421 4.7.0 Too many messages on one connection, closing"
        self.accepted[id(session)] = self.accepted.get(id(session), 0) + 1
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.recorder.lock:
            self.recorder.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class RecordingSMTP(SMTP):
    """aiosmtpd's server, noting each command it dispatches; optionally refusing STARTTLS it offers."""

    def __init__(self, handler: Any, *, recorder: Recorder, refuse_starttls: bool, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        methods = self._smtp_methods
        for name, method in list(methods.items()):
            methods[name] = self._noting(name, method)
        if refuse_starttls:
            methods["STARTTLS"] = self._noting("STARTTLS", self._refuse_starttls)
        self._recorder = recorder

    def _noting(self, name: str, method: Callable[[str], Any]) -> Callable[[str], Any]:
        async def noted(arg: str) -> Any:
            with self._recorder.lock:
                self._recorder.commands.append(name)
            return await method(arg)

        return noted

    async def _refuse_starttls(self, arg: str) -> None:
        await self.push("454 4.7.0 TLS not available due to temporary reason")


class RecordingController(Controller):
    def __init__(self, handler: Any, *, recorder: Recorder, refuse_starttls: bool, **kwargs: Any) -> None:
        self._recorder = recorder
        self._refuse_starttls = refuse_starttls
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        return RecordingSMTP(self.handler, recorder=self._recorder, refuse_starttls=self._refuse_starttls,
                              **self.SMTP_kwargs)


@dataclass
class RunningServer:
    port: int
    recorder: Recorder
    controller: RecordingController

    @property
    def received(self) -> list[Received]:
        return self.recorder.messages()

    def stop(self) -> None:
        self.controller.stop()




class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in memory (for one test)."""

    priority = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


@contextmanager
def using_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    """Make `backend` keyring's backend for the block; the previous one comes back after."""
    import keyring

    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)
