"""The victim record (header, duties, timeline) and the casework calls that stand on it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import crime_row, write_csv
from vicman.domain.enums import Status
from vicman.services import casework, entries, importing, records
from vicman.store.tables import AuditRow, DetailChangeRow


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def case(ctx, tmp_path: Path):
    """CR-1001 reported Mon 16/11/2026 (victim V-1, adult, not enhanced); arrest Tue 17/11 10:00."""
    importing.import_crimes(ctx, write_csv(tmp_path / "c.csv", [crime_row()]))
    entries.record_event(ctx, "CR-1001", "arrest", at(2026, 11, 17))
    return ctx


def duty(record, rule: str, key: str | None = None):
    return next(d for c in record.cases for d in c.duties if d.rule == rule and (key is None or d.key == key))


def test_record_shows_header_duties_with_code_text_and_timeline(case) -> None:
    entries.record_contact(case, "CR-1001", "V-1", at(2026, 11, 18), "phone", "informed", note="Told of arrest")
    record = records.open_victim_record(case, "V-1")
    assert (record.name, record.age, record.phone) == ("Anna Nowak", 46, "07700 900123")
    (crime,) = record.cases
    assert crime.crime_ref == "CR-1001" and crime.oic_staff_no == "P100" and not crime.enhanced
    arrest = duty(record, "inform_arrest")
    assert arrest.status is Status.MET and arrest.met_by_kind == "contact" and not arrest.late
    assert "5 working days" in arrest.standard and arrest.edition == "2021"
    kinds = [e.kind for e in record.timeline]
    assert kinds == ["contact", "event"]  # newest first
    assert record.timeline[0].detail == "Told of arrest" and record.timeline[0].author == "pc-test"


def test_opening_a_record_writes_exactly_one_consultation(case) -> None:
    def consultations() -> int:
        with case.db.read() as s:
            return s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action == "consult")) or 0

    before = consultations()
    records.open_victim_record(case, "V-1")
    assert consultations() == before + 1


def test_a_corrected_entry_stays_visible_and_linked(case) -> None:
    first = entries.record_contact(case, "CR-1001", "V-1", at(2026, 11, 18), "phone", "informed")
    fix = entries.correct_entry(case, "contact", first.id, "was an unanswered call", outcome="no_contact")
    record = records.open_victim_record(case, "V-1")
    by_id = {e.id: e for e in record.timeline if e.kind == "contact"}
    assert by_id[first.id].corrected_by_id == fix.id
    assert by_id[fix.id].corrects_id == first.id and "Correction of entry" in by_id[fix.id].summary
    assert duty(record, "inform_arrest").status is Status.OVERDUE  # due Tue 24/11, now Thu 26/11


def test_needs_assessment_makes_later_duties_enhanced_but_never_shortens_started_ones(case) -> None:
    casework.record_needs_assessment(case, "CR-1001", "V-1", fear_or_distress=True, at=at(2026, 11, 19))
    entries.record_event(case, "CR-1001", "interview", at(2026, 11, 20))
    record = records.open_victim_record(case, "V-1")
    assert duty(record, "inform_arrest").due == date(2026, 11, 24)  # 5 WD from Tue 17/11: unchanged
    interview = duty(record, "inform_interview")
    assert interview.enhanced and interview.due == date(2026, 11, 23)  # 1 WD from Fri 20/11
    assert any("Intimidated" in reason for reason in record.cases[0].enhanced_reasons)


def test_contract_sets_update_period_and_method(case) -> None:
    casework.agree_contract(
        case,
        "CR-1001",
        "V-1",
        every_days=14,
        method="email",
        safe_times="evenings",
        vps_offered=True,
        vps_answer="declined",
        at=at(2026, 11, 16, 12),
    )
    record = records.open_victim_record(case, "V-1")
    first_update = duty(record, "update", "update:1")
    assert first_update.due == date(2026, 11, 30)  # 14 days after the report on 16/11
    assert record.preferred_method == "email" and record.safe_times == "evenings"
    contract = record.cases[0].contract
    assert contract is not None and contract.frequency == "Every 14 days" and contract.vps_answer == "declined"
    assert any(e.kind == "change" and "Preferred contact method" in e.summary for e in record.timeline)


def test_contract_refuses_nonsense(case) -> None:
    with pytest.raises(casework.InvalidInput):
        casework.agree_contract(case, "CR-1001", "V-1", every_days=14, every_months=1)
    with pytest.raises(casework.InvalidInput):
        casework.agree_contract(case, "CR-1001", "V-1", vps_answer="accepted")


def test_certification_refused_while_a_duty_is_open_and_allowed_once_met_or_waived(case) -> None:
    with pytest.raises(casework.DutiesStillOpen) as refused:
        casework.certify(case, "CR-1001", "V-1")
    assert {rule for rule, _ in refused.value.open_duties} == {"vs_referral", "inform_arrest", "update"}
    entries.record_contact(case, "CR-1001", "V-1", at(2026, 11, 18), "visit", "informed")
    entries.record_event(case, "CR-1001", "case_closed", at(2026, 11, 25))
    with pytest.raises(casework.DutiesStillOpen):  # the referral is still outstanding
        casework.certify(case, "CR-1001", "V-1")
    entries.waive(case, "CR-1001", "V-1", "vs_referral", "Victim declined referral when asked on 18/11")
    casework.certify(case, "CR-1001", "V-1", note="All done")
    certificate = records.open_victim_record(case, "V-1").cases[0].certification
    assert certificate is not None and certificate.by == "pc-test" and certificate.duties == 2


def test_editing_details_records_before_and_after_and_refuses_a_stale_edit(case) -> None:
    version = records.open_victim_record(case, "V-1").version
    new_version = casework.update_person_details(case, "V-1", version, phone="07700 900999", language="Polish")
    assert new_version == version + 1
    with case.db.read() as s:
        changes = {row.field: (row.before, row.after) for row in s.scalars(select(DetailChangeRow))}
    assert changes["phone"] == ("07700 900123", "07700 900999") and changes["language"] == (None, "Polish")
    with pytest.raises(casework.EditConflict) as conflict:
        casework.update_person_details(case, "V-1", version, phone="07700 900000")
    assert "07700 900999" in str(conflict.value)
    assert records.open_victim_record(case, "V-1").phone == "07700 900999"


def test_editing_date_of_birth_rederives_enhanced_entitlement(case) -> None:
    version = records.open_victim_record(case, "V-1").version
    casework.update_person_details(case, "V-1", version, dob=date(2010, 1, 1))
    arrest = duty(records.open_victim_record(case, "V-1"), "inform_arrest")
    assert arrest.enhanced and arrest.due == date(2026, 11, 18)


def test_new_entries_are_append_only_in_the_database(case) -> None:
    casework.record_needs_assessment(case, "CR-1001", "V-1", needs="Large print letters")
    casework.agree_contract(case, "CR-1001", "V-1", every_months=2)
    for table in ("needs_assessment", "contact_contract"):
        with case.db.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(text(f"DELETE FROM {table}"))


def test_minimum_standards_and_the_officers_own_figures(case) -> None:
    from vicman.services.standards import minimum_standards

    entries.record_contact(case, "CR-1001", "V-1", at(2026, 11, 25), "phone", "informed")  # arrest duty met late
    panel = minimum_standards(case, "P100")
    assert panel.edition == "2021"
    arrest = next(s for s in panel.standards if s.rule == "inform_arrest")
    assert arrest.deadline == "5 working days (enhanced: 1)"
    figures = panel.figures
    assert figures is not None
    # Due this month by 26/11: vs_referral (18/11, overdue) and inform_arrest (24/11, met late).
    assert (figures.due, figures.met_on_time, figures.met_late, figures.overdue_now) == (2, 0, 1, 1)


def test_unticked_duty_is_not_met_by_the_contact(case) -> None:
    would_meet = entries.duties_a_contact_meets(case, "CR-1001", "V-1", at(2026, 11, 18))
    assert [d.rule for d in would_meet] == ["inform_arrest", "update"]  # never vs_referral
    entries.record_contact(case, "CR-1001", "V-1", at(2026, 11, 18), "phone", "informed", not_meeting=["update:1"])
    record = records.open_victim_record(case, "V-1")
    assert duty(record, "inform_arrest").status is Status.MET
    assert duty(record, "update", "update:1").status is Status.OPEN
    with pytest.raises(entries.InvalidInput):
        entries.record_contact(case, "CR-1001", "V-1", at(2026, 11, 18), "phone", "informed", not_meeting=["nope"])


def test_bureau_queue_filters_in_the_database_and_counts_every_match(case, tmp_path: Path) -> None:
    from vicman.services.assignment import assign_duties
    from vicman.services.queries import DutyFilter, bureau_queue

    rows = [
        crime_row(crime_ref=f"CR-2{i:03}", victim_ref=f"V-2{i:03}", reported_at="2026-11-02T10:00") for i in range(30)
    ]
    rows[0]["enhanced_reasons"] = "vulnerable"
    importing.import_crimes(case, write_csv(tmp_path / "more.csv", rows))
    everything = bureau_queue(case, DutyFilter(division="North"), limit=5)
    assert len(everything.rows) == 5 and everything.total > 30
    assert everything.overdue + everything.due_soon == everything.total
    assert [r.due for r in everything.rows] == sorted(r.due for r in everything.rows)
    enhanced = bureau_queue(case, DutyFilter(division="North", enhanced_only=True))
    assert {r.victim_ref for r in enhanced.rows} == {"V-2000"}
    assert bureau_queue(case, DutyFilter(division="South")).total == 0
    assigned = assign_duties(case, [r.obligation_id for r in enhanced.rows])
    assert assigned == 1
    mine = bureau_queue(case, DutyFilter(division="North", assigned_to="pc-test"))
    assert {r.victim_ref for r in mine.rows} == {"V-2000"} and mine.rows[0].assigned_to == "pc-test"
    unassigned = bureau_queue(case, DutyFilter(division="North", unassigned_only=True))
    assert unassigned.total == everything.total - mine.total


def test_reimport_without_an_optional_column_keeps_what_is_stored(ctx, tmp_path: Path) -> None:
    importing.import_crimes(ctx, write_csv(tmp_path / "full.csv", [crime_row(enhanced_reasons="vulnerable")]))
    slim = {k: v for k, v in crime_row().items() if k not in ("victim_phone", "enhanced_reasons")}
    result = importing.import_crimes(ctx, write_csv(tmp_path / "slim.csv", [slim]))
    assert result.unchanged
    record = records.open_victim_record(ctx, "V-1")
    assert record.phone == "07700 900123" and record.cases[0].enhanced
    blanked = importing.import_crimes(ctx, write_csv(tmp_path / "blank.csv", [crime_row(victim_phone="")]))
    assert blanked.people_updated == 1 and records.open_victim_record(ctx, "V-1").phone is None


def test_rereading_a_record_already_on_screen_is_not_a_second_consultation(case) -> None:
    def consultations() -> int:
        with case.db.read() as s:
            return s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.action == "consult")) or 0

    before = consultations()
    records.open_victim_record(case, "V-1")
    records.open_victim_record(case, "V-1", consult=False)
    assert consultations() == before + 1
