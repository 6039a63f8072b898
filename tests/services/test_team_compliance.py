"""Compliance per officer (DESIGN.md section 1, supervisors): duties that fell due in a period, met on
time, met late, waived, overdue and open, against a small world worked out by hand and against the
obligations table of a synthetic force.

The small world; now is Thursday 26/11/2026 09:00 UTC and the period is 01/10/2026 to 30/11/2026. A
victim's referral (vs_referral) is due 2 working days after the report; the first update one calendar
month after it, and each next update a month after the contact (or waiver) that settled the last.
- PC Jane Jones (P100, North, Response A):
  - CR-3001 (reported Thu 01/10): vs_referral due Mon 05/10, referred 02/10: met on time.
    update:1 due Sun 01/11, no contact: overdue.
  - CR-3002 (reported Mon 05/10): vs_referral due Wed 07/10, referred 12/10: met late.
    update:1 due Thu 05/11, waived on 20/10: waived; so update:2 is due 20/11: overdue.
  - CR-3003 (reported Tue 06/10): vs_referral due Thu 08/10: waived.
    update:1 due Fri 06/11, informed on 02/11: met on time (update:2 due 02/12: outside the period).
  - CR-3004 (reported Thu 26/11 08:00): vs_referral due Mon 30/11: open.
  So 8 due: 2 on time, 1 late, 2 waived, 2 overdue, 1 open; on time 2 / (8 - 2) = 33.3%.
- PC Sam Lee (P300, North, Response A), CR-3005 (reported Thu 01/10): vs_referral due 05/10, referred
  05/10: on time; update:1 due 01/11, informed 30/10: on time; update:2 due 30/11: open.
  3 due: 2 on time, 1 open; 2 / 3 = 66.7%.
- DC Kim Roe (P400, North, CID), CR-3006 reported 03/08: nothing falls due in the period (update:1 was
  due 03/09): listed with nothing due and no percentage.
- PC Ray Khan (P200, South), CR-3007 (reported 01/10): vs_referral due 05/10 and update:1 due 01/11,
  both overdue; only in South.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import connect_database, copy_database, crime_row, open_test_context, write_csv
from vicman.services import dip_sampling, entries, importing, team_compliance
from vicman.services.context import Actor
from vicman.services.demo import make_demo
from vicman.services.errors import InvalidInput, NotFound
from vicman.services.permissions import NotPermitted

PERIOD = (date(2026, 10, 1), date(2026, 11, 30))
ANSWERS = dict.fromkeys(
    (
        "duties_on_time",
        "contact_clear",
        "contact_accurate",
        "needs_addressed",
        "needs_assessment_recorded",
        "vps_offered",
        "referral_made",
    ),
    "yes",
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _row(ref: str, reported: str, victim: str, oic: str, name: str, team: str, division: str = "North") -> dict:
    return crime_row(
        crime_ref=ref,
        reported_at=reported,
        victim_ref=victim,
        victim_name=f"Alex {victim.replace('-', '')}",
        victim_phone="",
        victim_email="",
        oic_id=oic,
        oic_name=name,
        oic_team=team,
        division=division,
    )


@pytest.fixture(scope="module")
def world_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compliance-world")
    path = copy_database(template_db, folder / "world.sqlite3")
    rows = [
        _row("CR-3001", "2026-10-01T10:00", "V-31", "P100", "PC Jane Jones", "Response A"),
        _row("CR-3002", "2026-10-05T10:00", "V-32", "P100", "PC Jane Jones", "Response A"),
        _row("CR-3003", "2026-10-06T10:00", "V-33", "P100", "PC Jane Jones", "Response A"),
        _row("CR-3004", "2026-11-26T08:00", "V-34", "P100", "PC Jane Jones", "Response A"),
        _row("CR-3005", "2026-10-01T11:00", "V-35", "P300", "PC Sam Lee", "Response A"),
        _row("CR-3006", "2026-08-03T10:00", "V-36", "P400", "DC Kim Roe", "CID"),
        _row("CR-3007", "2026-10-01T10:00", "V-37", "P200", "PC Ray Khan", "Response B", "South"),
    ]
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, write_csv(folder / "world.csv", rows))
        entries.record_referral(ctx, "CR-3001", "V-31", utc(2026, 10, 2, 10))
        entries.record_referral(ctx, "CR-3002", "V-32", utc(2026, 10, 12, 10))
        entries.waive(ctx, "CR-3002", "V-32", "update:1", "Victim asked for no update this month", at=utc(2026, 10, 20))
        entries.waive(ctx, "CR-3003", "V-33", "vs_referral", "Victim declined support", at=utc(2026, 10, 7, 10))
        entries.record_contact(ctx, "CR-3003", "V-33", utc(2026, 11, 2, 10), "phone", "informed")
        entries.record_referral(ctx, "CR-3005", "V-35", utc(2026, 10, 5, 10))
        entries.record_contact(ctx, "CR-3005", "V-35", utc(2026, 10, 30, 10), "phone", "informed")
    finally:
        ctx.close()
    return path


@pytest.fixture
def world(world_template: Path, db_path: Path) -> Iterator[Any]:
    copy_database(world_template, db_path)
    context = open_test_context(db_path)
    try:
        yield context
    finally:
        context.close()


def counts(row: team_compliance.OfficerCompliance) -> tuple:
    return (row.due, row.met_on_time, row.met_late, row.waived, row.overdue, row.open, row.on_time_pct)


def test_compliance_per_officer_worked_out_by_hand(world):
    rows = team_compliance.team_compliance(world, "division", "North", *PERIOD)
    assert [(r.staff_no, r.name, r.team) for r in rows] == [
        ("P400", "DC Kim Roe", "CID"),
        ("P100", "PC Jane Jones", "Response A"),
        ("P300", "PC Sam Lee", "Response A"),
    ]
    assert [counts(r) for r in rows] == [
        (0, 0, 0, 0, 0, 0, None),
        (8, 2, 1, 2, 2, 1, 33.3),
        (3, 2, 0, 0, 0, 1, 66.7),
    ]
    south = team_compliance.team_compliance(world, "division", "South", *PERIOD)
    assert [(r.staff_no, counts(r)) for r in south] == [("P200", (2, 0, 0, 0, 2, 0, 0.0))]


def test_team_and_officer_scopes(world):
    team = team_compliance.team_compliance(world, "team", "North/Response A", *PERIOD)
    assert [r.staff_no for r in team] == ["P100", "P300"]
    assert [r.staff_no for r in team_compliance.team_compliance(world, "team", "CID", *PERIOD)] == ["P400"]
    (one,) = team_compliance.team_compliance(world, "officer", "P300", *PERIOD)
    assert counts(one) == (3, 2, 0, 0, 0, 1, 66.7)
    # a narrower period: October only has the referrals
    (october,) = team_compliance.team_compliance(world, "officer", "P100", date(2026, 10, 1), date(2026, 10, 31))
    assert counts(october) == (3, 1, 1, 1, 0, 0, 50.0)
    with pytest.raises(InvalidInput) as raised:
        team_compliance.team_compliance(world, "team", "North/Nobody", *PERIOD)
    assert raised.value.field == "scope_value"
    with pytest.raises(InvalidInput) as raised:
        team_compliance.team_compliance(world, "division", "North", date(2026, 12, 1), date(2026, 11, 1))
    assert raised.value.field == "period_from"


def test_the_drill_down_lists_the_duties_behind_each_number(world):
    duties = team_compliance.officer_duties(world, "P100", *PERIOD)
    assert [(d.crime_ref, d.key, d.due, d.status) for d in duties] == [
        ("CR-3001", "report", date(2026, 10, 5), "on_time"),
        ("CR-3002", "report", date(2026, 10, 7), "late"),
        ("CR-3003", "report", date(2026, 10, 8), "waived"),
        ("CR-3001", "update:1", date(2026, 11, 1), "overdue"),
        ("CR-3002", "update:1", date(2026, 11, 5), "waived"),
        ("CR-3003", "update:1", date(2026, 11, 6), "on_time"),
        ("CR-3002", "update:2", date(2026, 11, 20), "overdue"),
        ("CR-3004", "report", date(2026, 11, 30), "open"),
    ]
    late = duties[1]
    assert (late.victim_ref, late.victim_name, late.title, late.status_label) == (
        "V-32",
        "Alex V32",
        "Refer the victim to support services",
        "Met late",
    )
    assert late.met_at == utc(2026, 10, 12, 10)
    assert duties[2].waiver_reason == "Victim declined support"
    (row,) = team_compliance.team_compliance(world, "officer", "P100", *PERIOD)
    numbers = {"on_time": row.met_on_time, "late": row.met_late, "waived": row.waived, "overdue": row.overdue}
    for status, number in (numbers | {"open": row.open}).items():
        listed = team_compliance.officer_duties(world, "P100", *PERIOD, status=status)
        assert [d.status for d in listed] == [status] * number
    with pytest.raises(InvalidInput) as raised:
        team_compliance.officer_duties(world, "P100", *PERIOD, status="done")
    assert raised.value.field == "status"
    with pytest.raises(NotFound):
        team_compliance.officer_duties(world, "P999", *PERIOD)


def test_the_last_three_verdicts_latest_review_of_each_entry(world):
    sample = dip_sampling.draw_sample(
        world, "officer", "P100", date(2026, 9, 1), date(2026, 11, 30), 5, "random", seed=1
    )
    (item,) = dip_sampling.sample_items(world, sample.id)  # Jones has one contact entry (CR-3003)
    other = dip_sampling.draw_sample(world, "officer", "P100", date(2026, 9, 1), date(2026, 11, 30), 5, "risk", seed=2)
    (again,) = dip_sampling.sample_items(world, other.id)
    third = dip_sampling.draw_sample(
        world, "officer", "P100", date(2026, 9, 1), date(2026, 11, 30), 5, "random", seed=3
    )
    (more,) = dip_sampling.sample_items(world, third.id)
    dip_sampling.record_review(world, item.id, **ANSWERS, verdict="not_compliant")
    dip_sampling.record_review(world, item.id, **ANSWERS, verdict="partly")  # supersedes the one before
    dip_sampling.record_review(world, again.id, **ANSWERS, verdict="compliant")
    dip_sampling.record_review(world, more.id, **ANSWERS, verdict="not_compliant")
    lee = dip_sampling.draw_sample(world, "officer", "P300", date(2026, 9, 1), date(2026, 11, 30), 5, "random", seed=1)
    dip_sampling.record_review(world, dip_sampling.sample_items(world, lee.id)[0].id, **ANSWERS, verdict="compliant")

    jones, lee_row = team_compliance.team_compliance(world, "team", "North/Response A", *PERIOD)
    assert [(v.sample_id, v.verdict) for v in jones.last_verdicts] == [
        (third.id, "not_compliant"),
        (other.id, "compliant"),
        (sample.id, "partly"),
    ]
    assert jones.last_verdicts[0].verdict_label == "Not compliant" and jones.last_verdicts[0].crime_ref == "CR-3003"
    assert [v.verdict for v in lee_row.last_verdicts] == ["compliant"]

    fourth = dip_sampling.draw_sample(
        world, "officer", "P100", date(2026, 9, 1), date(2026, 11, 30), 5, "random", seed=4
    )
    dip_sampling.record_review(world, dip_sampling.sample_items(world, fourth.id)[0].id, **ANSWERS, verdict="compliant")
    jones = team_compliance.team_compliance(world, "officer", "P100", *PERIOD)[0]
    assert [v.sample_id for v in jones.last_verdicts] == [fourth.id, third.id, other.id]


def test_only_supervisors_see_compliance_and_it_is_audited(world, db_path):
    world.actor = Actor(user="pc-jones", workstation="test-host", roles=frozenset({"officer"}))
    with pytest.raises(NotPermitted):
        team_compliance.team_compliance(world, "division", "North", *PERIOD)
    with pytest.raises(NotPermitted):
        team_compliance.officer_duties(world, "P100", *PERIOD)
    world.actor = Actor(user="sgt-smith", workstation="test-host", roles=frozenset({"supervisor"}))
    team_compliance.team_compliance(world, "division", "North", *PERIOD)
    team_compliance.officer_duties(world, "P100", *PERIOD)
    connection = connect_database(db_path)
    try:
        rows = connection.execute(
            "SELECT actor, action, object_type, object_id FROM audit "
            "WHERE actor IN ('pc-jones', 'sgt-smith') ORDER BY seq"
        ).fetchall()
    finally:
        connection.close()
    assert rows == [
        ("pc-jones", "authz-deny", "compliance", "North"),
        ("pc-jones", "authz-deny", "compliance", "officer:P100"),
        ("sgt-smith", "consult", "compliance", "division:North"),
        ("sgt-smith", "consult", "compliance", "officer:P100"),
    ]


# --- agreement with the obligations table on a synthetic force ----------------------------------


@pytest.fixture
def demo(db_path: Path) -> Iterator[Any]:
    context = open_test_context(db_path)
    try:
        make_demo(context, crimes=200, seed=5)
        yield context
    finally:
        context.close()


def test_the_numbers_agree_with_the_obligations_table(demo, db_path):
    start, end = date(2026, 6, 1), date(2026, 11, 30)
    today = demo.today()
    connection = connect_database(db_path)
    try:
        duties = connection.execute(
            "SELECT o.staff_no, d.state, d.late, d.due, o.division FROM obligation d JOIN officer o ON o.id = d.oic_id "
            "WHERE d.due BETWEEN ? AND ?",
            (start.isoformat(), end.isoformat()),
        ).fetchall()
        divisions = [r[0] for r in connection.execute("SELECT DISTINCT division FROM officer ORDER BY 1")]
    finally:
        connection.close()
    expected: dict[str, Counter[str]] = {}
    for staff_no, state, late, due, _ in duties:
        tally = expected.setdefault(staff_no, Counter())
        tally["due"] += 1
        if state == "met":
            tally["late" if late else "on_time"] += 1
        elif state == "waived":
            tally["waived"] += 1
        else:
            tally["overdue" if date.fromisoformat(due) < today else "open"] += 1
    seen = set()
    for division in divisions:
        for row in team_compliance.team_compliance(demo, "division", division, start, end):
            seen.add(row.staff_no)
            tally = expected.get(row.staff_no, Counter())
            assert (row.due, row.met_on_time, row.met_late, row.waived, row.overdue, row.open) == (
                tally["due"],
                tally["on_time"],
                tally["late"],
                tally["waived"],
                tally["overdue"],
                tally["open"],
            ), row.staff_no
            assert row.due == row.met_on_time + row.met_late + row.waived + row.overdue + row.open
    assert set(expected) <= seen
    totals = Counter(state for _, state, _, _, _ in duties)
    assert totals["met"] > 50 and totals["waived"] > 0 and totals["pending"] > 10  # every kind is exercised
