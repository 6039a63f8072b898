"""A realistic synthetic force for demonstrations, training and trying the app out.

`make_demo` invents six divisions, their teams and officers, and `crimes` crimes with their victims,
witnesses, parents and bereaved relatives; then simulates what officers did: investigation events,
contacts (and failed attempts), referrals to support services, waivers and a few corrections.

Everything is made up. Names are random pairings from lists of given names and surnames; phone
numbers are in Ofcom's ranges reserved for drama; emails are at reserved example domains; streets
and towns are invented. Nothing describes a real person.

The data go in through the same doors as real data: crimes and victims through the CSV import, and
the simulated entries in one bulk transaction with their audit records (so a 3000-crime force takes
seconds, not minutes), followed by a handful of corrections through `entries.correct_entry`.

The data depend only on the seed and `ctx.today()`: every report, event, contact, referral and waiver
is dated before the start of today (Europe/London), whatever the time of day, and dates are spread
around today so that the app shows every status at once: overdue, due today, due on the next working
day, open later, met on time, met late and waived. (Only the stamps of writing - audit records,
`created_at`, the corrections' `recorded_at` - carry the real moment, `ctx.now()`.)

The package, one job a module: the word lists (`places`, `names`, `offences`, `phrases`); what is built in
memory (`model`, with helpers in `common`); the generators (`population`, `force`, `crimes`), the
simulation (`investigation`, `contacts`, `notes`), assembled by `world`; the doors into the database
(`crime_csv` for the import, `writer` for the bulk transaction, `corrections`); the demo accounts (`users`);
and `summary`.

Demo accounts (beside any users already there), all with the password `demo-password-2026`:
`admin` (administrator), `supervisor` (a sergeant of the first division), `bureau` (the first division's
re-contact bureau) and up to ten officers, each named by their staff number (see `vicman.services.demo.users`).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from vicman.services import permissions
from vicman.services.context import ServiceContext
from vicman.services.demo.corrections import correct
from vicman.services.demo.crime_csv import write_csv
from vicman.services.demo.places import DIVISIONS
from vicman.services.demo.summary import DemoSummary, summarise
from vicman.services.demo.surveys import record_demo_surveys
from vicman.services.demo.users import make_demo_users
from vicman.services.demo.world import World
from vicman.services.demo.writer import Writer
from vicman.services.errors import InvalidInput, ServiceError
from vicman.services.importing import import_crimes
from vicman.store.tables import CrimeRow

__all__ = ["DemoSummary", "make_demo"]

CSV_NAME = "vicman-demo-crimes.csv"
MAX_CRIMES = 200_000


def make_demo(ctx: ServiceContext, crimes: int = 3000, seed: int = 2006) -> DemoSummary:
    """Fill an empty database with a synthetic force of `crimes` crimes; the same seed and day give the same data."""
    if crimes < 1 or crimes > MAX_CRIMES:
        raise InvalidInput(f"must be between 1 and {MAX_CRIMES:,}, not {crimes}", field="crimes")
    permissions.require(ctx, permissions.MAKE_DEMO, object_type="demo", object_id=seed)
    acting = ctx.actor
    # The simulated officers' entries and corrections are written as the person making the demo:
    # allowed to make it, they are allowed every step of it (stamped with their own name and roles).
    ctx.actor = replace(acting, unrestricted=True)
    try:
        return _make(ctx, crimes, seed)
    finally:
        ctx.actor = acting


def _make(ctx: ServiceContext, crimes: int, seed: int) -> DemoSummary:
    with ctx.db.read() as session:
        existing = session.scalar(select(func.count()).select_from(CrimeRow)) or 0
    if existing:
        raise ServiceError(
            f"the database already holds {existing:,} crimes; the demo fills an empty database only "
            "(give a new --db file)"
        )
    world = World(ctx, random.Random(seed), crimes)
    world.build()
    with tempfile.TemporaryDirectory(prefix="vicman-demo-") as folder:
        path = Path(folder) / CSV_NAME
        write_csv(world.crimes, path)
        import_crimes(ctx, path)
    writer = Writer(ctx, world)
    writer.write()
    corrections = correct(writer)
    record_demo_surveys(ctx, world, seed)
    accounts = make_demo_users(ctx, DIVISIONS[0].name)
    return summarise(ctx, seed, world.today, corrections, tuple(accounts))
