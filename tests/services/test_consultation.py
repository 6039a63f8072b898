"""Opening a victim's record: one consultation record each time, with the reason when one is needed,
and the record's list of who has viewed it.

Seeded data (tests/conftest.py): CR-1001 in North (officer P100) with V-1 and V-2; CR-1002 in South
(officer P200) with V-3. PC Jones is P100 of North; Sergeant Khan supervises a South team, and reads a
North victim only with a reason.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.conftest import FIXED_NOW, snapshot_database
from vicman.services import audit, records
from vicman.services.context import Actor, ServiceContext
from vicman.services.errors import NotFound
from vicman.services.permissions import ReasonRequired
from vicman.store.tables import AuditRow, OfficerRow

COVERING = audit.Reason("covering", "PC Jones on rest days")


def officer(ctx: ServiceContext) -> Actor:
    with ctx.db.read() as session:
        p100 = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == "P100"))
    return Actor("pc-jones", "ws-1", frozenset({"officer"}), officer_id=p100, staff_no="P100", division="North")


def supervisor() -> Actor:
    return Actor("sgt-khan", "ws-2", frozenset({"supervisor"}), division="South", team="S1")


def audit_rows(ctx: ServiceContext) -> list[AuditRow]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.seq)))
        session.expunge_all()
        return rows


def test_opening_a_record_writes_exactly_one_consultation_with_the_reason(seeded_ctx) -> None:
    seeded_ctx.actor = supervisor()
    start = len(audit_rows(seeded_ctx))
    record = records.open_victim_record(seeded_ctx, "V-1", reason=COVERING)
    assert record.name == "Anna Nowak"
    (consultation,) = audit_rows(seeded_ctx)[start:]
    assert (consultation.action, consultation.object_type, consultation.object_id) == ("consult", "person", "V-1")
    assert (consultation.actor, consultation.role, consultation.workstation) == ("sgt-khan", "supervisor", "ws-2")
    assert (consultation.reason_code, consultation.reason_text) == ("covering", "PC Jones on rest days")
    assert json.loads(consultation.detail or "{}") == {"crimes": ["CR-1001"]}


def test_a_record_of_ones_own_case_needs_no_reason_and_records_none(seeded_ctx) -> None:
    seeded_ctx.actor = officer(seeded_ctx)
    start = len(audit_rows(seeded_ctx))
    records.open_victim_record(seeded_ctx, "V-2")
    (consultation,) = audit_rows(seeded_ctx)[start:]
    assert (consultation.actor, consultation.reason_code, consultation.reason_text) == ("pc-jones", None, None)


def test_without_a_reason_beyond_the_free_scope_nothing_is_read_or_logged(seeded_ctx, seeded_db) -> None:
    seeded_ctx.actor = supervisor()
    before = snapshot_database(seeded_db)
    with pytest.raises(ReasonRequired, match="say why"):
        records.open_victim_record(seeded_ctx, "V-1")
    with pytest.raises(ReasonRequired):
        records.open_victim_record(seeded_ctx, "V-1", reason=audit.Reason(""))
    assert snapshot_database(seeded_db) == before


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (audit.Reason("curiosity"), "Unknown reason 'curiosity'"),
        (audit.Reason("other"), "when the reason is 'Other'"),
        (audit.Reason("other", "   "), "when the reason is 'Other'"),
    ],
)
def test_an_unknown_reason_or_other_without_words_is_refused(seeded_ctx, seeded_db, reason, words) -> None:
    for actor in (supervisor(), officer(seeded_ctx)):  # refused whether or not a reason was needed
        seeded_ctx.actor = actor
        before = snapshot_database(seeded_db)
        with pytest.raises(ReasonRequired, match=words):
            records.open_victim_record(seeded_ctx, "V-1", reason=reason)
        assert snapshot_database(seeded_db) == before


def test_other_with_words_is_recorded_as_given(seeded_ctx) -> None:
    seeded_ctx.actor = supervisor()
    records.open_victim_record(seeded_ctx, "V-1", reason=audit.Reason("other", "Coroner's officer asked"))
    last = audit_rows(seeded_ctx)[-1]
    assert (last.reason_code, last.reason_text) == ("other", "Coroner's officer asked")


def test_the_crime_it_was_opened_from_is_recorded_and_must_be_the_persons(seeded_ctx) -> None:
    seeded_ctx.actor = officer(seeded_ctx)
    records.open_victim_record(seeded_ctx, "V-1", crime_ref="CR-1001")
    assert json.loads(audit_rows(seeded_ctx)[-1].detail or "{}") == {"crimes": ["CR-1001"], "via": "CR-1001"}
    start = len(audit_rows(seeded_ctx))
    with pytest.raises(NotFound, match="not in crime CR-1002"):
        records.open_victim_record(seeded_ctx, "V-1", crime_ref="CR-1002")
    assert len(audit_rows(seeded_ctx)) == start


def test_viewers_list_who_opened_the_record_newest_first_with_their_reasons(seeded_ctx) -> None:
    seeded_ctx.actor = officer(seeded_ctx)
    records.open_victim_record(seeded_ctx, "V-1")
    seeded_ctx.actor = supervisor()
    records.open_victim_record(seeded_ctx, "V-1", reason=COVERING)
    records.open_victim_record(seeded_ctx, "V-3", reason=COVERING)  # another person: not listed under V-1
    seeded_ctx.actor = officer(seeded_ctx)
    shown = records.open_victim_record(seeded_ctx, "V-1")
    assert shown.viewers_total == 3
    assert [(v.user, v.role, v.reason) for v in shown.viewers] == [
        ("pc-jones", "officer", None),
        ("sgt-khan", "supervisor", "Covering for a colleague (leave, sickness, rest days): PC Jones on rest days"),
        ("pc-jones", "officer", None),
    ]
    assert all(v.at == FIXED_NOW for v in shown.viewers)


def test_viewers_are_capped_but_counted(seeded_ctx) -> None:
    seeded_ctx.actor = officer(seeded_ctx)
    for _ in range(records.VIEWERS_SHOWN + 2):
        shown = records.open_victim_record(seeded_ctx, "V-2")
    assert len(shown.viewers) == records.VIEWERS_SHOWN
    assert shown.viewers_total == records.VIEWERS_SHOWN + 2


def test_a_reread_within_the_same_viewing_logs_nothing_and_keeps_its_reason(seeded_ctx) -> None:
    seeded_ctx.actor = supervisor()
    records.open_victim_record(seeded_ctx, "V-1", reason=COVERING)
    start = len(audit_rows(seeded_ctx))
    again = records.open_victim_record(seeded_ctx, "V-1", consult=False)  # no reason asked again
    assert again.person_ref == "V-1" and len(audit_rows(seeded_ctx)) == start
    # Later than the same viewing, or by someone who never opened it: logged as an opening.
    seeded_ctx.clock = lambda: FIXED_NOW + records.SAME_VIEWING + timedelta(minutes=1)
    with pytest.raises(ReasonRequired):
        records.open_victim_record(seeded_ctx, "V-1", consult=False)
    records.open_victim_record(seeded_ctx, "V-1", consult=False, reason=COVERING)
    seeded_ctx.actor = officer(seeded_ctx)
    records.open_victim_record(seeded_ctx, "V-1", consult=False)
    logged = [(r.actor, r.action, r.reason_code) for r in audit_rows(seeded_ctx)[start:]]
    assert logged == [("sgt-khan", "consult", "covering"), ("pc-jones", "consult", None)]


def test_the_viewers_are_read_through_the_audit_object_index(seeded_ctx) -> None:
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM audit" in statement and "object_type" in statement and not many:
            statements.append((statement, parameters))

    engine = seeded_ctx.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        records.open_victim_record(seeded_ctx, "V-1")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if postgres:
            # A few hundred rows: PostgreSQL's planner would rightly prefer a sequential scan; forbid it
            # to see that the index serves the query (as it will on a force's trail).
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            plan = connection.exec_driver_sql(explain + statement, parameters).all()
            assert any("ix_audit_object" in str(step) for step in plan), (statement, plan)
            assert not any(("Seq Scan on audit" if postgres else "SCAN audit") in str(step) for step in plan), (
                statement, plan)
