"""Reviewing sampled entries against the audit form, and the officer's side: reading the findings about
their work and acknowledging them. Reviews and acknowledgements are append-only; the latest review of an
entry stands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vicman.rules.localtime import LONDON
from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_views import (
    ANSWERS,
    DUTY_STATUSES,
    ENTRY,
    OBJECT_TYPE,
    VERDICTS,
    FindingView,
    ReviewContext,
    ReviewDuty,
    ReviewView,
    acks_of,
    duty_status,
    entry_values,
    find_item,
    item_views,
    review_history,
    review_view,
)
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.services.permissions import NotPermitted, Target
from vicman.store.facts import effective
from vicman.store.hashing import entry_digest
from vicman.store.tables import (
    ContactContractRow,
    ContactEntryRow,
    CrimePersonRow,
    DipSampleAckRow,
    DipSampleItemRow,
    DipSampleReviewRow,
    NeedsAssessmentRow,
    ObligationRow,
    OfficerRow,
    ReferralRow,
)

MAX_COMMENT_CHARS = 20_000


def _item_target(ctx: ServiceContext, item_id: int) -> Target | None:
    with ctx.db.read() as session:
        item = find_item(session, item_id)
        return permissions.link_target(session, item.link_id)


def review_context(ctx: ServiceContext, item_id: int) -> ReviewContext:
    """The sampled entry, the victim's duties in that case and suggested answers for the form. Audited."""
    permissions.require(
        ctx, permissions.REVIEW_SAMPLE, _item_target(ctx, item_id), object_type=OBJECT_TYPE, object_id=item_id
    )
    today = ctx.today()
    titles = ctx.code.rule_titles()
    with ctx.db.read() as session:
        item = find_item(session, item_id)
        view = item_views(session, [item])[0]
        entry = session.get(ContactEntryRow, item.entry_id)
        on_behalf = session.get(OfficerRow, entry.on_behalf_of_id) if entry and entry.on_behalf_of_id else None
        duties = tuple(
            ReviewDuty(
                key=row.key,
                rule=row.rule,
                title=titles.get(row.rule, row.rule),
                due=row.due,
                status=(status := duty_status(row.state, row.late, row.due, today)),
                status_label=DUTY_STATUSES[status],
                enhanced=row.enhanced,
                met_at=row.met_at,
                waiver_reason=row.waiver_reason,
            )
            for row in session.scalars(
                select(ObligationRow)
                .where(ObligationRow.link_id == item.link_id)
                .order_by(ObligationRow.due, ObligationRow.trigger_at, ObligationRow.key)
            )
        )
        suggested = _suggestions(session, item.link_id, duties)
        reviews = review_history(session, item)
    audit.consulted(
        ctx, OBJECT_TYPE, item.sample_id, {"item": item.id, "entry": item.entry_id, "victim": view.victim_ref}
    )
    return ReviewContext(
        item=view,
        note=entry.note if entry else None,
        not_meeting=tuple(k for k in ((entry.not_meeting if entry else None) or "").split(";") if k),
        on_behalf_of=f"{on_behalf.name} ({on_behalf.staff_no})" if on_behalf else None,
        duties=duties,
        suggested=suggested,
        reviews=reviews,
    )


def _suggestions(session: Session, link_id: int, duties: Sequence[ReviewDuty]) -> dict[str, str]:
    assessed = session.execute(effective(NeedsAssessmentRow).where(NeedsAssessmentRow.link_id == link_id).limit(1))
    contract = session.scalars(
        effective(ContactContractRow)
        .where(ContactContractRow.link_id == link_id)
        .order_by(ContactContractRow.at.desc(), ContactContractRow.id.desc())
        .limit(1)
    ).first()
    referred = session.execute(effective(ReferralRow).where(ReferralRow.link_id == link_id).limit(1)).first()
    opted_out = session.scalar(select(CrimePersonRow.vs_opt_out).where(CrimePersonRow.id == link_id))
    judged = [d for d in duties if d.status in ("on_time", "late", "overdue")]
    return {
        "duties_on_time": "n/a" if not judged else "yes" if all(d.status == "on_time" for d in judged) else "no",
        "needs_assessment_recorded": "yes" if assessed.first() is not None else "no",
        "vps_offered": "yes" if contract is not None and contract.vps_offered else "no",
        "referral_made": "yes" if referred is not None else "n/a" if opted_out else "no",
    }


def record_review(
    ctx: ServiceContext,
    item_id: int,
    *,
    duties_on_time: str,
    contact_clear: str,
    contact_accurate: str,
    needs_addressed: str,
    needs_assessment_recorded: str,
    vps_offered: str,
    referral_made: str,
    verdict: str,
    comments: str = "",
) -> ReviewView:
    """Record a supervisor's findings on one sampled entry (answers "yes", "no" or "n/a"). A later review
    of the same entry supersedes this one; both stay."""
    answers = {
        "duties_on_time": duties_on_time,
        "contact_clear": contact_clear,
        "contact_accurate": contact_accurate,
        "needs_addressed": needs_addressed,
        "needs_assessment_recorded": needs_assessment_recorded,
        "vps_offered": vps_offered,
        "referral_made": referral_made,
    }
    for field, answer in answers.items():
        if answer not in ANSWERS:
            raise InvalidInput(f"must be one of {', '.join(ANSWERS)}, not {answer!r}", field=field)
    if verdict not in VERDICTS:
        raise InvalidInput(f"must be one of {', '.join(VERDICTS)}, not {verdict!r}", field="verdict")
    text = (comments or "").strip()
    if len(text) > MAX_COMMENT_CHARS or "\x00" in text:
        raise InvalidInput(f"must be plain text of at most {MAX_COMMENT_CHARS:,} characters", field="comments")
    permissions.require(
        ctx, permissions.REVIEW_SAMPLE, _item_target(ctx, item_id), object_type=OBJECT_TYPE, object_id=item_id
    )
    with ctx.db.transaction() as session:
        item = find_item(session, item_id)
        values = entry_values(session, [item.entry_id]).get(item.entry_id)
        if values is None:
            raise ServiceError(
                f"contact entry {item.entry_id} is missing from the database: it has been deleted outside vicman; "
                "report it to the administrator"
            )
        review = DipSampleReviewRow(
            item_id=item.id,
            at=ctx.now(),
            by=ctx.actor.user,
            entry_hash=entry_digest(ENTRY, values),
            verdict=verdict,
            comments=text or None,
            **answers,
        )
        session.add(review)
        session.flush()
        detail = {"item": item.id, "entry": item.entry_id, "review": review.id, "verdict": verdict}
        audit.record(ctx, session, audit.REVIEW, OBJECT_TYPE, item.sample_id, detail)
        return review_view(review, item, None, None)


# --- findings for the officer -------------------------------------------------------------------


def _findings(session: Session, condition: Any) -> list[FindingView]:
    latest = select(func.max(DipSampleReviewRow.id)).group_by(DipSampleReviewRow.item_id)
    rows = session.execute(
        select(DipSampleReviewRow, DipSampleItemRow)
        .join(DipSampleItemRow, DipSampleItemRow.id == DipSampleReviewRow.item_id)
        .where(DipSampleReviewRow.id.in_(latest), condition)
        .order_by(DipSampleReviewRow.id.desc())
    ).all()
    items = {v.id: v for v in item_views(session, [item for _, item in rows])}
    acks = acks_of(session, [review.id for review, _ in rows])
    found = []
    for review, item in rows:
        view = items[item.id]
        ack = acks.get(review.id)
        found.append(
            FindingView(
                review_id=review.id,
                item_id=item.id,
                sample_id=item.sample_id,
                entry_id=item.entry_id,
                entry_at=view.entry_at,
                victim_ref=view.victim_ref,
                victim_name=view.victim_name,
                crime_ref=view.crime_ref,
                officer_staff_no=view.officer_staff_no,
                officer_name=view.officer_name,
                verdict=review.verdict,
                verdict_label=VERDICTS.get(review.verdict, review.verdict),
                answers=review_view(review, item, ack, None).answers(),
                comments=review.comments,
                reviewer=review.by,
                at=review.at,
                acknowledged_at=ack.at if ack else None,
                acknowledged_by=ack.by if ack else None,
                acknowledgement=ack.comment if ack else None,
            )
        )
    return found


def findings_for_officer(ctx: ServiceContext, staff_no: str) -> list[FindingView]:
    """The latest review of every sampled entry in the officer's cases, newest first. Audited."""
    with ctx.db.read() as session:
        target = permissions.officer_target(session, staff_no)
    if target is None:
        raise NotFound(f"no officer with staff number {staff_no}")
    permissions.require(
        ctx, permissions.READ_FINDINGS, target, object_type=OBJECT_TYPE, object_id=f"officer:{staff_no}"
    )
    with ctx.db.read() as session:
        found = _findings(session, DipSampleItemRow.officer_id == target.officer_id)
    audit.consulted(
        ctx, OBJECT_TYPE, f"officer:{staff_no}", {"findings": len(found), "reviews": [f.review_id for f in found]}
    )
    return found


def acknowledge(ctx: ServiceContext, review_id: int, comment: str | None = None) -> FindingView:
    """The officer concerned records that they have read a review of their work (once)."""
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS or "\x00" in text:
        raise InvalidInput(f"must be plain text of at most {MAX_COMMENT_CHARS:,} characters", field="comment")
    with ctx.db.read() as session:
        review = session.get(DipSampleReviewRow, review_id)
        if review is None:
            raise NotFound(f"no dip-sample review {review_id}")
        item = find_item(session, review.item_id)
        officer = session.get(OfficerRow, item.officer_id) if item.officer_id else None
        target = Target(officer.division, officer.team, officer.id) if officer else Target()
    permissions.require(
        ctx, permissions.ACKNOWLEDGE_FINDINGS, target, object_type=OBJECT_TYPE, object_id=item.sample_id
    )
    if not ctx.actor.unrestricted and (ctx.actor.officer_id is None or ctx.actor.officer_id != item.officer_id):
        audit.log_alone(
            ctx, audit.AUTHZ_DENY, OBJECT_TYPE, item.sample_id, {"action": permissions.ACKNOWLEDGE_FINDINGS}
        )
        raise NotPermitted("Only the officer whose work was reviewed may acknowledge the findings.")
    with ctx.db.transaction() as session:
        ack = session.scalars(select(DipSampleAckRow).where(DipSampleAckRow.review_id == review_id)).first()
        if ack is not None:
            raise ServiceError(
                f"review {review_id} was already acknowledged by {ack.by} on {ack.at.astimezone(LONDON):%d/%m/%Y %H:%M}"
            )
        newer = session.scalar(
            select(func.max(DipSampleReviewRow.id)).where(
                DipSampleReviewRow.item_id == item.id, DipSampleReviewRow.id > review_id
            )
        )
        if newer is not None:
            raise ServiceError(f"review {review_id} has been superseded by review {newer}; acknowledge that one")
        session.add(DipSampleAckRow(review_id=review_id, at=ctx.now(), by=ctx.actor.user, comment=text or None))
        session.flush()
        detail = {"acknowledged": review_id, "item": item.id, "entry": item.entry_id}
        audit.record(ctx, session, audit.REVIEW, OBJECT_TYPE, item.sample_id, detail)
        return _findings(session, DipSampleReviewRow.id == review_id)[0]
