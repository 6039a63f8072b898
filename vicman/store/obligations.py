"""Writing derived obligations: the rows for a link are replaced whenever its facts change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from vicman.domain.obligations import Obligation
from vicman.store.bulk import bulk_insert
from vicman.store.facts import LinkFacts, chunks
from vicman.store.tables import ObligationRow, core_table


def replace_obligations(session: Session, derived: Iterable[tuple[LinkFacts, Sequence[Obligation]]]) -> int:
    pairs = list(derived)
    link_ids = [link.link_id for link, _ in pairs]
    for chunk in chunks(link_ids):
        session.execute(delete(ObligationRow).where(ObligationRow.link_id.in_(chunk)))
    rows = [_row(link, duty) for link, duties in pairs for duty in duties]
    if rows:
        bulk_insert(session, core_table(ObligationRow), rows)
    return len(rows)


def _row(link: LinkFacts, duty: Obligation) -> dict[str, object]:
    return {
        "link_id": link.link_id,
        "crime_id": link.crime_id,
        "person_id": link.person_id,
        "rule": duty.rule,
        "key": duty.key,
        "edition": duty.edition,
        "enhanced": duty.enhanced,
        "enhanced_reasons": ";".join(r.code for r in duty.enhanced_reasons),
        "trigger_at": duty.trigger_at,
        "trigger_date": duty.trigger_date,
        "due": duty.due,
        "consent": duty.consent,
        "state": duty.state.value,
        "met_at": duty.met_at,
        "met_by_kind": duty.met_by_kind,
        "met_by_id": duty.met_by_id,
        "late": duty.late,
        "waiver_reason": duty.waiver_reason,
        "waived_by": duty.waived_by,
        "waived_at": duty.waived_at,
        "division": link.division,
        "oic_id": link.oic_id,
    }
