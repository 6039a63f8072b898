"""How long a signed-in desktop may sit idle before it locks, and how long a session lasts.

RELIABILITY.md §3.3 (ASVS 4.0.3 §3.3.2): lock after 15 minutes idle, configurable up to 30; end a session
after 12 hours (a shift). The idle limit is a database setting so that a force sets it once for every desktop.
"""

from __future__ import annotations

from datetime import timedelta

from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.store.tables import SettingRow

IDLE_SETTING = "session.idle_minutes"
DEFAULT_IDLE_MINUTES = 15
MAX_IDLE_MINUTES = 30
SESSION_LIFETIME = timedelta(hours=12)


def idle_minutes(ctx: ServiceContext) -> int:
    """The idle limit in minutes: the setting if it is a whole number from 1 to 30, else the default."""
    with ctx.db.read() as session:
        row = session.get(SettingRow, IDLE_SETTING)
    if row is None:
        return DEFAULT_IDLE_MINUTES
    try:
        minutes = int(row.value)
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    return minutes if 1 <= minutes <= MAX_IDLE_MINUTES else DEFAULT_IDLE_MINUTES


SETTING = "setting"
"""The audit object type of a database setting."""


def set_idle_minutes(ctx: ServiceContext, minutes: int) -> int:
    """Set the idle limit for every desktop (administrators: MANAGE_USERS); audited `admin` on `setting`.

    A whole number of minutes from 1 to 30, else InvalidInput (field `idle_minutes`). Each desktop reads
    it when someone next signs in there. Returns the limit now stored.
    """
    permissions.require(ctx, permissions.MANAGE_USERS, object_type=SETTING, object_id=IDLE_SETTING)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_IDLE_MINUTES:
        raise InvalidInput(
            f"the idle limit is a whole number of minutes from 1 to {MAX_IDLE_MINUTES}, not {minutes!r}",
            field="idle_minutes",
        )
    with ctx.db.transaction() as session:
        row = session.get(SettingRow, IDLE_SETTING)
        before = row.value if row is not None else None
        if row is None:
            session.add(SettingRow(key=IDLE_SETTING, value=str(minutes)))
        elif row.value != str(minutes):
            row.value = str(minutes)
        else:
            return minutes
        audit.record(ctx, session, audit.ADMIN, SETTING, IDLE_SETTING, {"from": before, "to": str(minutes)})
    return minutes
