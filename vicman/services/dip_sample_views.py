"""What the dip-sampling services return: frozen results with every name, reference and label a screen shows,
and how they are built from the stored rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.services.dip_sample_population import RISK_FLAGS
from vicman.services.errors import NotFound
from vicman.services.records import METHOD_WORDS, OUTCOME_WORDS
from vicman.store.hashing import entry_digest
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    DipSampleAckRow,
    DipSampleItemRow,
    DipSampleReviewRow,
    OfficerRow,
    PersonRow,
    core_table,
)

OBJECT_TYPE = "dip_sample"
"""What dip-sample audit records are filed under (draws, reviews, acknowledgements and consultations)."""
ANSWERS = ("yes", "no", "n/a")
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("duties_on_time", "Were the victim's duties met on time?"),
    ("contact_clear", "Was the contact clear and made the way the victim asked?"),
    ("contact_accurate", "Is the entry accurate and complete?"),
    ("needs_addressed", "Were the victim's needs addressed?"),
    ("needs_assessment_recorded", "Is a needs assessment recorded?"),
    ("vps_offered", "Was a Victim Personal Statement offered?"),
    ("referral_made", "Was the victim referred to support services?"),
)
"""The review form: each question's field and its wording, in order."""
VERDICTS: dict[str, str] = {
    "compliant": "Compliant",
    "partly": "Partly compliant",
    "not_compliant": "Not compliant",
}
DUTY_STATUSES: dict[str, str] = {
    "on_time": "Met on time",
    "late": "Met late",
    "overdue": "Overdue",
    "open": "Open",
    "waived": "Waived",
}


def duty_status(state: str, late: bool, due: date, today: date) -> str:
    """A stored duty's status for a reviewer: on_time, late, waived, overdue or open."""
    if state == "met":
        return "late" if late else "on_time"
    if state == "waived":
        return "waived"
    return "overdue" if due < today else "open"


@dataclass(frozen=True, slots=True)
class SampleView:
    id: int
    drawn_at: datetime
    drawn_by: str
    scope_kind: str
    scope_value: str | None
    scope_label: str
    period_from: date
    period_to: date
    size: int
    """The size asked for; `items` is how many were drawn (fewer when the population was smaller)."""
    method: str
    method_label: str
    seed: int
    population: int
    items: int
    reviewed: int
    audit_seq: int
    audit_hash: str
    """The head of the audit trail when the sample was drawn: print it with the sample to anchor the trail."""


@dataclass(frozen=True, slots=True)
class CorrectionRef:
    """The entry that replaced a sampled entry after the draw."""

    entry_id: int
    reason: str | None
    retracted: bool
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True, slots=True)
class SampleItemView:
    id: int
    sample_id: int
    position: int
    entry_id: int
    link_id: int
    victim_ref: str
    victim_name: str
    crime_ref: str
    officer_staff_no: str | None
    officer_name: str | None
    entry_at: datetime | None
    """None (with the other entry fields) only when the entry has gone from the database: tampering."""
    method: str | None
    method_label: str
    outcome: str | None
    outcome_label: str
    note_excerpt: str
    recorded_by: str | None
    recorded_at: datetime | None
    risk_flags: tuple[str, ...]
    risk_labels: tuple[str, ...]
    review_id: int | None
    verdict: str | None
    verdict_label: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    changed_since_drawn: bool
    """The entry as stored now does not match the hash pinned when it was drawn: it was tampered with."""
    entry_missing: bool
    corrected_by: CorrectionRef | None
    acknowledged: bool
    """The officer has acknowledged the latest review."""


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: int
    item_id: int
    sample_id: int
    entry_id: int
    at: datetime
    by: str
    entry_hash: str
    duties_on_time: str
    contact_clear: str
    contact_accurate: str
    needs_addressed: str
    needs_assessment_recorded: str
    vps_offered: str
    referral_made: str
    verdict: str
    verdict_label: str
    comments: str | None
    entry_changed: bool
    """The entry reviewed was not the entry drawn (its hash differs from the one pinned at the draw)."""
    superseded_by: int | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledgement: str | None

    def answers(self) -> tuple[tuple[str, str, str], ...]:
        """(field, question, answer) for each question of the form, in order."""
        return tuple((field, question, getattr(self, field)) for field, question in QUESTIONS)


@dataclass(frozen=True, slots=True)
class ReviewDuty:
    """One of the victim's duties in the case, as a reviewer sees it."""

    key: str
    rule: str
    title: str
    due: date
    status: str
    status_label: str
    enhanced: bool
    met_at: datetime | None
    waiver_reason: str | None


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """Everything the review form shows for one sampled entry, with suggested answers."""

    item: SampleItemView
    note: str | None
    not_meeting: tuple[str, ...]
    on_behalf_of: str | None
    duties: tuple[ReviewDuty, ...]
    suggested: dict[str, str]
    """Suggested answers for the questions the record can answer: duties_on_time,
    needs_assessment_recorded, vps_offered, referral_made."""
    reviews: tuple[ReviewView, ...]
    """Earlier reviews of this item, oldest first; the last one stands."""


@dataclass(frozen=True, slots=True)
class FindingView:
    """The latest review of one sampled entry in an officer's case: what the officer reads and acknowledges."""

    review_id: int
    item_id: int
    sample_id: int
    entry_id: int
    entry_at: datetime | None
    victim_ref: str
    victim_name: str
    crime_ref: str
    officer_staff_no: str | None
    officer_name: str | None
    verdict: str
    verdict_label: str
    answers: tuple[tuple[str, str, str], ...]
    comments: str | None
    reviewer: str
    at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledgement: str | None


# --- building views from the stored rows --------------------------------------------------------

ENTRY = core_table(ContactEntryRow)
EXCERPT_CHARS = 120


def find_item(session: Session, item_id: int) -> DipSampleItemRow:
    item = session.get(DipSampleItemRow, item_id)
    if item is None:
        raise NotFound(f"no sampled entry {item_id}")
    return item


def entry_values(session: Session, entry_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each entry's stored column values, as its digest reads them."""
    if not entry_ids:
        return {}
    rows = session.execute(select(ENTRY).where(ENTRY.c.id.in_(list(entry_ids)))).mappings()
    return {int(row["id"]): dict(row) for row in rows}


def excerpt(note: str | None) -> str:
    text = " ".join((note or "").split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def reviews_of(session: Session, item_ids: Sequence[int]) -> dict[int, list[DipSampleReviewRow]]:
    """Every review of each item, oldest first (the last one stands)."""
    found: dict[int, list[DipSampleReviewRow]] = {}
    if not item_ids:
        return found
    for review in session.scalars(
        select(DipSampleReviewRow).where(DipSampleReviewRow.item_id.in_(list(item_ids))).order_by(DipSampleReviewRow.id)
    ):
        found.setdefault(review.item_id, []).append(review)
    return found


def acks_of(session: Session, review_ids: Sequence[int]) -> dict[int, DipSampleAckRow]:
    if not review_ids:
        return {}
    rows = session.scalars(select(DipSampleAckRow).where(DipSampleAckRow.review_id.in_(list(review_ids))))
    return {row.review_id: row for row in rows}


def item_views(session: Session, items: Sequence[DipSampleItemRow]) -> list[SampleItemView]:
    if not items:
        return []
    link_ids = sorted({i.link_id for i in items})
    places = {
        row[0]: row[1:]
        for row in session.execute(
            select(CrimePersonRow.id, PersonRow.ref, PersonRow.name, CrimeRow.ref)
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
            .where(CrimePersonRow.id.in_(link_ids))
        )
    }
    officer_ids = sorted({i.officer_id for i in items if i.officer_id is not None})
    officers = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            select(OfficerRow.id, OfficerRow.staff_no, OfficerRow.name).where(OfficerRow.id.in_(officer_ids))
        )
    }
    entry_ids = [i.entry_id for i in items]
    entries = entry_values(session, entry_ids)
    corrections = {
        row.corrects_id: row
        for row in session.scalars(select(ContactEntryRow).where(ContactEntryRow.corrects_id.in_(entry_ids)))
    }
    reviews = reviews_of(session, [i.id for i in items])
    acks = acks_of(session, [r[-1].id for r in reviews.values()])
    views = []
    for item in items:
        victim_ref, victim_name, crime_ref = places[item.link_id]
        staff_no, officer_name = officers.get(item.officer_id, (None, None)) if item.officer_id else (None, None)
        entry = entries.get(item.entry_id)
        correction = corrections.get(item.entry_id)
        latest = reviews[item.id][-1] if item.id in reviews else None
        flags = tuple(f for f in item.risk.split(";") if f)
        method: str = entry["method"] if entry else ""
        outcome: str = entry["outcome"] if entry else ""
        views.append(
            SampleItemView(
                id=item.id,
                sample_id=item.sample_id,
                position=item.position,
                entry_id=item.entry_id,
                link_id=item.link_id,
                victim_ref=victim_ref,
                victim_name=victim_name,
                crime_ref=crime_ref,
                officer_staff_no=staff_no,
                officer_name=officer_name,
                entry_at=entry["at"] if entry else None,
                method=method or None,
                method_label=METHOD_WORDS.get(method, method),
                outcome=outcome or None,
                outcome_label=OUTCOME_WORDS.get(outcome, outcome),
                note_excerpt=excerpt(entry["note"]) if entry else "",
                recorded_by=entry["recorded_by"] if entry else None,
                recorded_at=entry["recorded_at"] if entry else None,
                risk_flags=flags,
                risk_labels=tuple(RISK_FLAGS.get(f, f) for f in flags),
                review_id=latest.id if latest else None,
                verdict=latest.verdict if latest else None,
                verdict_label=VERDICTS.get(latest.verdict, latest.verdict) if latest else None,
                reviewed_by=latest.by if latest else None,
                reviewed_at=latest.at if latest else None,
                changed_since_drawn=entry is None or entry_digest(ENTRY, entry) != item.entry_hash,
                entry_missing=entry is None,
                corrected_by=CorrectionRef(
                    correction.id,
                    correction.correction_reason,
                    correction.retracted,
                    correction.recorded_at,
                    correction.recorded_by,
                )
                if correction
                else None,
                acknowledged=latest is not None and latest.id in acks,
            )
        )
    return views


def review_view(
    review: DipSampleReviewRow,
    item: DipSampleItemRow,
    ack: DipSampleAckRow | None,
    superseded_by: int | None,
) -> ReviewView:
    return ReviewView(
        id=review.id,
        item_id=item.id,
        sample_id=item.sample_id,
        entry_id=item.entry_id,
        at=review.at,
        by=review.by,
        entry_hash=review.entry_hash,
        duties_on_time=review.duties_on_time,
        contact_clear=review.contact_clear,
        contact_accurate=review.contact_accurate,
        needs_addressed=review.needs_addressed,
        needs_assessment_recorded=review.needs_assessment_recorded,
        vps_offered=review.vps_offered,
        referral_made=review.referral_made,
        verdict=review.verdict,
        verdict_label=VERDICTS.get(review.verdict, review.verdict),
        comments=review.comments,
        entry_changed=review.entry_hash != item.entry_hash,
        superseded_by=superseded_by,
        acknowledged_at=ack.at if ack else None,
        acknowledged_by=ack.by if ack else None,
        acknowledgement=ack.comment if ack else None,
    )


def review_history(session: Session, item: DipSampleItemRow) -> tuple[ReviewView, ...]:
    reviews = reviews_of(session, [item.id]).get(item.id, [])
    acks = acks_of(session, [r.id for r in reviews])
    return tuple(
        review_view(r, item, acks.get(r.id), reviews[i + 1].id if i + 1 < len(reviews) else None)
        for i, r in enumerate(reviews)
    )
