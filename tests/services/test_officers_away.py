"""Officers away with a deputy, back, and left (vicman/services/officers.py): what is refused and why, what
the audit trail records, and who may do it (`officers.manage`: supervisors in their division,
administrators anywhere)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.reminder_support import JANE, LEE, OWEN, RAY, SAM, SUE, build_force
from vicman.services import officers
from vicman.services.context import Actor, ServiceContext
from vicman.services.errors import InvalidInput, NotFound
from vicman.services.permissions import NotPermitted
from vicman.store.tables import AuditRow, OfficerRow


@pytest.fixture
def force(ctx: ServiceContext, tmp_path: Path) -> ServiceContext:
    build_force(ctx, tmp_path, away=False)
    return ctx


def officer_row(ctx: ServiceContext, staff_no: str) -> OfficerRow:
    with ctx.db.read() as session:
        row = session.scalar(select(OfficerRow).where(OfficerRow.staff_no == staff_no))
        assert row is not None
        session.expunge(row)
        return row


def officer_audits(ctx: ServiceContext, staff_no: str) -> list[dict]:
    with ctx.db.read() as session:
        rows = session.scalars(
            select(AuditRow)
            .where(AuditRow.object_type == "officer", AuditRow.object_id == staff_no)
            .order_by(AuditRow.seq)
        )
        return [{"action": r.action, **json.loads(r.detail or "{}")} for r in rows]  # fmt: skip


def test_marking_an_officer_away_with_a_deputy_is_stored_and_audited(force: ServiceContext) -> None:
    shown = officers.set_away(force, RAY.staff_no, date(2026, 11, 20), date(2026, 11, 30), SUE.staff_no)
    assert (shown.away_from, shown.away_until, shown.deputy_staff_no, shown.deputy_name) == (
        date(2026, 11, 20), date(2026, 11, 30), SUE.staff_no, SUE.name
    )  # fmt: skip
    assert shown.away_on(date(2026, 11, 30)) and not shown.away_on(date(2026, 12, 1))
    row = officer_row(force, RAY.staff_no)
    assert (row.away_from, row.away_until, row.deputy_id) == (
        date(2026, 11, 20), date(2026, 11, 30), officer_row(force, SUE.staff_no).id
    )  # fmt: skip
    (audit,) = officer_audits(force, RAY.staff_no)
    assert audit == {
        "action": "alter",
        "change": "away",
        "before": {"away_from": None, "away_until": None, "deputy": None, "left_on": None},
        "after": {"away_from": "2026-11-20", "away_until": "2026-11-30", "deputy": SUE.staff_no, "left_on": None},
    }
    assert officers.get_absence(force, RAY.staff_no) == shown


def test_back_clears_the_absence_and_the_deputy(force: ServiceContext) -> None:
    officers.set_away(force, RAY.staff_no, date(2026, 11, 20), date(2026, 11, 30), SUE.staff_no)
    shown = officers.clear_away(force, RAY.staff_no)
    assert (shown.away_from, shown.away_until, shown.deputy_staff_no) == (None, None, None)
    assert [a["change"] for a in officer_audits(force, RAY.staff_no)] == ["away", "back"]
    officers.clear_away(force, RAY.staff_no)  # nothing to clear: nothing audited
    assert len(officer_audits(force, RAY.staff_no)) == 2


def test_away_without_a_deputy_is_allowed(force: ServiceContext) -> None:
    shown = officers.set_away(force, JANE.staff_no, date(2026, 11, 26), date(2026, 11, 26), None)
    assert shown.deputy_staff_no is None and shown.away_on(date(2026, 11, 26))


@pytest.mark.parametrize(
    ("staff_no", "start", "end", "deputy", "field", "words"),
    [
        (RAY.staff_no, date(2026, 11, 30), date(2026, 11, 20), SUE.staff_no, "until", "before the first"),
        (RAY.staff_no, date(2026, 11, 2), date(2026, 11, 20), SUE.staff_no, "until", "ended on 20/11/2026"),
        (RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), RAY.staff_no, "deputy", "their own deputy"),
        (RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), "P999", "deputy", "no officer with staff number P999"),
        (RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), LEE.staff_no, "deputy", "leaves on 01/11/2026"),
        (RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), OWEN.staff_no, "deputy", "no email address"),
        (LEE.staff_no, date(2026, 11, 26), date(2026, 11, 30), SUE.staff_no, "officer", "P400 left on 01/11/2026"),
    ],
)
def test_an_absence_that_cannot_work_is_refused(
    force: ServiceContext, staff_no: str, start: date, end: date, deputy: str, field: str, words: str
) -> None:
    before = officer_audits(force, staff_no)
    with pytest.raises(InvalidInput) as refused:
        officers.set_away(force, staff_no, start, end, deputy)
    assert refused.value.field == field and words in refused.value.reason
    assert officer_audits(force, staff_no) == before
    assert officer_row(force, staff_no).away_from is None


def test_a_deputy_away_at_the_same_time_is_refused_but_not_at_another_time(force: ServiceContext) -> None:
    officers.set_away(force, SUE.staff_no, date(2026, 11, 30), date(2026, 12, 4), None)
    with pytest.raises(InvalidInput, match="P300 is away themselves from 30/11/2026 to 04/12/2026"):
        officers.set_away(force, RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), SUE.staff_no)
    shown = officers.set_away(force, RAY.staff_no, date(2026, 11, 26), date(2026, 11, 27), SUE.staff_no)
    assert shown.deputy_staff_no == SUE.staff_no


def test_an_unknown_officer_is_not_found(force: ServiceContext) -> None:
    with pytest.raises(NotFound):
        officers.set_away(force, "P999", date(2026, 11, 26), date(2026, 11, 30), SUE.staff_no)
    with pytest.raises(NotFound):
        officers.mark_left(force, "P999", date(2026, 11, 26))


def test_marking_an_officer_left_and_withdrawing_it_are_audited(force: ServiceContext) -> None:
    shown = officers.mark_left(force, JANE.staff_no, date(2026, 12, 31))
    assert shown.left_on == date(2026, 12, 31) and not shown.left_by(date(2026, 12, 30))
    assert shown.left_by(date(2026, 12, 31))
    officers.mark_left(force, JANE.staff_no, date(2026, 12, 31))  # the same again: nothing new
    officers.mark_left(force, JANE.staff_no, None)
    assert [(a["change"], a["after"]["left_on"]) for a in officer_audits(force, JANE.staff_no)] == [
        ("left", "2026-12-31"), ("not left", None)
    ]  # fmt: skip
    assert officer_row(force, JANE.staff_no).left_on is None


def supervisor(division: str, team: str | None = None) -> Actor:
    return Actor(f"sgt-{division.lower()}", "ws", roles=frozenset({"supervisor"}), division=division, team=team)


def test_supervisors_manage_officers_of_their_own_division_only(force: ServiceContext) -> None:
    force.actor = supervisor("North", "N1")
    assert officers.set_away(force, RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), SUE.staff_no).away_from
    assert officers.mark_left(force, LEE.staff_no, date(2026, 11, 2)).left_on == date(2026, 11, 2)  # team N2
    with pytest.raises(NotPermitted):
        officers.set_away(force, OWEN.staff_no, date(2026, 11, 26), date(2026, 11, 30), None)  # South
    force.actor = supervisor("South")
    assert officers.set_away(force, OWEN.staff_no, date(2026, 11, 26), date(2026, 11, 30), None).away_from


@pytest.mark.parametrize("role", ["officer", "bureau"])
def test_officers_and_the_bureau_may_not_mark_anyone_away(force: ServiceContext, role: str) -> None:
    force.actor = Actor(f"{role}-1", "ws", roles=frozenset({role}), division="North", team="N1",
                        staff_no=SAM.staff_no)  # fmt: skip
    with pytest.raises(NotPermitted):
        officers.set_away(force, RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), SUE.staff_no)
    with pytest.raises(NotPermitted):
        officers.clear_away(force, RAY.staff_no)
    with pytest.raises(NotPermitted):
        officers.mark_left(force, RAY.staff_no, date(2026, 11, 26))
    assert officers.get_absence(force, RAY.staff_no).away_from is None  # anyone may look
    force.actor = Actor("admin-1", "ws", roles=frozenset({"administrator"}))
    assert officers.set_away(force, RAY.staff_no, date(2026, 11, 26), date(2026, 11, 30), SUE.staff_no).away_from
