"""The commands of DESIGN.md section 5, driven as other tools drive them.

In-process (`cli` fixture: test actor, clock fixed at Thursday 26/11/2026 09:00 UTC) for most cases;
`python -m vicman` subprocesses (real clock, real environment) for the end-to-end ones.
Seeded data: CR-1001 reported Monday 16/11/2026 10:00 in North (P100) with V-1 Anna Nowak and
V-2 Wang Wei (vulnerable); CR-1002 in South (P200) with V-3 Bethan Hughes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

JSON_KEYS = {"crime_ref", "victim_ref", "rule", "edition", "enhanced", "due", "status", "late", "met_at"}


def obligations(cli, db, *args: str, as_of: str = "2026-11-26") -> list[dict]:
    result = cli("--db", db, "obligations", "--as-of", as_of, "--json", *args)
    assert result.status == 0, result.err
    return json.loads(result.out)


def item(items: list[dict], victim: str, rule: str, crime: str = "CR-1001") -> dict:
    found = [i for i in items if (i["crime_ref"], i["victim_ref"], i["rule"]) == (crime, victim, rule)]
    assert len(found) == 1, found
    return found[0]


def ok(result) -> str:
    assert result.status == 0, result.err
    assert result.err == ""
    return result.out


def one_line_error(result) -> str:
    assert result.status == 2, (result.out, result.err)
    assert len(result.err_lines) == 1, result.err
    assert "Traceback" not in result.err
    return result.err_lines[0]


# --- obligations --json ---------------------------------------------------------------------------


def test_obligations_json_items_have_exactly_the_contract_keys_and_types(cli, seeded_db):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-24T10:00", "--method", "phone",
           "--outcome", "informed"))
    ok(cli("--db", seeded_db, "waive", "CR-1002", "V-3", "vs_referral", "--reason", "Declined on the phone"))

    items = obligations(cli, seeded_db)

    assert isinstance(items, list) and items
    statuses = set()
    for entry in items:
        assert set(entry) == JSON_KEYS
        assert isinstance(entry["crime_ref"], str) and isinstance(entry["victim_ref"], str)
        assert isinstance(entry["rule"], str)
        assert entry["edition"] in {"2006", "2013", "2015", "2021"}
        assert isinstance(entry["enhanced"], bool) and isinstance(entry["late"], bool)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["due"]) and date.fromisoformat(entry["due"])
        assert entry["status"] in {"open", "overdue", "met", "waived"}
        statuses.add(entry["status"])
        if entry["met_at"] is None:
            assert entry["status"] != "met"
        else:
            moment = datetime.fromisoformat(entry["met_at"])
            assert moment.tzinfo is not None
    assert statuses == {"open", "overdue", "met", "waived"}

    met = item(items, "V-1", "inform_arrest")
    assert (met["status"], met["late"], met["due"], met["enhanced"], met["edition"]) == (
        "met", False, "2026-11-25", False, "2021")
    assert datetime.fromisoformat(met["met_at"]) == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    enhanced = item(items, "V-2", "inform_arrest")
    assert (enhanced["status"], enhanced["due"], enhanced["enhanced"], enhanced["met_at"]) == (
        "overdue", "2026-11-19", True, None)
    assert item(items, "V-3", "vs_referral", crime="CR-1002")["status"] == "waived"


def test_obligations_as_of_semantics(cli, seeded_db):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-26T08:00", "--method", "visit",
           "--outcome", "informed"))
    due_day = item(obligations(cli, seeded_db, as_of="2026-11-25"), "V-1", "inform_arrest")
    assert (due_day["status"], due_day["met_at"], due_day["late"]) == ("open", None, False)
    day_after = item(obligations(cli, seeded_db, as_of="2026-11-26"), "V-1", "inform_arrest")
    assert (day_after["status"], day_after["late"]) == ("met", True)
    assert datetime.fromisoformat(day_after["met_at"]) == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    before_arrest = obligations(cli, seeded_db, as_of="2026-11-17")
    assert "inform_arrest" not in {i["rule"] for i in before_arrest}


def test_obligations_as_of_accepts_a_uk_date(cli, seeded_db):
    assert obligations(cli, seeded_db, as_of="26/11/2026") == obligations(cli, seeded_db, as_of="2026-11-26")


def test_obligations_filters(cli, seeded_db):
    assert {(i["crime_ref"], i["victim_ref"]) for i in obligations(cli, seeded_db, "--crime", "CR-1001")} == {
        ("CR-1001", "V-1"), ("CR-1001", "V-2")}
    assert {(i["crime_ref"], i["victim_ref"]) for i in obligations(cli, seeded_db, "--victim", "V-3")} == {
        ("CR-1002", "V-3")}
    assert {i["victim_ref"] for i in obligations(cli, seeded_db, "--crime", "CR-1001", "--victim", "V-2")} == {"V-2"}


def test_obligations_for_an_unknown_crime_is_one_line_exit_2(cli, seeded_db):
    assert "CR-9999" in one_line_error(cli("--db", seeded_db, "obligations", "--as-of", "2026-11-26", "--crime",
                                           "CR-9999", "--json"))


def test_obligations_before_any_crime_is_an_empty_array(cli, seeded_db):
    assert obligations(cli, seeded_db, as_of="2020-01-01") == []


def test_obligations_human_table_prints(cli, seeded_db):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-26T08:00", "--method", "visit",
           "--outcome", "informed"))
    out = ok(cli("--db", seeded_db, "obligations", "--as-of", "2026-11-26"))
    lines = out.splitlines()
    assert len(lines) >= 3
    assert "CR-1001" in out and "V-2" in out and "overdue" in out and "met" in out
    empty = ok(cli("--db", seeded_db, "obligations", "--as-of", "2020-01-01"))
    assert empty.strip() and "CR-1001" not in empty


# --- recording through the command line ----------------------------------------------------------


def test_event_add_creates_duties_for_every_victim(cli, seeded_db, db_query):
    out = ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00",
                 "--note", "Arrested at home"))
    assert "CR-1001" in out
    items = obligations(cli, seeded_db)
    assert item(items, "V-1", "inform_arrest")["due"] == "2026-11-25"
    assert item(items, "V-2", "inform_arrest")["due"] == "2026-11-19"
    assert db_query("SELECT type, at, note, recorded_by FROM event") == [
        ("arrest", "2026-11-18 14:00:00.000000", "Arrested at home", "pc-test")]


def test_naive_times_are_europe_london(cli, seeded_db, make_csv, crime_rows, db_query):
    ok(cli("--db", seeded_db, "import", "crimes", make_csv([crime_rows(crime_ref="CR-SUMMER",
                                                                       reported_at="2026-06-01T10:00")])))
    # 23:30 on Tuesday 30/6 in London (BST) is 22:30 UTC, still the 30th: 5 working days -> Tuesday 7/7.
    ok(cli("--db", seeded_db, "event", "add", "CR-SUMMER", "arrest", "--at", "2026-06-30T23:30"))
    assert db_query("SELECT at FROM event") == [("2026-06-30 22:30:00.000000",)]
    summer = item(obligations(cli, seeded_db, "--crime", "CR-SUMMER"), "V-1", "inform_arrest", crime="CR-SUMMER")
    assert summer["due"] == "2026-07-07"


@pytest.mark.parametrize("at", ["2026-11-18T14:00", "2026-11-18 14:00", "18/11/2026 14:00", "2026-11-18T14:00Z",
                                "2026-11-18T14:00:00+00:00", "2026-11-18T15:00+01:00"])
def test_at_accepts_iso_and_uk_forms(cli, seeded_db, db_query, at):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", at))
    assert db_query("SELECT at FROM event") == [("2026-11-18 14:00:00.000000",)]


def test_contact_add_meets_the_duty_and_no_contact_does_not(cli, seeded_db, db_query):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-2", "--at", "2026-11-19T09:00", "--method", "sms",
           "--outcome", "no_contact", "--note", "No reply"))
    assert item(obligations(cli, seeded_db), "V-2", "inform_arrest")["status"] == "overdue"
    out = ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-2", "--at", "2026-11-19T16:00", "--method",
                 "phone", "--outcome", "informed"))
    assert "V-2" in out
    met = item(obligations(cli, seeded_db), "V-2", "inform_arrest")
    assert (met["status"], met["late"]) == ("met", False)
    assert db_query("SELECT outcome, method FROM contact_entry ORDER BY id") == [("no_contact", "sms"),
                                                                                 ("informed", "phone")]


def test_contact_add_on_behalf_of_an_officer(cli, seeded_db, db_query):
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-19T16:00", "--method", "phone",
           "--outcome", "informed", "--on-behalf-of", "P100"))
    assert db_query("SELECT o.staff_no FROM contact_entry c JOIN officer o ON o.id = c.on_behalf_of_id") == [
        ("P100",)]


def test_referral_add_meets_vs_referral_and_a_second_is_refused(cli, seeded_db, snapshot):
    ok(cli("--db", seeded_db, "referral", "add", "CR-1001", "V-1", "--at", "2026-11-17T12:00"))
    referral = item(obligations(cli, seeded_db), "V-1", "vs_referral")
    assert (referral["status"], referral["late"]) == ("met", False)
    before = snapshot(seeded_db)
    line = one_line_error(cli("--db", seeded_db, "referral", "add", "CR-1001", "V-1", "--at", "2026-11-18T12:00"))
    assert "already" in line
    assert snapshot(seeded_db) == before


def test_waive_needs_a_reason_and_then_waives(cli, seeded_db, snapshot):
    before = snapshot(seeded_db)
    assert "reason" in one_line_error(cli("--db", seeded_db, "waive", "CR-1001", "V-1", "vs_referral",
                                          "--reason", "  "))
    assert snapshot(seeded_db) == before
    ok(cli("--db", seeded_db, "waive", "CR-1001", "V-1", "vs_referral", "--reason", "Victim declined"))
    assert item(obligations(cli, seeded_db), "V-1", "vs_referral")["status"] == "waived"


def test_waive_an_unknown_duty_is_one_line(cli, seeded_db):
    one_line_error(cli("--db", seeded_db, "waive", "CR-1001", "V-1", "inform_arrest", "--reason", "No arrest yet"))


def _last_id(db_query, table: str) -> int:
    (last,), = db_query(f"SELECT MAX(id) FROM {table}")
    assert last is not None, f"nothing in {table}"
    return last


def test_correct_a_contact_outcome_reopens_the_duty_and_keeps_both_entries(cli, seeded_db, db_query):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-24T10:00", "--method",
           "phone", "--outcome", "informed"))
    contact_id = _last_id(db_query, "contact_entry")
    assert item(obligations(cli, seeded_db), "V-1", "inform_arrest")["status"] == "met"

    ok(cli("--db", seeded_db, "correct", "contact", contact_id, "--outcome", "no_contact", "--reason",
           "It was voicemail"))

    assert item(obligations(cli, seeded_db), "V-1", "inform_arrest")["status"] == "overdue"
    assert db_query("SELECT id, outcome, corrects_id FROM contact_entry ORDER BY id") == [
        (contact_id, "informed", None), (contact_id + 1, "no_contact", contact_id)]


def test_correct_retracting_case_closed_reopens_updates(cli, seeded_db, db_query):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "case_closed", "--at", "2026-11-20T15:00"))
    event_id = _last_id(db_query, "event")
    assert "update" not in {i["rule"] for i in obligations(cli, seeded_db, "--crime", "CR-1001")}
    ok(cli("--db", seeded_db, "correct", "event", event_id, "--retract", "--reason", "Closed in error"))
    update = item(obligations(cli, seeded_db), "V-1", "update")
    assert (update["status"], update["due"]) == ("open", "2026-12-16")
    assert db_query("SELECT COUNT(*) FROM event") == [(2,)]


def test_correct_an_unknown_entry_is_one_line(cli, seeded_db):
    one_line_error(cli("--db", seeded_db, "correct", "contact", "9999", "--outcome", "no_contact", "--reason", "x"))


def test_a_150000_character_note_is_stored_intact(cli, seeded_db, db_query):
    note = ("Spoke to victim; explained bail conditions — ŵ ŷ 王 🙂. " * 3000)[:150_000]
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-24T10:00", "--method", "visit",
           "--outcome", "informed", "--note", note))
    assert db_query("SELECT note FROM contact_entry") == [(note,)]


def test_a_250000_character_note_is_refused_with_a_clear_message(cli, seeded_db, snapshot):
    before = snapshot(seeded_db)
    line = one_line_error(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-24T10:00",
                              "--method", "visit", "--outcome", "informed", "--note", "n" * 250_000))
    assert "note" in line and "200,000" in line
    assert len(line) < 300
    assert snapshot(seeded_db) == before


@pytest.mark.parametrize("argv", [
    ["event", "add", "CR-9999", "arrest", "--at", "2026-11-18T14:00"],
    ["contact", "add", "CR-9999", "V-1", "--at", "2026-11-18T14:00", "--method", "phone", "--outcome", "informed"],
    ["contact", "add", "CR-1001", "V-999", "--at", "2026-11-18T14:00", "--method", "phone", "--outcome", "informed"],
    ["referral", "add", "CR-1001", "V-3", "--at", "2026-11-18T14:00"],
    ["waive", "CR-9999", "V-1", "vs_referral", "--reason", "x"],
    ["overdue", "--officer", "P999"],
], ids=["event-crime", "contact-crime", "contact-victim", "referral-victim-of-other-crime", "waive-crime",
        "overdue-officer"])
def test_unknown_references_exit_2_with_one_line(cli, seeded_db, snapshot, argv):
    before = snapshot(seeded_db)
    line = one_line_error(cli("--db", seeded_db, *argv))
    assert any(ref in line for ref in ("CR-9999", "V-999", "V-3", "P999"))
    assert snapshot(seeded_db) == before


@pytest.mark.parametrize("argv", [
    ["event", "add", "CR-1001", "arrest", "--at", "2026-11-26T12:00"],
    ["contact", "add", "CR-1001", "V-1", "--at", "2026-11-27T09:00", "--method", "phone", "--outcome", "informed"],
    ["referral", "add", "CR-1001", "V-1", "--at", "2027-01-01"],
], ids=["event", "contact", "referral"])
def test_a_future_at_is_refused(cli, seeded_db, snapshot, argv):
    before = snapshot(seeded_db)
    assert "future" in one_line_error(cli("--db", seeded_db, *argv))
    assert snapshot(seeded_db) == before


@pytest.mark.parametrize("argv, action, object_type", [
    (["event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"], "collect", "event"),
    (["contact", "add", "CR-1001", "V-1", "--at", "2026-11-18T15:00", "--method", "phone", "--outcome",
      "informed"], "collect", "contact"),
    (["referral", "add", "CR-1001", "V-1", "--at", "2026-11-17T12:00"], "disclose", "referral"),
    (["waive", "CR-1001", "V-1", "vs_referral", "--reason", "Declined"], "collect", "waiver"),
], ids=["event", "contact", "referral", "waive"])
def test_every_recording_command_writes_an_audit_record(cli, seeded_db, db_query, argv, action, object_type):
    before = db_query("SELECT MAX(id) FROM audit")[0][0]
    ok(cli("--db", seeded_db, *argv))
    rows = db_query("SELECT ts, actor, workstation, action, object_type, object_id FROM audit WHERE id > ?", before)
    assert ("2026-11-26 09:00:00.000000", "pc-test", "test-host", action, object_type) in [r[:5] for r in rows]


def test_correct_writes_an_audit_record(cli, seeded_db, db_query):
    ok(cli("--db", seeded_db, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-18T15:00", "--method", "phone",
           "--outcome", "informed"))
    contact_id = _last_id(db_query, "contact_entry")
    before = db_query("SELECT MAX(id) FROM audit")[0][0]
    ok(cli("--db", seeded_db, "correct", "contact", contact_id, "--method", "visit", "--reason", "Typo"))
    rows = db_query("SELECT actor, workstation, action, object_type FROM audit WHERE id > ?", before)
    assert ("pc-test", "test-host", "alter", "contact") in rows


# --- import through the command line -------------------------------------------------------------


def test_import_then_reimport_through_the_cli(cli, db_path, make_csv, crime_rows, snapshot):
    path = make_csv([crime_rows(), crime_rows(victim_ref="V-2", victim_name="Gwenllian Ŷr")])
    out = ok(cli("--db", db_path, "import", "crimes", path))
    assert str(path) in out
    before = snapshot(db_path)
    ok(cli("--db", db_path, "import", "crimes", path))
    after = snapshot(db_path)
    assert {t: rows for t, rows in after.items() if t != "audit"} == {
        t: rows for t, rows in before.items() if t != "audit"}
    assert len(after["audit"]) - len(before["audit"]) <= 1


# --- worklists and search ------------------------------------------------------------------------


def test_overdue_by_division(cli, seeded_db):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    result = cli("--db", seeded_db, "overdue", "--division", "North", "--as-of", "2026-11-26", "--json")
    rows = json.loads(ok(result))
    assert [(r["victim_ref"], r["rule"], r["due"]) for r in rows] == [
        ("V-1", "vs_referral", "2026-11-18"), ("V-2", "vs_referral", "2026-11-18"),
        ("V-2", "inform_arrest", "2026-11-19"), ("V-1", "inform_arrest", "2026-11-25")]
    assert all(r["status"] == "overdue" and r["division"] == "North" and r["crime_ref"] == "CR-1001" for r in rows)
    table = ok(cli("--db", seeded_db, "overdue", "--division", "North", "--as-of", "2026-11-26"))
    assert "Anna Nowak" in table and "Wang Wei" in table and "CR-1002" not in table
    nothing = ok(cli("--db", seeded_db, "overdue", "--division", "Nowhere", "--as-of", "2026-11-26"))
    assert "CR-" not in nothing and nothing.strip()


def test_overdue_due_soon(cli, seeded_db):
    ok(cli("--db", seeded_db, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00"))
    plain = json.loads(ok(cli("--db", seeded_db, "overdue", "--division", "North", "--as-of", "2026-11-24",
                              "--json")))
    soon = json.loads(ok(cli("--db", seeded_db, "overdue", "--division", "North", "--as-of", "2026-11-24",
                             "--due-soon", "--json")))
    assert ("V-1", "inform_arrest") not in {(r["victim_ref"], r["rule"]) for r in plain}
    assert ("V-1", "inform_arrest", "open") in {(r["victim_ref"], r["rule"], r["status"]) for r in soon}


def test_overdue_by_officer(cli, seeded_db):
    rows = json.loads(ok(cli("--db", seeded_db, "overdue", "--officer", "P200", "--as-of", "2026-11-26", "--json")))
    assert [(r["crime_ref"], r["victim_ref"], r["rule"], r["oic"]) for r in rows] == [
        ("CR-1002", "V-3", "vs_referral", "P200")]
    table = ok(cli("--db", seeded_db, "overdue", "--officer", "P200", "--as-of", "2026-11-26"))
    assert "Bethan Hughes" in table


def test_overdue_by_officer_due_soon_stops_at_the_next_working_day(cli, seeded_db):
    rows = json.loads(ok(cli("--db", seeded_db, "overdue", "--officer", "P200", "--as-of", "2026-11-26",
                             "--due-soon", "--json")))
    assert [(r["rule"], r["due"]) for r in rows] == [("vs_referral", "2026-11-18")]


SEARCHES = [
    ("nowak", {"V-1"}),
    ("NOW", {"V-1"}),
    ("cr-100", {"V-1", "V-2", "V-3"}),
    ("CR-1002", {"V-3"}),
    ("+44 7700 900123", {"V-1"}),
    ("07700 900 123", {"V-1"}),
    ("01772123456", {"V-3"}),
]


def test_search(cli, seeded_db):
    for text, expected in SEARCHES:
        hits = json.loads(ok(cli("--db", seeded_db, "search", text, "--json")))
        assert {h["victim_ref"] for h in hits} == expected, text


def test_search_unicode_and_human_output(cli, seeded_db, make_csv, crime_rows):
    ok(cli("--db", seeded_db, "import", "crimes", make_csv([
        crime_rows(crime_ref="CR-3000", victim_ref="V-PL", victim_name="Łukasz Żółkiewski", victim_phone=""),
        crime_rows(crime_ref="CR-3000", victim_ref="V-CY", victim_name="Siân Ŵyn", victim_phone=""),
    ])))
    hits = json.loads(ok(cli("--db", seeded_db, "search", "ŻÓŁ", "--json")))
    assert [(h["victim_ref"], h["name"], h["crimes"]) for h in hits] == [("V-PL", "Łukasz Żółkiewski", ["CR-3000"])]
    assert [h["victim_ref"] for h in json.loads(ok(cli("--db", seeded_db, "search", "ŵy", "--json")))] == ["V-CY"]
    table = ok(cli("--db", seeded_db, "search", "Żółkiewski"))
    assert "Łukasz Żółkiewski" in table
    assert ok(cli("--db", seeded_db, "search", "Zzyzx")).strip()


def test_search_too_short_is_one_line(cli, seeded_db):
    one_line_error(cli("--db", seeded_db, "search", "x"))


# --- end to end through subprocesses --------------------------------------------------------------


def test_end_to_end_import_record_and_report(vicman_subprocess, db_path, make_csv, crime_rows, snapshot, db_query):
    path = make_csv([crime_rows(), crime_rows(victim_ref="V-2", victim_name="Wang Wei", victim_phone="",
                                              enhanced_reasons="vulnerable")])
    env = {"VICMAN_USER": "pc-subprocess"}
    first = vicman_subprocess("--db", db_path, "import", "crimes", path, env=env)
    assert first.status == 0, first.err
    before = snapshot(db_path)
    again = vicman_subprocess("--db", db_path, "import", "crimes", path, env=env)
    assert again.status == 0, again.err
    after = snapshot(db_path)
    assert {t: r for t, r in after.items() if t != "audit"} == {t: r for t, r in before.items() if t != "audit"}
    assert len(after["audit"]) - len(before["audit"]) <= 1

    event = vicman_subprocess("--db", db_path, "event", "add", "CR-1001", "arrest", "--at", "2026-11-18T14:00",
                              env=env)
    assert event.status == 0, event.err
    contact = vicman_subprocess("--db", db_path, "contact", "add", "CR-1001", "V-1", "--at", "2026-11-24T10:00",
                                "--method", "phone", "--outcome", "informed", env=env)
    assert contact.status == 0, contact.err
    report = vicman_subprocess("--db", db_path, "obligations", "--as-of", "2026-11-26", "--json", env=env)
    assert report.status == 0, report.err
    items = json.loads(report.out)
    assert all(set(i) == JSON_KEYS for i in items)
    assert item(items, "V-1", "inform_arrest")["status"] == "met"
    assert (item(items, "V-2", "inform_arrest")["status"], item(items, "V-2", "inform_arrest")["due"]) == (
        "overdue", "2026-11-19")
    assert ("local-admin", "event") in db_query("SELECT actor, object_type FROM audit")
