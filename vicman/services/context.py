"""What every service call needs: the database, the Code, the calendar, who is acting, the clock."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from vicman.rules import CodeBook, WorkingCalendar, load_codebook, local_date
from vicman.store import Database, StoreUnavailable, migrate, resolve_url
from vicman.store.engine import explain_operational_error
from vicman.store.tables import ClosureDayRow

ROLES = ("officer", "bureau", "supervisor", "administrator")
LOCAL_ADMINISTRATOR = "local-admin"
"""The built-in identity of a database that has no users yet (scripts on a fresh database)."""


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: stamped on every entry and audit record, checked by every service.

    `unrestricted` is the built-in local administrator of a database with no users (and of tests and
    tools that act on a database directly); everyone else is held to the role table in
    `vicman.services.permissions`.
    """

    user: str
    workstation: str
    roles: frozenset[str] = frozenset()
    unrestricted: bool = False
    user_id: int | None = None
    officer_id: int | None = None
    staff_no: str | None = None
    division: str | None = None
    team: str | None = None

    @classmethod
    def from_environment(cls) -> Actor:
        """The local administrator, for a database with no users (the CLI signs in otherwise)."""
        return cls.local_administrator()

    @classmethod
    def local_administrator(cls, workstation: str | None = None) -> Actor:
        return cls(
            user=LOCAL_ADMINISTRATOR,
            workstation=workstation or _workstation(),
            roles=frozenset(ROLES),
            unrestricted=True,
        )

    @property
    def role_label(self) -> str:
        if self.unrestricted and not self.user_id:
            return LOCAL_ADMINISTRATOR
        return ";".join(sorted(self.roles))

    def has_role(self, role: str) -> bool:
        return self.unrestricted or role in self.roles


def _workstation() -> str:
    return socket.gethostname() or "unknown"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    db: Database
    code: CodeBook
    calendar: WorkingCalendar
    actor: Actor
    clock: Callable[[], datetime] = field(default=utc_now)
    authenticated_at: datetime | None = None
    """When the acting user last proved who they are (signing in or re-authenticating); see `auth`."""

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return local_date(self.clock())

    def close(self) -> None:
        self.db.dispose()


def open_context(
    db: str | None = None,
    actor: Actor | None = None,
    clock: Callable[[], datetime] = utc_now,
    code: CodeBook | None = None,
) -> ServiceContext:
    """Open (creating or migrating as needed) the database and load the Code."""
    database = Database(resolve_url(db))
    try:
        migrate(database.engine)
        with database.read() as session:
            closures = list(session.scalars(select(ClosureDayRow.day)))
    except OperationalError as exc:
        database.dispose()
        raise StoreUnavailable(explain_operational_error(exc)) from exc
    except Exception:
        database.dispose()
        raise
    return ServiceContext(
        db=database,
        code=code or load_codebook(),
        calendar=WorkingCalendar(closures),
        actor=actor or Actor.from_environment(),
        clock=clock,
    )
