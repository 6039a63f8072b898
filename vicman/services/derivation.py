"""Re-deriving obligations whenever a crime, person, event, contact, referral or waiver changes."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from vicman.rules import derive_obligations
from vicman.services.context import ServiceContext
from vicman.store.facts import CHUNK, links_of_crimes, load_link_facts
from vicman.store.obligations import replace_obligations
from vicman.store.tables import CrimePersonRow


def rederive_links(
    ctx: ServiceContext, session: Session, link_ids: Iterable[int], without_entries: Collection[int] = frozenset()
) -> int:
    """Re-derive and store the duties of these links. See `load_link_facts` for `without_entries`."""
    links = load_link_facts(session, link_ids, without_entries)
    return replace_obligations(
        session, ((link, derive_obligations(link.facts, ctx.code, ctx.calendar)) for link in links)
    )


def rederive_crimes(ctx: ServiceContext, session: Session, crime_ids: Iterable[int]) -> int:
    return rederive_links(ctx, session, links_of_crimes(session, crime_ids))


def rederive_all(ctx: ServiceContext, batch: int = CHUNK * 4) -> int:
    """Rebuild every obligation (after a change to the Code's data or the calendar): an administrator's task."""
    from vicman.services import permissions

    permissions.require(ctx, permissions.IMPORT_CRIMES, object_type="obligations", object_id="all")
    with ctx.db.read() as session:
        link_ids = list(session.scalars(select(CrimePersonRow.id).order_by(CrimePersonRow.id)))
    total = 0
    for start in range(0, len(link_ids), batch):
        with ctx.db.transaction() as session:
            total += rederive_links(ctx, session, link_ids[start : start + batch])
    return total
