"""Bureau work allocation: who has taken on a victim's due and overdue contacts."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from vicman.services import audit, auth, permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import InvalidInput, NotFound
from vicman.store.facts import chunks
from vicman.store.tables import ObligationRow, WorkAssignmentRow, core_table


def assign_duties(ctx: ServiceContext, obligation_ids: Collection[int], assignee: str | None = "") -> int:
    """Give the victims behind these duties to `assignee` (default: the person acting; None releases them).

    Returns how many victims (crime-person pairs) were assigned. Assignments are never edited:
    each is a new entry and the newest stands.

    Taking work is checked on the divisions the duties sit in (every one must be allowed), and
    assigning more than one victim at once is a bulk action: it needs fresh authentication.
    """
    if not obligation_ids:
        raise InvalidInput("choose at least one duty", field="duties")
    who = ctx.actor.user if assignee == "" else assignee
    if who is not None and (not who.strip() or len(who) > 64):
        raise InvalidInput("must be a user name of 1 to 64 characters", field="assignee")
    wanted = sorted(set(obligation_ids))
    with ctx.db.read() as session:
        found = _links_and_divisions(session, wanted)
    if not found:
        raise NotFound("none of those duties exists any more; refresh the queue")
    divisions = sorted({division for _, division in found})
    target = permissions.farthest(ctx.actor, [permissions.Target(division=d) for d in divisions])
    permissions.require(
        ctx,
        permissions.ASSIGN_WORK,
        target,
        object_type="assignment",
        object_id=",".join(divisions),
        detail={"duties": len(wanted), "assignee": who},
    )
    if len({link_id for link_id, _ in found}) > 1:
        auth.require_fresh_authentication(ctx)
    with ctx.db.transaction() as session:
        now_found = _links_and_divisions(session, wanted)
        link_ids = {link_id for link_id, _ in now_found}
        if not link_ids:
            raise NotFound("none of those duties exists any more; refresh the queue")
        if not {division for _, division in now_found} <= set(divisions):
            raise NotFound("those duties have changed since the queue was read; refresh the queue")
        now = ctx.now()
        rows = [{"link_id": link_id, "assignee": who, "at": now, "by": ctx.actor.user} for link_id in sorted(link_ids)]
        session.execute(insert(core_table(WorkAssignmentRow)), rows)
        audit.record_many(
            ctx, session, audit.ALTER, "assignment", ((link_id, {"assignee": who}) for link_id in sorted(link_ids))
        )
        return len(link_ids)


def _links_and_divisions(session: Session, obligation_ids: list[int]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for chunk in chunks(obligation_ids):
        query = select(ObligationRow.link_id, ObligationRow.division).where(ObligationRow.id.in_(chunk))
        found.update((link_id, division) for link_id, division in session.execute(query))
    return found
