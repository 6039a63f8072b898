"""The SMTP sender against a real aiosmtpd server on 127.0.0.1: TLS or nothing, and errors in plain words."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import pytest

from tests.notify.support import PASSWORD, USERNAME, RunningServer, free_port
from vicman.notify import smtp
from vicman.notify.smtp import SmtpError, SmtpSettings, SmtpUnavailable

SENDER = "Vicman <vicman@force.example.uk>"


def settings_for(port: int, context: ssl.SSLContext | None = None, **changes: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1", "port": port, "starttls": True, "sender": SENDER, "timeout": 5, "ssl_context": context,
    }
    values.update(changes)
    return SmtpSettings(**values)  # type: ignore[arg-type]


def test_with_a_trusted_certificate_the_message_goes_over_starttls_and_arrives_whole(
    smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server(auth=True)
    body = "Duties overdue:\n- Anna Nowak, CR-1001: inform of arrest, due 24/11/2026\nDiolch — £5 ✓\n"
    smtp.send(settings_for(server.port, client_tls, username=USERNAME, password=PASSWORD),
              "jane.jones@police.example.uk", "Your duties for 26/11/2026", body)

    (got,) = server.received
    assert got.recipients == ["jane.jones@police.example.uk"]
    assert got.sender == "vicman@force.example.uk"
    assert got.message["Subject"] == "Your duties for 26/11/2026"
    assert got.message["From"] == SENDER
    assert got.message.get_content().replace("\r\n", "\n") == body
    assert got.message["Message-ID"].endswith("@force.example.uk>")
    commands = server.recorder.commands
    assert commands.index("STARTTLS") < commands.index("AUTH") < commands.index("MAIL") < commands.index("DATA")
    assert server.recorder.logins == [(USERNAME, True)]


def test_starttls_required_but_not_offered_sends_nothing_not_even_the_login(
    smtp_server: Callable[..., RunningServer],
) -> None:
    # The server would even accept a login in clear: the client must not try.
    server = smtp_server(starttls=False, auth=True, auth_in_clear=True)
    with pytest.raises(SmtpUnavailable) as caught:
        smtp.send(settings_for(server.port, username=USERNAME, password=PASSWORD),
                  "jane.jones@police.example.uk", "Subject", "Body")

    assert "refused STARTTLS: nothing was sent" in str(caught.value)
    assert "does not offer it" in str(caught.value)
    assert server.received == []
    assert not server.recorder.saw("AUTH")
    assert not server.recorder.saw("MAIL")
    assert not server.recorder.saw("DATA")
    assert server.recorder.logins == []


def test_starttls_offered_then_refused_sends_nothing(
    smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server(refuse_starttls=True, auth=True, auth_in_clear=True)
    with pytest.raises(SmtpUnavailable, match=r"refused STARTTLS: nothing was sent \(454"):
        smtp.send(settings_for(server.port, client_tls, username=USERNAME, password=PASSWORD),
                  "jane.jones@police.example.uk", "Subject", "Body")

    assert server.recorder.saw("STARTTLS")
    assert not server.recorder.saw("AUTH")
    assert not server.recorder.saw("DATA")
    assert server.received == []


def test_an_untrusted_certificate_stops_everything(smtp_server: Callable[..., RunningServer]) -> None:
    server = smtp_server(auth=True)
    # The system's trust store does not know the test CA.
    with pytest.raises(SmtpUnavailable, match=r"certificate that is not trusted.*nothing was sent"):
        smtp.send(settings_for(server.port, None, username=USERNAME, password=PASSWORD),
                  "jane.jones@police.example.uk", "Subject", "Body")

    assert not server.recorder.saw("AUTH")
    assert not server.recorder.saw("DATA")
    assert server.recorder.logins == []


def test_plain_text_only_when_the_operator_chose_it(smtp_server: Callable[..., RunningServer]) -> None:
    server = smtp_server(starttls=False, auth=True, auth_in_clear=True)
    smtp.send(settings_for(server.port, starttls=False, username=USERNAME, password=PASSWORD),
              "jane.jones@police.example.uk", "Subject", "Body")

    assert len(server.received) == 1
    assert not server.recorder.saw("STARTTLS")
    assert server.recorder.logins == [(USERNAME, False)]


def test_nothing_listening_is_a_clear_connection_refused() -> None:
    with pytest.raises(SmtpUnavailable, match=r"could not connect to the mail server 127\.0\.0\.1:\d+: "
                                              "connection refused"):
        smtp.send(settings_for(free_port()), "jane.jones@police.example.uk", "Subject", "Body")


def test_a_wrong_password_is_named(smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext) -> None:
    server = smtp_server(auth=True)
    with pytest.raises(SmtpUnavailable, match=f"refused the user name or password for {USERNAME}"):
        smtp.send(settings_for(server.port, client_tls, username=USERNAME, password="wrong"),
                  "jane.jones@police.example.uk", "Subject", "Body")
    assert server.received == []
    assert not server.recorder.saw("DATA")


def test_a_server_that_never_answers_times_out_in_plain_words() -> None:
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the connection, never greets
        port = silent.getsockname()[1]
        with pytest.raises(SmtpUnavailable, match=r"did not answer within 0\.5 seconds"):
            smtp.send(settings_for(port, timeout=0.5), "jane.jones@police.example.uk", "Subject", "Body")


def test_a_refused_recipient_is_a_permanent_error_for_that_message_only(
    smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server(refuse=("gone@police.example.uk",))
    with smtp.connect(settings_for(server.port, client_tls)) as connection:
        with pytest.raises(SmtpError) as caught:
            connection.send("gone@police.example.uk", "Subject", "Body")
        connection.send("jane.jones@police.example.uk", "Subject", "Body")

    assert not isinstance(caught.value, SmtpUnavailable)
    assert caught.value.permanent
    assert "refused the recipient gone@police.example.uk: 550" in str(caught.value)
    assert [r.recipients for r in server.received] == [["jane.jones@police.example.uk"]]


def test_a_line_break_in_a_subject_cannot_add_a_header(
    smtp_server: Callable[..., RunningServer], client_tls: ssl.SSLContext
) -> None:
    server = smtp_server()
    smtp.send(settings_for(server.port, client_tls), "jane.jones@police.example.uk",
              "Reminder\r\nBcc: someone@evil.example", "Body")
    (got,) = server.received
    assert got.recipients == ["jane.jones@police.example.uk"]
    assert got.message["Bcc"] is None
    assert got.message["Subject"] == "Reminder Bcc: someone@evil.example"


def test_the_password_is_not_in_the_settings_repr() -> None:
    assert "s3cret" not in repr(SmtpSettings("mail.example.org", password="s3cret"))
