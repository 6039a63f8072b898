"""Fixtures for the mail tests: a real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS on a throw-away CA,
and an in-memory keyring.

`smtp_server(...)` starts a server on a free port (see `support.RunningServer`). The certificates come from
`trustme`: `client_tls` trusts the test CA; the system's default context does not.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from tests.notify.support import (
    PASSWORD,
    USERNAME,
    MemoryKeyring,
    Recorder,
    RecordingController,
    RecordingHandler,
    RunningServer,
    free_port,
    using_keyring,
)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """keyring's backend for this test: passwords in memory. The previous backend comes back after."""
    with using_keyring(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server_tls(tls_ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def client_tls(tls_ca: trustme.CA) -> ssl.SSLContext:
    """A client context that trusts the test CA (and nothing else)."""
    context = ssl.create_default_context(cafile=None, capath=None, cadata=None)
    context.load_verify_locations(cadata=tls_ca.cert_pem.bytes().decode("ascii"))
    return context


@pytest.fixture
def smtp_server(server_tls: ssl.SSLContext) -> Iterator[Callable[..., RunningServer]]:
    """`smtp_server(starttls=True, refuse_starttls=False, require_starttls=False, auth=False, auth_in_clear=False,
    refuse=(), port=None, per_connection=None)` -> a running server on 127.0.0.1, stopped after the test.

    `refuse`: recipients answered 550; `per_connection`: messages accepted on one connection before it
    answers 421 (closing)."""
    started: list[RunningServer] = []

    def start(
        *,
        starttls: bool = True,
        refuse_starttls: bool = False,
        require_starttls: bool = False,
        auth: bool = False,
        auth_in_clear: bool = False,
        refuse: tuple[str, ...] = (),
        port: int | None = None,
        per_connection: int | None = None,
    ) -> RunningServer:
        recorder = Recorder()

        def authenticator(server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
            if not isinstance(data, LoginPassword):
                return AuthResult(success=False, handled=False)
            login = data.login.decode()
            with recorder.lock:
                recorder.logins.append((login, session.ssl is not None))
            return AuthResult(success=login == USERNAME and data.password.decode() == PASSWORD, handled=False)

        options: dict[str, Any] = {}
        if auth:
            options.update(authenticator=authenticator, auth_required=False, auth_require_tls=not auth_in_clear)
        chosen = port or free_port()
        controller = RecordingController(
            RecordingHandler(recorder, set(refuse), per_connection),
            recorder=recorder,
            refuse_starttls=refuse_starttls,
            hostname="127.0.0.1",
            port=chosen,
            tls_context=server_tls if starttls else None,
            require_starttls=require_starttls,
            ready_timeout=10,
            **options,
        )
        controller.start()
        running = RunningServer(chosen, recorder, controller)
        started.append(running)
        return running

    yield start
    for running in started:
        try:
            running.stop()
        except AssertionError:
            pass  # already stopped by the test
