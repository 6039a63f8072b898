"""What every service call needs: the database, the Code, the calendar, who is acting, the clock."""

from __future__ import annotations

import getpass
import os
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


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: stamped on every entry and audit record."""

    user: str
    workstation: str

    @classmethod
    def from_environment(cls) -> Actor:
        user = os.environ.get("VICMAN_USER") or _os_user()
        return cls(user=user, workstation=socket.gethostname() or "unknown")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    db: Database
    code: CodeBook
    calendar: WorkingCalendar
    actor: Actor
    clock: Callable[[], datetime] = field(default=utc_now)

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
