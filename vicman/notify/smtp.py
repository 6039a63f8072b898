"""Sending email over SMTP with smtplib, refusing to fall back to plain text.

With `starttls` (the default and the only safe choice on a network), the connection is upgraded with
STARTTLS before anything else is said: if the server does not offer it, refuses it, or shows a
certificate that is not trusted, nothing is sent (no user name, no password, no message) and
`SmtpUnavailable` says so. Only with `starttls` false, which an operator sets on purpose for a relay on
the same machine, does vicman log in and send in clear.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = ""
    """The From address (`vicman@force.example.uk` or `Vicman <vicman@force.example.uk>`)."""
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)
    """The certificates to trust for STARTTLS; None means the system's (`ssl.create_default_context()`)."""

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


CLOSING = 421
"""The reply code of a server that is closing the connection (too busy, too many messages on one connection)."""


class SmtpError(Exception):
    """A message could not be sent; the text says why in plain words. `permanent`: this message will never
    go as it is (the server refused its recipient for good), so retrying is pointless."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmtpUnavailable(SmtpError):
    """The mail server cannot be used at all just now (down, unreachable, no TLS, wrong password): no message
    can go until that changes, so a sender stops trying the rest."""


def build_message(settings: SmtpSettings, recipient: str, subject: str, body: str, *, recipient_name: str | None = None,
                  now: datetime | None = None) -> EmailMessage:
    """The email as it goes out: plain text, UTF-8, with Date and Message-ID."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = formataddr((recipient_name, recipient)) if recipient_name else recipient
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(now or datetime.now(UTC))
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    return message


class SmtpConnection:
    """One open, ready (TLS, logged in) connection to the mail server; send several messages over it."""

    def __init__(self, settings: SmtpSettings, client: smtplib.SMTP) -> None:
        self.settings = settings
        self._client = client

    def send(self, recipient: str, subject: str, body: str, *, recipient_name: str | None = None) -> None:
        """Send one message. SmtpError (permanent when the server refused it for good); SmtpUnavailable when
        the connection was lost."""
        settings = self.settings
        where = settings.where
        try:
            message = build_message(settings, recipient, subject, body, recipient_name=recipient_name)
        except (ValueError, UnicodeError) as exc:
            raise SmtpError(f"the message to {recipient} could not be written as an email: {exc}",
                            permanent=True) from None
        sender = parseaddr(settings.sender)[1] or settings.sender
        try:
            refused = self._client.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            if code == CLOSING:
                raise SmtpUnavailable(f"the mail server {where} closed the connection: {code} {_text(text)}") from None
            raise SmtpError(
                f"the mail server {where} refused the recipient {recipient}: {code} {_text(text)}",
                permanent=500 <= code < 600,
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise SmtpUnavailable(
                f"the mail server {where} refused the sender {sender} (check smtp.from): "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except smtplib.SMTPServerDisconnected as exc:
            if _timed_out(exc):
                raise SmtpUnavailable(f"the mail server {where} did not answer within {settings.timeout:g} seconds") \
                    from None
            raise SmtpUnavailable(f"the mail server {where} closed the connection") from None
        except smtplib.SMTPResponseException as exc:  # SMTPDataError among them
            answer = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if exc.smtp_code == CLOSING:
                raise SmtpUnavailable(f"the mail server {where} closed the connection: {answer}") from None
            raise SmtpError(f"the mail server {where} refused the message: {answer}",
                            permanent=500 <= exc.smtp_code < 600) from None
        except smtplib.SMTPException as exc:  # SMTPNotSupportedError (an address the server cannot take), ...
            raise SmtpError(f"the mail server {where} could not take the message to {recipient}: {_describe(exc)}",
                            permanent=True) from None
        except TimeoutError:
            raise SmtpUnavailable(f"the mail server {where} did not answer within {settings.timeout:g} seconds") \
                from None
        except OSError as exc:
            raise SmtpUnavailable(f"the connection to the mail server {where} failed: {exc}") from None
        if refused:
            code, text = refused.get(recipient, (0, b""))
            raise SmtpError(f"the mail server {where} refused the recipient {recipient}: {code} {_text(text)}")


@contextmanager
def connect(settings: SmtpSettings) -> Iterator[SmtpConnection]:
    """Connect, upgrade with STARTTLS (if `settings.starttls`; never falling back to plain text) and log in.

    Raises SmtpUnavailable, in plain words, when the server cannot be reached, times out, does not offer or
    refuses STARTTLS, shows an untrusted certificate, or refuses the user name or password.
    """
    where = settings.where
    try:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except ConnectionRefusedError:
        raise SmtpUnavailable(
            f"could not connect to the mail server {where}: connection refused (is it running? check smtp.host "
            "and smtp.port)"
        ) from None
    except TimeoutError:
        raise SmtpUnavailable(
            f"could not connect to the mail server {where}: no answer within {settings.timeout:g} seconds"
        ) from None
    except socket.gaierror:
        raise SmtpUnavailable(f"could not connect to the mail server: no such host {settings.host!r}") from None
    except smtplib.SMTPException as exc:
        if _timed_out(exc):
            raise SmtpUnavailable(
                f"the mail server {where} did not answer within {settings.timeout:g} seconds"
            ) from None
        raise SmtpUnavailable(f"the mail server {where} did not greet properly: {_describe(exc)}") from None
    except OSError as exc:
        raise SmtpUnavailable(f"could not connect to the mail server {where}: {exc}") from None
    try:
        _prepare(settings, client)
        yield SmtpConnection(settings, client)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def _prepare(settings: SmtpSettings, client: smtplib.SMTP) -> None:
    where = settings.where
    try:
        client.ehlo()
        if settings.starttls:
            refused = f"the mail server {where} refused STARTTLS: nothing was sent"
            if not client.has_extn("starttls"):
                raise SmtpUnavailable(f"{refused} (it does not offer it; smtp.starttls is true, so vicman will not "
                                      "send in plain text)")
            context = settings.ssl_context or ssl.create_default_context()
            try:
                code, reply = client.starttls(context=context)
            except ssl.SSLCertVerificationError as exc:
                raise SmtpUnavailable(
                    f"the mail server {where} showed a certificate that is not trusted ({exc.verify_message}): "
                    "nothing was sent"
                ) from None
            except ssl.SSLError as exc:
                raise SmtpUnavailable(f"the TLS handshake with the mail server {where} failed ({exc}): "
                                      "nothing was sent") from None
            except smtplib.SMTPResponseException as exc:
                raise SmtpUnavailable(f"{refused} ({exc.smtp_code} {_text(exc.smtp_error)})") from None
            if code != 220:
                raise SmtpUnavailable(f"{refused} ({code} {_text(reply)})")
            client.ehlo()
        if settings.username:
            if not client.has_extn("auth"):
                raise SmtpUnavailable(
                    f"the mail server {where} does not offer to log in (AUTH), but smtp.username is set: "
                    "nothing was sent"
                )
            try:
                client.login(settings.username, settings.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                raise SmtpUnavailable(
                    f"the mail server {where} refused the user name or password for {settings.username} "
                    f"({exc.smtp_code} {_text(exc.smtp_error)}): check smtp.username and smtp.password"
                ) from None
            except smtplib.SMTPException as exc:
                raise SmtpUnavailable(f"logging in to the mail server {where} failed: {_describe(exc)}") from None
    except SmtpUnavailable:
        raise
    except smtplib.SMTPServerDisconnected as exc:
        if _timed_out(exc):
            raise SmtpUnavailable(
                f"the mail server {where} did not answer within {settings.timeout:g} seconds: nothing was sent"
            ) from None
        raise SmtpUnavailable(f"the mail server {where} closed the connection: nothing was sent") from None
    except TimeoutError:
        raise SmtpUnavailable(f"the mail server {where} did not answer within {settings.timeout:g} seconds") from None
    except smtplib.SMTPException as exc:
        raise SmtpUnavailable(f"the mail server {where} failed: {_describe(exc)}") from None
    except OSError as exc:
        raise SmtpUnavailable(f"the connection to the mail server {where} failed: {exc}") from None


def send(settings: SmtpSettings, recipient: str, subject: str, body: str) -> None:
    """Send one message on a connection of its own. Raises SmtpError (or SmtpUnavailable) saying why not."""
    with connect(settings) as connection:
        connection.send(recipient, subject, body)


def _timed_out(exc: BaseException) -> bool:
    """smtplib reports a read that timed out as "Connection unexpectedly closed"; the cause tells."""
    return isinstance(exc.__context__, TimeoutError) or isinstance(exc.__cause__, TimeoutError)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or type(exc).__name__
