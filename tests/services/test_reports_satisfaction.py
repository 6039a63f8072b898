"""Satisfaction surveys: recording, validation, corrections, and the report by ethnic group worked out by hand.

The world (now Thu 26/11/2026 09:00 UTC; crimes reported 01/08/2026; period 01/10/2026 to 26/11/2026):
- V-1 "White: Irish": overall 5, kept informed 2, treatment 4, ease not answered (10/11). Also a survey on
  01/09, outside the period.
- V-2 "Asian or Asian British: Pakistani": overall 3, kept informed 4, treatment 5, ease 1 (12/11); and a
  second survey (13/11) that was then retracted.
- V-3 ethnicity not recorded: overall 4 only (14/11).
- V-4 "White: English, Welsh, Scottish, Northern Irish or British": overall 4, kept informed 4, ease 5
  (15/11), corrected to overall 2: the standing version counts.
Satisfied = 4 or 5. Overall: White 1 of 2 (V-1 yes, V-4 no after the correction) = 50.0%, Wilson 95%
interval 9.5% to 90.5% (centre (0.5 + 1.9207/2)/(1 + 1.9207) = 0.5, half-width 1.96 x sqrt(0.125 +
0.2401) / 2.9207 = 0.4055); Minority ethnic 0 of 1 (V-2 answered 3); Not recorded 1 of 1; All 2 of 4.
Kept informed: White 1 of 2 (V-4), Minority 1 of 1. Every gap: far too few answers to test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import copy_database, crime_row, open_test_context, write_csv
from vicman.services import audit, audit_verify, importing, satisfaction
from vicman.services.context import Actor
from vicman.services.errors import InvalidInput, NotFound
from vicman.services.permissions import NotPermitted
from vicman.services.report_types import ReportScope
from vicman.store.tables import AuditRow

PERIOD = (date(2026, 10, 1), date(2026, 11, 26))
ETHNICITY = {
    "V-1": "White: Irish",
    "V-2": "Asian or Asian British: Pakistani",
    "V-3": "",
    "V-4": "White: English, Welsh, Scottish, Northern Irish or British",
}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def survey(
    ctx: Any, n: int, at: datetime, overall: Any, kept: Any = None, treatment: Any = None, ease: Any = None
) -> Any:
    return satisfaction.record_survey(
        ctx,
        f"CR-{n}",
        f"V-{n}",
        at=at,
        method="phone",
        overall=overall,
        kept_informed=kept,
        treatment=treatment,
        ease_of_contact=ease,
    )


@pytest.fixture(scope="module")
def survey_template(template_db: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("surveys")
    path = copy_database(template_db, folder / "surveys.sqlite3")
    rows = [
        crime_row(
            crime_ref=f"CR-{n}",
            victim_ref=f"V-{n}",
            victim_name=f"Sam Person{n}",
            reported_at="2026-08-01T10:00",
            victim_ethnicity=ETHNICITY[f"V-{n}"],
            division="North" if n < 4 else "South",
        )
        for n in (1, 2, 3, 4)
    ]
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, write_csv(folder / "crimes.csv", rows))
        survey(ctx, 1, utc(2026, 11, 10, 12), 5, 2, 4, None)
        survey(ctx, 1, utc(2026, 9, 1, 12), 1, 1, 1, 1)
        survey(ctx, 2, utc(2026, 11, 12, 12), 3, 4, 5, 1)
        second = survey(ctx, 2, utc(2026, 11, 13, 12), 5, 5, 5, 5)
        satisfaction.correct_survey(ctx, second.id, "Entered against the wrong victim", retract=True)
        survey(ctx, 3, utc(2026, 11, 14, 12), 4)
        fourth = survey(ctx, 4, utc(2026, 11, 15, 12), 4, 4, None, 5)
        satisfaction.correct_survey(ctx, fourth.id, "Misheard: the victim said fairly dissatisfied", overall=2)
    finally:
        ctx.close()
    return path


@pytest.fixture
def world(survey_template: Any, db_path: Any) -> Iterator[Any]:
    copy_database(survey_template, db_path)
    context = open_test_context(db_path)
    try:
        yield context
    finally:
        context.close()


def shown(p: Any) -> tuple[Any, ...]:
    return (p.satisfied, p.answered, p.pct, p.ci_low, p.ci_high)


def test_report_by_group_worked_out_by_hand(world: Any) -> None:
    report = satisfaction.satisfaction_report(world, *PERIOD, ReportScope())
    assert report.surveys == 4
    aggregates = {g.group: g.questions for g in report.aggregates}
    assert list(aggregates) == ["White", "Minority ethnic", "Not recorded", "All"]
    assert shown(aggregates["White"]["overall"]) == (1, 2, 50.0, 9.5, 90.5)
    assert shown(aggregates["Minority ethnic"]["overall"])[:3] == (0, 1, 0.0)
    assert shown(aggregates["Not recorded"]["overall"])[:3] == (1, 1, 100.0)
    assert shown(aggregates["All"]["overall"])[:3] == (2, 4, 50.0)
    assert shown(aggregates["White"]["kept_informed"])[:3] == (1, 2, 50.0)
    assert shown(aggregates["Minority ethnic"]["kept_informed"])[:3] == (1, 1, 100.0)
    assert shown(aggregates["White"]["ease_of_contact"])[:2] == (1, 1)  # V-1 did not answer it
    groups = [g.group for g in report.groups]
    assert groups == [ETHNICITY["V-4"], "White: Irish", ETHNICITY["V-2"], "Not recorded"]
    overall = report.gaps[0]
    assert overall.question == "overall"
    assert (overall.gap_points, overall.significant, overall.p_value) == (50.0, None, None)
    assert "too few answered" in overall.verdict


def test_scope_narrows_to_the_crimes_in_it(world: Any) -> None:
    south = satisfaction.satisfaction_report(world, *PERIOD, ReportScope(division="South"))
    assert south.surveys == 1
    assert [g.group for g in south.groups] == [ETHNICITY["V-4"]]


def test_a_large_gap_is_tested_and_explained() -> None:
    found = satisfaction._gap("overall", [56, 70], [48, 80])
    assert (found.gap_points, found.ci_low, found.ci_high) == (20.0, 5.2, 33.4)  # Newcombe 1998, example (a)
    assert found.significant is True
    assert found.p_value == pytest.approx(0.00805, abs=1e-5)
    assert found.verdict.startswith("White victims were more satisfied with overall service")
    assert "unlikely to be chance (p = 0.008)" in found.verdict
    reverse = satisfaction._gap("treatment", [40, 80], [20, 40])
    assert reverse.significant is False and "not statistically significant" in reverse.verdict


def test_surveys_for_the_record_show_corrections(world: Any) -> None:
    listed = satisfaction.surveys_for(world, "CR-4", "V-4")
    assert [(s.overall, s.standing, s.corrects_id is not None) for s in listed] == [(2, True, True), (4, False, False)]
    assert listed[0].correction_reason == "Misheard: the victim said fairly dissatisfied"
    retracted = satisfaction.surveys_for(world, "CR-2", "V-2")
    assert [s.standing for s in retracted] == [False, False, True]


def test_every_survey_is_audited_with_its_digest(world: Any) -> None:
    with world.db.read() as session:
        made = session.execute(
            select(AuditRow.action, AuditRow.entry_hash).where(AuditRow.object_type == "satisfaction_survey")
        ).all()
    assert sorted(action for action, _ in made) == ["alter", "alter"] + ["collect"] * 6
    assert all(digest for _, digest in made)
    assert audit_verify.verify(world).ok


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"overall": 6}, "overall"),
        ({"kept_informed": 0}, "kept_informed"),
        ({"overall": None}, "overall"),  # nothing answered
        ({"method": "fax"}, "method"),
        ({"at": utc(2026, 12, 1, 12)}, "at"),  # the future
        ({"at": utc(2026, 7, 31, 12)}, "at"),  # before the crime was reported
        ({"at": datetime(2026, 11, 1, 12)}, "at"),  # no time zone
    ],
)
def test_bad_surveys_are_refused_naming_the_field(world: Any, changes: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"at": utc(2026, 11, 20, 12), "method": "phone", "overall": 4, "kept_informed": None,
                              "treatment": None, "ease_of_contact": None}  # fmt: skip
    values |= changes
    with world.db.read() as session:
        before = session.scalar(select(AuditRow.seq).order_by(AuditRow.seq.desc()).limit(1))
    with pytest.raises(InvalidInput) as refused:
        satisfaction.record_survey(world, "CR-1", "V-1", **values)
    assert refused.value.field == field
    with world.db.read() as session:
        assert session.scalar(select(AuditRow.seq).order_by(AuditRow.seq.desc()).limit(1)) == before


def test_a_date_alone_is_accepted(world: Any) -> None:
    done = satisfaction.record_survey(
        world, "CR-3", "V-3", at=date(2026, 11, 25), method="post", overall=None, kept_informed=5, treatment=None,
        ease_of_contact=None, comments="  Very helpful officer.  ",
    )  # fmt: skip
    (latest, *_rest) = satisfaction.surveys_for(world, "CR-3", "V-3")
    assert latest.id == done.id and latest.comments == "Very helpful officer." and latest.method_label == "Post"


def test_only_the_author_corrects_and_only_in_reach(world: Any) -> None:
    first = satisfaction.surveys_for(world, "CR-1", "V-1")[0]
    world.actor = Actor("someone-else", "ws", roles=frozenset({"supervisor"}))
    with pytest.raises(NotPermitted):
        satisfaction.correct_survey(world, first.id, "Not mine", overall=1)
    world.actor = Actor("admin", "ws", roles=frozenset({"administrator"}))
    with pytest.raises(NotFound):  # a case the administrator may not even read is answered as if absent
        survey(world, 1, utc(2026, 11, 20, 12), 4)
    with pytest.raises(NotPermitted):
        satisfaction.satisfaction_report(world, *PERIOD, ReportScope())
    with world.db.read() as session:
        denied = session.scalars(select(AuditRow.object_type).where(AuditRow.action == audit.AUTHZ_DENY)).all()
    assert len(denied) == 3


def test_ethnicity_aggregate_is_data() -> None:
    groups = satisfaction.ethnicity_groups()
    assert groups.aggregate("White: Roma") == "White"
    assert groups.aggregate("  white: irish ") == "White"
    assert groups.aggregate("Mixed or Multiple ethnic groups: White and Asian") == "Minority ethnic"
    assert groups.aggregate("Asian: Pakistani") == "Minority ethnic"
    assert groups.aggregate(None) == groups.aggregate("Prefer not to say") == "Not recorded"
    text = (Path(__file__).resolve().parents[2] / "resources" / "ethnicity.toml").read_text(encoding="utf-8")
    assert "Home Office" in text and "never guessed" in text


def test_every_census_group_the_record_suggests_falls_in_the_right_aggregate() -> None:
    groups = satisfaction.ethnicity_groups()
    assert len(groups.census_2021) == 20
    for label in groups.census_2021:
        expected = "White" if label.startswith("White:") else "Minority ethnic"
        if label == "Prefer not to say":
            expected = "Not recorded"
        assert groups.aggregate(label) == expected, label
