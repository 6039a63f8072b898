"""The schema: SQLAlchemy 2.x typed mappings. Row classes are named `…Row`.

Contact entries, events, referrals, waivers, detail changes and audit records are append-only:
a correction is a new row whose `corrects_id` points at the row it replaces.
Obligations are derived data, rebuilt from the facts whenever they change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from vicman.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OfficerRow(Base):
    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    division: Mapped[str] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    away_from: Mapped[date | None] = mapped_column(Date)
    away_until: Mapped[date | None] = mapped_column(Date)
    """Away (leave, course, sickness) on these local dates, both included: reminders go to the deputy."""
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    left_on: Mapped[date | None] = mapped_column(Date)
    """The officer left the force or the role on this date: their duties' reminders go elsewhere."""


class CrimeRow(Base):
    __tablename__ = "crime"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    ref_key: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="crime")
    offence: Mapped[str] = mapped_column(String(300))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    division: Mapped[str] = mapped_column(String(64), index=True)
    oic_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PersonRow(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    ref_key: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    surname_key: Mapped[str] = mapped_column(String(200), index=True)
    name_key: Mapped[str | None] = mapped_column(String(200), index=True)
    dob: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    preferred_method: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(64))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    safe_times: Mapped[str | None] = mapped_column(String(200))
    may_leave_messages: Mapped[bool | None] = mapped_column(Boolean)
    safe_channel: Mapped[str | None] = mapped_column(String(8))
    """The contact channel the victim says is safe to use (phone, email, letter, sms, visit); None: not asked."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CrimePersonRow(Base):
    """A person linked to a crime in a role, with what is specific to that case."""

    __tablename__ = "crime_person"
    __table_args__ = (UniqueConstraint("crime_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(24), default="victim")
    enhanced_reasons: Mapped[str] = mapped_column(String(200), default="")
    vs_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    updates_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    update_every_months: Mapped[int | None] = mapped_column(Integer)
    update_every_days: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventRow(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class ContactEntryRow(Base):
    __tablename__ = "contact_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    not_meeting: Mapped[str | None] = mapped_column(String(400))
    """Duty keys (`;`-separated) the officer unticked: this contact does not meet them."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("contact_entry.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class ReferralRow(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    service: Mapped[str] = mapped_column(String(100), default="Victim Support")
    consent: Mapped[str] = mapped_column(String(16), default="opt_out")
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class WaiverRow(Base):
    __tablename__ = "waiver"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    obligation_key: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("waiver.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class ObligationRow(Base):
    """A derived duty. Rebuilt for a crime and person whenever their facts change."""

    __tablename__ = "obligation"
    __table_args__ = (
        UniqueConstraint("link_id", "key"),
        Index("ix_obligation_division_state_due", "division", "state", "due"),
        Index("ix_obligation_oic_state_due", "oic_id", "state", "due"),
        # Reports count a period's duties by due date: these cover the whole count, so it never reads the rows.
        Index("ix_obligation_division_due_report", "division", "due", "rule", "state", "late", "oic_id"),
        Index("ix_obligation_oic_due_report", "oic_id", "due", "rule", "state", "late"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"))
    # No indexes of their own: duties are found by division, officer or link, and only join out.
    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    rule: Mapped[str] = mapped_column(String(48))
    key: Mapped[str] = mapped_column(String(40))
    edition: Mapped[str] = mapped_column(String(8))
    enhanced: Mapped[bool] = mapped_column(Boolean)
    enhanced_reasons: Mapped[str] = mapped_column(String(400), default="")
    trigger_at: Mapped[datetime] = mapped_column(UTCDateTime)
    trigger_date: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    consent: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8))
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_by_kind: Mapped[str | None] = mapped_column(String(16))
    met_by_id: Mapped[int | None] = mapped_column(Integer)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    waived_by: Mapped[str | None] = mapped_column(String(64))
    waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    division: Mapped[str] = mapped_column(String(64))
    oic_id: Mapped[int | None] = mapped_column(Integer)


class DetailChangeRow(Base):
    """One field of a person, crime or link changed: before and after, who and when."""

    __tablename__ = "detail_change"
    __table_args__ = (Index("ix_detail_change_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(24))
    object_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(48))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64), default="edit")


class AuditRow(Base):
    """One link of the hash-chained audit trail (DPA 2018 s.62).

    `seq` counts from 1 without gaps; `hash` covers `prev_hash` and every other field, and
    `entry_hash` is the digest of the entry the record describes (a contact, event, referral, ...),
    so that changing, inserting or deleting either shows when the chain is verified.
    """

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(24))
    object_type: Mapped[str] = mapped_column(String(24))
    object_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_text: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[str | None] = mapped_column(Text)
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class UserRow(Base):
    """Someone who signs in. Roles are `;`-separated; officers are linked to their officer record."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200))
    division: Mapped[str | None] = mapped_column(String(64))
    team: Mapped[str | None] = mapped_column(String(64))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    """Failed sign-ins since the last success: drives the progressive delay and the lockout."""
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class DipSampleRow(Base):
    """A supervisor's dip sample: how it was drawn (so it can be drawn again) and the chain head then."""

    __tablename__ = "dip_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    drawn_by: Mapped[str] = mapped_column(String(64))
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[str | None] = mapped_column(String(64))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    size: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    audit_seq: Mapped[int] = mapped_column(Integer)
    audit_hash: Mapped[str] = mapped_column(String(64))


class DipSampleItemRow(Base):
    """One sampled contact entry, pinned by the hash of the entry when it was drawn."""

    __tablename__ = "dip_sample_item"
    __table_args__ = (UniqueConstraint("sample_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("dip_sample.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[int] = mapped_column(ForeignKey("contact_entry.id"))
    entry_hash: Mapped[str] = mapped_column(String(64))
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), index=True)
    risk: Mapped[str] = mapped_column(String(200), default="")
    """Why the item was risky when drawn (`;`-separated: enhanced, late, overdue, no_contact_28d)."""


class DipSampleReviewRow(Base):
    """A supervisor's findings on one sampled item. Append-only: a later review supersedes an earlier one."""

    __tablename__ = "dip_sample_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("dip_sample_item.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    """The hash of the entry as reviewed: a later change to the entry shows against the review."""
    duties_on_time: Mapped[str] = mapped_column(String(8))
    contact_clear: Mapped[str] = mapped_column(String(8))
    contact_accurate: Mapped[str] = mapped_column(String(8))
    needs_addressed: Mapped[str] = mapped_column(String(8))
    needs_assessment_recorded: Mapped[str] = mapped_column(String(8))
    vps_offered: Mapped[str] = mapped_column(String(8))
    referral_made: Mapped[str] = mapped_column(String(8))
    verdict: Mapped[str] = mapped_column(String(16))
    comments: Mapped[str | None] = mapped_column(Text)


class DipSampleAckRow(Base):
    """The officer has read a review of their work."""

    __tablename__ = "dip_sample_ack"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("dip_sample_review.id"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)


class OutboxMessageRow(Base):
    """One email to send. Deciding what to send (a row) and sending it are separate: a message is queued
    once (its `key` is unique), then sent, retried with back-off, and never sent twice."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    """Idempotency key, e.g. `digest:2026-11-26:PC1234`: queuing the same message again does nothing."""
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(200))
    """Why this recipient (the officer; their deputy while away; the bureau because the officer has left)."""
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    duties: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of the obligation ids the message concerns."""
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClosureDayRow(Base):
    """A day the force treats as non-working on top of the bank holidays."""

    __tablename__ = "closure_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))


class SettingRow(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


APPEND_ONLY_TABLES = (
    "contact_entry",
    "event",
    "referral",
    "waiver",
    "detail_change",
    "audit",
    "needs_assessment",
    "contact_contract",
    "certification",
    "work_assignment",
    "dip_sample",
    "dip_sample_item",
    "dip_sample_review",
    "dip_sample_ack",
    "satisfaction_survey",
)


class NeedsAssessmentRow(Base):
    """A needs assessment of a victim in a crime; the newest standing one applies."""

    __tablename__ = "needs_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    mental_disorder: Mapped[bool] = mapped_column(Boolean, default=False)
    impaired_intelligence: Mapped[bool] = mapped_column(Boolean, default=False)
    physical_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    fear_or_distress: Mapped[bool] = mapped_column(Boolean, default=False)
    repeatedly_targeted: Mapped[bool] = mapped_column(Boolean, default=False)
    needs: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("needs_assessment.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class ContactContractRow(Base):
    """How and how often the victim agreed to be updated; the newest standing one applies."""

    __tablename__ = "contact_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    every_days: Mapped[int | None] = mapped_column(Integer)
    every_months: Mapped[int | None] = mapped_column(Integer)
    updates_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str | None] = mapped_column(String(8))
    safe_times: Mapped[str | None] = mapped_column(String(200))
    may_leave_messages: Mapped[bool] = mapped_column(Boolean, default=False)
    vps_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    vps_answer: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("contact_contract.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


class CertificationRow(Base):
    """The officer's certificate that every Code duty for this victim in this crime is met or waived."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))
    duties: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class WorkAssignmentRow(Base):
    """Who in the bureau has taken on a victim's contacts in a crime; the newest one stands."""

    __tablename__ = "work_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    assignee: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(64))


class SatisfactionSurveyRow(Base):
    """A victim's answers to the satisfaction survey about one crime: each question on a five-point
    scale (1 very dissatisfied … 5 very satisfied; None when not answered). An entry: corrected, never
    changed."""

    __tablename__ = "satisfaction_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("crime_person.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    """When the victim answered."""
    method: Mapped[str] = mapped_column(String(12))
    """phone, post, online, in_person or sms."""
    overall: Mapped[int | None] = mapped_column(Integer)
    kept_informed: Mapped[int | None] = mapped_column(Integer)
    treatment: Mapped[int | None] = mapped_column(Integer)
    ease_of_contact: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("satisfaction_survey.id"), unique=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str | None] = mapped_column(Text)


def core_table(row: type[Base]) -> Table:
    """The Core table of a mapping. Bulk inserts through it send one executemany per batch, where
    the ORM would split the batch wherever a row has a None."""
    return cast(Table, row.__table__)
