"""Reading: obligations as of a date, worklists, and search."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select, type_coerce
from sqlalchemy.orm import Session

from vicman.domain.enums import ObligationState, Status
from vicman.domain.obligations import Obligation
from vicman.rules import derive_obligations
from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, NotFound
from vicman.services.parsing import name_key, phone_key, ref_key, surname_key
from vicman.services.views import DutyRow, ObligationView, SearchHit
from vicman.store.facts import CHUNK, load_link_facts
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    WorkAssignmentRow,
)
from vicman.store.types import UTCDateTime


def obligations_as_of(
    ctx: ServiceContext, as_of: date, crime_ref: str | None = None, victim_ref: str | None = None
) -> list[ObligationView]:
    """Every duty as it stood at the end of `as_of`, derived afresh from the facts known then."""
    return list(iter_obligations_as_of(ctx, as_of, crime_ref, victim_ref))


def iter_obligations_as_of(
    ctx: ServiceContext, as_of: date, crime_ref: str | None = None, victim_ref: str | None = None
) -> Iterator[ObligationView]:
    """As `obligations_as_of`, yielded a chunk of victims at a time. Unknown references fail at once.

    For a crime or a victim, checked on where that crime (the victim's nearest crime) sits; with
    neither, the whole force for a force-wide grant, else only the crimes within the user's grant
    (their division), filtered in the database.
    """
    object_id = crime_ref or victim_ref or "all"
    within = None
    if crime_ref or victim_ref:
        with ctx.db.read() as session:
            if crime_ref:
                target = permissions.crime_target(session, crime_ref)
            else:
                target = permissions.nearest(ctx.actor, permissions.person_targets(session, victim_ref or ""))
        hidden = f"no crime with reference {crime_ref}" if crime_ref else f"no victim with reference {victim_ref}"
        permissions.require(
            ctx, permissions.LIST_OBLIGATIONS, target, object_type="obligations", object_id=object_id, hide_as=hidden
        )
    else:
        within = _scope_of(ctx, permissions.LIST_OBLIGATIONS, "obligations", object_id)
    query = (
        select(CrimePersonRow.id)
        .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
        .order_by(CrimeRow.ref, PersonRow.ref)
    )
    if crime_ref:
        query = query.where(CrimeRow.ref == crime_ref)
    if victim_ref:
        query = query.where(PersonRow.ref == victim_ref)
    if within is not None:
        query = query.where(within)
    with ctx.db.read() as session:
        link_ids = list(session.scalars(query))
        if not link_ids and (crime_ref or victim_ref):
            _explain_empty(session, crime_ref, victim_ref)
    scope = {"as_of": as_of.isoformat(), "crime": crime_ref, "victim": victim_ref, "victims": len(link_ids)}
    if within is not None:
        scope["within"] = ctx.actor.division
    audit.consulted(ctx, "obligations", object_id, scope)
    return _derive_views(ctx, as_of, link_ids)


def _scope_of(ctx: ServiceContext, action: str, object_type: str, object_id: object) -> Any:
    """Check `action` on the user's own place; the crimes their grant reaches, as a SQL condition on
    CrimeRow (None: every crime)."""
    permissions.require(ctx, action, permissions.own_place(ctx.actor), object_type=object_type, object_id=object_id)
    grant = permissions.grant_for(ctx.actor, action)
    assert grant is not None  # require() refuses an action the user has no grant of
    return permissions.crimes_within(ctx.actor, grant.scope)


def _derive_views(ctx: ServiceContext, as_of: date, link_ids: list[int]) -> Iterator[ObligationView]:
    titles = ctx.code.rule_titles()
    order = {link_id: i for i, link_id in enumerate(link_ids)}
    for start in range(0, len(link_ids), CHUNK):
        with ctx.db.read() as session:
            links = load_link_facts(session, link_ids[start : start + CHUNK])
        for link in sorted(links, key=lambda x: order[x.link_id]):
            duties = derive_obligations(link.facts, ctx.code, ctx.calendar, as_of=as_of)
            for duty in sorted(duties, key=lambda d: (d.trigger_at, d.due, d.rule, d.key)):
                yield _view(duty, as_of, titles)


def _explain_empty(session: Session, crime_ref: str | None, victim_ref: str | None) -> None:
    if crime_ref and session.scalar(select(CrimeRow.id).where(CrimeRow.ref == crime_ref)) is None:
        raise NotFound(f"no crime with reference {crime_ref}")
    if victim_ref and session.scalar(select(PersonRow.id).where(PersonRow.ref == victim_ref)) is None:
        raise NotFound(f"no victim with reference {victim_ref}")


def _view(duty: Obligation, as_of: date, titles: dict[str, str]) -> ObligationView:
    return ObligationView(
        crime_ref=duty.crime_ref,
        victim_ref=duty.person_ref,
        rule=duty.rule,
        title=titles.get(duty.rule, duty.rule),
        key=duty.key,
        edition=duty.edition,
        enhanced=duty.enhanced,
        enhanced_reasons=tuple(r.text for r in duty.enhanced_reasons),
        trigger_at=duty.trigger_at,
        due=duty.due,
        status=duty.status(as_of),
        late=duty.late,
        met_at=duty.met_at,
        met_by=f"{duty.met_by_kind}:{duty.met_by_id}" if duty.met_by_kind else None,
        consent=duty.consent,
        waiver_reason=duty.waiver_reason,
    )


# --- worklists ----------------------------------------------------------------------------------


DUTY_ORDER = (ObligationRow.due, CrimeRow.ref, PersonRow.ref, ObligationRow.id)
"""Soonest due first; ties by crime and victim, not by row id alone: duties are rebuilt when facts change,
and the new ids depend on the back end (SQLite reuses freed ids, PostgreSQL's sequences never do)."""


def _duty_query() -> Select[Any]:
    last_contact = (
        select(type_coerce(func.max(ContactEntryRow.at), UTCDateTime))
        .where(ContactEntryRow.link_id == ObligationRow.link_id)
        .correlate(ObligationRow)
        .scalar_subquery()
    )
    assigned_to = (
        select(WorkAssignmentRow.assignee)
        .where(WorkAssignmentRow.link_id == ObligationRow.link_id)
        .order_by(WorkAssignmentRow.id.desc())
        .limit(1)
        .correlate(ObligationRow)
        .scalar_subquery()
    )
    columns: list[Any] = [
        ObligationRow.id.label("obligation_id"),
        CrimeRow.ref.label("crime_ref"),
        PersonRow.ref.label("victim_ref"),
        PersonRow.name.label("victim_name"),
        ObligationRow.rule,
        ObligationRow.key,
        ObligationRow.due,
        ObligationRow.trigger_at,
        ObligationRow.enhanced,
        ObligationRow.division,
        OfficerRow.staff_no.label("oic_staff_no"),
        OfficerRow.name.label("oic_name"),
        OfficerRow.team,
        PersonRow.language,
        PersonRow.interpreter_needed,
        PersonRow.preferred_method,
        PersonRow.phone,
        last_contact.label("last_contact_at"),
        assigned_to.label("assigned_to"),
    ]
    query: Select[Any] = (
        select(*columns)
        .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
        .join(PersonRow, PersonRow.id == ObligationRow.person_id)
        .outerjoin(OfficerRow, OfficerRow.id == ObligationRow.oic_id)
        .where(ObligationRow.state == ObligationState.PENDING.value)
    )
    return query


def _duty_rows(ctx: ServiceContext, session: Session, query: Select[Any], as_of: date) -> list[DutyRow]:
    titles = ctx.code.rule_titles()
    rows = []
    for row in session.execute(query).mappings():
        values = dict(row)
        values["title"] = titles.get(values["rule"], values["rule"])
        values["status"] = Status.OVERDUE if values["due"] < as_of else Status.OPEN
        rows.append(DutyRow(**values))
    return rows


@dataclass(frozen=True)
class DutyFilter:
    """What the bureau narrows its queue by. Empty fields do not filter."""

    division: str | None = None
    team: str | None = None
    oic_staff_no: str | None = None
    rule: str | None = None
    language: str | None = None
    preferred_method: str | None = None
    enhanced_only: bool = False
    overdue_only: bool = False
    assigned_to: str | None = None
    unassigned_only: bool = False


@dataclass(frozen=True)
class DutyPage:
    rows: list[DutyRow]
    total: int
    overdue: int
    due_soon: int


def _count_query(wanted: DutyFilter, until: date, as_of: date, conditions: list[Any]) -> Select[Any]:
    """Count the matching duties joining only the tables a filter needs: on the obligation table
    alone the count is a range scan of its (division, state, due) index."""
    counts: list[Any] = [func.count(), func.sum(case((ObligationRow.due < as_of, 1), else_=0))]
    query: Select[Any] = (
        select(*counts)
        .select_from(ObligationRow)
        .where(ObligationRow.state == ObligationState.PENDING.value, ObligationRow.due <= until)
    )
    if wanted.team or wanted.oic_staff_no:
        query = query.outerjoin(OfficerRow, OfficerRow.id == ObligationRow.oic_id)
    if wanted.language or wanted.preferred_method:
        query = query.join(PersonRow, PersonRow.id == ObligationRow.person_id)
    return query.where(*conditions)


def bureau_queue(
    ctx: ServiceContext, wanted: DutyFilter, as_of: date | None = None, limit: int = 200, offset: int = 0
) -> DutyPage:
    """Due and overdue duties (due by the next working day), filtered in the database, oldest first.

    `total`, `overdue` and `due_soon` count every matching duty, not only this page. Checked on the
    division asked for; with none, on the whole force.
    """
    if wanted.oic_staff_no and not wanted.division:
        # One officer's duties due by the next working day is their own worklist (My work's counts).
        _require_officer(ctx, permissions.OFFICER_WORKLIST, wanted.oic_staff_no)
    else:
        target = permissions.Target(division=wanted.division) if wanted.division else None
        permissions.require(
            ctx, permissions.BUREAU_QUEUE, target, object_type="bureau_queue", object_id=wanted.division or "all"
        )
    as_of = as_of or ctx.today()
    until = as_of - timedelta(days=1) if wanted.overdue_only else ctx.calendar.next_working_day(as_of)
    query = _duty_query().where(ObligationRow.due <= until)
    conditions = []
    if wanted.division:
        conditions.append(ObligationRow.division == wanted.division)
    if wanted.team:
        conditions.append(OfficerRow.team == wanted.team)
    if wanted.oic_staff_no:
        conditions.append(OfficerRow.staff_no == wanted.oic_staff_no)
    if wanted.rule:
        conditions.append(ObligationRow.rule == wanted.rule)
    if wanted.language:
        conditions.append(PersonRow.language == wanted.language)
    if wanted.preferred_method:
        conditions.append(PersonRow.preferred_method == wanted.preferred_method)
    if wanted.enhanced_only:
        conditions.append(ObligationRow.enhanced.is_(True))
    latest_assignee = query.selected_columns.assigned_to
    if wanted.assigned_to:
        conditions.append(latest_assignee == wanted.assigned_to)
    if wanted.unassigned_only:
        conditions.append(latest_assignee.is_(None))
    query = query.where(*conditions)
    counted = _count_query(wanted, until, as_of, conditions)
    with ctx.db.read() as session:
        total, overdue = session.execute(counted).one()
        page = query.order_by(*DUTY_ORDER).limit(limit).offset(offset)
        rows = _duty_rows(ctx, session, page, as_of)
    audit.consulted(ctx, "bureau_queue", wanted.division or "all", {"filter": str(wanted), "rows": len(rows)})
    return DutyPage(rows, total or 0, overdue or 0, (total or 0) - (overdue or 0))


def overdue_worklist(
    ctx: ServiceContext,
    division: str,
    as_of: date | None = None,
    limit: int = 200,
    offset: int = 0,
    include_due_soon: bool = False,
) -> list[DutyRow]:
    """A division's overdue duties, oldest due first; with `include_due_soon`, also those due today or next."""
    permissions.require(
        ctx,
        permissions.DIVISION_WORKLIST,
        permissions.Target(division=division),
        object_type="worklist",
        object_id=f"division:{division}",
    )
    as_of = as_of or ctx.today()
    until = ctx.calendar.next_working_day(as_of) if include_due_soon else as_of - timedelta(days=1)
    query = (
        _duty_query()
        .where(ObligationRow.division == division, ObligationRow.due <= until)
        .order_by(*DUTY_ORDER)
        .limit(limit)
        .offset(offset)
    )
    with ctx.db.read() as session:
        rows = _duty_rows(ctx, session, query, as_of)
    audit.consulted(ctx, "worklist", f"division:{division}", {"as_of": as_of.isoformat(), "rows": len(rows)})
    return rows


def officer_worklist(ctx: ServiceContext, staff_no: str, as_of: date | None = None, limit: int = 500) -> list[DutyRow]:
    """Every pending duty in the officer's cases, soonest due first."""
    _require_officer(ctx, permissions.OFFICER_WORKLIST, staff_no)
    as_of = as_of or ctx.today()
    with ctx.db.read() as session:
        officer_id = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == staff_no))
        if officer_id is None:
            raise NotFound(f"no officer with staff number {staff_no}")
        query = (
            _duty_query()
            .where(ObligationRow.oic_id == officer_id)
            .order_by(*DUTY_ORDER)
            .limit(limit)
        )
        rows = _duty_rows(ctx, session, query, as_of)
    audit.consulted(ctx, "worklist", f"officer:{staff_no}", {"as_of": as_of.isoformat(), "rows": len(rows)})
    return rows


def _require_officer(ctx: ServiceContext, action: str, staff_no: str) -> None:
    """`action` on an officer's work. Officers are listed to everyone, so an unknown one is simply not found."""
    with ctx.db.read() as session:
        target = permissions.officer_target(session, staff_no)
    if target is None:
        raise NotFound(f"no officer with staff number {staff_no}")
    permissions.require(ctx, action, target, object_type="worklist", object_id=f"officer:{staff_no}")


# --- search -------------------------------------------------------------------------------------


def search(ctx: ServiceContext, text: str, limit: int = 50) -> list[SearchHit]:
    """People by surname prefix, victim or crime reference prefix, or phone number.

    Only people with a crime within the user's grant are found (their division, unless force-wide),
    filtered in the database so that the limit counts only people the user may see.
    """
    term = text.strip()
    if len(term) < 2:
        raise InvalidInput("type at least two characters to search", field="search")
    if len(term) > 100:
        raise InvalidInput("is too long to be a name, reference or phone number", field="search")
    within = _scope_of(ctx, permissions.SEARCH, "search", term)
    visible: list[Any] = []
    if within is not None:
        in_scope = select(CrimePersonRow.person_id).join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id).where(within)
        visible.append(PersonRow.id.in_(in_scope))
    hits: dict[int, str] = {}
    with ctx.db.read() as session:
        surname = surname_key(term)
        for person_id in session.scalars(_prefix(PersonRow.id, PersonRow.surname_key, surname, limit, visible)):
            hits.setdefault(person_id, "name")
        for person_id in session.scalars(_prefix(PersonRow.id, PersonRow.name_key, name_key(term), limit, visible)):
            hits.setdefault(person_id, "name")
        key = ref_key(term)
        for person_id in session.scalars(_prefix(PersonRow.id, PersonRow.ref_key, key, limit, visible)):
            hits.setdefault(person_id, "victim reference")
        crime_people = (
            select(CrimePersonRow.person_id)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
            .where(CrimeRow.ref_key >= key, CrimeRow.ref_key < key + "\uffff")
            .where(*([within] if within is not None else []))
            .order_by(CrimeRow.ref_key)
            .limit(limit)
        )
        for person_id in session.scalars(crime_people):
            hits.setdefault(person_id, "crime reference")
        digits = phone_key(term)
        if len(digits) >= 5:
            for person_id in session.scalars(_prefix(PersonRow.id, PersonRow.phone_key, digits, limit, visible)):
                hits.setdefault(person_id, "phone")
        ids = list(hits)[:limit]
        people = {p.id: p for p in session.scalars(select(PersonRow).where(PersonRow.id.in_(ids)))}
        crimes: dict[int, list[str]] = {}
        for person_id, crime_ref in session.execute(
            select(CrimePersonRow.person_id, CrimeRow.ref)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
            .where(CrimePersonRow.person_id.in_(ids))
            .order_by(CrimeRow.ref)
        ):
            crimes.setdefault(person_id, []).append(crime_ref)
        found = [
            SearchHit(people[i].ref, people[i].name, people[i].dob, people[i].phone, tuple(crimes.get(i, ())), hits[i])
            for i in ids
            if i in people
        ]
    # Search results show victims' names and dates of birth: a consultation, logged as one.
    with ctx.db.transaction() as session:
        audit.record(ctx, session, audit.CONSULT, "search", term, {"hits": [h.person_ref for h in found]})
    return found


def _prefix(column: Any, key_column: Any, prefix: str, limit: int, visible: list[Any] | None = None) -> Select[Any]:
    query = select(column).where(key_column >= prefix, key_column < prefix + "\uffff", *(visible or ()))
    return query.order_by(key_column).limit(limit)


def count_pending(
    ctx: ServiceContext, as_of: date, division: str | None = None, officer: str | None = None
) -> dict[str, int]:
    """How many pending duties are overdue and due today, in a division or an officer's cases.

    Checked as the worklists are: an officer's as `worklist.officer`, a division's (or, with neither,
    the whole force's) as `worklist.division`.
    """
    if officer:
        _require_officer(ctx, permissions.OFFICER_WORKLIST, officer)
    if division or not officer:
        permissions.require(
            ctx,
            permissions.DIVISION_WORKLIST,
            permissions.Target(division=division) if division else None,
            object_type="worklist",
            object_id=f"division:{division}" if division else "all",
        )
    with ctx.db.read() as session:
        base = select(func.count()).select_from(ObligationRow).where(ObligationRow.state == "pending")
        if division:
            base = base.where(ObligationRow.division == division)
        if officer:
            officer_id = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == officer))
            if officer_id is None:
                raise NotFound(f"no officer with staff number {officer}")
            base = base.where(ObligationRow.oic_id == officer_id)
        overdue = session.scalar(base.where(ObligationRow.due < as_of)) or 0
        due_today = session.scalar(base.where(ObligationRow.due == as_of)) or 0
        return {"overdue": overdue, "due_today": due_today}
