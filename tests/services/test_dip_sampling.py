"""Supervisors' dip sampling (DESIGN.md section 1; RELIABILITY.md C3): reproducible draws, the three
methods, risk flags, entries pinned by hash, append-only reviews, officers' findings and permissions.

Two kinds of data: a synthetic force (`make_demo`, 200 crimes, built once per module and copied for each
test) for the statistics, and a small hand-made world whose answers are worked out below.

The small world (now is Thursday 26/11/2026 09:00 UTC; officers P100 and P300 in North "Response A",
P200 in South):
- CR-2001 (P100, reported Tue 01/09/2026 10:00), V-9 standard, referred on 02/09 (on time). Informed
  contacts on 29/09 (28 days after the report: flagged no_contact_28d), 20/10 (21 days after the last:
  not flagged) and 18/11 (29 days: flagged). Each meets its monthly update on time, so nothing is late.
- CR-2002 (P100, reported Mon 02/11/2026), V-8 vulnerable (enhanced), referred 03/11, informed 10/11:
  flagged enhanced only.
- CR-2003 (P300, reported Mon 02/11/2026), V-7 standard, never referred: vs_referral was due 04/11 and is
  overdue, so V-7's contact on 10/11 is flagged late_or_overdue.
- CR-1002 (P200, South) has one contact, outside every North scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import (
    FIXED_NOW,
    copy_database,
    crime_row,
    open_test_context,
    query_database,
    refusal,
    tamper_database,
    write_csv,
)
from vicman.services import dip_sampling, entries, importing
from vicman.services.context import Actor
from vicman.services.demo import make_demo
from vicman.services.dip_sample_population import allocate, choose
from vicman.services.errors import InvalidInput, NotFound, ServiceError
from vicman.services.permissions import NotPermitted
from vicman.store.tables import CrimePersonRow, CrimeRow, OfficerRow, PersonRow

LATER = FIXED_NOW + timedelta(hours=2)
PERIOD = (date(2026, 6, 1), date(2026, 11, 25))
ANSWERS = {
    "duties_on_time": "yes",
    "contact_clear": "yes",
    "contact_accurate": "no",
    "needs_addressed": "yes",
    "needs_assessment_recorded": "no",
    "vps_offered": "n/a",
    "referral_made": "yes",
}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def entry_ids(items: list[Any]) -> list[int]:
    return [i.entry_id for i in items]


def as_actor(ctx: Any, user: str, roles: set[str], **extra: Any) -> Actor:
    ctx.actor = Actor(user=user, workstation="test-host", roles=frozenset(roles), **extra)
    return ctx.actor


def officer_id(ctx: Any, staff_no: str) -> int:
    with ctx.db.read() as session:
        found = session.scalar(select(OfficerRow.id).where(OfficerRow.staff_no == staff_no))
    assert found is not None
    return found


def audit_rows(db_path: Path, action: str | None = None) -> list[tuple[Any, ...]]:
    sql = "SELECT seq, action, object_type, object_id, detail, hash FROM audit"
    return query_database(db_path, sql + (" WHERE action = ?" if action else "") + " ORDER BY seq",
                          *((action,) if action else ()))


# --- the synthetic force ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = copy_database(template_db, tmp_path_factory.mktemp("dip-demo") / "demo.sqlite3")
    context = open_test_context(path)
    try:
        make_demo(context, crimes=200, seed=11)
    finally:
        context.close()
    return path


@pytest.fixture
def demo(demo_template: Path, db_path: Path) -> Iterator[Any]:
    """A context on this test's copy of the synthetic force (db_path)."""
    copy_database(demo_template, db_path)
    context = open_test_context(db_path)
    try:
        yield context
    finally:
        context.close()


def busiest_division(ctx: Any) -> str:
    with ctx.db.read() as session:
        divisions = Counter(session.scalars(select(CrimeRow.division)))
    return divisions.most_common(1)[0][0]


def test_the_same_seed_draws_the_same_entries_and_redraw_recomputes_them(demo):
    division = busiest_division(demo)
    for method in ("random", "stratified", "risk"):
        first = dip_sampling.draw_sample(demo, "division", division, *PERIOD, 25, method, seed=42)
        second = dip_sampling.draw_sample(demo, "division", division, *PERIOD, 25, method, seed=42)
        items = entry_ids(dip_sampling.sample_items(demo, first.id))
        assert first.population > 100 and len(items) == first.items == 25
        assert entry_ids(dip_sampling.sample_items(demo, second.id)) == items
        assert dip_sampling.redraw(demo, first.id) == items
        assert len(set(items)) == 25


def test_different_seeds_draw_different_samples(demo):
    division = busiest_division(demo)
    for method in ("random", "stratified", "risk"):
        samples = {
            tuple(sorted(entry_ids(dip_sampling.sample_items(demo, s.id))))
            for s in (
                dip_sampling.draw_sample(demo, "division", division, *PERIOD, 20, method, seed=n) for n in (1, 2, 3)
            )
        }
        assert len(samples) == 3, method


def test_redraw_is_unchanged_by_entries_corrections_and_waivers_recorded_after_the_draw(demo):
    division = busiest_division(demo)
    samples = [dip_sampling.draw_sample(demo, "division", division, *PERIOD, 30, m, seed=7) for m in ("random", "risk")]
    drawn = {s.id: entry_ids(dip_sampling.sample_items(demo, s.id)) for s in samples}

    demo.clock = lambda: LATER
    with demo.db.read() as session:
        victims = session.execute(
            select(CrimeRow.ref, PersonRow.ref)
            .join(CrimePersonRow, CrimePersonRow.crime_id == CrimeRow.id)
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .where(CrimeRow.division == division)
            .order_by(CrimeRow.ref)
        ).all()
    for crime_ref, person_ref in victims[:15]:  # new contacts dated inside the period, meeting duties
        entries.record_contact(demo, crime_ref, person_ref, utc(2026, 11, 20, 10), "phone", "informed")
    corrected = drawn[samples[1].id][0]  # a sampled entry is corrected, another retracted
    retracted = next(e for e in drawn[samples[0].id] if e != corrected)
    entries.correct_entry(demo, "contact", corrected, "Wrong method", method="visit")
    entries.correct_entry(demo, "contact", retracted, "Wrong victim", retract=True)

    for sample in samples:
        assert dip_sampling.redraw(demo, sample.id) == drawn[sample.id]
    again = dip_sampling.draw_sample(demo, "division", division, *PERIOD, 30, "random", seed=7)
    # 15 new; the correction replaces its original; the retracted entry goes
    assert again.population == samples[0].population + 15 - 1


def test_stratified_draws_every_officer_in_proportion(demo):
    division = busiest_division(demo)
    population = dip_sampling.population(demo, "division", division, *PERIOD)
    strata = Counter(c.officer_id for c in population)
    size = 40
    assert len(strata) >= 3 and size >= len(strata)
    sample = dip_sampling.draw_sample(demo, "division", division, *PERIOD, size, "stratified", seed=3)
    with demo.db.read() as session:
        ids = dict(session.execute(select(OfficerRow.staff_no, OfficerRow.id)).all())
    drawn = Counter(ids[i.officer_staff_no] for i in dip_sampling.sample_items(demo, sample.id))
    assert set(drawn) == set(strata)  # every officer is in the sample
    assert sum(drawn.values()) == size
    total = len(population)
    for officer, count in drawn.items():
        quota = size * strata[officer] / total
        assert 1 <= count <= strata[officer]
        assert abs(count - quota) < 1.5, (officer, count, quota)


def test_allocation_by_largest_remainder_with_one_for_each_stratum():
    assert allocate([50, 30, 20], 10) == [5, 3, 2]
    # quotas 3.5, 1.0, 0.5: floors 3, 1, 0; the spare one to the earlier of the tied remainders (4, 1, 0);
    # the empty stratum then takes one from the stratum most over its quota.
    assert allocate([7, 2, 1], 5) == [3, 1, 1]
    # fewer places than strata: the largest quotas win and nobody gets a second
    assert allocate([5, 3, 1, 1], 2) == [1, 1, 0, 0]
    assert allocate([3, 2], 9) == [3, 2]


def test_risk_weighting_favours_flagged_entries_and_random_does_not(demo):
    division = busiest_division(demo)
    population = dip_sampling.population(demo, "division", division, *PERIOD)
    flagged = {c.entry_id for c in population if c.flags}
    share = len(flagged) / len(population)
    assert 0.2 < share < 0.8, share  # otherwise the comparison below says nothing
    assert {f for c in population for f in c.flags} == {"enhanced", "late_or_overdue", "no_contact_28d"}

    def mean_share(method: str) -> float:
        shares = [sum(c.entry_id in flagged for c in choose(population, 20, method, seed)) / 20 for seed in range(100)]
        return sum(shares) / len(shares)

    risky, plain = mean_share("risk"), mean_share("random")
    assert risky > share + 0.10, (risky, share)
    assert abs(plain - share) < 0.05, (plain, share)
    # the statistic is about the real draw: draw_sample picks exactly what `choose` picks
    sample = dip_sampling.draw_sample(demo, "division", division, *PERIOD, 20, "risk", seed=99)
    assert entry_ids(dip_sampling.sample_items(demo, sample.id)) == [
        c.entry_id for c in choose(population, 20, "risk", 99)
    ]


def test_a_sampled_entry_is_pinned_a_correction_shows_and_tampering_shows(demo, db_path):
    division = busiest_division(demo)
    sample = dip_sampling.draw_sample(demo, "division", division, *PERIOD, 5, "random", seed=5)
    items = dip_sampling.sample_items(demo, sample.id)
    assert not any(i.changed_since_drawn or i.corrected_by for i in items)

    demo.clock = lambda: LATER
    correction = entries.correct_entry(demo, "contact", items[0].entry_id, "Recorded as email in error", method="visit")
    tamper_database(db_path, "UPDATE contact_entry SET note = 'Nothing to add.' WHERE id = ?", items[1].entry_id)

    after = dip_sampling.sample_items(demo, sample.id)
    assert after[0].corrected_by is not None
    assert (after[0].corrected_by.entry_id, after[0].corrected_by.reason) == (
        correction.id,
        "Recorded as email in error",
    )
    assert not after[0].changed_since_drawn  # the original stands unchanged; it is superseded, not altered
    assert after[1].changed_since_drawn and after[1].corrected_by is None
    assert after[1].note_excerpt == "Nothing to add."
    assert [i.changed_since_drawn for i in after[2:]] == [False, False, False]
    assert dip_sampling.redraw(demo, sample.id) == entry_ids(items)  # the draw stays reproducible

    review = dip_sampling.record_review(demo, after[1].id, **ANSWERS, verdict="not_compliant")
    assert review.entry_changed  # the entry reviewed is not the entry drawn


# --- the small hand-made world ------------------------------------------------------------------


def _row(ref: str, reported: str, victim: str, oic: str, name: str, **extra: str) -> dict[str, str]:
    return crime_row(
        crime_ref=ref,
        reported_at=reported,
        victim_ref=victim,
        victim_name=f"Sam {victim.replace('-', '')}son",
        victim_phone="",
        victim_email="",
        oic_id=oic,
        oic_name=name,
        **({"oic_team": "Response A"} | extra),
    )


@pytest.fixture(scope="module")
def world_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dip-world")
    path = copy_database(template_db, folder / "world.sqlite3")
    rows = [
        _row("CR-2001", "2026-09-01T10:00", "V-9", "P100", "PC Jane Jones"),
        _row("CR-2002", "2026-11-02T10:00", "V-8", "P100", "PC Jane Jones", enhanced_reasons="vulnerable"),
        _row("CR-2003", "2026-11-02T10:00", "V-7", "P300", "PC Sam Lee"),
        _row("CR-1002", "2026-11-02T10:00", "V-3", "P200", "PC Ray Khan", division="South", oic_team="Response B"),
    ]
    ctx = open_test_context(path)
    try:
        importing.import_crimes(ctx, write_csv(folder / "world.csv", rows))
        entries.record_referral(ctx, "CR-2001", "V-9", utc(2026, 9, 2, 10))
        for day in (utc(2026, 9, 29, 10), utc(2026, 10, 20, 10), utc(2026, 11, 18, 10)):
            entries.record_contact(ctx, "CR-2001", "V-9", day, "phone", "informed")
        entries.record_referral(ctx, "CR-2002", "V-8", utc(2026, 11, 3, 10))
        entries.record_contact(ctx, "CR-2002", "V-8", utc(2026, 11, 10, 10), "visit", "informed")
        entries.record_contact(ctx, "CR-2003", "V-7", utc(2026, 11, 10, 11), "phone", "informed")
        entries.record_contact(ctx, "CR-1002", "V-3", utc(2026, 11, 10, 12), "phone", "informed")
    finally:
        ctx.close()
    return path


@pytest.fixture
def world(world_template: Path, db_path: Path) -> Iterator[Any]:
    """A context on this test's copy (db_path) of the small world described at the top."""
    copy_database(world_template, db_path)
    context = open_test_context(db_path)
    try:
        yield context
    finally:
        context.close()


def flags_by_contact(ctx: Any, scope_kind: str, value: str, start: date, end: date) -> dict[tuple[str, date], tuple]:
    with ctx.db.read() as session:
        people = dict(
            session.execute(
                select(CrimePersonRow.id, PersonRow.ref).join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            ).all()
        )
    return {
        (people[c.link_id], c.at.date()): c.flags for c in dip_sampling.population(ctx, scope_kind, value, start, end)
    }


def test_risk_flags_worked_out_by_hand(world):
    flags = flags_by_contact(world, "division", "North", date(2026, 9, 1), date(2026, 11, 30))
    assert flags == {
        ("V-9", date(2026, 9, 29)): ("no_contact_28d",),  # 28 days after the report
        ("V-9", date(2026, 10, 20)): (),  # 21 days after the last contact
        ("V-9", date(2026, 11, 18)): ("no_contact_28d",),  # 29 days
        ("V-8", date(2026, 11, 10)): ("enhanced",),
        ("V-7", date(2026, 11, 10)): ("late_or_overdue",),  # vs_referral overdue since 04/11
    }


def test_scopes_select_the_crimes_of_a_division_team_or_officer(world):
    period = (date(2026, 9, 1), date(2026, 11, 30))
    victims = {
        scope: sorted({k[0] for k in flags_by_contact(world, *scope, *period)})
        for scope in (
            ("division", "North"),
            ("division", "South"),
            ("team", "North/Response A"),
            ("team", "Response A"),
            ("team", "South/Response B"),
            ("officer", "P300"),
        )
    }
    assert victims == {
        ("division", "North"): ["V-7", "V-8", "V-9"],
        ("division", "South"): ["V-3"],
        ("team", "North/Response A"): ["V-7", "V-8", "V-9"],
        ("team", "Response A"): ["V-7", "V-8", "V-9"],
        ("team", "South/Response B"): ["V-3"],
        ("officer", "P300"): ["V-7"],
    }


def test_the_population_is_standing_entries_dated_in_the_period_on_london_dates(world):
    # 23:30 UTC on 30/06 is 00:30 on 01/07 in London (BST)
    late_night = entries.record_contact(world, "CR-2001", "V-9", utc(2026, 6, 30, 23, 30), "phone", "no_contact")
    wrong = entries.record_contact(world, "CR-2003", "V-7", utc(2026, 11, 11, 9), "email", "informed")
    retracted = entries.record_contact(world, "CR-2003", "V-7", utc(2026, 11, 12, 9), "email", "informed")
    fixed = entries.correct_entry(world, "contact", wrong.id, "Wrong time", at=utc(2026, 11, 11, 15))
    entries.correct_entry(world, "contact", retracted.id, "Not this victim", retract=True)

    def ids(start: date, end: date) -> set[int]:
        return {c.entry_id for c in dip_sampling.population(world, "officer", "P300", start, end)} | {
            c.entry_id for c in dip_sampling.population(world, "officer", "P100", start, end)
        }

    july = ids(date(2026, 7, 1), date(2026, 7, 31))
    june = ids(date(2026, 6, 1), date(2026, 6, 30))
    assert late_night.id in july and late_night.id not in june
    november = ids(date(2026, 11, 1), date(2026, 11, 30))
    assert fixed.id in november
    assert wrong.id not in november and retracted.id not in november
    assert all(e not in november for e in ids(date(2026, 9, 1), date(2026, 10, 31)))


def test_a_size_larger_than_the_population_takes_every_entry_in_id_order(world):
    sample = dip_sampling.draw_sample(
        world, "team", "North/Response A", date(2026, 9, 1), date(2026, 11, 30), 50, "risk"
    )
    items = dip_sampling.sample_items(world, sample.id)
    assert (sample.population, sample.items, sample.size) == (5, 5, 50)
    assert entry_ids(items) == sorted(entry_ids(items))
    assert [i.position for i in items] == [1, 2, 3, 4, 5]
    assert 0 <= sample.seed <= 2**31 - 1  # chosen at random and stored
    assert dip_sampling.redraw(world, sample.id) == entry_ids(items)


def test_items_name_the_victim_crime_officer_and_risk(world):
    sample = dip_sampling.draw_sample(
        world, "officer", "P300", date(2026, 11, 1), date(2026, 11, 30), 1, "random", seed=1
    )
    (item,) = dip_sampling.sample_items(world, sample.id)
    assert (item.victim_ref, item.crime_ref, item.officer_staff_no, item.officer_name) == (
        "V-7",
        "CR-2003",
        "P300",
        "PC Sam Lee",
    )
    assert item.victim_name == "Sam V7son"
    assert (item.method, item.outcome, item.method_label, item.outcome_label) == (
        "phone",
        "informed",
        "Phone",
        "Victim informed",
    )
    assert (item.risk_flags, item.recorded_by) == (("late_or_overdue",), "pc-test")
    assert (item.verdict, item.acknowledged, item.changed_since_drawn, item.corrected_by) == (None, False, False, None)
    assert sample.scope_label == "PC Sam Lee (P300)" and sample.method_label == "Simple random"


def test_the_draw_is_audited_and_anchors_the_audit_trail(world, db_path):
    before = audit_rows(db_path)
    sample = dip_sampling.draw_sample(
        world, "division", "North", date(2026, 9, 1), date(2026, 11, 30), 3, "risk", seed=8
    )
    assert (sample.audit_seq, sample.audit_hash) == (before[-1][0], before[-1][5])
    drawn = [r for r in audit_rows(db_path) if r[0] > before[-1][0]]
    assert [(r[1], r[2], r[3]) for r in drawn] == [("review", "dip_sample", str(sample.id))]
    assert '"seed": 8' in drawn[0][4] and '"method": "risk"' in drawn[0][4]
    dip_sampling.sample_items(world, sample.id)
    assert audit_rows(db_path)[-1][1:4] == ("consult", "dip_sample", str(sample.id))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"size": 0}, "size"),
        ({"period_from": date(2026, 12, 1)}, "period_from"),
        ({"method": "cluster"}, "method"),
        ({"scope_kind": "county"}, "scope_kind"),
        ({"scope_value": "Atlantis"}, "scope_value"),
        ({"scope_kind": "officer", "scope_value": "P999"}, "scope_value"),
        ({"scope_kind": "team", "scope_value": "North/Nobody"}, "scope_value"),
        ({"seed": -1}, "seed"),
    ],
)
def test_invalid_draws_name_the_field_and_save_nothing(world, db_query, change, field):
    args = {
        "scope_kind": "division",
        "scope_value": "North",
        "period_from": date(2026, 9, 1),
        "period_to": date(2026, 11, 30),
        "size": 3,
        "method": "random",
        "seed": 1,
    } | change
    with pytest.raises(InvalidInput) as raised:
        dip_sampling.draw_sample(world, **args)
    assert raised.value.field == field
    assert db_query("SELECT count(*) FROM dip_sample") == [(0,)]


def test_an_empty_population_is_refused(world, db_query):
    with pytest.raises(
        ServiceError, match="PC Sam Lee \\(P300\\) has no contact entries dated 01/09/2026 to 31/10/2026"
    ):
        dip_sampling.draw_sample(world, "officer", "P300", date(2026, 9, 1), date(2026, 10, 31), 5, "random", seed=1)
    assert db_query("SELECT count(*) FROM dip_sample") == [(0,)]


# --- reviews, findings and permissions ----------------------------------------------------------


@pytest.fixture
def sampled(world: Any) -> Any:
    """A sample of every North contact (5 entries), in entry id order."""
    sample = dip_sampling.draw_sample(
        world, "division", "North", date(2026, 9, 1), date(2026, 11, 30), 10, "random", seed=2
    )
    return sample, dip_sampling.sample_items(world, sample.id)


def test_reviews_are_append_only_and_the_latest_stands(world, sampled, db_path):
    sample, items = sampled
    first = dip_sampling.record_review(world, items[0].id, **ANSWERS, verdict="partly", comments="Note too brief.")
    second = dip_sampling.record_review(
        world, items[0].id, **(ANSWERS | {"contact_accurate": "yes"}), verdict="compliant"
    )
    assert (first.verdict_label, second.verdict_label) == ("Partly compliant", "Compliant")
    assert not second.entry_changed and second.entry_hash == first.entry_hash

    shown = dip_sampling.sample_items(world, sample.id)
    assert (shown[0].review_id, shown[0].verdict) == (second.id, "compliant")
    assert [i.verdict for i in shown[1:]] == [None] * 4
    assert dip_sampling.list_samples(world)[0].reviewed == 1
    history = dip_sampling.review_context(world, items[0].id).reviews
    assert [(r.id, r.superseded_by) for r in history] == [(first.id, second.id), (second.id, None)]
    assert history[0].comments == "Note too brief." and history[0].contact_accurate == "no"

    assert refusal(db_path, "UPDATE dip_sample_review SET verdict = 'compliant' WHERE id = ?", first.id)
    assert refusal(db_path, "DELETE FROM dip_sample_review WHERE id = ?", first.id)


@pytest.mark.parametrize(("answer", "field"), [("maybe", "vps_offered"), ("Y", "duties_on_time")])
def test_a_review_takes_yes_no_or_na_and_a_known_verdict(world, sampled, answer, field):
    _, items = sampled
    with pytest.raises(InvalidInput) as raised:
        dip_sampling.record_review(world, items[0].id, **(ANSWERS | {field: answer}), verdict="compliant")
    assert raised.value.field == field
    with pytest.raises(InvalidInput) as raised:
        dip_sampling.record_review(world, items[0].id, **ANSWERS, verdict="fine")
    assert raised.value.field == "verdict"
    with pytest.raises(NotFound):
        dip_sampling.record_review(world, 9999, **ANSWERS, verdict="compliant")


def test_the_review_context_shows_duties_and_suggests_answers(world, sampled):
    _, items = sampled
    by_victim = {i.victim_ref: i for i in items}
    plain = dip_sampling.review_context(world, by_victim["V-7"].id)
    assert plain.item.victim_ref == "V-7" and plain.note is None
    assert [(d.key, d.status) for d in plain.duties] == [
        ("report", "overdue"),  # vs_referral, due 04/11
        ("update:1", "on_time"),  # met by the contact of 10/11
        ("update:2", "open"),
    ]
    assert plain.suggested == {
        "duties_on_time": "no",
        "needs_assessment_recorded": "no",
        "vps_offered": "no",
        "referral_made": "no",
    }
    from vicman.services import casework

    casework.record_needs_assessment(world, "CR-2002", "V-8", mental_disorder=True, at=utc(2026, 11, 10, 10))
    casework.agree_contract(world, "CR-2002", "V-8", every_months=1, vps_offered=True, at=utc(2026, 11, 10, 10))
    done = dip_sampling.review_context(world, by_victim["V-8"].id)
    assert done.suggested == {
        "duties_on_time": "yes",
        "needs_assessment_recorded": "yes",
        "vps_offered": "yes",
        "referral_made": "yes",
    }
    assert {d.status_label for d in done.duties} <= {"Met on time", "Open"}


def test_the_officer_reads_the_findings_and_acknowledges_them_once(world, sampled, db_path):
    _, items = sampled
    v9 = [i for i in items if i.victim_ref == "V-9"]
    old = dip_sampling.record_review(world, v9[0].id, **ANSWERS, verdict="not_compliant", comments="First look.")
    latest = dip_sampling.record_review(world, v9[0].id, **ANSWERS, verdict="partly", comments="Call back sooner.")
    other = dip_sampling.record_review(world, v9[1].id, **ANSWERS, verdict="compliant")
    v7 = next(i for i in items if i.victim_ref == "V-7")
    p300_review = dip_sampling.record_review(world, v7.id, **ANSWERS, verdict="compliant")

    as_actor(world, "pc-jones", {"officer"}, officer_id=officer_id(world, "P100"), staff_no="P100", division="North")
    findings = dip_sampling.findings_for_officer(world, "P100")
    assert [(f.review_id, f.verdict) for f in findings] == [(other.id, "compliant"), (latest.id, "partly")]
    assert findings[1].comments == "Call back sooner." and findings[1].victim_ref == "V-9"
    assert findings[1].crime_ref == "CR-2001" and findings[1].reviewer == "pc-test"
    assert dict((f, a) for f, _, a in findings[1].answers)["contact_accurate"] == "no"
    with pytest.raises(NotPermitted):  # officers read only their own findings
        dip_sampling.findings_for_officer(world, "P300")
    with pytest.raises(ServiceError, match="superseded"):
        dip_sampling.acknowledge(world, old.id)

    acknowledged = dip_sampling.acknowledge(world, latest.id, "Will do.")
    assert (acknowledged.acknowledged_by, acknowledged.acknowledgement) == ("pc-jones", "Will do.")
    assert acknowledged.acknowledged_at == FIXED_NOW
    with pytest.raises(ServiceError, match="already acknowledged by pc-jones"):
        dip_sampling.acknowledge(world, latest.id)
    with pytest.raises(NotPermitted):  # P300's work is not Jones's to acknowledge
        dip_sampling.acknowledge(world, p300_review.id)

    # another officer, even in the same team, cannot acknowledge Jones's findings
    as_actor(world, "pc-lee", {"officer"}, officer_id=officer_id(world, "P300"), staff_no="P300", division="North")
    with pytest.raises(NotPermitted):
        dip_sampling.acknowledge(world, other.id)
    as_actor(world, "sgt-smith", {"supervisor"})
    with pytest.raises(NotPermitted):  # a supervisor reads findings but does not acknowledge them
        dip_sampling.acknowledge(world, other.id)
    assert [f.acknowledged_at is not None for f in dip_sampling.findings_for_officer(world, "P100")] == [False, True]
    shown = {i.id: i.acknowledged for i in dip_sampling.sample_items(world, v9[0].sample_id)}
    assert (shown[v9[0].id], shown[v9[1].id]) == (True, False)
    denials = audit_rows(db_path, "authz-deny")
    assert len(denials) == 4 and all(r[2] == "dip_sample" for r in denials)
    acks = [r for r in audit_rows(db_path, "review") if '"acknowledged"' in (r[4] or "")]
    assert len(acks) == 1


def test_only_supervisors_draw_and_review(world, sampled, db_path, db_query):
    _, items = sampled
    as_actor(world, "pc-jones", {"officer"}, officer_id=officer_id(world, "P100"), staff_no="P100", division="North")
    period = (date(2026, 9, 1), date(2026, 11, 30))
    with pytest.raises(NotPermitted):
        dip_sampling.draw_sample(world, "officer", "P100", *period, 2, "random", seed=1)
    with pytest.raises(NotPermitted):
        dip_sampling.sample_items(world, items[0].sample_id)
    with pytest.raises(NotPermitted):
        dip_sampling.record_review(world, items[0].id, **ANSWERS, verdict="compliant")
    as_actor(world, "bureau-1", {"bureau"}, division="North")
    with pytest.raises(NotPermitted):
        dip_sampling.list_samples(world)
    assert db_query("SELECT count(*) FROM dip_sample") == [(1,)]
    assert len(audit_rows(db_path, "authz-deny")) == 4

    as_actor(world, "sgt-smith", {"supervisor"}, division="North", team="Response A")
    sample = dip_sampling.draw_sample(world, "officer", "P100", *period, 2, "random", seed=1)
    assert sample.drawn_by == "sgt-smith"
    review = dip_sampling.record_review(
        world, dip_sampling.sample_items(world, sample.id)[0].id, **ANSWERS, verdict="compliant"
    )
    assert review.by == "sgt-smith"
    assert dip_sampling.redraw(world, sample.id) == entry_ids(dip_sampling.sample_items(world, sample.id))
