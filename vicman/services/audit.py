"""The audit trail: who did what to which record, when (UTC), from where, and why.

Every record is chained to the one before it (see `vicman.store.audit_chain`); a record that
creates an entry carries the digest of the entry as stored, so `vicman audit verify` can tell a
changed, inserted or deleted entry from an untouched one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from vicman.services.context import ServiceContext
from vicman.store import audit_chain
from vicman.store.hashing import entry_digest
from vicman.store.tables import (
    Base,
    CertificationRow,
    ContactContractRow,
    ContactEntryRow,
    EventRow,
    NeedsAssessmentRow,
    ReferralRow,
    SatisfactionSurveyRow,
    WaiverRow,
    core_table,
)

COLLECT = "collect"
ALTER = "alter"
CONSULT = "consult"
DISCLOSE = "disclose"
COMBINE = "combine"
ERASE = "erase"
REVIEW = "review"
LOGIN = "login"
LOGIN_FAILED = "login-failed"
LOGOUT = "logout"
AUTHZ_DENY = "authz-deny"
ADMIN = "admin"

ENTRY_TABLES: dict[str, type[Base]] = {
    "contact": ContactEntryRow,
    "event": EventRow,
    "referral": ReferralRow,
    "waiver": WaiverRow,
    "needs_assessment": NeedsAssessmentRow,
    "contact_contract": ContactContractRow,
    "certification": CertificationRow,
    "satisfaction_survey": SatisfactionSurveyRow,
}
"""Entries whose creating audit record carries their digest: the verifier checks each against it."""

REASON_CODES: dict[str, str] = {
    "own_case": "My case or my team's case",
    "covering": "Covering for a colleague (leave, sickness, rest days)",
    "bureau_contact": "Making a contact for the re-contact bureau",
    "supervision": "Supervision or dip sampling",
    "victim_called": "The victim or their representative contacted us",
    "linked_enquiry": "Linked enquiry or another crime involving this person",
    "complaint": "Complaint, review or professional standards",
    "other": "Other (say why)",
}
"""Why someone opened a record outside their own cases: a short list plus free text."""


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str = ""

    def describe(self) -> str:
        label = REASON_CODES.get(self.code, self.code)
        return f"{label}: {self.text}" if self.text else label


def entry_values(row: Any) -> dict[str, Any]:
    """The column values of an ORM entry row, as the digest reads them."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def record(
    ctx: ServiceContext,
    session: Session,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
    *,
    entry: Any = None,
    reason: Reason | None = None,
    recipients: Sequence[str] | None = None,
) -> None:
    """One audit record in the caller's transaction. `entry`: the row (ORM object) this record creates."""
    values = entry_values(entry) if entry is not None and not isinstance(entry, Mapping) else entry
    record_many(
        ctx,
        session,
        action,
        object_type,
        [(object_id, detail)],
        entries=[values] if values is not None else None,
        reason=reason,
        recipients=recipients,
    )


def record_many(
    ctx: ServiceContext,
    session: Session,
    action: str,
    object_type: str,
    items: Iterable[tuple[object, dict[str, Any] | None]],
    *,
    entries: Sequence[Mapping[str, Any]] | None = None,
    reason: Reason | None = None,
    recipients: Sequence[str] | None = None,
) -> None:
    """Audit records for many objects at once; `entries`, if given, are the created rows' values in order."""
    now = ctx.now()
    actor = ctx.actor
    table = core_table(ENTRY_TABLES[object_type]) if entries is not None else None
    records = []
    for index, (object_id, detail) in enumerate(items):
        digest = None
        if table is not None and entries is not None:
            digest = entry_digest(table, entries[index])
        records.append(
            {
                "ts": now,
                "actor": actor.user,
                "role": actor.role_label,
                "workstation": actor.workstation,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "detail": json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False) if detail else None,
                "reason_code": reason.code if reason else None,
                "reason_text": (reason.text or None) if reason else None,
                "recipients": "; ".join(recipients) if recipients else None,
                "entry_hash": digest,
            }
        )
    if records:
        audit_chain.append(session, records)


def consulted(
    ctx: ServiceContext,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
    *,
    reason: Reason | None = None,
) -> None:
    """Log a read of victims' data in its own short transaction, after the read itself."""
    with ctx.db.transaction() as session:
        record(ctx, session, CONSULT, object_type, object_id, detail, reason=reason)


def log_alone(
    ctx: ServiceContext, action: str, object_type: str, object_id: object, detail: dict[str, Any] | None = None
) -> None:
    """One audit record in a transaction of its own: for refusals and failed sign-ins, whose own
    transaction (if any) is rolled back."""
    with ctx.db.transaction() as session:
        record(ctx, session, action, object_type, object_id, detail)
