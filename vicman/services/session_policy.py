"""How long a signed-in desktop may sit idle before it locks, and how long a session lasts.

RELIABILITY.md §3.3 (ASVS 4.0.3 §3.3.2): lock after 15 minutes idle, configurable up to 30; end a session
after 12 hours (a shift). The idle limit is a database setting so that a force sets it once for every desktop.
"""

from __future__ import annotations

from datetime import timedelta

from vicman.services.context import ServiceContext
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
