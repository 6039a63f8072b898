"""Recording what happened: investigation events, contacts, referrals, waivers and corrections.

Every call is one transaction that writes the entry, its audit record and the re-derived
obligations. Entries are never changed: a correction is a new entry pointing at the old one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vicman.domain.enums import ContactMethod, EventType, Outcome
from vicman.services import audit, auth, permissions
from vicman.services.context import ServiceContext
from vicman.services.derivation import rederive_crimes, rederive_links
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.store.facts import effective, link_for
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    EventRow,
    ObligationRow,
    OfficerRow,
    ReferralRow,
    WaiverRow,
)

MAX_NOTE_CHARS = 200_000
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class DutyToMeet:
    """A pending duty that an informed contact at a given time would meet (shown ticked)."""

    key: str
    rule: str
    title: str
    due: date


def duties_a_contact_meets(ctx: ServiceContext, crime_ref: str, person_ref: str, at: datetime) -> list[DutyToMeet]:
    """What an `informed` contact with this victim at `at` would meet, soonest due first."""
    _require_write(ctx, crime_ref, person_ref, "contact")
    titles = ctx.code.rule_titles()
    with ctx.db.read() as session:
        link = _link(session, crime_ref, person_ref)
        rows = session.scalars(
            select(ObligationRow)
            .where(ObligationRow.link_id == link.id, ObligationRow.state == "pending", ObligationRow.trigger_at <= at)
            .order_by(ObligationRow.due, ObligationRow.key)
        )
        rules = {r.id: r for e in ctx.code.editions for r in e.rules}
        return [
            DutyToMeet(row.key, row.rule, titles.get(row.rule, row.rule), row.due)
            for row in rows
            if rules.get(row.rule) is not None and rules[row.rule].met_by == "informed_contact"
        ]


@dataclass(frozen=True)
class Recorded:
    """What a recording call wrote, and what it changed, so a screen refreshes only that."""

    kind: str
    id: int
    crime_ref: str
    person_ref: str | None
    obligations_rederived: int


def save_entry(
    ctx: ServiceContext,
    session: Session,
    row: Any,
    kind: str,
    action: str,
    link_id: int,
    crime_ref: str,
    person_ref: str,
    detail: dict[str, Any] | None = None,
) -> Recorded:
    """Store a new entry about one victim in one crime, audit it and re-derive that victim's duties."""
    session.add(row)
    session.flush()
    audit.record(
        ctx, session, action, kind, row.id, {"crime": crime_ref, "person": person_ref, **(detail or {})}, entry=row
    )
    derived = rederive_links(ctx, session, [link_id])
    return Recorded(kind, row.id, crime_ref, person_ref, derived)


def _require_write(ctx: ServiceContext, crime_ref: str, person_ref: str, kind: str) -> None:
    """WRITE_ENTRY about a victim in a crime, measured on the crime; checked before the transaction."""
    permissions.require_on_crime(
        ctx,
        permissions.WRITE_ENTRY,
        crime_ref,
        object_type="person",
        object_id=person_ref,
        detail={"crime": crime_ref, "entry": kind},
    )


def _crime(session: Session, crime_ref: str) -> CrimeRow:
    crime = session.scalars(select(CrimeRow).where(CrimeRow.ref == crime_ref)).first()
    if crime is None:
        raise NotFound(f"no crime with reference {crime_ref}")
    return crime


def _link(session: Session, crime_ref: str, person_ref: str) -> CrimePersonRow:
    link = link_for(session, crime_ref, person_ref)
    if link is None:
        _crime(session, crime_ref)
        raise NotFound(f"no victim {person_ref} in crime {crime_ref}")
    return link


def _check_moment(ctx: ServiceContext, at: datetime, field: str = "at") -> datetime:
    if at.tzinfo is None:
        raise InvalidInput("must include a time zone (services take aware datetimes)", field=field)
    if at > ctx.now() + FUTURE_TOLERANCE:
        raise InvalidInput(f"is in the future: {at.isoformat()}", field=field)
    return at


def _check_note(note: str | None) -> str | None:
    if note is None:
        return None
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"is {len(note):,} characters; the most a note may hold is {MAX_NOTE_CHARS:,}", field="note")
    if "\x00" in note:
        raise InvalidInput("contains a NUL character", field="note")
    return note


def _enum(kind: Any, value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(f"must be one of {', '.join(kind)}, not {value!r}", field=field) from None


def record_event(
    ctx: ServiceContext, crime_ref: str, event_type: str, at: datetime, note: str | None = None
) -> Recorded:
    kind = _enum(EventType, event_type, "type")
    _check_moment(ctx, at)
    note = _check_note(note)
    permissions.require_on_crime(
        ctx, permissions.WRITE_ENTRY, crime_ref, object_type="crime", object_id=crime_ref, detail={"entry": "event"}
    )
    with ctx.db.transaction() as session:
        crime = _crime(session, crime_ref)
        row = EventRow(
            crime_id=crime.id,
            type=kind.value,
            at=at,
            note=note,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        session.add(row)
        session.flush()
        _refresh_closed(session, crime)
        audit.record(ctx, session, audit.COLLECT, "event", row.id, {"crime": crime_ref, "type": kind.value}, entry=row)
        derived = rederive_crimes(ctx, session, [crime.id])
        return Recorded("event", row.id, crime_ref, None, derived)


def record_contact(
    ctx: ServiceContext,
    crime_ref: str,
    person_ref: str,
    at: datetime,
    method: str,
    outcome: str,
    note: str | None = None,
    on_behalf_of: str | None = None,
    not_meeting: Collection[str] = (),
) -> Recorded:
    """Log a contact or a failed attempt.

    An `informed` contact meets every pending notification and update duty that arose by then,
    except those whose keys are in `not_meeting` (the duties the officer unticked).
    """
    method_value = _enum(ContactMethod, method, "method")
    outcome_value = _enum(Outcome, outcome, "outcome")
    _check_moment(ctx, at)
    note = _check_note(note)
    _require_write(ctx, crime_ref, person_ref, "contact")
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        officer_id = _officer_id(session, on_behalf_of) if on_behalf_of else None
        unticked = sorted(set(not_meeting))
        if unticked:
            known = set(session.scalars(select(ObligationRow.key).where(ObligationRow.link_id == link.id)))
            unknown = [k for k in unticked if k not in known]
            if unknown:
                raise InvalidInput(f"names duties this victim does not have: {', '.join(unknown)}", field="not_meeting")
        row = ContactEntryRow(
            link_id=link.id,
            at=at,
            method=method_value.value,
            outcome=outcome_value.value,
            note=note,
            on_behalf_of_id=officer_id,
            not_meeting=";".join(unticked) or None,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        detail = {"outcome": outcome_value.value}
        return save_entry(ctx, session, row, "contact", audit.COLLECT, link.id, crime_ref, person_ref, detail)


def record_referral(
    ctx: ServiceContext,
    crime_ref: str,
    person_ref: str,
    at: datetime,
    service: str = "Victim Support",
    consent: str = "opt_out",
    note: str | None = None,
) -> Recorded:
    _check_moment(ctx, at)
    note = _check_note(note)
    _require_write(ctx, crime_ref, person_ref, "referral")
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        standing = session.execute(effective(ReferralRow).where(ReferralRow.link_id == link.id).limit(1)).first()
        if standing is not None:
            raise ServiceError(f"victim {person_ref} has already been referred for crime {crime_ref}")
        row = ReferralRow(
            link_id=link.id,
            at=at,
            service=service,
            consent=consent,
            note=note,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        detail = {"recipient": service}
        return save_entry(ctx, session, row, "referral", audit.DISCLOSE, link.id, crime_ref, person_ref, detail)


def waive(
    ctx: ServiceContext, crime_ref: str, person_ref: str, obligation_key: str, reason: str, at: datetime | None = None
) -> Recorded:
    """Waive one duty with a reason. `obligation_key` is the duty's key, or a rule id if only one is pending."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a waiver needs a reason", field="reason")
    _check_note(reason)
    moment = _check_moment(ctx, at or ctx.now())
    _require_write(ctx, crime_ref, person_ref, "waiver")
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        duty = _pending_duty(session, link.id, obligation_key)
        row = WaiverRow(
            link_id=link.id,
            obligation_key=duty.key,
            rule=duty.rule,
            reason=reason,
            at=moment,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        detail = {"duty": duty.key}
        return save_entry(ctx, session, row, "waiver", audit.COLLECT, link.id, crime_ref, person_ref, detail)


def _pending_duty(session: Session, link_id: int, key_or_rule: str) -> ObligationRow:
    duties = list(
        session.scalars(
            select(ObligationRow).where(
                ObligationRow.link_id == link_id,
                ObligationRow.state == "pending",
                (ObligationRow.key == key_or_rule) | (ObligationRow.rule == key_or_rule),
            )
        )
    )
    if not duties:
        raise NotFound(f"no pending duty {key_or_rule} for this victim")
    if len(duties) > 1:
        keys = ", ".join(d.key for d in duties)
        raise InvalidInput(f"{key_or_rule} matches several pending duties ({keys}); name one", field="duty")
    return duties[0]


def _refresh_closed(session: Session, crime: CrimeRow) -> None:
    """A crime is closed from its earliest standing `case_closed` event; retracting that reopens it."""
    session.flush()
    closed = effective(EventRow).where(EventRow.crime_id == crime.id, EventRow.type == EventType.CASE_CLOSED.value)
    crime.closed_at = session.scalar(select(func.min(closed.subquery().c.at)))


def _officer_id(session: Session, staff_no: str) -> int:
    found = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == staff_no))
    if found is None:
        raise NotFound(f"no officer with staff number {staff_no}")
    return found


# --- corrections --------------------------------------------------------------------------------

_CORRECTABLE: dict[str, Any] = {
    "contact": ContactEntryRow,
    "event": EventRow,
    "referral": ReferralRow,
    "waiver": WaiverRow,
}
_COPIED = {
    "contact": ("link_id", "at", "method", "outcome", "note", "on_behalf_of_id", "not_meeting"),
    "event": ("crime_id", "type", "at", "note"),
    "referral": ("link_id", "at", "service", "consent", "note"),
    "waiver": ("link_id", "obligation_key", "rule", "reason", "at"),
}


def correction_target(session: Session, table: Any, kind: str, entry_id: int) -> Any:
    """The entry to correct: it exists and has not been corrected already (correct the newest instead)."""
    original = session.get(table, entry_id)
    if original is None:
        raise NotFound(f"no {kind} entry {entry_id}")
    newer = session.scalar(select(table.id).where(table.corrects_id == entry_id))
    if newer is not None:
        raise ServiceError(
            f"{kind} entry {entry_id} has already been corrected by entry {newer}; correct that one instead"
        )
    return original


def append_correction(
    ctx: ServiceContext,
    session: Session,
    table: Any,
    kind: str,
    entry_id: int,
    values: dict[str, Any],
    fields: list[str],
    retract: bool,
    reason: str,
) -> Any:
    """Add the entry that corrects (or retracts) entry `entry_id`, with its audit record and digest."""
    row = table(
        **values,
        corrects_id=entry_id,
        retracted=retract,
        correction_reason=reason,
        recorded_at=ctx.now(),
        recorded_by=ctx.actor.user,
    )
    session.add(row)
    session.flush()
    audit.record(
        ctx, session, audit.ALTER, kind, row.id, {"corrects": entry_id, "retract": retract, "fields": fields}, entry=row
    )
    return row


def correct_entry(
    ctx: ServiceContext, kind: str, entry_id: int, reason: str, *, retract: bool = False, **changes: Any
) -> Recorded:
    """Add a correction of an entry: the same entry with `changes`, or a retraction.

    The original stays in the record, marked as corrected and linked to its correction.
    """
    table = _CORRECTABLE.get(kind)
    if table is None:
        raise InvalidInput(f"must be one of {', '.join(_CORRECTABLE)}", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a correction needs a reason", field="reason")
    unknown = set(changes) - set(_COPIED[kind])
    if unknown:
        raise InvalidInput(f"cannot be corrected on a {kind}: {', '.join(sorted(unknown))}", field="changes")
    if "at" in changes:
        _check_moment(ctx, changes["at"])
    if "note" in changes:
        _check_note(changes["note"])
    if kind == "contact":
        for field, enum in (("method", ContactMethod), ("outcome", Outcome)):
            if field in changes:
                changes[field] = _enum(enum, changes[field], field).value
    if kind == "event" and "type" in changes:
        changes["type"] = _enum(EventType, changes["type"], "type").value
    _require_correction(ctx, kind, table, entry_id)
    with ctx.db.transaction() as session:
        original = correction_target(session, table, kind, entry_id)
        values = {field: getattr(original, field) for field in _COPIED[kind]} | changes
        row = append_correction(ctx, session, table, kind, entry_id, values, sorted(changes), retract, reason)
        if kind == "event":
            crime = session.get(CrimeRow, original.crime_id)
            assert crime is not None
            _refresh_closed(session, crime)
            derived = rederive_crimes(ctx, session, [crime.id])
            return Recorded("event", row.id, crime.ref, None, derived)
        link = session.get(CrimePersonRow, original.link_id)
        assert link is not None
        derived = rederive_links(ctx, session, [link.id])
        crime_ref = session.scalar(select(CrimeRow.ref).where(CrimeRow.id == link.crime_id)) or ""
        return Recorded(kind, row.id, crime_ref, None, derived)


def _require_correction(ctx: ServiceContext, kind: str, table: Any, entry_id: int) -> None:
    """CORRECT_ENTRY on the entry's case, and only by the entry's author (unless unrestricted)."""
    with ctx.db.read() as session:
        original = session.get(table, entry_id)
        target = None
        author = None
        if original is not None:
            author = original.recorded_by
            if kind == "event":
                crime_ref = session.scalar(select(CrimeRow.ref).where(CrimeRow.id == original.crime_id))
                target = permissions.crime_target(session, crime_ref) if crime_ref else None
            else:
                target = permissions.link_target(session, original.link_id)
    hidden = f"no {kind} entry {entry_id}"
    permissions.require(ctx, permissions.CORRECT_ENTRY, target, object_type=kind, object_id=entry_id, hide_as=hidden)
    if author is not None:
        permissions.require_author(ctx, permissions.CORRECT_ENTRY, author, object_type=kind, object_id=entry_id)


# --- one contact with several victims (the bureau) ------------------------------------------------


@dataclass(frozen=True)
class ContactToLog:
    """One victim in one crime to log the same contact with, and what it does not meet for them."""

    crime_ref: str
    person_ref: str
    on_behalf_of: str | None = None
    not_meeting: tuple[str, ...] = ()


def record_contacts(
    ctx: ServiceContext,
    contacts: Sequence[ContactToLog],
    at: datetime,
    method: str,
    outcome: str,
    note: str | None = None,
) -> list[Recorded | ServiceError]:
    """Log the same contact with several victims (the bureau working its queue), one transaction each.

    Logging for more than one victim at once is a bulk action: it needs the password given within the
    last few minutes (`auth.require_fresh_authentication`), checked before anything is written. Each
    victim is then checked and recorded on its own; a refusal or a bad entry for one is returned in its
    place and does not stop the others.
    """
    if not contacts:
        raise InvalidInput("choose at least one victim", field="victims")
    if len({(c.crime_ref, c.person_ref) for c in contacts}) > 1:
        auth.require_fresh_authentication(ctx)
    done: list[Recorded | ServiceError] = []
    for c in contacts:
        try:
            done.append(
                record_contact(
                    ctx,
                    c.crime_ref,
                    c.person_ref,
                    at,
                    method,
                    outcome,
                    note=note,
                    on_behalf_of=c.on_behalf_of,
                    not_meeting=c.not_meeting,
                )
            )
        except ServiceError as exc:
            done.append(exc)
    return done
