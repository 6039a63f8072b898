"""What a dip sample is drawn from, how risky each contact was when it was drawn, and how it is drawn.

Everything here is reproducible from a sample's stored parameters: the population is the contact
entries *as known at the moment of the draw* (recorded by then, not retracted, not yet superseded by a
correction recorded by then), and the risk flags come from the facts known then and the duties as they
stood on that day. Entries, corrections, waivers and events recorded later change neither, so drawing
again with the same seed gives the same entries.

What is read as it stands now: the crime's division and officer in the case, the officer's team, and the
enhanced-rights reasons on the victim's link (changes to those are rare and recorded in `detail_change`).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, aliased

from vicman.domain.enums import ContactMethod, EventType, Outcome, Status
from vicman.domain.facts import AssessmentFact, ContactFact, ContractFact, EventFact, ReferralFact, WaiverFact
from vicman.rules import derive_obligations
from vicman.rules.localtime import end_of_local_day, local_date, start_of_local_day
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput
from vicman.store.facts import LinkFacts, assessed_reasons, chunks, load_link_facts
from vicman.store.tables import (
    ContactContractRow,
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    EventRow,
    NeedsAssessmentRow,
    OfficerRow,
    ReferralRow,
    WaiverRow,
)

METHODS: dict[str, str] = {
    "random": "Simple random",
    "stratified": "Stratified by officer",
    "risk": "Weighted towards risk",
}
SCOPE_KINDS: dict[str, str] = {"division": "Division", "team": "Team", "officer": "Officer"}
RISK_FLAGS: dict[str, str] = {
    "enhanced": "Enhanced rights",
    "late_or_overdue": "A duty met late or overdue",
    "no_contact_28d": "28 days or more since the previous contact",
}
GAP_DAYS = 28
"""A contact this many days or more after the previous one (or the report) is flagged `no_contact_28d`."""
MAX_SEED = 2**31 - 1
"""Seeds fit a 32-bit column on every back end."""


# --- scope --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedScope:
    """A scope checked against the database: a division's crimes, or the crimes of a set of officers."""

    kind: str
    value: str
    label: str
    division: str | None = None
    officer_ids: tuple[int, ...] = ()

    def crime_condition(self) -> ColumnElement[bool]:
        if self.kind == "division":
            return CrimeRow.division == self.division
        return CrimeRow.oic_id.in_(self.officer_ids)

    def officer_condition(self) -> ColumnElement[bool]:
        """The officers themselves (for compliance): a division's officers by their own division."""
        if self.kind == "division":
            return OfficerRow.division == self.division
        return OfficerRow.id.in_(self.officer_ids)


def resolve_scope(session: Session, kind: str, value: str | None) -> ResolvedScope:
    """Check a scope. `team` takes "Division/Team" (that division's team) or just the team's name (in
    any division); `officer` takes a staff number; `division` a division's name."""
    if kind not in SCOPE_KINDS:
        raise InvalidInput(f"must be one of {', '.join(SCOPE_KINDS)}, not {kind!r}", field="scope_kind")
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"say which {kind}", field="scope_value")
    if kind == "division":
        found = session.scalar(select(CrimeRow.id).where(CrimeRow.division == text).limit(1)) or session.scalar(
            select(OfficerRow.id).where(OfficerRow.division == text).limit(1)
        )
        if found is None:
            raise InvalidInput(f"no crimes or officers in division {text!r}", field="scope_value")
        return ResolvedScope(kind, text, f"Division {text}", division=text)
    if kind == "officer":
        officer = session.execute(select(OfficerRow.id, OfficerRow.name).where(OfficerRow.staff_no == text)).first()
        if officer is None:
            raise InvalidInput(f"no officer with staff number {text!r}", field="scope_value")
        return ResolvedScope(kind, text, f"{officer[1]} ({text})", officer_ids=(int(officer[0]),))
    division, slash, team = text.partition("/")
    ids: list[int] = []
    if slash:
        ids = list(
            session.scalars(
                select(OfficerRow.id).where(OfficerRow.division == division.strip(), OfficerRow.team == team.strip())
            )
        )
    label = f"Team {team.strip()} ({division.strip()})" if ids else f"Team {text}"
    if not ids:
        ids = list(session.scalars(select(OfficerRow.id).where(OfficerRow.team == text)))
    if not ids:
        raise InvalidInput(f"no officers in team {text!r}", field="scope_value")
    return ResolvedScope(kind, text, label, officer_ids=tuple(sorted(ids)))


# --- what was known at a moment -----------------------------------------------------------------


def known_at(table: Any, moment: datetime) -> list[ColumnElement[bool]]:
    """Conditions for the rows of an append-only entry table that stood at `moment`: recorded by then,
    not a retraction, and not superseded by a correction recorded by then."""
    newer = aliased(table)
    return [
        table.recorded_at <= moment,
        table.retracted.is_(False),
        ~exists().where(newer.corrects_id == table.id, newer.recorded_at <= moment),
    ]


def _rows_known(
    session: Session, table: Any, moment: datetime, key: Any, ids: Sequence[int], build: Callable[[Any], Any]
) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for chunk in chunks(ids):
        for row in session.execute(select(*table.__table__.c).where(key.in_(chunk), *known_at(table, moment))):
            found[getattr(row, key.key)].append(build(row))
    return found


def link_facts_known_at(session: Session, link_ids: Sequence[int], moment: datetime) -> list[LinkFacts]:
    """Each link's facts as they were known at `moment` (see `known_at`)."""
    ids = sorted(set(link_ids))
    links = load_link_facts(session, ids, without_entries=frozenset(ids))
    crime_ids = sorted({link.crime_id for link in links})
    events = _rows_known(
        session, EventRow, moment, EventRow.crime_id, crime_ids, lambda r: EventFact(r.id, EventType(r.type), r.at)
    )
    contacts = _rows_known(
        session,
        ContactEntryRow,
        moment,
        ContactEntryRow.link_id,
        ids,
        lambda r: ContactFact(
            r.id,
            r.at,
            Outcome(r.outcome),
            ContactMethod(r.method),
            frozenset(k for k in (r.not_meeting or "").split(";") if k),
        ),
    )
    referrals = _rows_known(session, ReferralRow, moment, ReferralRow.link_id, ids, lambda r: ReferralFact(r.id, r.at))
    waivers = _rows_known(
        session,
        WaiverRow,
        moment,
        WaiverRow.link_id,
        ids,
        lambda r: WaiverFact(r.id, r.obligation_key, r.reason, r.recorded_by, r.at),
    )
    assessments = _rows_known(
        session,
        NeedsAssessmentRow,
        moment,
        NeedsAssessmentRow.link_id,
        ids,
        lambda r: AssessmentFact(r.id, r.at, assessed_reasons(r)),
    )
    contracts = _rows_known(
        session,
        ContactContractRow,
        moment,
        ContactContractRow.link_id,
        ids,
        lambda r: ContractFact(r.id, r.at, r.every_days, r.every_months, r.updates_opt_out),
    )
    return [
        replace(
            link,
            facts=replace(
                link.facts,
                events=tuple(events.get(link.crime_id, ())),
                contacts=tuple(contacts.get(link.link_id, ())),
                referrals=tuple(referrals.get(link.link_id, ())),
                waivers=tuple(waivers.get(link.link_id, ())),
                assessments=tuple(assessments.get(link.link_id, ())),
                contracts=tuple(contracts.get(link.link_id, ())),
            ),
        )
        for link in links
    ]


# --- the population -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One contact entry that could be sampled, with why it was risky when the sample was drawn."""

    entry_id: int
    link_id: int
    officer_id: int | None
    at: datetime
    flags: tuple[str, ...]

    @property
    def weight(self) -> int:
        """Its weight in a risk-weighted draw: 1, plus 2 for each risk flag."""
        return 1 + 2 * len(self.flags)


def load_population(
    ctx: ServiceContext,
    session: Session,
    scope: ResolvedScope,
    period_from: date,
    period_to: date,
    moment: datetime,
) -> list[Candidate]:
    """The contact entries in scope dated (Europe/London) within the period, as known at `moment`, in
    entry id order, each with its risk flags as of `moment`."""
    entry = ContactEntryRow
    rows = session.execute(
        select(entry.id, entry.link_id, entry.at, CrimeRow.oic_id)
        .join(CrimePersonRow, CrimePersonRow.id == entry.link_id)
        .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        .where(
            *known_at(entry, moment),
            entry.at >= start_of_local_day(period_from),
            entry.at <= end_of_local_day(period_to),
            scope.crime_condition(),
        )
        .order_by(entry.id)
    ).all()
    flags = _risk_flags(ctx, session, [(r[0], r[1], r[2]) for r in rows], moment)
    return [Candidate(r[0], r[1], r[3], r[2], flags[r[0]]) for r in rows]


def _risk_flags(
    ctx: ServiceContext, session: Session, entries: list[tuple[int, int, datetime]], moment: datetime
) -> dict[int, tuple[str, ...]]:
    as_of = local_date(moment)
    per_link: dict[int, tuple[bool, bool, list[tuple[datetime, int]], datetime]] = {}
    for link in link_facts_known_at(session, [link_id for _, link_id, _ in entries], moment):
        duties = derive_obligations(link.facts, ctx.code, ctx.calendar, as_of=as_of)
        enhanced = bool(link.facts.explicit_reasons) or any(d.enhanced for d in duties)
        late = any(d.late or d.status(as_of) is Status.OVERDUE for d in duties)
        contacts = sorted((c.at, c.id) for c in link.facts.contacts)
        per_link[link.link_id] = (enhanced, late, contacts, link.facts.reported_at)
    result: dict[int, tuple[str, ...]] = {}
    for entry_id, link_id, at in entries:
        enhanced, late, contacts, reported_at = per_link[link_id]
        index = bisect_left(contacts, (at, entry_id))
        previous = contacts[index - 1][0] if index > 0 else reported_at
        gap = (local_date(at) - local_date(previous)).days
        flags = []
        if enhanced:
            flags.append("enhanced")
        if late:
            flags.append("late_or_overdue")
        if gap >= GAP_DAYS:
            flags.append("no_contact_28d")
        result[entry_id] = tuple(flags)
    return result


# --- drawing ------------------------------------------------------------------------------------


def choose(population: Sequence[Candidate], size: int, method: str, seed: int) -> list[Candidate]:
    """The sample, in the order drawn. Pure: the same population, size, method and seed give the same
    entries. A size of the whole population or more takes every entry, in entry id order."""
    if method not in METHODS:
        raise InvalidInput(f"must be one of {', '.join(METHODS)}, not {method!r}", field="method")
    pool = sorted(population, key=lambda c: c.entry_id)
    if size >= len(pool):
        return pool
    rng = random.Random(seed)
    if method == "random":
        return rng.sample(pool, size)
    if method == "risk":
        # Efraimidis-Spirakis: each entry's key is u ** (1 / weight); the `size` largest keys form a
        # weighted sample without replacement.
        keyed = [(rng.random() ** (1.0 / c.weight), c) for c in pool]
        keyed.sort(key=lambda pair: (-pair[0], pair[1].entry_id))
        return [c for _, c in keyed[:size]]
    strata: dict[int | None, list[Candidate]] = defaultdict(list)
    for candidate in pool:
        strata[candidate.officer_id].append(candidate)
    order = sorted(strata, key=lambda o: (o is None, o or 0))
    counts = allocate([len(strata[o]) for o in order], size)
    chosen: list[Candidate] = []
    for officer, count in zip(order, counts, strict=True):
        chosen.extend(rng.sample(strata[officer], count))
    return chosen


def allocate(sizes: Sequence[int], total: int) -> list[int]:
    """Share `total` among strata of `sizes` in proportion (largest remainder, ties to the earlier
    stratum), giving every stratum at least one when `total` allows: a stratum left with none takes one
    from the stratum most over its exact quota."""
    whole = sum(sizes)
    if total >= whole:
        return list(sizes)
    counts = [total * n // whole for n in sizes]
    remainders = [total * n % whole for n in sizes]
    for index in sorted(range(len(sizes)), key=lambda i: (-remainders[i], i))[: total - sum(counts)]:
        counts[index] += 1
    if total >= len(sizes):
        for index in range(len(sizes)):
            if counts[index] == 0:
                donor = max(
                    (j for j in range(len(sizes)) if counts[j] > 1),
                    key=lambda j: (counts[j] * whole - total * sizes[j], -j),
                )
                counts[donor] -= 1
                counts[index] += 1
    return counts
