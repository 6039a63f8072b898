"""Supervisors' dip sampling: draw a reproducible sample of contact entries, review each against the
audit form, and let the officer read and acknowledge the findings.

A sample stores how it was drawn (scope, period, size, method, seed, the moment of the draw) and the
head of the audit trail then; `redraw` recomputes the same entries from those alone (see
`dip_sample_population` for what "as known at the draw" means). Each sampled entry is pinned by its
digest, so a later correction shows as `corrected_by` and a change made behind vicman's back as
`changed_since_drawn`. Reviews and acknowledgements are append-only: a later review of the same entry
supersedes the earlier one in every view.

The module is the API screens and the command line use; reviews and findings live in
`dip_sample_reviews`, the population and the drawing itself in `dip_sample_population`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.dip_sample_population import (
    MAX_SEED,
    METHODS,
    RISK_FLAGS,
    SCOPE_KINDS,
    Candidate,
    choose,
    load_population,
    resolve_scope,
)
from vicman.services.dip_sample_reviews import acknowledge, findings_for_officer, record_review, review_context
from vicman.services.dip_sample_views import (
    ANSWERS,
    DUTY_STATUSES,
    ENTRY,
    OBJECT_TYPE,
    QUESTIONS,
    VERDICTS,
    CorrectionRef,
    FindingView,
    ReviewContext,
    ReviewDuty,
    ReviewView,
    SampleItemView,
    SampleView,
    entry_values,
    item_views,
)
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.services.permissions import Target
from vicman.store.audit_chain import chain_head
from vicman.store.hashing import entry_digest
from vicman.store.tables import DipSampleItemRow, DipSampleReviewRow, DipSampleRow

__all__ = [
    "ANSWERS",
    "DUTY_STATUSES",
    "METHODS",
    "QUESTIONS",
    "RISK_FLAGS",
    "SCOPE_KINDS",
    "VERDICTS",
    "Candidate",
    "CorrectionRef",
    "FindingView",
    "ReviewContext",
    "ReviewDuty",
    "ReviewView",
    "SampleItemView",
    "SampleView",
    "acknowledge",
    "draw_sample",
    "findings_for_officer",
    "get_sample",
    "list_samples",
    "population",
    "record_review",
    "redraw",
    "review_context",
    "sample_items",
]

MAX_SIZE = 2000


# --- drawing ------------------------------------------------------------------------------------


def _check_parameters(period_from: date, period_to: date, size: int, method: str, seed: int | None) -> None:
    if method not in METHODS:
        raise InvalidInput(f"must be one of {', '.join(METHODS)}, not {method!r}", field="method")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidInput(f"must be a whole number of at least 1, not {size!r}", field="size")
    if size > MAX_SIZE:
        raise InvalidInput(f"is {size:,}; a dip sample takes at most {MAX_SIZE:,} entries", field="size")
    if period_from > period_to:
        raise InvalidInput(
            f"{period_from.isoformat()} is after the end of the period, {period_to.isoformat()}", field="period_from"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED):
        raise InvalidInput(f"must be a whole number from 0 to {MAX_SEED}, not {seed!r}", field="seed")


def _scope_target(ctx: ServiceContext, scope_kind: str, scope_value: str) -> Target | None:
    """Where the scope sits, for the permission check (a supervisor's grant is force-wide today)."""
    if scope_kind == "officer":
        with ctx.db.read() as session:
            return permissions.officer_target(session, scope_value)
    if scope_kind == "team":
        division, slash, team = scope_value.partition("/")
        return Target(division.strip(), team.strip()) if slash else Target(team=scope_value)
    return Target(division=scope_value) if scope_kind == "division" else None


def population(
    ctx: ServiceContext, scope_kind: str, scope_value: str, period_from: date, period_to: date
) -> list[Candidate]:
    """The entries a sample drawn now would be drawn from, with their risk flags (ids only, no victim data)."""
    _check_parameters(period_from, period_to, 1, "random", None)
    permissions.require(
        ctx, permissions.DRAW_SAMPLE, _scope_target(ctx, scope_kind, scope_value), object_type=OBJECT_TYPE
    )
    with ctx.db.read() as session:
        scope = resolve_scope(session, scope_kind, scope_value)
        return load_population(ctx, session, scope, period_from, period_to, ctx.now())


def draw_sample(
    ctx: ServiceContext,
    scope_kind: str,
    scope_value: str,
    period_from: date,
    period_to: date,
    size: int,
    method: str,
    seed: int | None = None,
) -> SampleView:
    """Draw and save a sample of contact entries.

    `scope_kind` is "division" (the crimes of a division), "team" ("Division/Team", or a team's name in
    any division: the crimes whose officer in the case is in it) or "officer" (a staff number: that
    officer's crimes). The population is the standing contact entries dated (Europe/London) in the
    period and recorded by the draw. With no `seed`, one is chosen at random and stored.
    """
    _check_parameters(period_from, period_to, size, method, seed)
    if scope_kind not in SCOPE_KINDS:
        raise InvalidInput(f"must be one of {', '.join(SCOPE_KINDS)}, not {scope_kind!r}", field="scope_kind")
    permissions.require(
        ctx, permissions.DRAW_SAMPLE, _scope_target(ctx, scope_kind, scope_value), object_type=OBJECT_TYPE
    )
    if seed is None:
        seed = random.SystemRandom().randint(0, MAX_SEED)
    with ctx.db.transaction() as session:
        scope = resolve_scope(session, scope_kind, scope_value)
        drawn_at = ctx.now()
        audit_seq, audit_hash = chain_head(session, lock=False)
        pool = load_population(ctx, session, scope, period_from, period_to, drawn_at)
        if not pool:
            raise ServiceError(
                f"{scope.label} has no contact entries dated {period_from:%d/%m/%Y} to {period_to:%d/%m/%Y}: "
                "nothing to sample"
            )
        chosen = choose(pool, size, method, seed)
        sample = DipSampleRow(
            drawn_at=drawn_at,
            drawn_by=ctx.actor.user,
            scope_kind=scope.kind,
            scope_value=scope.value,
            period_from=period_from,
            period_to=period_to,
            size=size,
            method=method,
            seed=seed,
            population=len(pool),
            audit_seq=audit_seq,
            audit_hash=audit_hash,
        )
        session.add(sample)
        session.flush()
        values = entry_values(session, [c.entry_id for c in chosen])
        for position, candidate in enumerate(chosen, start=1):
            session.add(
                DipSampleItemRow(
                    sample_id=sample.id,
                    position=position,
                    entry_id=candidate.entry_id,
                    entry_hash=entry_digest(ENTRY, values[candidate.entry_id]),
                    link_id=candidate.link_id,
                    officer_id=candidate.officer_id,
                    risk=";".join(candidate.flags),
                )
            )
        session.flush()
        detail = {
            "drawn": "sample",
            "scope": f"{scope.kind}:{scope.value}",
            "from": period_from.isoformat(),
            "to": period_to.isoformat(),
            "size": size,
            "method": method,
            "seed": seed,
            "population": len(pool),
            "entries": [c.entry_id for c in chosen],
            "audit_seq": audit_seq,
            "audit_hash": audit_hash,
        }
        audit.record(ctx, session, audit.REVIEW, OBJECT_TYPE, sample.id, detail)
        return _sample_view(sample, scope.label, len(chosen), 0)


def redraw(ctx: ServiceContext, sample_id: int) -> list[int]:
    """The entry ids of a sample drawn again from its stored parameters, seed and moment, in drawn order:
    equal to the saved ones unless the crimes' placement (division, officer) changed since."""
    permissions.require(ctx, permissions.DRAW_SAMPLE, object_type=OBJECT_TYPE, object_id=sample_id)
    with ctx.db.read() as session:
        sample = _sample(session, sample_id)
        scope = resolve_scope(session, sample.scope_kind, sample.scope_value)
        pool = load_population(ctx, session, scope, sample.period_from, sample.period_to, sample.drawn_at)
        return [c.entry_id for c in choose(pool, sample.size, sample.method, sample.seed)]


def list_samples(
    ctx: ServiceContext, *, drawn_by: str | None = None, scope_kind: str | None = None, limit: int = 200
) -> list[SampleView]:
    """Samples drawn, newest first, with how many of their entries have been reviewed."""
    permissions.require(ctx, permissions.DRAW_SAMPLE, object_type=OBJECT_TYPE, object_id="list")
    query = select(DipSampleRow).order_by(DipSampleRow.id.desc()).limit(limit)
    if drawn_by:
        query = query.where(DipSampleRow.drawn_by == drawn_by)
    if scope_kind:
        query = query.where(DipSampleRow.scope_kind == scope_kind)
    with ctx.db.read() as session:
        samples = list(session.scalars(query))
        return _sample_views(session, samples)


def get_sample(ctx: ServiceContext, sample_id: int) -> SampleView:
    permissions.require(ctx, permissions.DRAW_SAMPLE, object_type=OBJECT_TYPE, object_id=sample_id)
    with ctx.db.read() as session:
        return _sample_views(session, [_sample(session, sample_id)])[0]


def _sample(session: Session, sample_id: int) -> DipSampleRow:
    sample = session.get(DipSampleRow, sample_id)
    if sample is None:
        raise NotFound(f"no dip sample {sample_id}")
    return sample


def _sample_views(session: Session, samples: Sequence[DipSampleRow]) -> list[SampleView]:
    ids = [s.id for s in samples]
    items = dict(
        session.execute(
            select(DipSampleItemRow.sample_id, func.count())
            .where(DipSampleItemRow.sample_id.in_(ids))
            .group_by(DipSampleItemRow.sample_id)
        ).all()
    )
    reviewed = dict(
        session.execute(
            select(DipSampleItemRow.sample_id, func.count(func.distinct(DipSampleReviewRow.item_id)))
            .join(DipSampleReviewRow, DipSampleReviewRow.item_id == DipSampleItemRow.id)
            .where(DipSampleItemRow.sample_id.in_(ids))
            .group_by(DipSampleItemRow.sample_id)
        ).all()
    )
    views = []
    for sample in samples:
        try:
            label = resolve_scope(session, sample.scope_kind, sample.scope_value).label
        except InvalidInput:
            label = f"{SCOPE_KINDS.get(sample.scope_kind, sample.scope_kind)} {sample.scope_value}"
        views.append(_sample_view(sample, label, items.get(sample.id, 0), reviewed.get(sample.id, 0)))
    return views


def _sample_view(sample: DipSampleRow, label: str, items: int, reviewed: int) -> SampleView:
    return SampleView(
        id=sample.id,
        drawn_at=sample.drawn_at,
        drawn_by=sample.drawn_by,
        scope_kind=sample.scope_kind,
        scope_value=sample.scope_value,
        scope_label=label,
        period_from=sample.period_from,
        period_to=sample.period_to,
        size=sample.size,
        method=sample.method,
        method_label=METHODS.get(sample.method, sample.method),
        seed=sample.seed,
        population=sample.population,
        items=items,
        reviewed=reviewed,
        audit_seq=sample.audit_seq,
        audit_hash=sample.audit_hash,
    )


def sample_items(ctx: ServiceContext, sample_id: int) -> list[SampleItemView]:
    """A sample's entries in drawn order, each with its victim, crime, officer, latest review and whether
    it has been corrected or tampered with since the draw. Audited as a consultation."""
    permissions.require(ctx, permissions.DRAW_SAMPLE, object_type=OBJECT_TYPE, object_id=sample_id)
    with ctx.db.read() as session:
        _sample(session, sample_id)
        items = list(
            session.scalars(
                select(DipSampleItemRow)
                .where(DipSampleItemRow.sample_id == sample_id)
                .order_by(DipSampleItemRow.position)
            )
        )
        views = item_views(session, items)
    audit.consulted(
        ctx, OBJECT_TYPE, sample_id, {"items": len(views), "victims": sorted({v.victim_ref for v in views})}
    )
    return views
