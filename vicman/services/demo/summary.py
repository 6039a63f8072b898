"""What `make_demo` made, counted back from the database, with the duties by status as of today."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from vicman.domain.enums import ObligationState
from vicman.services.context import ServiceContext
from vicman.services.demo.users import DEMO_PASSWORD
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    EventRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    ReferralRow,
    WaiverRow,
)


@dataclass(frozen=True)
class DemoSummary:
    """What `make_demo` made, and the duties by status as of `as_of` (the context's today)."""

    as_of: date
    seed: int
    divisions: int
    teams: int
    officers: int
    crimes: int
    people: int
    links: int
    events: int
    contacts: int
    referrals: int
    waivers: int
    corrections: int
    overdue: int
    due_today: int
    due_next_working_day: int
    open_later: int
    met_on_time: int
    met_late: int
    waived: int
    accounts: tuple[str, ...] = ()
    """The demo accounts made (usernames); they share the password in `demo.users.DEMO_PASSWORD`."""

    @property
    def obligations(self) -> int:
        return (
            self.overdue
            + self.due_today
            + self.due_next_working_day
            + self.open_later
            + self.met_on_time
            + self.met_late
            + self.waived
        )

    def __str__(self) -> str:
        return (
            f"Demo force as of {self.as_of:%a %d/%m/%Y} (seed {self.seed}): {self.divisions} divisions, "
            f"{self.teams} teams, {self.officers} officers, {self.crimes} crimes, {self.people} people; "
            f"{self.events} events, {self.contacts} contacts, {self.referrals} referrals, {self.waivers} waivers, "
            f"{self.corrections} corrections. Duties: {self.overdue} overdue, {self.due_today} due today, "
            f"{self.due_next_working_day} due next working day, {self.open_later} open later, "
            f"{self.met_on_time} met on time, {self.met_late} met late, {self.waived} waived."
            + (
                f" Demo accounts, all with the password {DEMO_PASSWORD}: {', '.join(self.accounts)}."
                if self.accounts
                else ""
            )
        )


def summarise(
    ctx: ServiceContext, seed: int, today: date, corrections: int, accounts: tuple[str, ...] = ()
) -> DemoSummary:
    """Count what is in the database now, and the duties by status as of `today`."""
    next_day = ctx.calendar.next_working_day(today)
    with ctx.db.read() as session:

        def count(table: Any) -> int:
            return session.scalar(select(func.count()).select_from(table)) or 0

        states: Counter[str] = Counter()
        rows = session.execute(
            select(ObligationRow.state, ObligationRow.late, ObligationRow.due, func.count()).group_by(
                ObligationRow.state, ObligationRow.late, ObligationRow.due
            )
        )
        for state, late, due, n in rows:
            if state == ObligationState.MET:
                states["met_late" if late else "met_on_time"] += n
            elif state == ObligationState.WAIVED:
                states["waived"] += n
            elif due < today:
                states["overdue"] += n
            elif due == today:
                states["due_today"] += n
            elif due == next_day:
                states["due_next_working_day"] += n
            else:
                states["open_later"] += n
        return DemoSummary(
            as_of=today,
            seed=seed,
            divisions=session.scalar(select(func.count(func.distinct(CrimeRow.division)))) or 0,
            teams=session.scalar(select(func.count(func.distinct(OfficerRow.team)))) or 0,
            officers=count(OfficerRow),
            crimes=count(CrimeRow),
            people=count(PersonRow),
            links=count(CrimePersonRow),
            events=count(EventRow),
            contacts=count(ContactEntryRow),
            referrals=count(ReferralRow),
            waivers=count(WaiverRow),
            corrections=corrections,
            overdue=states["overdue"],
            due_today=states["due_today"],
            due_next_working_day=states["due_next_working_day"],
            open_later=states["open_later"],
            met_on_time=states["met_on_time"],
            met_late=states["met_late"],
            waived=states["waived"],
            accounts=accounts,
        )
