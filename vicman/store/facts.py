"""Loading the facts the rules engine reads, for many crime-person links at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session, aliased

from vicman.domain.enums import ContactMethod, EventType, Outcome, Role
from vicman.domain.facts import (
    AssessmentFact,
    CaseFacts,
    ContactFact,
    ContractFact,
    EventFact,
    ReferralFact,
    WaiverFact,
)
from vicman.store.tables import (
    ContactContractRow,
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    EventRow,
    NeedsAssessmentRow,
    PersonRow,
    ReferralRow,
    WaiverRow,
)

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """The facts of one link, with the ids and the crime's placement the obligation rows need."""

    link_id: int
    crime_id: int
    person_id: int
    division: str
    oic_id: int | None
    facts: CaseFacts


def chunks(values: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def effective(table: Any) -> Select[Any]:
    """Rows of an append-only table that stand: not replaced by a correction, not retracted."""
    newer = aliased(table)
    return select(table).where(table.retracted.is_(False), ~exists().where(newer.corrects_id == table.id))


def effective_rows(table: Any) -> Select[Any]:
    """As `effective`, but plain rows (attribute access by column) instead of ORM objects:
    loading facts for thousands of victims is dominated by building objects otherwise."""
    newer = aliased(table)
    return select(*table.__table__.c).where(table.retracted.is_(False), ~exists().where(newer.corrects_id == table.id))


def load_link_facts(
    session: Session, link_ids: Iterable[int], without_entries: Collection[int] = frozenset()
) -> list[LinkFacts]:
    """The facts of each link. `without_entries` names links known to have no events, contacts or
    other entries yet (just created with a new crime, during an import): they are not looked up."""
    ids = sorted(set(link_ids))
    result: list[LinkFacts] = []
    for chunk in chunks(ids):
        result.extend(_load_chunk(session, chunk, without_entries))
    return result


def _load_chunk(session: Session, chunk: Sequence[int], without_entries: Collection[int]) -> list[LinkFacts]:
    link_ids = [i for i in chunk if i not in without_entries]
    rows = session.execute(
        select(
            CrimePersonRow.id,
            CrimePersonRow.crime_id,
            CrimePersonRow.person_id,
            CrimePersonRow.role,
            CrimePersonRow.enhanced_reasons,
            CrimePersonRow.vs_opt_out,
            CrimePersonRow.updates_opt_out,
            CrimePersonRow.update_every_months,
            CrimePersonRow.update_every_days,
            CrimeRow.ref,
            CrimeRow.offence,
            CrimeRow.reported_at,
            CrimeRow.division,
            CrimeRow.oic_id,
            PersonRow.ref,
            PersonRow.dob,
        )
        .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
        .where(CrimePersonRow.id.in_(chunk))
    ).all()
    wanted = set(link_ids)
    crime_ids = sorted({row[1] for row in rows if row[0] in wanted})
    events: dict[int, list[EventFact]] = defaultdict(list)
    for chunk in chunks(crime_ids):
        for event in session.execute(effective_rows(EventRow).where(EventRow.crime_id.in_(chunk))):
            events[event.crime_id].append(EventFact(event.id, EventType(event.type), event.at))
    contacts: dict[int, list[ContactFact]] = defaultdict(list)
    for contact in session.execute(effective_rows(ContactEntryRow).where(ContactEntryRow.link_id.in_(link_ids))):
        unticked = frozenset(k for k in (contact.not_meeting or "").split(";") if k)
        contacts[contact.link_id].append(
            ContactFact(contact.id, contact.at, Outcome(contact.outcome), ContactMethod(contact.method), unticked)
        )
    referrals: dict[int, list[ReferralFact]] = defaultdict(list)
    for referral in session.execute(effective_rows(ReferralRow).where(ReferralRow.link_id.in_(link_ids))):
        referrals[referral.link_id].append(ReferralFact(referral.id, referral.at))
    assessments: dict[int, list[AssessmentFact]] = defaultdict(list)
    for found in session.execute(effective_rows(NeedsAssessmentRow).where(NeedsAssessmentRow.link_id.in_(link_ids))):
        assessments[found.link_id].append(AssessmentFact(found.id, found.at, assessed_reasons(found)))
    contracts: dict[int, list[ContractFact]] = defaultdict(list)
    for agreed in session.execute(effective_rows(ContactContractRow).where(ContactContractRow.link_id.in_(link_ids))):
        contracts[agreed.link_id].append(
            ContractFact(agreed.id, agreed.at, agreed.every_days, agreed.every_months, agreed.updates_opt_out)
        )
    waivers: dict[int, list[WaiverFact]] = defaultdict(list)
    for waiver in session.execute(effective_rows(WaiverRow).where(WaiverRow.link_id.in_(link_ids))):
        waivers[waiver.link_id].append(
            WaiverFact(waiver.id, waiver.obligation_key, waiver.reason, waiver.recorded_by, waiver.at)
        )
    result = []
    for (
        link_id,
        crime_id,
        person_id,
        role,
        reasons,
        vs_opt_out,
        updates_opt_out,
        months,
        days,
        crime_ref,
        offence,
        reported_at,
        division,
        oic_id,
        person_ref,
        dob,
    ) in rows:
        facts = CaseFacts(
            crime_ref=crime_ref,
            person_ref=person_ref,
            offence=offence,
            reported_at=reported_at,
            role=Role(role),
            dob=dob,
            explicit_reasons=frozenset(r for r in reasons.split(";") if r),
            vs_opt_out=vs_opt_out,
            updates_opt_out=updates_opt_out,
            update_every_months=months,
            update_every_days=days,
            events=tuple(events.get(crime_id, ())),
            contacts=tuple(contacts.get(link_id, ())),
            referrals=tuple(referrals.get(link_id, ())),
            waivers=tuple(waivers.get(link_id, ())),
            assessments=tuple(assessments.get(link_id, ())),
            contracts=tuple(contracts.get(link_id, ())),
        )
        result.append(LinkFacts(link_id, crime_id, person_id, division, oic_id, facts))
    return result


def assessed_reasons(row: Any) -> frozenset[str]:
    """The enhanced-entitlement reasons a needs assessment's answers identify."""
    found = set()
    if row.mental_disorder or row.impaired_intelligence or row.physical_disability:
        found.add("vulnerable")
    if row.fear_or_distress:
        found.add("intimidated")
    if row.repeatedly_targeted:
        found.add("persistently_targeted")
    return frozenset(found)


def links_of_crimes(session: Session, crime_ids: Iterable[int]) -> list[int]:
    ids = sorted(set(crime_ids))
    found: list[int] = []
    for chunk in chunks(ids):
        found.extend(session.scalars(select(CrimePersonRow.id).where(CrimePersonRow.crime_id.in_(chunk))))
    return found


def link_for(session: Session, crime_ref: str, person_ref: str) -> CrimePersonRow | None:
    return session.scalars(
        select(CrimePersonRow)
        .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
        .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
        .where(and_(CrimeRow.ref == crime_ref, PersonRow.ref == person_ref))
    ).first()
