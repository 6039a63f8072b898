"""Bureau work allocation: who has taken on a victim's due and overdue contacts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import insert, select

from vicman.services import audit
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, NotFound
from vicman.store.facts import chunks
from vicman.store.tables import ObligationRow, WorkAssignmentRow, core_table


def assign_duties(ctx: ServiceContext, obligation_ids: Collection[int], assignee: str | None = "") -> int:
    """Give the victims behind these duties to `assignee` (default: the person acting; None releases them).

    Returns how many victims (crime-person pairs) were assigned. Assignments are never edited:
    each is a new entry and the newest stands.
    """
    if not obligation_ids:
        raise InvalidInput("choose at least one duty", field="duties")
    who = ctx.actor.user if assignee == "" else assignee
    if who is not None and (not who.strip() or len(who) > 64):
        raise InvalidInput("must be a user name of 1 to 64 characters", field="assignee")
    with ctx.db.transaction() as session:
        link_ids: set[int] = set()
        for chunk in chunks(sorted(set(obligation_ids))):
            link_ids.update(session.scalars(select(ObligationRow.link_id).where(ObligationRow.id.in_(chunk))))
        if not link_ids:
            raise NotFound("none of those duties exists any more; refresh the queue")
        now = ctx.now()
        rows = [{"link_id": link_id, "assignee": who, "at": now, "by": ctx.actor.user} for link_id in sorted(link_ids)]
        session.execute(insert(core_table(WorkAssignmentRow)), rows)
        audit.record_many(
            ctx, session, audit.ALTER, "assignment", ((link_id, {"assignee": who}) for link_id in sorted(link_ids))
        )
        return len(link_ids)
