"""Writing the simulated world to the database, after the import has made its crimes, people and
officers: contact contracts, events, contacts, referrals and waivers in one bulk transaction, with their
detail changes and audit records, then the duties derived again."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from vicman.domain.enums import ObligationState
from vicman.rules.localtime import local_date
from vicman.services import audit
from vicman.services.context import ServiceContext
from vicman.services.demo.common import at_local
from vicman.services.demo.model import Contact, Crime, Event, Referral
from vicman.services.demo.phrases import WAIVER_REASONS
from vicman.services.demo.world import World
from vicman.services.derivation import rederive_links
from vicman.services.errors import ServiceError
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    DetailChangeRow,
    EventRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    ReferralRow,
    WaiverRow,
)

SOURCE = "demo"


class Writer:
    """Puts the simulated entries in the database in one bulk transaction; keeps their new ids for the corrections."""

    def __init__(self, ctx: ServiceContext, world: World) -> None:
        self.ctx = ctx
        self.world = world
        self.rng = world.rng
        self.user = ctx.actor.user
        self.waivers = 0
        self.contacts: list[tuple[int, Contact, Crime]] = []
        self.events: list[tuple[int, Event, Crime]] = []
        self.referrals: list[tuple[int, Referral, Crime]] = []

    def _recorded(self, at: datetime) -> datetime:
        lag = (
            timedelta(minutes=self.rng.randint(2, 240))
            if self.rng.random() < 0.85
            else timedelta(hours=self.rng.uniform(4, 48))
        )
        return min(at + lag, self.world.cutoff)

    def write(self) -> None:
        ctx, world = self.ctx, self.world
        with ctx.db.transaction() as session:
            officer_ids = dict(session.execute(select(OfficerRow.staff_no, OfficerRow.id)).all())
            crime_ids = dict(session.execute(select(CrimeRow.ref, CrimeRow.id)).all())
            person_ids = dict(session.execute(select(PersonRow.ref, PersonRow.id)).all())
            link_ids = {
                (c, p): i
                for i, c, p in session.execute(
                    select(CrimePersonRow.id, CrimePersonRow.crime_id, CrimePersonRow.person_id)
                )
            }
            self._officers_without_email(session, officer_ids)
            self._contracts(session, crime_ids, person_ids, link_ids)
            self._events(session, crime_ids)
            self._contacts(session, crime_ids, person_ids, link_ids, officer_ids)
            self._referrals(session, crime_ids, person_ids, link_ids)
            session.flush()
            all_links = sorted(link_ids.values())
            rederive_links(ctx, session, all_links)
            self._waivers(session)
            audit.record(
                ctx,
                session,
                audit.COLLECT,
                "demo",
                world.n_crimes,
                {"crimes": world.n_crimes, "as_of": world.today.isoformat()},
            )

    def _officers_without_email(self, session: Session, officer_ids: dict[str, int]) -> None:
        """A few officers have no email on file (left, or mailbox closed): reminders must go elsewhere."""
        officers = sorted(self.world.officers, key=lambda o: o.staff_no)
        chosen = self.rng.sample(officers, min(len(officers), max(2, len(officers) // 60)))
        now = self.ctx.now()
        for officer in sorted(chosen, key=lambda o: o.staff_no):
            officer_id = officer_ids.get(officer.staff_no)
            if officer_id is None:
                continue
            session.execute(update(OfficerRow).where(OfficerRow.id == officer_id).values(email=None))
            session.execute(
                insert(DetailChangeRow),
                [
                    {
                        "object_type": "officer",
                        "object_id": officer_id,
                        "field": "email",
                        "before": officer.email,
                        "after": None,
                        "at": now,
                        "by": self.user,
                        "source": SOURCE,
                    }
                ],
            )
            audit.record(
                self.ctx,
                session,
                audit.ALTER,
                "record",
                f"officer:{officer.staff_no}",
                {"fields": ["email"], "source": SOURCE},
            )
            officer.email = ""

    def _contracts(
        self,
        session: Session,
        crime_ids: dict[str, int],
        person_ids: dict[str, int],
        link_ids: dict[tuple[int, int], int],
    ) -> None:
        """Contact contracts agreed with the victim: updates every 14 days, or every 2 months."""
        changes, details, audits = [], [], []
        now = self.ctx.now()
        for crime in self.world.crimes:
            for link in crime.links:
                if not (link.every_days or link.every_months):
                    continue
                link_id = link_ids[(crime_ids[crime.ref], person_ids[link.person.ref])]
                column = "update_every_days" if link.every_days else "update_every_months"
                value = link.every_days or link.every_months
                changes.append({"id": link_id, column: value, "version": 2})
                details.append(
                    {
                        "object_type": "link",
                        "object_id": link_id,
                        "field": column,
                        "before": None,
                        "after": str(value),
                        "at": now,
                        "by": self.user,
                        "source": SOURCE,
                    }
                )
                audits.append((f"link:{crime.ref}/{link.person.ref}", {"fields": [column], "source": SOURCE}))
        for column in ("update_every_days", "update_every_months"):
            rows = [c for c in changes if column in c]
            if rows:
                session.execute(update(CrimePersonRow), rows)
        if details:
            session.execute(insert(DetailChangeRow), details)
        audit.record_many(self.ctx, session, audit.ALTER, "record", audits)

    def _events(self, session: Session, crime_ids: dict[str, int]) -> None:
        rows, items, closed, made = [], [], [], []
        for crime in self.world.crimes:
            crime_id = crime_ids[crime.ref]
            for event in crime.events:
                made.append((event, crime))
                rows.append(
                    {
                        "crime_id": crime_id,
                        "type": event.type,
                        "at": event.at,
                        "note": event.note,
                        "recorded_at": self._recorded(event.at),
                        "recorded_by": self.user,
                        "retracted": False,
                    }
                )
                items.append({"crime": crime.ref, "type": event.type})
            if crime.closed_at is not None:
                closed.append({"id": crime_id, "closed_at": crime.closed_at})
        if not rows:
            return
        ids = _insert_returning_ids(session, EventRow, rows)
        self.events = [(i, event, crime) for i, (event, crime) in zip(ids, made, strict=True)]
        audit.record_many(
            self.ctx, session, audit.COLLECT, "event", zip(ids, items, strict=True), entries=with_ids(rows, ids)
        )
        if closed:
            session.execute(update(CrimeRow), closed)

    def _contacts(
        self,
        session: Session,
        crime_ids: dict[str, int],
        person_ids: dict[str, int],
        link_ids: dict[tuple[int, int], int],
        officer_ids: dict[str, int],
    ) -> None:
        rows, items, made = [], [], []
        for crime in self.world.crimes:
            for link in crime.links:
                link_id = link_ids[(crime_ids[crime.ref], person_ids[link.person.ref])]
                for contact in link.contacts:
                    made.append((contact, crime))
                    rows.append(
                        {
                            "link_id": link_id,
                            "at": contact.at,
                            "method": contact.method,
                            "outcome": contact.outcome,
                            "note": contact.note,
                            "on_behalf_of_id": officer_ids[contact.on_behalf_of] if contact.on_behalf_of else None,
                            "recorded_at": self._recorded(contact.at),
                            "recorded_by": self.user,
                            "retracted": False,
                        }
                    )
                    items.append({"crime": crime.ref, "person": link.person.ref, "outcome": contact.outcome})
        if not rows:
            return
        ids = _insert_returning_ids(session, ContactEntryRow, rows)
        self.contacts = [(i, contact, crime) for i, (contact, crime) in zip(ids, made, strict=True)]
        audit.record_many(
            self.ctx, session, audit.COLLECT, "contact", zip(ids, items, strict=True), entries=with_ids(rows, ids)
        )

    def _referrals(
        self,
        session: Session,
        crime_ids: dict[str, int],
        person_ids: dict[str, int],
        link_ids: dict[tuple[int, int], int],
    ) -> None:
        rows, items, made = [], [], []
        for crime in self.world.crimes:
            for link in crime.links:
                referral = link.referral
                if referral is None:
                    continue
                made.append((referral, crime))
                rows.append(
                    {
                        "link_id": link_ids[(crime_ids[crime.ref], person_ids[link.person.ref])],
                        "at": referral.at,
                        "service": referral.service,
                        "consent": referral.consent,
                        "note": referral.note,
                        "recorded_at": self._recorded(referral.at),
                        "recorded_by": self.user,
                        "retracted": False,
                    }
                )
                items.append({"crime": crime.ref, "person": link.person.ref, "recipient": referral.service})
        if not rows:
            return
        ids = _insert_returning_ids(session, ReferralRow, rows)
        self.referrals = [(i, referral, crime) for i, (referral, crime) in zip(ids, made, strict=True)]
        # A referral passes the victim's details to another organisation: a disclosure, as entries.record_referral.
        audit.record_many(
            self.ctx, session, audit.DISCLOSE, "referral", zip(ids, items, strict=True), entries=with_ids(rows, ids)
        )

    def _waivers(self, session: Session) -> None:
        """Explicit waivers, with a reason, of some duties still pending (most of them overdue)."""
        world = self.world
        planted = [crime.ref for crime in world.crimes if crime.plant]
        query = (
            select(
                ObligationRow.link_id,
                ObligationRow.key,
                ObligationRow.rule,
                ObligationRow.trigger_at,
                ObligationRow.due,
                CrimeRow.ref,
                PersonRow.ref,
            )
            .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
            .join(PersonRow, PersonRow.id == ObligationRow.person_id)
            .where(
                ObligationRow.state == ObligationState.PENDING,
                ObligationRow.due < world.today,
                CrimeRow.ref.not_in(planted),
            )
            .order_by(ObligationRow.id)
        )
        pending = session.execute(query).all()
        wanted = min(len(pending), max(3, len(world.crimes) // 80))
        if not wanted:
            return
        rows: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        touched: set[int] = set()
        for link_id, key, rule, trigger_at, due, crime_ref, person_ref in sorted(
            self.rng.sample(pending, wanted), key=lambda p: (p[0], p[1])
        ):
            reasons = WAIVER_REASONS.get(rule) or WAIVER_REASONS[""]
            # In office hours, between the trigger and a few days after the due date (never today).
            first_day = local_date(trigger_at) + timedelta(days=1)
            last_day = min(due + timedelta(days=self.rng.randint(0, 10)), world.today - timedelta(days=1))
            day = first_day + timedelta(days=self.rng.randint(0, max(0, (last_day - first_day).days)))
            at = min(at_local(day, self.rng.randint(9 * 60, 18 * 60)), world.cutoff - timedelta(minutes=1))
            rows.append(
                {
                    "link_id": link_id,
                    "obligation_key": key,
                    "rule": rule,
                    "reason": self.rng.choice(reasons),
                    "at": at,
                    "recorded_at": self._recorded(at),
                    "recorded_by": self.user,
                    "retracted": False,
                }
            )
            items.append({"crime": crime_ref, "person": person_ref, "duty": key})
            touched.add(link_id)
        ids = _insert_returning_ids(session, WaiverRow, rows)
        audit.record_many(
            self.ctx, session, audit.COLLECT, "waiver", zip(ids, items, strict=True), entries=with_ids(rows, ids)
        )
        rederive_links(self.ctx, session, sorted(touched))
        self.waivers = len(ids)


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in one executemany and return their ids, in the order of `rows`.

    Neither `INSERT ... RETURNING` with ordered results (one statement per row on SQLite) nor the ORM's
    bulk insert (which splits batches wherever a value is None) is fast here. The write lock is held
    (BEGIN IMMEDIATE), so the new ids are the ones above the previous maximum, in insertion order.
    """
    if not rows:
        return []
    before = session.scalar(select(func.max(table.id))) or 0
    session.execute(insert(table.__table__), rows)
    ids = list(session.scalars(select(table.id).where(table.id > before).order_by(table.id)))
    if len(ids) != len(rows):
        raise ServiceError(f"expected {len(rows)} new {table.__tablename__} rows, found {len(ids)}")
    return ids


def with_ids(rows: list[dict[str, Any]], ids: list[int]) -> list[dict[str, Any]]:
    """The inserted rows' values with the ids the database gave them: what each audit record's digest covers."""
    return [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)]
