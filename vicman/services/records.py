"""A victim's record: everything known, every duty, every time-stamped entry. Opening it is audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from vicman.domain.enums import Status
from vicman.rules.enhanced import age_on, enhanced_reasons
from vicman.rules.localtime import end_of_local_day
from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import NotFound
from vicman.services.record_views import (
    CaseView,
    CertificationView,
    ContractView,
    DutyDetail,
    NeedsAssessmentView,
    TimelineEntry,
    VictimRecord,
    ViewerView,
)
from vicman.store.facts import effective, load_link_facts
from vicman.store.tables import (
    AuditRow,
    CertificationRow,
    ContactContractRow,
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    DetailChangeRow,
    EventRow,
    NeedsAssessmentRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    ReferralRow,
    WaiverRow,
)

EVENT_WORDS = {
    "no_investigation": "Decision not to investigate",
    "arrest": "Suspect arrested",
    "interview": "Suspect interviewed under caution",
    "release_nfa": "Suspect released, no further action",
    "bail": "Suspect bailed",
    "bail_varied": "Bail varied or cancelled",
    "rui": "Suspect released under investigation",
    "charge": "Suspect charged",
    "out_of_court_disposal": "Out-of-court disposal",
    "case_closed": "Case closed",
}
FIELD_LABELS = {
    "update_every_days": "Update period (days)",
    "update_every_months": "Update period (months)",
    "updates_opt_out": "Opted out of updates",
    "vs_opt_out": "Opted out of referral",
    "enhanced_reasons": "Enhanced-rights reasons",
    "may_leave_messages": "Messages may be left",
    "safe_channel": "Safe contact channel",
    "vs_consent": "Consent to referral",
    "preferred_method": "Preferred contact method",
    "interpreter_needed": "Interpreter needed",
    "dob": "Date of birth",
    "oic_id": "Officer in the case",
    "reported_at": "Reported at",
}
METHOD_WORDS = {"phone": "Phone", "visit": "Visit", "email": "Email", "letter": "Letter", "sms": "SMS"}
OUTCOME_WORDS = {"informed": "Victim informed", "no_contact": "Attempt failed: no contact"}


VIEWERS_SHOWN = 50
"""How many of the latest openings of a record it lists (`VictimRecord.viewers`); the total is counted."""
SAME_VIEWING = timedelta(hours=12)
"""A re-read with `consult=False` within this time of the user's last opening belongs to that viewing."""


def open_victim_record(
    ctx: ServiceContext,
    person_ref: str,
    crime_ref: str | None = None,
    consult: bool = True,
    reason: audit.Reason | None = None,
    *,
    as_of: date | None = None,
) -> VictimRecord:
    """The whole record of one person, if the acting user may read it (`record.read`).

    The check is on the person's crime nearest the user (a person in one of my cases is mine). A
    person the user may not read is answered exactly as one that does not exist (NotFound, same
    words), so trying references tells nothing. Beyond the scope a user reads freely, `reason` is
    required: without it ReasonRequired is raised before anything is read.

    Opening the record writes exactly one consultation record (action `consult`, object `person`),
    carrying the reason if one was given. A screen re-reading a record it already shows (after an
    action) passes `consult=False`: if this user opened it within `SAME_VIEWING`, that opening stands
    for this read too (and its reason), else the read is logged as a new opening, so that no read of
    a record goes unlogged. `crime_ref`, if given, is the crime the record was opened from (one of the
    person's; recorded with the consultation).
    """
    hidden = f"no victim with reference {person_ref}"
    as_of = as_of or ctx.today()
    with ctx.db.read() as session:
        targets = permissions.person_targets(session, person_ref)
        viewing, earlier_reason = (False, None) if consult else _recent_viewing(ctx, session, person_ref)
    if viewing and reason is None:
        reason = earlier_reason
    permissions.require(
        ctx,
        permissions.READ_RECORD,
        permissions.nearest(ctx.actor, targets),
        object_type="person",
        object_id=person_ref,
        reason=reason,
        hide_as=hidden,
    )
    log = not viewing
    with ctx.db.transaction() if log else ctx.db.read() as session:
        person = session.scalars(select(PersonRow).where(PersonRow.ref == person_ref)).first()
        if person is None:
            raise NotFound(hidden)
        if crime_ref is not None and crime_ref not in _crime_refs(session, person.id):
            raise NotFound(f"victim {person_ref} is not in crime {crime_ref}")
        record = _build(ctx, session, person, as_of)
        if log:
            detail: dict[str, Any] = {"crimes": [c.crime_ref for c in record.cases]}
            if crime_ref is not None:
                detail["via"] = crime_ref
            audit.record(ctx, session, audit.CONSULT, "person", person_ref, detail, reason=reason)
        viewers, total = _viewers(session, person_ref)
        return replace(record, viewers=viewers, viewers_total=total)


def _recent_viewing(ctx: ServiceContext, session: Session, person_ref: str) -> tuple[bool, audit.Reason | None]:
    """Whether the acting user opened this record within `SAME_VIEWING`, and the reason they gave."""
    row = session.execute(
        select(AuditRow.ts, AuditRow.reason_code, AuditRow.reason_text)
        .where(
            AuditRow.object_type == "person",
            AuditRow.object_id == person_ref,
            AuditRow.action == audit.CONSULT,
            AuditRow.actor == ctx.actor.user,
        )
        .order_by(AuditRow.seq.desc())
        .limit(1)
    ).first()
    if row is None or not timedelta(0) <= ctx.now() - row.ts <= SAME_VIEWING:
        return False, None
    return True, audit.Reason(row.reason_code, row.reason_text or "") if row.reason_code else None


def _crime_refs(session: Session, person_id: int) -> set[str]:
    query = (
        select(CrimeRow.ref)
        .join(CrimePersonRow, CrimePersonRow.crime_id == CrimeRow.id)
        .where(CrimePersonRow.person_id == person_id)
    )
    return set(session.scalars(query))


def _viewers(session: Session, person_ref: str) -> tuple[tuple[ViewerView, ...], int]:
    """Who opened this person's record, newest first (the latest `VIEWERS_SHOWN`), and how many times in all.

    Read through the audit trail's (object_type, object_id) index: a person's records are few.
    """
    opened = (
        AuditRow.object_type == "person",
        AuditRow.object_id == person_ref,
        AuditRow.action == audit.CONSULT,
    )
    total = session.scalar(select(func.count()).select_from(AuditRow).where(*opened)) or 0
    rows = session.execute(
        select(AuditRow.ts, AuditRow.actor, AuditRow.role, AuditRow.reason_code, AuditRow.reason_text)
        .where(*opened)
        .order_by(AuditRow.seq.desc())
        .limit(VIEWERS_SHOWN)
    ).all()
    viewers = tuple(
        ViewerView(
            at=row.ts,
            user=row.actor,
            role=row.role,
            reason=audit.Reason(row.reason_code, row.reason_text or "").describe() if row.reason_code else None,
        )
        for row in rows
    )
    return viewers, total


def _build(ctx: ServiceContext, session: Session, person: PersonRow, as_of: date) -> VictimRecord:
    links = list(session.scalars(select(CrimePersonRow).where(CrimePersonRow.person_id == person.id)))
    link_ids = [link.id for link in links]
    crimes = {c.id: c for c in session.scalars(select(CrimeRow).where(CrimeRow.id.in_([k.crime_id for k in links])))}
    officer_ids = {c.oic_id for c in crimes.values() if c.oic_id}
    officers = {o.id: o for o in session.scalars(select(OfficerRow).where(OfficerRow.id.in_(officer_ids)))}
    facts = {f.link_id: f for f in load_link_facts(session, link_ids)}
    duties = _duties(ctx, session, link_ids, crimes, as_of)
    assessments = _latest(session, NeedsAssessmentRow, link_ids)
    contracts = _latest(session, ContactContractRow, link_ids)
    certificates = _latest_certificates(session, link_ids)
    cases = []
    for link in sorted(links, key=lambda k: crimes[k.crime_id].reported_at, reverse=True):
        crime = crimes[link.crime_id]
        officer = officers.get(crime.oic_id) if crime.oic_id else None
        edition = ctx.code.edition_for(as_of) or ctx.code.editions[-1]
        case_facts = facts[link.id].facts
        explicit = case_facts.explicit_reasons_at(end_of_local_day(as_of))
        reasons = enhanced_reasons(edition, case_facts, as_of, ctx.code.offences, explicit)
        assessment = assessments.get(link.id)
        contract = contracts.get(link.id)
        certificate = certificates.get(link.id)
        cases.append(
            CaseView(
                crime_ref=crime.ref,
                offence=crime.offence,
                kind=crime.kind,
                reported_at=crime.reported_at,
                division=crime.division,
                oic_staff_no=officer.staff_no if officer else None,
                oic_name=officer.name if officer else None,
                closed_at=crime.closed_at,
                role=link.role,
                enhanced_label=edition.enhanced.label,
                enhanced_reasons=tuple(r.text for r in reasons),
                vs_opt_out=link.vs_opt_out,
                updates_opt_out=link.updates_opt_out,
                duties=tuple(duties.get(link.id, ())),
                assessment=_assessment_view(assessment) if assessment else None,
                contract=_contract_view(contract) if contract else None,
                certification=CertificationView(
                    certificate.id, certificate.at, certificate.by, certificate.duties, certificate.note
                )
                if certificate
                else None,
            )
        )
    return VictimRecord(
        person_ref=person.ref,
        name=person.name,
        dob=person.dob,
        age=age_on(person.dob, as_of) if person.dob else None,
        phone=person.phone,
        email=person.email,
        address=person.address,
        language=person.language,
        interpreter_needed=person.interpreter_needed,
        preferred_method=person.preferred_method,
        safe_times=person.safe_times,
        may_leave_messages=person.may_leave_messages,
        safe_channel=person.safe_channel,
        ethnicity=person.ethnicity,
        version=person.version,
        cases=tuple(cases),
        timeline=tuple(_timeline(session, person, links, crimes, ctx.code.rule_titles())),
    )


def _duties(
    ctx: ServiceContext, session: Session, link_ids: list[int], crimes: dict[int, CrimeRow], as_of: date
) -> dict[int, list[DutyDetail]]:
    result: dict[int, list[DutyDetail]] = {}
    rows = session.scalars(select(ObligationRow).where(ObligationRow.link_id.in_(link_ids)).order_by(ObligationRow.due))
    for row in rows:
        edition = ctx.code.edition(row.edition)
        rule = edition.rule(row.rule)
        status = Status(row.state) if row.state != "pending" else (Status.OVERDUE if row.due < as_of else Status.OPEN)
        result.setdefault(row.link_id, []).append(
            DutyDetail(
                crime_ref=crimes[row.crime_id].ref,
                rule=row.rule,
                key=row.key,
                title=rule.title if rule else row.rule,
                standard=rule.standard if rule else "",
                edition=row.edition,
                edition_title=edition.title,
                trigger_at=row.trigger_at,
                due=row.due,
                status=status,
                late=row.late,
                enhanced=row.enhanced,
                consent=row.consent,
                met_at=row.met_at,
                met_by_kind=row.met_by_kind,
                met_by_id=row.met_by_id,
                waiver_reason=row.waiver_reason,
                waived_by=row.waived_by,
            )
        )
    return result


def _latest(session: Session, table: Any, link_ids: list[int]) -> dict[int, Any]:
    latest: dict[int, Any] = {}
    for row in session.scalars(effective(table).where(table.link_id.in_(link_ids)).order_by(table.at, table.id)):
        latest[row.link_id] = row
    return latest


def _latest_certificates(session: Session, link_ids: list[int]) -> dict[int, CertificationRow]:
    latest: dict[int, CertificationRow] = {}
    query = select(CertificationRow).where(CertificationRow.link_id.in_(link_ids)).order_by(CertificationRow.at)
    for row in session.scalars(query):
        latest[row.link_id] = row
    return latest


def _assessment_view(row: NeedsAssessmentRow) -> NeedsAssessmentView:
    return NeedsAssessmentView(
        row.id,
        row.at,
        row.recorded_by,
        row.mental_disorder,
        row.impaired_intelligence,
        row.physical_disability,
        row.fear_or_distress,
        row.repeatedly_targeted,
        row.needs,
    )


def _contract_view(row: ContactContractRow) -> ContractView:
    return ContractView(
        row.id,
        row.at,
        row.recorded_by,
        row.every_days,
        row.every_months,
        row.updates_opt_out,
        row.method,
        row.safe_times,
        row.may_leave_messages,
        row.vps_offered,
        row.vps_answer,
        row.notes,
    )


# --- timeline -----------------------------------------------------------------------------------


def _timeline(
    session: Session,
    person: PersonRow,
    links: list[CrimePersonRow],
    crimes: dict[int, CrimeRow],
    titles: dict[str, str],
) -> list[TimelineEntry]:
    link_ids = [k.id for k in links]
    crime_of_link = {k.id: crimes[k.crime_id].ref for k in links}
    entries: list[TimelineEntry] = []
    officers: dict[int, str] = {}

    def corrected_by(table: Any, ids: Iterable[int]) -> dict[int, int]:
        query = select(table.corrects_id, table.id).where(table.corrects_id.in_(list(ids)))
        return dict(session.execute(query).all())

    contacts = list(session.scalars(select(ContactEntryRow).where(ContactEntryRow.link_id.in_(link_ids))))
    behalf = {c.on_behalf_of_id for c in contacts if c.on_behalf_of_id}
    if behalf:
        query = select(OfficerRow.id, OfficerRow.staff_no).where(OfficerRow.id.in_(behalf))
        officers = {officer_id: staff_no for officer_id, staff_no in session.execute(query)}
    later = corrected_by(ContactEntryRow, [c.id for c in contacts])
    for c in contacts:
        summary = f"{METHOD_WORDS.get(c.method, c.method)} contact: {OUTCOME_WORDS.get(c.outcome, c.outcome)}"
        entries.append(
            _entry(
                "contact",
                c,
                c.at,
                crime_of_link[c.link_id],
                summary,
                c.note,
                later,
                officers.get(c.on_behalf_of_id) if c.on_behalf_of_id else None,
            )
        )
    events = list(session.scalars(select(EventRow).where(EventRow.crime_id.in_(list(crimes)))))
    later = corrected_by(EventRow, [e.id for e in events])
    for e in events:
        entries.append(_entry("event", e, e.at, crimes[e.crime_id].ref, EVENT_WORDS.get(e.type, e.type), e.note, later))
    referrals = list(session.scalars(select(ReferralRow).where(ReferralRow.link_id.in_(link_ids))))
    later = corrected_by(ReferralRow, [r.id for r in referrals])
    for r in referrals:
        consent = " (with explicit consent)" if r.consent == "explicit" else ""
        entries.append(
            _entry("referral", r, r.at, crime_of_link[r.link_id], f"Referred to {r.service}{consent}", r.note, later)
        )
    waivers = list(session.scalars(select(WaiverRow).where(WaiverRow.link_id.in_(link_ids))))
    later = corrected_by(WaiverRow, [w.id for w in waivers])
    for w in waivers:
        entries.append(
            _entry(
                "waiver",
                w,
                w.at,
                crime_of_link[w.link_id],
                f"Duty waived: {titles.get(w.rule, w.rule)}{_which_update(w.obligation_key)}",
                w.reason,
                later,
            )
        )
    assessments = list(session.scalars(select(NeedsAssessmentRow).where(NeedsAssessmentRow.link_id.in_(link_ids))))
    later = corrected_by(NeedsAssessmentRow, [a.id for a in assessments])
    for a in assessments:
        entries.append(
            _entry(
                "assessment", a, a.at, crime_of_link[a.link_id], "Needs assessment recorded", _assessment_text(a), later
            )
        )
    contracts = list(session.scalars(select(ContactContractRow).where(ContactContractRow.link_id.in_(link_ids))))
    later = corrected_by(ContactContractRow, [c.id for c in contracts])
    for agreed in contracts:
        entries.append(
            _entry(
                "contract",
                agreed,
                agreed.at,
                crime_of_link[agreed.link_id],
                "Contact contract agreed",
                _contract_view(agreed).frequency + (f"; {agreed.notes}" if agreed.notes else ""),
                later,
            )
        )
    for cert in session.scalars(select(CertificationRow).where(CertificationRow.link_id.in_(link_ids))):
        entries.append(
            TimelineEntry(
                "certification",
                cert.id,
                cert.at,
                cert.at,
                cert.by,
                None,
                crime_of_link[cert.link_id],
                f"Code duties certified ({cert.duties} duties)",
                cert.note,
                None,
                None,
                False,
                None,
            )
        )
    changes = session.scalars(
        select(DetailChangeRow).where(
            or_(
                (DetailChangeRow.object_type == "person") & (DetailChangeRow.object_id == person.id),
                (DetailChangeRow.object_type == "link") & DetailChangeRow.object_id.in_(link_ids),
                (DetailChangeRow.object_type == "crime") & DetailChangeRow.object_id.in_(list(crimes)),
            )
        )
    )
    for change in changes:
        crime_ref = crimes[change.object_id].ref if change.object_type == "crime" else None
        entries.append(
            TimelineEntry(
                "change",
                change.id,
                change.at,
                change.at,
                change.by,
                None,
                crime_ref,
                f"{_field_label(change.field)} changed ({change.source})",
                f"Before: {change.before or '(blank)'}\nAfter: {change.after or '(blank)'}",
                None,
                None,
                False,
                None,
            )
        )
    entries.sort(key=lambda e: (e.at, e.recorded_at, e.id), reverse=True)
    return entries


def _entry(
    kind: str,
    row: Any,
    at: Any,
    crime_ref: str | None,
    summary: str,
    detail: str | None,
    later: dict[int, int],
    on_behalf_of: str | None = None,
) -> TimelineEntry:
    if row.corrects_id:
        summary = (
            ("Retraction of entry " if row.retracted else "Correction of entry ") + f"{row.corrects_id}: " + summary
        )
    return TimelineEntry(
        kind,
        row.id,
        at,
        row.recorded_at,
        row.recorded_by,
        on_behalf_of,
        crime_ref,
        summary,
        detail,
        row.corrects_id,
        later.get(row.id),
        row.retracted,
        row.correction_reason,
    )


def _which_update(key: str) -> str:
    return f" (update {key.split(':', 1)[1]})" if key.startswith("update:") else ""


def _field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def _assessment_text(row: NeedsAssessmentRow) -> str:
    findings = [
        text
        for flag, text in (
            (row.mental_disorder, "mental disorder"),
            (row.impaired_intelligence, "impaired intelligence and social functioning"),
            (row.physical_disability, "physical disability or disorder"),
            (row.fear_or_distress, "fear or distress about giving evidence (intimidated)"),
            (row.repeatedly_targeted, "repeatedly targeted"),
        )
        if flag
    ]
    text = "Identified: " + ", ".join(findings) if findings else "No vulnerability or intimidation identified"
    return text + (f"\nNeeds: {row.needs}" if row.needs else "")
