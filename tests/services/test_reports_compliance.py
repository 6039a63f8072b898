"""The compliance report and the MoJ measures against a small world worked out by hand, and against
`vicman obligations --json` for the same data.

The world is tests/services/test_team_compliance.py's (its docstring works out every duty of CR-3001 to
CR-3007; now is Thu 26/11/2026 09:00 UTC), plus one older case whose monthly update chain the period
01/08/2026 to 30/09/2026 cuts through:

- CR-3008 (PC Jane Jones, P100, North, Response A), reported Mon 15/06/2026. vs_referral due Wed 17/06,
  referred 16/06: on time. update:1 due 15/07, informed 10/07: on time, so update:2 is due 10/08;
  informed 20/08: late, so update:3 is due 20/09; informed 15/09: on time, so update:4 is due 15/10:
  nobody called - overdue.

Period 01/10/2026 to 30/11/2026, whole force (14 duties):
- vs_referral (6): CR-3001 on time, CR-3005 on time, CR-3002 late, CR-3003 waived ("Victim declined
  support"), CR-3004 open (due 30/11), CR-3007 overdue. On time 2 / (6 - 1 waived - 1 open) = 50.0%.
- update (8): CR-3003 u1 and CR-3005 u1 on time; CR-3002 u1 waived ("Victim asked for no update this
  month"); CR-3001 u1, CR-3002 u2, CR-3007 u1, CR-3008 u4 overdue; CR-3005 u2 open (due 30/11).
  2 / (8 - 1 - 1) = 33.3%.
- All: 14 due, 4 on time, 1 late, 5 overdue, 2 open, 2 waived: 4 / 10 = 40.0%.
- By division: North 12 due (4 on time, 3 overdue, 2 waived, 2 open: 4 / 8 = 50.0%); South 2 due, both
  overdue (0.0%).
- By month: Oct 6 due (vs_referral x5 and CR-3008 u4): 2 on time, 1 late, 1 waived, 2 overdue: 2 / 5 =
  40.0%. Nov 8 due: 2 on time, 1 waived, 3 overdue, 2 open: 2 / 5 = 40.0%.
- North division by team: Response A 12 due (as North); CID (DC Kim Roe) has nothing due in the period
  and is not listed.
- Team North/Response A by officer: PC Jane Jones 9 due (2 on time, 1 late, 2 waived, 3 overdue, 1 open:
  2 / 6 = 33.3%); PC Sam Lee 3 due (2 on time, 1 open: 2 / 2 = 100.0%).
- Officer P300 (PC Sam Lee) by rule: vs_referral 1 due, on time (100.0%); update 2 due, 1 on time, 1 open
  (100.0%).

Period 01/08/2026 to 30/09/2026 (the cut chain): CR-3008 update:2 (late) and update:3 (on time) only -
update:1 and update:4 fall outside - and CR-3006 (DC Kim Roe, reported 03/08) vs_referral due 05/08 and
update:1 due 03/09, both overdue. 4 due: 1 on time, 1 late, 2 overdue: 1 / 4 = 25.0%.

MoJ measures, 01/10/2026 to 30/11/2026, with an acknowledgement letter and a contract recording the VPS
offer for CR-3004/V-34 (reported 26/11; its first update is due 26/12, outside the period):
- victims whose crime was reported in the period: CR-3001, 3002, 3003, 3004, 3005, 3007 = 6;
  acknowledged 1 (16.7%); VPS offered 1 (16.7%).
- referral: applicable 6 - 1 waived - 1 open = 4; met 3 (2 on time); 3 / 4 = 75.0%.
- updates (update and inform_* duties; only updates fell due): applicable 8 - 1 - 1 = 6; met 2, both on
  time: 33.3%.
- release information: not recorded (0 applicable, no percentage).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXED_NOW, copy_database, open_test_context
from tests.services.test_team_compliance import _row, utc, world_template  # noqa: F401 - the shared world
from vicman.services import audit, casework, entries, importing, letters, reports
from vicman.services.context import Actor
from vicman.services.errors import InvalidInput
from vicman.services.permissions import NotPermitted
from vicman.services.report_types import DutyCounts, ReportScope
from vicman.store.tables import AuditRow

AUTUMN = (date(2026, 10, 1), date(2026, 11, 30))
LATE_SUMMER = (date(2026, 8, 1), date(2026, 9, 30))
FORCE = ReportScope()


@pytest.fixture(scope="module")
def report_template(world_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: F811
    folder = tmp_path_factory.mktemp("report-world")
    path = copy_database(world_template, folder / "reports.sqlite3")
    ctx = open_test_context(path)
    try:
        row = _row("CR-3008", "2026-06-15T10:00", "V-38", "P100", "PC Jane Jones", "Response A")
        from tests.conftest import write_csv

        importing.import_crimes(ctx, write_csv(folder / "more.csv", [row]))
        entries.record_referral(ctx, "CR-3008", "V-38", utc(2026, 6, 16, 10))
        for day in (utc(2026, 7, 10, 10), utc(2026, 8, 20, 10), utc(2026, 9, 15, 10)):
            entries.record_contact(ctx, "CR-3008", "V-38", day, "phone", "informed")
    finally:
        ctx.close()
    return path


@pytest.fixture
def world(report_template: Any, db_path: Any) -> Iterator[Any]:
    copy_database(report_template, db_path)
    context = open_test_context(db_path)
    try:
        yield context
    finally:
        context.close()


def numbers(row: DutyCounts) -> tuple[Any, ...]:
    return (row.due, row.met_on_time, row.met_late, row.overdue, row.open, row.waived, row.on_time_pct)


def test_compliance_by_rule_total_and_waiver_reasons(world: Any) -> None:
    report = reports.compliance_report(world, *AUTUMN, FORCE)
    by_rule = {d.rule: d for d in report.duties}
    assert [d.rule for d in report.duties] == ["vs_referral", "update"]  # the Code's order, only rules due
    assert numbers(by_rule["vs_referral"]) == (6, 2, 1, 1, 1, 1, 50.0)
    assert numbers(by_rule["update"]) == (8, 2, 0, 4, 1, 1, 33.3)
    assert numbers(report.total) == (14, 4, 1, 5, 2, 2, 40.0)
    assert [(r.reason, r.count) for r in by_rule["vs_referral"].waiver_reasons] == [("Victim declined support", 1)]
    assert [(r.reason, r.count) for r in by_rule["update"].waiver_reasons] == [
        ("Victim asked for no update this month", 1)
    ]
    assert len(report.total.waiver_reasons) == 2
    assert report.header.as_of == date(2026, 11, 26)
    assert report.header.produced_at == FIXED_NOW
    assert report.header.force_name == letters.documents.default_book().force_name


def test_compliance_trend_and_divisions(world: Any) -> None:
    report = reports.compliance_report(world, *AUTUMN, FORCE)
    assert [(t.label, t.due, t.met_on_time, t.on_time_pct) for t in report.trend] == [
        ("Oct 2026", 6, 2, 40.0),
        ("Nov 2026", 8, 2, 40.0),
    ]
    assert report.group_level == "division"
    assert [(g.group, g.key, g.due, g.met_on_time, g.overdue, g.on_time_pct) for g in report.by_group] == [
        ("North", "North", 12, 4, 3, 50.0),
        ("South", "South", 2, 0, 2, 0.0),
    ]


def test_weekly_trend_starts_on_monday(world: Any) -> None:
    report = reports.compliance_report(world, *AUTUMN, FORCE, trend_bucket="week")
    # 01/10/2026 is a Thursday: the first week began on Monday 28/09 (only its Thursday and Friday count).
    assert report.trend[0].bucket_start == date(2026, 9, 28)
    assert report.trend[0].label == "w/c 28/09/2026"
    assert all(t.bucket_start.weekday() == 0 for t in report.trend)
    # Mon 05/10 (three referrals) and Wed 07/10, Thu 08/10: five in the week of 05/10.
    week = {t.bucket_start: t for t in report.trend}[date(2026, 10, 5)]
    assert (week.due, week.met_on_time) == (5, 2)
    assert sum(t.due for t in report.trend) == 14


def test_period_cutting_an_update_chain_counts_only_its_part(world: Any) -> None:
    report = reports.compliance_report(world, *LATE_SUMMER, FORCE)
    by_rule = {d.rule: d for d in report.duties}
    assert numbers(by_rule["update"]) == (3, 1, 1, 1, 0, 0, 33.3)  # CR-3008 u2 late, u3 on time; CR-3006 u1
    assert numbers(by_rule["vs_referral"]) == (1, 0, 0, 1, 0, 0, 0.0)  # CR-3006
    assert numbers(report.total) == (4, 1, 1, 2, 0, 0, 25.0)
    behind = reports.duties_behind(world, *LATE_SUMMER, FORCE, rule="update")
    assert [(d.crime_ref, d.key, d.status) for d in behind] == [
        ("CR-3008", "update:2", "late"),
        ("CR-3006", "update:1", "overdue"),
        ("CR-3008", "update:3", "on_time"),
    ]


def test_division_team_and_officer_scopes(world: Any) -> None:
    north = reports.compliance_report(world, *AUTUMN, ReportScope(division="North"))
    assert numbers(north.total) == (12, 4, 1, 3, 2, 2, 50.0)
    assert north.group_level == "team"
    assert [(g.group, g.due, g.on_time_pct) for g in north.by_group] == [("Response A", 12, 50.0)]
    team = reports.compliance_report(world, *AUTUMN, ReportScope(team="North/Response A"))
    assert team.group_level == "officer"
    assert [(g.group, g.key, g.due, g.met_on_time, g.overdue, g.on_time_pct) for g in team.by_group] == [
        ("PC Jane Jones (P100)", "P100", 9, 2, 3, 33.3),
        ("PC Sam Lee (P300)", "P300", 3, 2, 0, 100.0),
    ]
    officer = reports.compliance_report(world, *AUTUMN, ReportScope(officer="P300"))
    assert officer.group_level == "rule"
    assert numbers(officer.total) == (3, 2, 0, 0, 1, 0, 100.0)
    # Named by the duty's title, in alphabetical order: "Refer the victim ..." before "Update the victim ...".
    assert [(g.key, g.due, g.on_time_pct) for g in officer.by_group] == [
        ("vs_referral", 1, 100.0),
        ("update", 2, 100.0),
    ]


def test_duties_behind_each_kind_of_number(world: Any) -> None:
    overdue = reports.duties_behind(world, *AUTUMN, FORCE, status="overdue")
    assert sorted((d.crime_ref, d.key) for d in overdue) == [
        ("CR-3001", "update:1"),
        ("CR-3002", "update:2"),
        ("CR-3007", "report"),
        ("CR-3007", "update:1"),
        ("CR-3008", "update:4"),
    ]
    assert {d.officer for d in overdue} == {"PC Jane Jones (P100)", "PC Ray Khan (P200)"}
    south = reports.duties_behind(world, *AUTUMN, FORCE, group="South")
    assert {d.crime_ref for d in south} == {"CR-3007"}
    october = reports.duties_behind(world, *AUTUMN, FORCE, bucket_start=date(2026, 10, 1), status="on_time")
    assert sorted(d.crime_ref for d in october) == ["CR-3001", "CR-3005"]
    waived = reports.duties_behind(world, *AUTUMN, ReportScope(team="North/Response A"), status="waived", group="P100")
    assert sorted((d.crime_ref, d.waiver_reason) for d in waived) == [
        ("CR-3002", "Victim asked for no update this month"),
        ("CR-3003", "Victim declined support"),
    ]
    assert len(reports.duties_behind(world, *AUTUMN, FORCE, limit=3)) == 3
    assert len(reports.duties_behind(world, *AUTUMN, FORCE, status="due")) == 14
    with pytest.raises(InvalidInput) as bad:
        reports.duties_behind(world, *AUTUMN, FORCE, status="lost")
    assert bad.value.field == "status"


def test_numbers_agree_with_vicman_obligations_json(world: Any, db_path: Any, cli: Any) -> None:
    world.close()
    listed = cli("--db", db_path, "obligations", "--as-of", "2026-11-26", "--json")
    assert listed.status == 0, listed.err
    counted: Counter[tuple[str, str]] = Counter()
    for item in json.loads(listed.out):
        if AUTUMN[0].isoformat() <= item["due"] <= AUTUMN[1].isoformat():
            status = ("late" if item["late"] else "on_time") if item["status"] == "met" else item["status"]
            counted[(item["rule"], status)] += 1
    again = open_test_context(db_path)
    try:
        report = reports.compliance_report(again, *AUTUMN, FORCE)
    finally:
        again.close()
    from_report: Counter[tuple[str, str]] = Counter()
    for d in report.duties:
        for status, n in (
            ("on_time", d.met_on_time),
            ("late", d.met_late),
            ("overdue", d.overdue),
            ("open", d.open),
            ("waived", d.waived),
        ):
            if n:
                from_report[(d.rule, status)] = n
    assert from_report == counted
    assert sum(counted.values()) == 14


def test_moj_measures_worked_out_by_hand(world: Any) -> None:
    at = utc(2026, 11, 26, 8, 45)
    letters.record_letters(world, [("CR-3004", "V-34", "acknowledgement", "en")], at)
    casework.agree_contract(world, "CR-3004", "V-34", every_months=1, vps_offered=True, vps_answer="accepted", at=at)
    report = reports.moj_report(world, *AUTUMN, FORCE)
    found = {m.measure: (m.applicable, m.met, m.met_on_time, m.pct) for m in report.measures}
    assert found == {
        "acknowledgement": (6, 1, None, 16.7),
        "referral": (4, 3, 2, 75.0),
        "updates": (6, 2, 2, 33.3),
        "vps_offered": (6, 1, None, 16.7),
        "release_information": (0, 0, None, None),
    }
    notes = {m.measure: m.note for m in report.measures}
    assert "Not recorded by vicman" in notes["release_information"]
    assert "inform_arrest" in notes["updates"] and "update" in notes["updates"]
    south = {
        m.measure: m.applicable for m in reports.moj_report(world, *AUTUMN, ReportScope(division="South")).measures
    }
    assert south["acknowledgement"] == 1 and south["referral"] == 1


def test_bad_periods_and_scopes_are_refused_clearly(world: Any) -> None:
    with pytest.raises(InvalidInput) as late:
        reports.compliance_report(world, date(2026, 12, 1), date(2026, 11, 1), FORCE)
    assert late.value.field == "period_from"
    with pytest.raises(InvalidInput) as nowhere:
        reports.compliance_report(world, *AUTUMN, ReportScope(division="Atlantis"))
    assert nowhere.value.field == "division" and "Atlantis" in str(nowhere.value)
    with pytest.raises(InvalidInput) as both:
        reports.compliance_report(world, *AUTUMN, ReportScope(division="North", officer="P100"))
    assert both.value.field == "scope"
    with pytest.raises(InvalidInput):
        reports.compliance_report(world, *AUTUMN, FORCE, trend_bucket="fortnight")
    with pytest.raises(InvalidInput) as officer:
        reports.moj_report(world, *AUTUMN, ReportScope(officer="P999"))
    assert officer.value.field == "officer"


def _as(role: str, **place: Any) -> Actor:
    return Actor(f"{role}-user", "ws", roles=frozenset({role}), **place)


def test_who_may_see_which_report(world: Any) -> None:
    with world.db.read() as session:
        from sqlalchemy import select

        from vicman.store.tables import OfficerRow

        p100 = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == "P100"))
    world.actor = _as("officer", officer_id=p100, staff_no="P100", division="North", team="Response A")
    assert reports.compliance_report(world, *AUTUMN, ReportScope(officer="P100")).total.due == 9
    for scope in (ReportScope(officer="P300"), ReportScope(division="North"), FORCE):
        with pytest.raises(NotPermitted):
            reports.compliance_report(world, *AUTUMN, scope)
    world.actor = _as("bureau", division="North")
    assert reports.moj_report(world, *AUTUMN, ReportScope(division="North")).measures
    with pytest.raises(NotPermitted):
        reports.moj_report(world, *AUTUMN, ReportScope(division="South"))
    world.actor = _as("supervisor", division="North")
    assert reports.compliance_report(world, *AUTUMN, ReportScope(division="South")).total.due == 2
    world.actor = _as("administrator")
    with pytest.raises(NotPermitted):
        reports.compliance_report(world, *AUTUMN, FORCE)
    with world.db.read() as session:
        from sqlalchemy import select

        denied = session.scalars(select(AuditRow.object_type).where(AuditRow.action == audit.AUTHZ_DENY)).all()
    assert set(denied) == {"report"}
