"""Satisfaction surveys for the demo force: about a quarter of the victims of older or closed cases answered
one, with a satisfaction gap between white and minority ethnic victims of the size inspections report
(several points, not dozens).

Drawn from a generator of its own (seeded from the demo's seed), after everything else is written, so
adding surveys changes none of the other demo data. Written in one bulk transaction with their audit
records, as the other simulated entries are.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from vicman.rules.localtime import LONDON, to_utc
from vicman.services import audit
from vicman.services.context import ServiceContext
from vicman.services.demo.world import World
from vicman.services.demo.writer import _insert_returning_ids, with_ids
from vicman.services.satisfaction import MINORITY, NOT_RECORDED, OBJECT_TYPE, QUESTIONS, ethnicity_groups
from vicman.store.tables import CrimePersonRow, CrimeRow, PersonRow, SatisfactionSurveyRow

SURVEYED_SHARE = 0.25
OLDER_THAN_DAYS = 42
"""A case is surveyed once closed, or once this many days have passed since the report."""
SATISFIED = {"White": 0.79, MINORITY: 0.73, NOT_RECORDED: 0.76}
"""The chance a victim is satisfied overall, by aggregate group: a gap of about six points."""
QUESTION_SHIFT = {"overall": 0.0, "kept_informed": -0.06, "treatment": 0.05, "ease_of_contact": 0.02}
"""Being kept informed scores lowest and treatment by staff highest, as in published surveys."""
METHODS = (("phone", 0.55), ("online", 0.2), ("post", 0.15), ("sms", 0.07), ("in_person", 0.03))
UNANSWERED = 0.05


def record_demo_surveys(ctx: ServiceContext, world: World, seed: int) -> int:
    """Write the demo's surveys; returns how many."""
    rng = random.Random(f"vicman-demo-surveys-{seed}")
    groups = ethnicity_groups()
    today = world.today
    rows: list[dict[str, object]] = []
    items: list[tuple[object, dict[str, object] | None]] = []
    with ctx.db.transaction() as session:
        links = session.execute(
            select(CrimePersonRow.id, CrimeRow.ref, PersonRow.ref, PersonRow.ethnicity, CrimeRow.reported_at)
            .join(CrimeRow, CrimeRow.id == CrimePersonRow.crime_id)
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .where(CrimePersonRow.role == "victim")
            .order_by(CrimePersonRow.id)
        ).all()
        closed = {
            ref: at
            for ref, at in session.execute(
                select(CrimeRow.ref, CrimeRow.closed_at).where(CrimeRow.closed_at.is_not(None))
            )
        }
        for link_id, crime_ref, person_ref, ethnicity, reported_at in links:
            ended = closed.get(crime_ref)
            start = ended if ended is not None else reported_at + timedelta(days=OLDER_THAN_DAYS)
            if start.astimezone(LONDON).date() >= today - timedelta(days=1) or rng.random() >= SURVEYED_SHARE:
                continue
            latest = (today - timedelta(days=1)) - start.astimezone(LONDON).date()
            day = start.astimezone(LONDON).date() + timedelta(days=rng.randint(1, max(1, min(30, latest.days))))
            at = to_utc(datetime.combine(day, time(rng.randint(9, 19), rng.choice((0, 15, 30, 45))), tzinfo=LONDON))
            chance = SATISFIED[groups.aggregate(ethnicity)]
            answers = {q: _score(rng, chance + QUESTION_SHIFT[q]) for q in QUESTIONS}
            if all(a is None for a in answers.values()):
                answers["overall"] = _score(rng, chance, unanswered=0.0)
            method = rng.choices([m for m, _ in METHODS], [w for _, w in METHODS])[0]
            rows.append(
                {
                    "link_id": link_id,
                    "at": at,
                    "method": method,
                    **answers,
                    "comments": None,
                    "recorded_at": min(at + timedelta(hours=rng.randint(1, 72)), world.cutoff),
                    "recorded_by": ctx.actor.user,
                    "retracted": False,
                }
            )
            items.append((None, {"crime": crime_ref, "person": person_ref, "method": method}))
        if not rows:
            return 0
        ids = _insert_returning_ids(session, SatisfactionSurveyRow, rows)
        audit.record_many(
            ctx,
            session,
            audit.COLLECT,
            OBJECT_TYPE,
            [(i, detail) for i, (_, detail) in zip(ids, items, strict=True)],
            entries=with_ids(rows, ids),
        )
    return len(ids)


def _score(rng: random.Random, satisfied: float, unanswered: float = UNANSWERED) -> int | None:
    if rng.random() < unanswered:
        return None
    if rng.random() < satisfied:
        return 5 if rng.random() < 0.55 else 4
    return rng.choices((1, 2, 3), (0.25, 0.35, 0.4))[0]
