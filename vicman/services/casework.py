"""The officer's casework beyond contacts: needs assessment, contact contract, certification, details.

Each call is one transaction: the append-only entry, what it changes on the case (recorded as a
dated before/after detail change), its audit record, and the re-derived duties.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from vicman.domain.enums import ContactMethod
from vicman.services import audit, concurrency, permissions
from vicman.services.context import ServiceContext
from vicman.services.derivation import rederive_links
from vicman.services.entries import Recorded, _check_moment, _check_note, _link, _require_write, save_entry
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.services.parsing import ParseError, check_email, name_key, phone_key, surname_key
from vicman.store.tables import (
    CertificationRow,
    ContactContractRow,
    CrimePersonRow,
    DetailChangeRow,
    NeedsAssessmentRow,
    ObligationRow,
    PersonRow,
    core_table,
)

VPS_ANSWERS = ("accepted", "declined", "undecided")


class EditConflict(concurrency.EditConflict):
    """Someone else saved the person's details after they were read; nothing was overwritten."""

    def __init__(self, person_ref: str, changes: Sequence[concurrency.Change]):
        self.person_ref = person_ref
        super().__init__(f"The record of {person_ref}", changes, "Reopen the record and try again.")


class DutiesStillOpen(ServiceError):
    def __init__(self, open_duties: list[tuple[str, date]]):
        self.open_duties = open_duties
        listed = ", ".join(f"{rule} (due {due:%d/%m/%Y})" for rule, due in open_duties)
        super().__init__(
            f"Cannot certify: {len(open_duties)} Code duty(ies) still open: {listed}. "
            "Meet each duty or waive it with a reason first."
        )


def _detail_change(
    ctx: ServiceContext,
    session: Session,
    object_type: str,
    object_id: int,
    changes: dict[str, tuple[Any, Any]],
    source: str,
) -> None:
    rows = [
        {
            "object_type": object_type,
            "object_id": object_id,
            "field": field,
            "before": None if before is None else str(before),
            "after": None if after is None else str(after),
            "at": ctx.now(),
            "by": ctx.actor.user,
            "source": source,
        }
        for field, (before, after) in changes.items()
    ]
    if rows:
        session.execute(insert(core_table(DetailChangeRow)), rows)


def record_needs_assessment(
    ctx: ServiceContext,
    crime_ref: str,
    person_ref: str,
    *,
    mental_disorder: bool = False,
    impaired_intelligence: bool = False,
    physical_disability: bool = False,
    fear_or_distress: bool = False,
    repeatedly_targeted: bool = False,
    needs: str | None = None,
    at: datetime | None = None,
) -> Recorded:
    """The needs assessment identifies a vulnerable, intimidated or persistently targeted victim.

    From its date on, its answers decide those three enhanced-entitlement reasons (reasons such as
    bereavement or the most serious crime are kept); duties that arose earlier keep their deadlines.
    """
    moment = _check_moment(ctx, at or ctx.now())
    needs = _check_note(needs)
    _require_write(ctx, crime_ref, person_ref, "needs_assessment")
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        row = NeedsAssessmentRow(
            link_id=link.id,
            at=moment,
            mental_disorder=mental_disorder,
            impaired_intelligence=impaired_intelligence,
            physical_disability=physical_disability,
            fear_or_distress=fear_or_distress,
            repeatedly_targeted=repeatedly_targeted,
            needs=needs,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        return save_entry(ctx, session, row, "needs_assessment", audit.COLLECT, link.id, crime_ref, person_ref)


def agree_contract(
    ctx: ServiceContext,
    crime_ref: str,
    person_ref: str,
    *,
    every_days: int | None = None,
    every_months: int | None = None,
    updates_opt_out: bool = False,
    method: str | None = None,
    safe_times: str | None = None,
    may_leave_messages: bool = False,
    vps_offered: bool = False,
    vps_answer: str | None = None,
    notes: str | None = None,
    at: datetime | None = None,
) -> Recorded:
    """Record the contact contract agreed with the victim.

    From the contract's date on it sets how often updates fall due, or that the victim wants none;
    updates whose period had already started keep it, so saving a contract never re-times the past.
    """
    if every_days is not None and every_months is not None:
        raise InvalidInput("give the update period in days or in months, not both", field="frequency")
    for value, field, limit in ((every_days, "every_days", 366), (every_months, "every_months", 12)):
        if value is not None and not 1 <= value <= limit:
            raise InvalidInput(f"must be between 1 and {limit}", field=field)
    if method is not None and method not in set(ContactMethod):
        raise InvalidInput(f"must be one of {', '.join(ContactMethod)}", field="method")
    if vps_answer is not None and vps_answer not in VPS_ANSWERS:
        raise InvalidInput(f"must be one of {', '.join(VPS_ANSWERS)}", field="vps_answer")
    if vps_answer and not vps_offered:
        raise InvalidInput("a VPS answer needs the VPS to have been offered", field="vps_answer")
    if safe_times is not None and len(safe_times) > 200:
        raise InvalidInput("is longer than 200 characters", field="safe_times")
    notes = _check_note(notes)
    moment = _check_moment(ctx, at or ctx.now())
    _require_write(ctx, crime_ref, person_ref, "contact_contract")
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        row = ContactContractRow(
            link_id=link.id,
            at=moment,
            every_days=every_days,
            every_months=every_months,
            updates_opt_out=updates_opt_out,
            method=method,
            safe_times=safe_times,
            may_leave_messages=may_leave_messages,
            vps_offered=vps_offered,
            vps_answer=vps_answer,
            notes=notes,
            recorded_at=ctx.now(),
            recorded_by=ctx.actor.user,
            retracted=False,
        )
        person = session.get(PersonRow, link.person_id)
        assert person is not None
        person_values: dict[str, Any] = {"safe_times": safe_times, "may_leave_messages": may_leave_messages}
        if method:
            person_values["preferred_method"] = method
        person_changes = _apply(person, person_values)
        _detail_change(ctx, session, "person", person.id, person_changes, "contact contract")
        if person_changes:
            person.version += 1
            person.updated_at = ctx.now()
        return save_entry(ctx, session, row, "contact_contract", audit.COLLECT, link.id, crime_ref, person_ref)


def _apply(row: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changes = {k: (getattr(row, k), v) for k, v in values.items() if getattr(row, k) != v}
    for key, (_, value) in changes.items():
        setattr(row, key, value)
    return changes


def certify(ctx: ServiceContext, crime_ref: str, person_ref: str, note: str | None = None) -> Recorded:
    """Certify that every Code duty owed to this victim in this crime is met or waived with a reason."""
    note = _check_note(note)
    permissions.require_on_crime(
        ctx, permissions.CERTIFY, crime_ref, object_type="person", object_id=person_ref, detail={"crime": crime_ref}
    )
    with ctx.db.transaction() as session:
        link = _link(session, crime_ref, person_ref)
        duties = list(session.scalars(select(ObligationRow).where(ObligationRow.link_id == link.id)))
        still_open = sorted((d.rule, d.due) for d in duties if d.state == "pending")
        if still_open:
            raise DutiesStillOpen([(rule, due) for rule, due in still_open])
        row = CertificationRow(link_id=link.id, at=ctx.now(), by=ctx.actor.user, duties=len(duties), note=note)
        session.add(row)
        session.flush()
        audit.record(
            ctx, session, audit.COLLECT, "certification", row.id, {"crime": crime_ref, "person": person_ref}, entry=row
        )
        return Recorded("certification", row.id, crime_ref, person_ref, 0)


EDITABLE_PERSON_FIELDS = (
    "name",
    "dob",
    "phone",
    "email",
    "address",
    "language",
    "interpreter_needed",
    "ethnicity",
    "preferred_method",
    "safe_times",
    "may_leave_messages",
    "safe_channel",
)


def update_person_details(ctx: ServiceContext, person_ref: str, expected_version: int, **changes: Any) -> int:
    """Change a person's details. Refused, with the other person's change, if the record moved on.

    Returns the new version.
    """
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot be edited: {', '.join(sorted(unknown))}", field="details")
    changes = _validated_details(ctx, changes)
    with ctx.db.read() as session:
        target = permissions.nearest(ctx.actor, permissions.person_targets(session, person_ref))
    permissions.require(
        ctx,
        permissions.EDIT_DETAILS,
        target,
        object_type="person",
        object_id=person_ref,
        hide_as=f"no victim with reference {person_ref}",
    )
    with ctx.db.transaction() as session:
        person = session.scalars(select(PersonRow).where(PersonRow.ref == person_ref)).first()
        if person is None:
            raise NotFound(f"no victim with reference {person_ref}")
        if person.version != expected_version:
            saves = person.version - expected_version
            raise EditConflict(person_ref, concurrency.detail_changes_since(session, "person", person.id, saves))
        applied = _apply(person, changes)
        if not applied:
            return person.version
        if "name" in applied:
            person.surname_key = surname_key(person.name)
            person.name_key = name_key(person.name)
        if "phone" in applied:
            person.phone_key = phone_key(person.phone) if person.phone else None
        person.version += 1
        person.updated_at = ctx.now()
        _detail_change(ctx, session, "person", person.id, applied, "edit")
        audit.record(ctx, session, audit.ALTER, "person", person_ref, {"fields": sorted(applied)})
        if "dob" in applied:
            link_ids = session.scalars(select(CrimePersonRow.id).where(CrimePersonRow.person_id == person.id))
            rederive_links(ctx, session, list(link_ids))
        return person.version


def _validated_details(ctx: ServiceContext, changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if isinstance(value, str):
            value = value.strip() or None
        if field == "name" and not value:
            raise InvalidInput("a name is required", field="name")
        if field == "email" and value:
            try:
                value = check_email(value)
            except ParseError as exc:
                raise InvalidInput(str(exc), field="email") from None
        if field == "dob" and value is not None and (not isinstance(value, date) or value > ctx.today()):
            raise InvalidInput("must be a date in the past", field="dob")
        if field in ("preferred_method", "safe_channel") and value is not None and value not in set(ContactMethod):
            raise InvalidInput(f"must be one of {', '.join(ContactMethod)}", field=field)
        if isinstance(value, str) and len(value) > (2000 if field == "address" else 200):
            raise InvalidInput("is too long", field=field)
        cleaned[field] = value
    return cleaned
