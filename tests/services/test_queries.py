"""Reading (DESIGN.md sections 4 and 5): obligations as of a date, editions, worklists and search.

Seeded data (tests/conftest.py SEED_ROWS): CR-1001 reported Monday 16/11/2026 10:00 in North (officer P100)
with V-1 Anna Nowak (07700 900123) and V-2 Wang Wei (vulnerable); CR-1002 in South (officer P200) with
V-3 Bethan Hughes (01772 123456). Now is Thursday 26/11/2026 09:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from vicman.services import entries, importing, queries
from vicman.services.errors import InvalidInput, NotFound

ARREST_AT = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


def view(ctx, as_of, victim="V-1", rule="inform_arrest", crime="CR-1001"):
    found = [v for v in queries.obligations_as_of(ctx, as_of, crime_ref=crime, victim_ref=victim) if v.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- as-of semantics ------------------------------------------------------------------------------


def test_a_duty_due_on_d_is_open_on_d_and_overdue_the_day_after(seeded_ctx):
    entries.record_event(seeded_ctx, "CR-1001", "arrest", ARREST_AT)
    assert view(seeded_ctx, date(2026, 11, 25)).status.value == "open"
    assert view(seeded_ctx, date(2026, 11, 26)).status.value == "overdue"
    assert view(seeded_ctx, date(2026, 11, 18), victim="V-2").status.value == "open"
    assert view(seeded_ctx, date(2026, 11, 19), victim="V-2").status.value == "open"
    assert view(seeded_ctx, date(2026, 11, 20), victim="V-2").status.value == "overdue"


def test_a_contact_dated_after_d_does_not_count_as_of_d(seeded_ctx):
    entries.record_event(seeded_ctx, "CR-1001", "arrest", ARREST_AT)
    contact_at = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    entries.record_contact(seeded_ctx, "CR-1001", "V-1", contact_at, "phone", "informed")

    before = view(seeded_ctx, date(2026, 11, 25))
    assert (before.status.value, before.met_at, before.late) == ("open", None, False)
    after = view(seeded_ctx, date(2026, 11, 26))
    assert (after.status.value, after.met_at, after.late) == ("met", contact_at, True)


def test_events_after_d_have_not_happened_as_of_d(seeded_ctx):
    entries.record_event(seeded_ctx, "CR-1001", "arrest", ARREST_AT)
    rules = [v.rule for v in queries.obligations_as_of(seeded_ctx, date(2026, 11, 17), "CR-1001", "V-1")]
    assert "inform_arrest" not in rules and "vs_referral" in rules


def test_a_crime_reported_after_d_has_no_duties_as_of_d(seeded_ctx):
    assert queries.obligations_as_of(seeded_ctx, date(2026, 11, 15)) == []


def test_a_waiver_dated_after_d_does_not_count_as_of_d(seeded_ctx):
    seeded_ctx.clock = lambda: datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    entries.waive(seeded_ctx, "CR-1001", "V-1", "vs_referral", "Declined",
                  at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    assert view(seeded_ctx, date(2026, 11, 19), rule="vs_referral").status.value == "overdue"
    assert view(seeded_ctx, date(2026, 11, 20), rule="vs_referral").status.value == "waived"


def test_filters_by_crime_and_victim(seeded_ctx):
    everything = queries.obligations_as_of(seeded_ctx, date(2026, 11, 26))
    assert {(v.crime_ref, v.victim_ref) for v in everything} == {("CR-1001", "V-1"), ("CR-1001", "V-2"),
                                                                ("CR-1002", "V-3")}
    crime = queries.obligations_as_of(seeded_ctx, date(2026, 11, 26), crime_ref="CR-1001")
    assert {v.victim_ref for v in crime} == {"V-1", "V-2"}
    victim = queries.obligations_as_of(seeded_ctx, date(2026, 11, 26), victim_ref="V-3")
    assert {(v.crime_ref, v.victim_ref) for v in victim} == {("CR-1002", "V-3")}


def test_unknown_references_in_filters_are_not_found(seeded_ctx):
    with pytest.raises(NotFound, match="CR-9999"):
        queries.obligations_as_of(seeded_ctx, date(2026, 11, 26), crime_ref="CR-9999")
    with pytest.raises(NotFound, match="V-99"):
        queries.obligations_as_of(seeded_ctx, date(2026, 11, 26), victim_ref="V-99")


# --- editions and enhanced entitlement, end to end -----------------------------------------------

EDITION_CASES = [
    ("2010-06-01T10:00", "2006"),
    ("2013-12-09T10:00", "2006"),
    ("2013-12-10T10:00", "2013"),
    ("2015-11-15T10:00", "2013"),
    ("2015-11-16T10:00", "2015"),
    ("2021-03-31T10:00", "2015"),
    ("2021-04-01T10:00", "2021"),
    ("2026-11-16T10:00", "2021"),
]


def test_each_duty_takes_the_edition_in_force_on_its_trigger_date(ctx, make_csv, crime_rows):
    rows = [crime_rows(crime_ref=f"E{i}", reported_at=when, offence="Burglary - dwelling", victim_ref=f"EV{i}",
                       victim_dob="1970-01-01")
            for i, (when, _) in enumerate(EDITION_CASES)]
    importing.import_crimes(ctx, make_csv(rows))
    for i, (when, edition) in enumerate(EDITION_CASES):
        referral = view(ctx, date(2026, 11, 26), victim=f"EV{i}", crime=f"E{i}", rule="vs_referral")
        assert referral.edition == edition, when


def test_an_event_under_a_later_edition_uses_that_edition(ctx, make_csv, crime_rows):
    importing.import_crimes(ctx, make_csv([crime_rows(reported_at="2021-03-29T10:00", victim_dob="1970-01-01",
                                                      offence="Burglary - dwelling")]))
    entries.record_event(ctx, "CR-1001", "arrest", datetime(2021, 4, 6, 10, 0, tzinfo=UTC))
    assert view(ctx, date(2021, 4, 30), rule="vs_referral").edition == "2015"
    arrest = view(ctx, date(2021, 4, 30), rule="inform_arrest")
    assert arrest.edition == "2021"
    # Tuesday 6/4/2021 + 5 working days (Easter Monday was 5/4): 7, 8, 9, 12, 13 April.
    assert arrest.due == date(2021, 4, 13)


def test_a_child_victim_is_enhanced(ctx, make_csv, crime_rows):
    importing.import_crimes(ctx, make_csv([crime_rows(victim_dob="2012-03-04")]))
    entries.record_event(ctx, "CR-1001", "arrest", ARREST_AT)
    arrest = view(ctx, date(2026, 11, 26))
    assert (arrest.enhanced, arrest.due) == (True, date(2026, 11, 19))
    assert arrest.enhanced_reasons


def test_a_victim_of_domestic_abuse_is_enhanced_from_the_offence(ctx, make_csv, crime_rows):
    importing.import_crimes(ctx, make_csv([crime_rows(offence="Assault occasioning ABH (domestic)")]))
    entries.record_event(ctx, "CR-1001", "arrest", ARREST_AT)
    assert view(ctx, date(2026, 11, 26)).due == date(2026, 11, 19)


# --- worklists ------------------------------------------------------------------------------------


def test_overdue_worklist_lists_a_divisions_overdue_duties_oldest_first(seeded_ctx):
    entries.record_event(seeded_ctx, "CR-1001", "arrest", ARREST_AT)
    rows = queries.overdue_worklist(seeded_ctx, "North", as_of=date(2026, 11, 26))
    assert [(r.crime_ref, r.victim_ref, r.rule, r.due) for r in rows] == [
        ("CR-1001", "V-1", "vs_referral", date(2026, 11, 18)),
        ("CR-1001", "V-2", "vs_referral", date(2026, 11, 18)),
        ("CR-1001", "V-2", "inform_arrest", date(2026, 11, 19)),
        ("CR-1001", "V-1", "inform_arrest", date(2026, 11, 25)),
    ]
    assert all(r.status.value == "overdue" and r.division == "North" for r in rows)
    assert {r.victim_name for r in rows} == {"Anna Nowak", "Wang Wei"}
    assert [r.victim_ref for r in queries.overdue_worklist(seeded_ctx, "South", as_of=date(2026, 11, 26))] == ["V-3"]
    assert queries.overdue_worklist(seeded_ctx, "Nowhere", as_of=date(2026, 11, 26)) == []


def test_overdue_worklist_drops_duties_once_met(seeded_ctx):
    entries.record_referral(seeded_ctx, "CR-1001", "V-1", datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    rows = queries.overdue_worklist(seeded_ctx, "North", as_of=date(2026, 11, 26))
    assert [(r.victim_ref, r.rule) for r in rows] == [("V-2", "vs_referral")]


def test_overdue_worklist_with_due_soon_adds_today_and_the_next_working_day(seeded_ctx):
    entries.record_event(seeded_ctx, "CR-1001", "arrest", ARREST_AT)
    # As of Tuesday 24/11: V-1's arrest duty (due Wednesday 25/11) is due soon, not overdue.
    plain = queries.overdue_worklist(seeded_ctx, "North", as_of=date(2026, 11, 24))
    soon = queries.overdue_worklist(seeded_ctx, "North", as_of=date(2026, 11, 24), include_due_soon=True)
    assert ("V-1", "inform_arrest") not in {(r.victim_ref, r.rule) for r in plain}
    due_soon = [r for r in soon if (r.victim_ref, r.rule) == ("V-1", "inform_arrest")]
    assert [(r.due, r.status.value) for r in due_soon] == [(date(2026, 11, 25), "open")]


def test_officer_worklist_lists_the_officers_pending_duties(seeded_ctx):
    rows = queries.officer_worklist(seeded_ctx, "P200", as_of=date(2026, 11, 26))
    assert {(r.crime_ref, r.victim_ref, r.rule) for r in rows} == {("CR-1002", "V-3", "vs_referral"),
                                                                  ("CR-1002", "V-3", "update")}
    assert all(r.oic_staff_no == "P200" for r in rows)
    with pytest.raises(NotFound):
        queries.officer_worklist(seeded_ctx, "P999")


# --- search ---------------------------------------------------------------------------------------

PEOPLE = [
    ("S-PL", "Łukasz Żółkiewski", "+48 600 700 800"),
    ("S-CY", "Siân Ŵyn", "07700 900555"),
    ("S-CY2", "Dafydd Llŷr", ""),
    ("S-AR", "محمد العلي", ""),
    ("S-ZH", "王伟", ""),
    ("S-MC", "Mary McDonald", "+44 (0)1772 654321"),
]


@pytest.fixture
def people(seeded_ctx, make_csv, crime_rows):
    rows = [crime_rows(crime_ref="CR-2001", victim_ref=ref, victim_name=name, victim_phone=phone)
            for ref, name, phone in PEOPLE]
    importing.import_crimes(seeded_ctx, make_csv(rows, name="people.csv"))
    return seeded_ctx


SURNAME_SEARCHES = [
    ("Nowak", "V-1"),
    ("now", "V-1"),
    ("NOWAK", "V-1"),
    ("Anna Nowak", "V-1"),
    ("żółk", "S-PL"),
    ("ŻÓŁKIEWSKI", "S-PL"),
    ("ŵyn", "S-CY"),
    ("Ŵy", "S-CY"),
    ("llŷ", "S-CY2"),
    ("العل", "S-AR"),
    ("王伟", "S-ZH"),
    ("mcd", "S-MC"),
]


def test_search_by_surname_prefix_is_case_insensitive_and_unicode(people):
    for text, expected in SURNAME_SEARCHES:
        hits = {h.person_ref: h.matched_on for h in queries.search(people, text)}
        assert hits.get(expected) == "name", (text, hits)


def test_search_by_crime_reference_prefix(people):
    hits = queries.search(people, "cr-100")
    assert {h.person_ref for h in hits} == {"V-1", "V-2", "V-3"}
    assert {h.person_ref for h in queries.search(people, "CR-1002")} == {"V-3"}


def test_search_by_victim_reference(people):
    assert [h.person_ref for h in queries.search(people, "v-3")] == ["V-3"]


PHONE_FORMS = [
    "07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0770 090 0123", " 07700-900-123 ",
    "+44 (0)7700 900123",
]


def test_search_by_phone_however_it_is_typed(people):
    for typed in PHONE_FORMS:
        hits = queries.search(people, typed)
        assert [h.person_ref for h in hits if h.matched_on == "phone"] == ["V-1"], typed


def test_search_by_phone_prefix(people):
    hits = queries.search(people, "07700 900")
    assert {h.person_ref for h in hits if h.matched_on == "phone"} == {"V-1", "S-CY"}


def test_search_finds_a_number_stored_in_the_plus_44_bracket_0_form(people):
    assert "S-MC" in [h.person_ref for h in queries.search(people, "01772 654321")]


def test_search_returns_plain_details(people):
    hit = next(h for h in queries.search(people, "Nowak"))
    assert (hit.person_ref, hit.name, hit.dob, hit.phone, hit.crime_refs) == (
        "V-1", "Anna Nowak", date(1980, 5, 17), "07700 900123", ("CR-1001",))


def test_search_with_no_match_is_empty(people):
    assert queries.search(people, "Zzyzx") == []


@pytest.mark.parametrize("text", ["", " ", "a"])
def test_search_needs_at_least_two_characters(people, text):
    with pytest.raises(InvalidInput):
        queries.search(people, text)


def test_search_is_logged_in_the_audit_trail(people, db_query):
    before = db_query("SELECT COUNT(*) FROM audit")[0][0]
    queries.search(people, "Nowak")
    rows = db_query("SELECT actor, workstation, action FROM audit ORDER BY id DESC LIMIT 1")
    assert db_query("SELECT COUNT(*) FROM audit")[0][0] == before + 1
    assert rows == [("pc-test", "test-host", "consult")]


@pytest.mark.parametrize("stored_form, typed_form", [("NFD", "NFC"), ("NFC", "NFD")])
def test_search_matches_names_whatever_their_unicode_normal_form(seeded_ctx, make_csv, crime_rows, stored_form,
                                                                 typed_form):
    import unicodedata

    name = unicodedata.normalize(stored_form, "Siân Ŵyn")
    importing.import_crimes(seeded_ctx, make_csv([crime_rows(crime_ref="CR-5000", victim_ref="V-W",
                                                             victim_name=name)], name="nf.csv"))
    typed = unicodedata.normalize(typed_form, "ŵyn")
    assert "V-W" in [h.person_ref for h in queries.search(seeded_ctx, typed)]
