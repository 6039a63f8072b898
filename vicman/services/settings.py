"""The database settings: every key declared once, with its type, default and words, and checked when set.

The settings live in the `setting` table, so that the command line, the app and the scheduled task share
them, except the mail server's password: that is kept in the operating system's keyring (service
"vicman", one entry per database) and never in the database. Where no keyring is available (a server with
no desktop session, say), the password comes from the environment variable VICMAN_SMTP_PASSWORD of the
process that sends mail instead; vicman refuses to store it anywhere else.

Reading inside another service's transaction: the `*_in(session)` functions. Reading and changing for a
user: the functions taking `ctx`, checked as `settings.read` and `settings.change`; every change is
audited as `admin` on `setting` (the password's value never).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from vicman.notify.outbox import is_address
from vicman.notify.smtp import SmtpSettings
from vicman.services import audit, concurrency, permissions, session_policy
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.store import describe_url
from vicman.store.tables import CrimeRow, OfficerRow, SettingRow

SMTP_HOST = "smtp.host"
SMTP_PORT = "smtp.port"
SMTP_STARTTLS = "smtp.starttls"
SMTP_USERNAME = "smtp.username"
SMTP_PASSWORD = "smtp.password"
SMTP_FROM = "smtp.from"
SMTP_TIMEOUT = "smtp.timeout"
ESCALATE_AFTER_DAYS = "reminders.escalate_after_days"
BUREAU_MAILBOX = "bureau.mailbox."
"""A prefix: `bureau.mailbox.<division>`, one key per division."""
IDLE_MINUTES = session_policy.IDLE_SETTING

KEYRING_SERVICE = "vicman"
PASSWORD_ENV = "VICMAN_SMTP_PASSWORD"
SETTING = session_policy.SETTING
"""The audit object type of a setting."""

SET = "(set)"
NOT_SET = "(not set)"


# --- validation ---------------------------------------------------------------------------------------


def _whole_number(low: int, high: int, what: str) -> Callable[[str, str], str]:
    def check(key: str, text: str) -> str:
        try:
            number = int(text.strip())
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            of = f" of {what}" if what else ""
            raise InvalidInput(f"{key} is a whole number{of} from {low} to {high}, not {text!r}", field=key)
        return str(number)

    return check


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _boolean(key: str, text: str) -> str:
    word = text.strip().lower()
    if word in _TRUE:
        return "true"
    if word in _FALSE:
        return "false"
    raise InvalidInput(f"{key} is true or false, not {text!r}", field=key)


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")


def _host(key: str, text: str) -> str:
    value = text.strip()
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if not _HOST.match(value):
        raise InvalidInput(f"{key} is a host name (smtp.example.org) or an IP address, not {text!r}", field=key)
    return value


def _one_line(key: str, text: str) -> str:
    value = text.strip()
    if not value or len(value) > 254 or any(c in value for c in "\r\n\0"):
        raise InvalidInput(f"{key} is one line of at most 254 characters", field=key)
    return value


def _sender(key: str, text: str) -> str:
    name, address = parseaddr(text.strip())
    if not is_address(address) or any(c in text for c in "\r\n"):
        raise InvalidInput(
            f"{key} is an email address (vicman@force.example.uk or 'Vicman <vicman@force.example.uk>'), not {text!r}",
            field=key,
        )
    return formataddr((name, address)) if name else address


def _address(key: str, text: str) -> str:
    value = text.strip()
    if not is_address(value):
        raise InvalidInput(f"{key} is an email address (bureau.north@force.example.uk), not {text!r}", field=key)
    return value


def _refuse_plain(key: str, text: str) -> str:  # the password never passes through here
    raise InvalidInput(f"{key} is kept in the keyring, not in the database", field=key)


@dataclass(frozen=True, slots=True)
class Spec:
    key: str
    label: str
    doc: str
    default: str | None
    check: Callable[[str, str], str]
    secret: bool = False


SPECS: dict[str, Spec] = {
    spec.key: spec
    for spec in (
        Spec(SMTP_HOST, "Mail server", "The SMTP server's host name or IP address.", None, _host),
        Spec(SMTP_PORT, "Port", "The SMTP server's port: 587 for submission with STARTTLS, 25 for a relay.", "587",
             _whole_number(1, 65535, "")),
        Spec(SMTP_STARTTLS, "Require STARTTLS",
             "true: encrypt with STARTTLS before logging in or sending, and send nothing if the server will not; "
             "false: plain text, only for a relay on the same machine or a trusted network.", "true", _boolean),
        Spec(SMTP_USERNAME, "User name", "The account to log in to the mail server with (empty: no login).", None,
             _one_line),
        Spec(SMTP_PASSWORD, "Password",
             f"Kept in the operating system's keyring, never in the database; where there is no keyring, set "
             f"{PASSWORD_ENV} in the environment of the scheduled task instead.", None, _refuse_plain, secret=True),
        Spec(SMTP_FROM, "From address", "The address reminders come from.", None, _sender),
        Spec(SMTP_TIMEOUT, "Time-out", "Seconds to wait for the mail server before giving up (retried later).", "30",
             _whole_number(1, 300, "seconds")),
        Spec(ESCALATE_AFTER_DAYS, "Escalate after",
             "Working days a duty may be overdue before the officer's supervisor is told.", "2",
             _whole_number(1, 365, "working days")),
        Spec(IDLE_MINUTES, "Lock after", "Minutes a signed-in desktop may sit idle before it locks.",
             str(session_policy.DEFAULT_IDLE_MINUTES),
             _whole_number(1, session_policy.MAX_IDLE_MINUTES, "minutes")),
    )
}
"""Every setting but the bureau mailboxes, which are one per division (`bureau.mailbox.<division>`)."""

MAILBOX_DOC = "The division's bureau mailbox: reminders go here when the officer has no working address."


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    label: str
    doc: str
    value: str | None
    """What is stored (None: not set). Always None for the password: see `is_set` and `stored_in`."""
    default: str | None
    is_set: bool
    secret: bool = False
    stored_in: str = ""
    """"database", "keyring", "environment" or "" (not set)."""

    @property
    def effective(self) -> str | None:
        """The value in force: the stored one, else the default (None for the password)."""
        if self.secret:
            return None
        return self.value if self.value is not None else self.default

    @property
    def shown(self) -> str:
        """What to show a person: "(set)"/"(not set)" for the password, the value, "x (default)" or "(not set)"."""
        if self.secret:
            return SET if self.is_set else NOT_SET
        if self.value is not None:
            return self.value
        return f"{self.default} (default)" if self.default is not None else NOT_SET


# --- the keyring --------------------------------------------------------------------------------------


def keyring_username(db_url: str) -> str:
    """The keyring entry of a database's mail password: one per database (its location, never its password)."""
    return f"smtp.password@{describe_url(db_url)}"


def _keyring_backend() -> object | None:
    """The keyring in use, or None when only keyring's "fail" or "null" stand-in is there."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:  # pragma: no cover - a dependency; kept for a broken install
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def keyring_available() -> bool:
    return _keyring_backend() is not None


def _keyring_password(db_url: str) -> str | None:
    if _keyring_backend() is None:
        return None
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_username(db_url))
    except Exception:  # a locked or broken keyring: fall back to the environment, never crash a send
        return None


def password_source(db_url: str) -> str:
    """Where the mail password would come from now: "keyring", "environment" or "" (nowhere)."""
    if _keyring_password(db_url):
        return "keyring"
    if os.environ.get(PASSWORD_ENV):
        return "environment"
    return ""


def smtp_password(db_url: str) -> str | None:
    """The mail password: the keyring's entry for this database, else $VICMAN_SMTP_PASSWORD, else None."""
    return _keyring_password(db_url) or os.environ.get(PASSWORD_ENV) or None


def _store_password(key: str, db_url: str, password: str) -> None:
    no_keyring = (
        f"no keyring is available on this computer to keep {key}, and vicman will not store a password in the "
        f"database: set the environment variable {PASSWORD_ENV} for the scheduled task (and the app) instead"
    )
    if _keyring_backend() is None:
        raise InvalidInput(no_keyring, field=key)
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        if password:
            keyring.set_password(KEYRING_SERVICE, keyring_username(db_url), password)
        else:
            try:
                keyring.delete_password(KEYRING_SERVICE, keyring_username(db_url))
            except PasswordDeleteError:
                pass
    except Exception as exc:  # a locked or broken keyring (D-Bus, Windows) refuses in its own words
        raise InvalidInput(f"{no_keyring} (the keyring said: {exc or type(exc).__name__})", field=key) from None


# --- reading inside a transaction ---------------------------------------------------------------------


def spec_for(key: str) -> Spec:
    """The declaration of `key`; InvalidInput naming it if there is no such setting."""
    if key in SPECS:
        return SPECS[key]
    if key.startswith(BUREAU_MAILBOX) and key[len(BUREAU_MAILBOX):].strip():
        return Spec(key, f"Bureau mailbox ({key[len(BUREAU_MAILBOX):]})", MAILBOX_DOC, None, _address)
    known = ", ".join([*SPECS, BUREAU_MAILBOX + "<division>"])
    raise InvalidInput(f"there is no setting {key!r}; the settings are: {known}", field=key)


def stored_in(session: Session, key: str) -> str | None:
    """The stored text of `key` (None if unset), as it is in the table."""
    row = session.get(SettingRow, key)
    return row.value if row is not None else None


def value_in(session: Session, key: str) -> str | None:
    """The value in force of a (non-secret) setting: the stored one if it is still valid, else the default."""
    spec = spec_for(key)
    text = stored_in(session, key)
    if text is None:
        return spec.default
    try:
        return spec.check(key, text)
    except InvalidInput:
        return spec.default


def escalate_after_days_in(session: Session) -> int:
    """Working days overdue before escalation to the supervisor (default 2)."""
    return int(value_in(session, ESCALATE_AFTER_DAYS) or 2)


def bureau_mailbox_in(session: Session, division: str) -> str | None:
    """The division's bureau mailbox, or None if none is set."""
    if not division:
        return None
    return value_in(session, BUREAU_MAILBOX + division)


def bureau_mailboxes_in(session: Session) -> dict[str, str]:
    """Every division's bureau mailbox that is set (and valid)."""
    rows = session.scalars(select(SettingRow).where(SettingRow.key.startswith(BUREAU_MAILBOX, autoescape=True)))
    found = {}
    for row in rows:
        value = value_in(session, row.key)
        if value:
            found[row.key[len(BUREAU_MAILBOX):]] = value
    return found


def missing_smtp_settings(session: Session) -> list[str]:
    """The settings email cannot go without that are not set (empty: email is set up)."""
    return [key for key in (SMTP_HOST, SMTP_FROM) if not value_in(session, key)]


def smtp_settings_in(session: Session, db_url: str) -> SmtpSettings | None:
    """The mail server settings, with the password from the keyring or the environment; None until
    `smtp.host` and `smtp.from` are set."""
    host = value_in(session, SMTP_HOST)
    sender = value_in(session, SMTP_FROM)
    if not host or not sender:
        return None
    username = value_in(session, SMTP_USERNAME)
    return SmtpSettings(
        host=host,
        port=int(value_in(session, SMTP_PORT) or 587),
        starttls=value_in(session, SMTP_STARTTLS) != "false",
        username=username or None,
        password=smtp_password(db_url) if username else None,
        sender=sender,
        timeout=float(value_in(session, SMTP_TIMEOUT) or 30),
    )


def divisions_in(session: Session) -> list[str]:
    """Every division the database knows, from officers and crimes."""
    names = session.scalars(union(select(OfficerRow.division), select(CrimeRow.division)))
    return sorted({n for n in names if n})


def _describe(session: Session, spec: Spec, db_url: str) -> Setting:
    if spec.secret:
        source = password_source(db_url)
        return Setting(spec.key, spec.label, spec.doc, None, None, bool(source), True, source)
    value = stored_in(session, spec.key)
    return Setting(spec.key, spec.label, spec.doc, value, spec.default, value is not None, False,
                   "database" if value is not None else "")


def _canonical_mailbox_key(session: Session, key: str) -> str:
    """`bureau.mailbox.<division>` with the division as the database spells it; InvalidInput if unknown."""
    division = key[len(BUREAU_MAILBOX):].strip()
    known = divisions_in(session)
    if not known:
        return BUREAU_MAILBOX + division  # nothing imported yet: take the division as given
    for name in known:
        if name.casefold() == division.casefold():
            return BUREAU_MAILBOX + name
    raise InvalidInput(f"there is no division {division!r}; the divisions are: {', '.join(known)}", field=key)


# --- for a user ---------------------------------------------------------------------------------------


def get_setting(ctx: ServiceContext, key: str) -> Setting:
    """One setting (checked as `settings.read`); InvalidInput naming `key` if there is no such setting."""
    permissions.require(ctx, permissions.READ_SETTINGS, object_type=SETTING, object_id=key)
    spec = spec_for(key)
    with ctx.db.read() as session:
        return _describe(session, spec, ctx.db.url)


def list_settings(ctx: ServiceContext) -> list[Setting]:
    """Every setting, in declaration order, then a bureau mailbox for every division (set or not)."""
    permissions.require(ctx, permissions.READ_SETTINGS, object_type=SETTING, object_id="*")
    with ctx.db.read() as session:
        return _settings_in(session, ctx.db.url)


def _settings_in(session: Session, db_url: str) -> list[Setting]:
    found = [_describe(session, spec, db_url) for spec in SPECS.values()]
    stored = {row.key for row in session.scalars(
        select(SettingRow).where(SettingRow.key.startswith(BUREAU_MAILBOX, autoescape=True)))}
    keys = sorted(stored | {BUREAU_MAILBOX + d for d in divisions_in(session)}, key=str.casefold)
    found.extend(_describe(session, spec_for(key), db_url) for key in keys)
    return found


UNCHECKED = object()
"""`set_setting`'s `expected` when the caller did not read the setting first (the command line)."""


def set_setting(ctx: ServiceContext, key: str, value: str, *, expected: str | object | None = UNCHECKED) -> Setting:
    """Set `key` to `value` after checking it (checked as `settings.change`, audited `admin` on `setting`).

    An empty value unsets the key (its default applies again). InvalidInput, naming the key, for an unknown
    key or a value that does not fit; nothing changes then. The password goes to the keyring (or is refused
    where there is none); its value is never stored in the database nor written to the audit trail.
    `expected`: the stored value (None: none) the person saw; if someone has changed it since,
    `EditConflict` and nothing is saved (not checked for the password, whose value is never shown).
    """
    permissions.require(ctx, permissions.CHANGE_SETTINGS, object_type=SETTING, object_id=key)
    spec = spec_for(key)
    if spec.secret:
        return _set_password(ctx, spec, value)
    with ctx.db.transaction() as session:
        return _apply_setting(ctx, session, key, value, expected)


def set_settings(
    ctx: ServiceContext, changes: Sequence[tuple[str, str]], expected: Mapping[str, str | None] | None = None
) -> list[Setting]:
    """Set several keys at once, as `set_setting` does one: all of them in one transaction, so a wrong value
    or a conflict on any key saves none. `expected` holds the stored values the form showed, by key (keys
    not in it are not checked). The password, kept in the keyring rather than the database, is stored last,
    only once the others are saved. Returns every setting afterwards."""
    for key, _ in changes:
        permissions.require(ctx, permissions.CHANGE_SETTINGS, object_type=SETTING, object_id=key)
    expected = expected or {}
    secret = [(key, value) for key, value in changes if spec_for(key).secret]
    with ctx.db.transaction() as session:
        for key, value in changes:
            if not spec_for(key).secret:
                _apply_setting(ctx, session, key, value, expected[key] if key in expected else UNCHECKED)
    for key, value in secret:
        _set_password(ctx, spec_for(key), value)
    with ctx.db.read() as session:
        return _settings_in(session, ctx.db.url)


def _apply_setting(
    ctx: ServiceContext, session: Session, key: str, value: str, expected: str | object | None
) -> Setting:
    spec = spec_for(key)
    text = value.strip()
    if key.startswith(BUREAU_MAILBOX):
        key = _canonical_mailbox_key(session, key)
        spec = spec_for(key)
    new = spec.check(key, text) if text else None
    row = session.get(SettingRow, key)
    before = row.value if row is not None else None
    if expected is not UNCHECKED and before != expected:
        last = concurrency.last_audited(session, SETTING, key, [audit.ADMIN])
        by, at = (last.actor, last.ts) if last is not None else ("someone else", None)
        raise concurrency.EditConflict(
            f"The setting {key}",
            [concurrency.Change(key, expected if isinstance(expected, str) else None, before, by, at)],
            "Check their change, then save again if yours is still needed.",
        )
    if before != new:
        if new is None:
            session.delete(row)
        elif row is None:
            session.add(SettingRow(key=key, value=new))
        else:
            row.value = new
        audit.record(ctx, session, audit.ADMIN, SETTING, key, {"from": before, "to": new})
        session.flush()
    return _describe(session, spec, ctx.db.url)


def _set_password(ctx: ServiceContext, spec: Spec, value: str) -> Setting:
    with ctx.db.transaction() as session:
        _store_password(spec.key, ctx.db.url, value)
        detail = {"stored_in": "keyring", "changed": True} if value else {"stored_in": "keyring", "cleared": True}
        audit.record(ctx, session, audit.ADMIN, SETTING, spec.key, detail)
        return _describe(session, spec, ctx.db.url)


def smtp_settings(ctx: ServiceContext) -> SmtpSettings | None:
    """The mail server settings with the password (checked as `mail.send`: only a sender needs them)."""
    permissions.require(ctx, permissions.SEND_MAIL, object_type=SETTING, object_id="smtp")
    with ctx.db.read() as session:
        return smtp_settings_in(session, ctx.db.url)


def escalate_after_days(ctx: ServiceContext) -> int:
    """`reminders.escalate_after_days` (checked as `settings.read`)."""
    permissions.require(ctx, permissions.READ_SETTINGS, object_type=SETTING, object_id=ESCALATE_AFTER_DAYS)
    with ctx.db.read() as session:
        return escalate_after_days_in(session)


def bureau_mailbox(ctx: ServiceContext, division: str) -> str | None:
    """The division's bureau mailbox, or None (checked as `settings.read`)."""
    permissions.require(ctx, permissions.READ_SETTINGS, object_type=SETTING, object_id=BUREAU_MAILBOX + division)
    with ctx.db.read() as session:
        return bureau_mailbox_in(session, division)

