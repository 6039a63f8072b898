"""Recording what happened (DESIGN.md sections 4 and 5): events, contacts, referrals, waivers, corrections.

Crime CR-1001 is reported Monday 16/11/2026 10:00 with victims V-1 (standard) and V-2 (vulnerable);
CR-1002 (V-3) is a separate crime. The arrest is on Wednesday 18/11/2026, so inform_arrest is due on
Wednesday 25/11 (5 working days) or Thursday 19/11 (1 working day, enhanced). Now is 26/11/2026 09:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import refusal
from vicman.services import entries, importing, queries
from vicman.services.errors import InvalidInput, NotFound, ServiceError

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ARREST_AT = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 26)


@pytest.fixture
def imported(seeded_ctx):
    """CR-1001 (V-1 standard, V-2 vulnerable) and CR-1002 (V-3), imported (see SEED_ROWS in conftest)."""
    return seeded_ctx


def duty(ctx, victim, rule, crime="CR-1001", as_of=AS_OF, index=0):
    found = [v for v in queries.obligations_as_of(ctx, as_of, crime_ref=crime, victim_ref=victim) if v.rule == rule]
    assert len(found) > index, f"no {rule} duty #{index} for {crime}/{victim}: {found}"
    return found[index]


def rules_of(ctx, victim, crime="CR-1001", as_of=AS_OF):
    return [v.rule for v in queries.obligations_as_of(ctx, as_of, crime_ref=crime, victim_ref=victim)]


def audit_rows(db_query):
    return db_query("SELECT id, ts, actor, workstation, action, object_type, object_id FROM audit ORDER BY id")


# --- events -----------------------------------------------------------------------------------------


def test_an_arrest_creates_inform_arrest_for_every_victim_of_the_crime(imported):
    recorded = entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    assert (recorded.kind, recorded.crime_ref) == ("event", "CR-1001") and recorded.id > 0

    standard = duty(imported, "V-1", "inform_arrest")
    assert (standard.due, standard.enhanced, standard.edition) == (date(2026, 11, 25), False, "2021")
    enhanced = duty(imported, "V-2", "inform_arrest")
    assert (enhanced.due, enhanced.enhanced) == (date(2026, 11, 19), True)
    assert "inform_arrest" not in rules_of(imported, "V-3", crime="CR-1002")


EVENT_RULES = {
    "no_investigation": "inform_no_investigation",
    "interview": "inform_interview",
    "release_nfa": "inform_release_nfa",
    "bail": "inform_bail",
    "bail_varied": "inform_bail",
    "rui": "inform_rui",
    "charge": "inform_charge",
    "out_of_court_disposal": "inform_out_of_court_disposal",
}


def test_each_event_type_creates_its_notification_duty(imported):
    for hours, event_type in enumerate(EVENT_RULES):
        entries.record_event(imported, "CR-1001", event_type, ARREST_AT + timedelta(minutes=hours))
    for victim, due in (("V-1", date(2026, 11, 25)), ("V-2", date(2026, 11, 19))):
        views = queries.obligations_as_of(imported, AS_OF, crime_ref="CR-1001", victim_ref=victim)
        found = sorted((v.rule, v.due) for v in views if v.rule.startswith("inform_"))
        assert found == sorted((rule, due) for rule in EVENT_RULES.values())


def test_an_unknown_event_type_is_refused(imported, snapshot, db_path):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput):
        entries.record_event(imported, "CR-1001", "shoplifting", ARREST_AT)
    assert snapshot(db_path) == before


def test_an_arrest_on_a_friday_skips_the_weekend_and_bank_holidays(imported):
    # Friday 18/12/2026: 5 working days skip the weekend, Christmas Day (Fri 25/12) and Boxing Day (substitute
    # Monday 28/12) -> Mon 21, Tue 22, Wed 23, Thu 24, Tue 29.
    clock_now = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
    imported.clock = lambda: clock_now
    entries.record_event(imported, "CR-1001", "arrest", datetime(2026, 12, 18, 11, 0, tzinfo=UTC))
    assert duty(imported, "V-1", "inform_arrest", as_of=date(2027, 1, 10)).due == date(2026, 12, 29)
    assert duty(imported, "V-2", "inform_arrest", as_of=date(2027, 1, 10)).due == date(2026, 12, 21)


# --- contacts ---------------------------------------------------------------------------------------


def test_an_informed_contact_meets_the_duty_on_time(imported):
    entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    contact_at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    recorded = entries.record_contact(imported, "CR-1001", "V-1", contact_at, "phone", "informed", note="Told her.")
    assert (recorded.kind, recorded.person_ref) == ("contact", "V-1")

    met = duty(imported, "V-1", "inform_arrest")
    assert (met.status.value, met.met_at, met.late) == ("met", contact_at, False)
    # Only that victim: V-2's own duty is still not met.
    assert duty(imported, "V-2", "inform_arrest").status.value == "overdue"


def test_an_informed_contact_after_the_due_date_meets_the_duty_late(imported):
    entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    contact_at = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    entries.record_contact(imported, "CR-1001", "V-1", contact_at, "visit", "informed")
    entries.record_contact(imported, "CR-1001", "V-2", contact_at, "visit", "informed")
    assert (duty(imported, "V-1", "inform_arrest").status.value, duty(imported, "V-1", "inform_arrest").late) == \
        ("met", True)
    late = duty(imported, "V-2", "inform_arrest")
    assert (late.status.value, late.met_at, late.late) == ("met", contact_at, True)


def test_a_contact_on_the_due_date_is_on_time(imported):
    entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 25, 23, 30, tzinfo=UTC), "phone",
                           "informed")
    assert duty(imported, "V-1", "inform_arrest").late is False


def test_an_informed_contact_meets_the_open_update_and_starts_the_next_period(imported):
    contact_at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    entries.record_contact(imported, "CR-1001", "V-1", contact_at, "phone", "informed")
    first = duty(imported, "V-1", "update", index=0)
    assert (first.status.value, first.met_at, first.late) == ("met", contact_at, False)
    second = duty(imported, "V-1", "update", index=1)
    assert (second.status.value, second.due) == ("open", date(2026, 12, 24))
    # A contact does not meet the referral duty.
    assert duty(imported, "V-1", "vs_referral").status.value == "overdue"


def test_a_contact_before_the_event_does_not_meet_its_duty(imported):
    entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 17, 9, 0, tzinfo=UTC), "phone",
                           "informed")
    entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    assert duty(imported, "V-1", "inform_arrest").status.value == "overdue"


def test_a_failed_attempt_is_logged_and_meets_nothing(imported, db_query):
    entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    before = [(v.rule, v.status, v.met_at) for v in queries.obligations_as_of(imported, AS_OF, "CR-1001", "V-1")]
    recorded = entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
                                      "phone", "no_contact", note="No answer, no voicemail left.")
    after = [(v.rule, v.status, v.met_at) for v in queries.obligations_as_of(imported, AS_OF, "CR-1001", "V-1")]
    assert after == before
    assert duty(imported, "V-1", "inform_arrest").status.value == "overdue"
    assert db_query("SELECT outcome, note FROM contact_entry WHERE id = ?", recorded.id) == [
        ("no_contact", "No answer, no voicemail left.")]


def test_every_contact_method_is_accepted(imported, db_query):
    for minutes, method in enumerate(["phone", "visit", "email", "letter", "sms"]):
        entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, 10, minutes, tzinfo=UTC), method,
                               "informed")
    assert db_query("SELECT method FROM contact_entry ORDER BY id") == [
        ("phone",), ("visit",), ("email",), ("letter",), ("sms",)]
    assert duty(imported, "V-1", "update").status.value == "met"


@pytest.mark.parametrize("method, outcome", [("pigeon", "informed"), ("phone", "maybe")])
def test_an_unknown_method_or_outcome_is_refused(imported, snapshot, db_path, method, outcome):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput):
        entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, tzinfo=UTC), method, outcome)
    assert snapshot(db_path) == before


def test_a_contact_on_behalf_of_an_officer_is_recorded(imported, db_query):
    recorded = entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, tzinfo=UTC), "phone",
                                      "informed", on_behalf_of="P100")
    assert db_query("SELECT o.staff_no FROM contact_entry c JOIN officer o ON o.id = c.on_behalf_of_id "
                    "WHERE c.id = ?", recorded.id) == [("P100",)]


# --- referrals and waivers ------------------------------------------------------------------------


def test_a_referral_meets_vs_referral(imported):
    referral_at = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
    recorded = entries.record_referral(imported, "CR-1001", "V-1", referral_at)
    assert recorded.kind == "referral"
    met = duty(imported, "V-1", "vs_referral")
    assert (met.status.value, met.met_at, met.late) == ("met", referral_at, False)
    assert duty(imported, "V-2", "vs_referral").status.value == "overdue"


def test_a_late_referral_meets_vs_referral_late(imported):
    entries.record_referral(imported, "CR-1001", "V-1", datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    met = duty(imported, "V-1", "vs_referral")
    assert (met.status.value, met.late) == ("met", True)


def test_a_second_referral_for_the_same_crime_and_victim_is_refused(imported, snapshot, db_path):
    entries.record_referral(imported, "CR-1001", "V-1", datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    before = snapshot(db_path)
    with pytest.raises(ServiceError, match="already"):
        entries.record_referral(imported, "CR-1001", "V-1", datetime(2026, 11, 18, 12, 0, tzinfo=UTC))
    assert snapshot(db_path) == before
    # Another victim of the same crime may still be referred.
    entries.record_referral(imported, "CR-1001", "V-2", datetime(2026, 11, 18, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_waiver_needs_a_reason(imported, snapshot, db_path, reason):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match="reason"):
        entries.waive(imported, "CR-1001", "V-1", "vs_referral", reason)
    assert snapshot(db_path) == before


def test_a_waiver_with_a_reason_waives_the_duty(imported, db_query):
    recorded = entries.waive(imported, "CR-1001", "V-1", "vs_referral", "Victim declined on the phone")
    waived = duty(imported, "V-1", "vs_referral")
    assert (waived.status.value, waived.waiver_reason) == ("waived", "Victim declined on the phone")
    assert db_query("SELECT reason, recorded_by FROM waiver WHERE id = ?", recorded.id) == [
        ("Victim declined on the phone", "pc-test")]


# --- corrections ----------------------------------------------------------------------------------


def test_correcting_an_informed_contact_to_no_contact_reopens_the_duty_and_keeps_both_entries(imported, db_query):
    entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    contact_at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    original = entries.record_contact(imported, "CR-1001", "V-1", contact_at, "phone", "informed", note="Spoke")
    assert duty(imported, "V-1", "inform_arrest").status.value == "met"
    stored_original = db_query("SELECT * FROM contact_entry WHERE id = ?", original.id)

    correction = entries.correct_entry(imported, "contact", original.id, "It was her voicemail",
                                       outcome="no_contact")

    assert duty(imported, "V-1", "inform_arrest").status.value == "overdue"
    # Both entries are in the table; the original is exactly as it was, the correction points at it.
    assert db_query("SELECT * FROM contact_entry WHERE id = ?", original.id) == stored_original
    assert db_query("SELECT id, outcome, corrects_id, correction_reason FROM contact_entry ORDER BY id") == [
        (original.id, "informed", None, None),
        (correction.id, "no_contact", original.id, "It was her voicemail"),
    ]


def test_a_correction_needs_a_reason(imported, snapshot, db_path):
    original = entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, tzinfo=UTC), "phone",
                                      "informed")
    before = snapshot(db_path)
    with pytest.raises(InvalidInput):
        entries.correct_entry(imported, "contact", original.id, "  ", outcome="no_contact")
    assert snapshot(db_path) == before


def test_retracting_a_case_closed_event_reopens_the_update_chain(imported, db_query):
    closed = entries.record_event(imported, "CR-1001", "case_closed", datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    assert "update" not in rules_of(imported, "V-1")
    assert db_query("SELECT closed_at FROM crime WHERE ref = 'CR-1001'") != [(None,)]

    entries.correct_entry(imported, "event", closed.id, "Closed in error", retract=True)

    update = duty(imported, "V-1", "update")
    assert (update.status.value, update.due) == ("open", date(2026, 12, 16))
    assert duty(imported, "V-2", "update").status.value == "open"
    assert db_query("SELECT closed_at FROM crime WHERE ref = 'CR-1001'") == [(None,)]
    assert db_query("SELECT COUNT(*) FROM event") == [(2,)]


def test_correcting_an_event_time_moves_its_deadline(imported):
    event = entries.record_event(imported, "CR-1001", "arrest", ARREST_AT)
    entries.correct_entry(imported, "event", event.id, "Wrong day typed",
                          at=datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    assert duty(imported, "V-1", "inform_arrest").due == date(2026, 11, 30)
    assert len([r for r in rules_of(imported, "V-1") if r == "inform_arrest"]) == 1


def test_retracting_a_referral_reopens_vs_referral(imported):
    referral = entries.record_referral(imported, "CR-1001", "V-1", datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    entries.correct_entry(imported, "referral", referral.id, "Wrong victim", retract=True)
    assert duty(imported, "V-1", "vs_referral").status.value == "overdue"


def test_retracting_a_waiver_reopens_the_duty(imported):
    waiver = entries.waive(imported, "CR-1001", "V-1", "vs_referral", "Declined")
    entries.correct_entry(imported, "waiver", waiver.id, "She changed her mind", retract=True)
    assert duty(imported, "V-1", "vs_referral").status.value == "overdue"


# --- notes, times and references ------------------------------------------------------------------


def test_a_150000_character_note_is_stored_intact(imported, db_query):
    note = ("Victim said: «ça va» — Ŵ ŷ 王 🙂\n" * 6000)[:150_000]
    assert len(note) == 150_000
    recorded = entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, tzinfo=UTC), "visit",
                                      "informed", note=note)
    assert db_query("SELECT note FROM contact_entry WHERE id = ?", recorded.id) == [(note,)]


def test_a_250000_character_note_is_refused_with_a_clear_message(imported, snapshot, db_path):
    before = snapshot(db_path)
    with pytest.raises(InvalidInput) as caught:
        entries.record_contact(imported, "CR-1001", "V-1", datetime(2026, 11, 24, tzinfo=UTC), "visit",
                               "informed", note="x" * 250_000)
    message = str(caught.value)
    assert "note" in message and "250,000" in message and "200,000" in message
    assert snapshot(db_path) == before


@pytest.mark.parametrize("call", ["event", "contact", "referral"])
def test_a_time_in_the_future_is_refused(imported, snapshot, db_path, call):
    future = NOW + timedelta(hours=2)
    before = snapshot(db_path)
    with pytest.raises(InvalidInput, match="future"):
        if call == "event":
            entries.record_event(imported, "CR-1001", "arrest", future)
        elif call == "contact":
            entries.record_contact(imported, "CR-1001", "V-1", future, "phone", "informed")
        else:
            entries.record_referral(imported, "CR-1001", "V-1", future)
    assert snapshot(db_path) == before


def test_unknown_crime_or_victim_references_are_not_found(imported, snapshot, db_path):
    before = snapshot(db_path)
    at = datetime(2026, 11, 24, tzinfo=UTC)
    with pytest.raises(NotFound, match="CR-9999"):
        entries.record_event(imported, "CR-9999", "arrest", at)
    with pytest.raises(NotFound, match="CR-9999"):
        entries.record_contact(imported, "CR-9999", "V-1", at, "phone", "informed")
    with pytest.raises(NotFound, match="V-9"):
        entries.record_contact(imported, "CR-1001", "V-9", at, "phone", "informed")
    with pytest.raises(NotFound, match="V-3"):  # V-3 exists, but is not a victim in CR-1001
        entries.record_referral(imported, "CR-1001", "V-3", at)
    with pytest.raises(NotFound):
        entries.correct_entry(imported, "contact", 424242, "No such entry", outcome="no_contact")
    assert snapshot(db_path) == before


# --- the audit trail ------------------------------------------------------------------------------


def _call(ctx, kind):
    at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    if kind == "event":
        return entries.record_event(ctx, "CR-1001", "arrest", at)
    if kind == "contact":
        return entries.record_contact(ctx, "CR-1001", "V-1", at, "phone", "informed")
    if kind == "referral":
        return entries.record_referral(ctx, "CR-1001", "V-1", at)
    if kind == "waiver":
        return entries.waive(ctx, "CR-1001", "V-1", "vs_referral", "Declined")
    original = entries.record_contact(ctx, "CR-1001", "V-1", at, "phone", "informed")
    return entries.correct_entry(ctx, "contact", original.id, "Typo", method="visit")


@pytest.mark.parametrize("kind", ["event", "contact", "referral", "waiver", "correction"])
def test_every_call_writes_an_audit_record(imported, db_query, kind):
    before = audit_rows(db_query)
    recorded = _call(imported, kind)
    new = [row for row in audit_rows(db_query) if row not in before]
    assert new, "no audit record written"
    mine = [row for row in new if row[6] == str(recorded.id)]
    assert mine, f"no audit record names entry {recorded.id}: {new}"
    _, ts, actor, workstation, action, object_type, _ = mine[-1]
    assert (actor, workstation) == ("pc-test", "test-host")
    assert ts == "2026-11-26 09:00:00.000000"  # the UTC instant, stored naive
    assert action and object_type
    with imported.db.read() as session:
        from sqlalchemy import select

        from vicman.store.tables import AuditRow

        stamp = session.scalar(select(AuditRow.ts).where(AuditRow.id == mine[-1][0]))
    assert stamp == NOW and stamp.utcoffset() == timedelta(0)


# --- append-only ----------------------------------------------------------------------------------

APPEND_ONLY = ("contact_entry", "event", "referral", "waiver", "audit", "detail_change")


@pytest.fixture
def every_entry_kind(imported, make_csv, crime_rows):
    at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    entries.record_event(imported, "CR-1001", "arrest", at)
    entries.record_contact(imported, "CR-1001", "V-1", at, "phone", "informed")
    entries.record_referral(imported, "CR-1001", "V-1", at)
    entries.waive(imported, "CR-1001", "V-2", "vs_referral", "Declined")
    importing.import_crimes(imported, make_csv([crime_rows(offence="Robbery")], name="change.csv"))
    return imported


STATEMENTS = (
    "UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})",
    "UPDATE {table} SET {column} = {column} || 'x'",
    "DELETE FROM {table} WHERE id = (SELECT MIN(id) FROM {table})",
    "DELETE FROM {table}",
)
TEXT_COLUMN = {"contact_entry": "note", "event": "note", "referral": "service", "waiver": "reason",
               "audit": "action", "detail_change": "field"}


def test_raw_sql_cannot_update_or_delete_append_only_rows(every_entry_kind, db_path, snapshot):
    before = snapshot(db_path)
    for table in APPEND_ONLY:
        assert before[table], f"no {table} rows to try"
        for statement in STATEMENTS:
            assert "append-only" in refusal(db_path, statement.format(table=table, column=TEXT_COLUMN[table]))
    assert snapshot(db_path) == before
