"""Importing a crime-system extract (DESIGN.md section 5): what a valid file creates, and idempotence.

Each test runs on its own copy of a migrated SQLite file; the clock is fixed at 2026-11-26T09:00Z.
Crime CR-1001 is reported on Monday 16/11/2026 (see `crime_row` in tests/conftest.py).
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import pytest

from tests.conftest import table_counts
from vicman.services import entries, importing, queries
from vicman.services.context import ServiceContext

ARREST_AT = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # Wednesday
AS_OF = date(2026, 11, 26)


def duties(ctx: ServiceContext, crime: str | None = None, victim: str | None = None, rule: str | None = None):
    views = queries.obligations_as_of(ctx, AS_OF, crime_ref=crime, victim_ref=victim)
    return [v for v in views if rule is None or v.rule == rule]


def one(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


# --- what an import creates -----------------------------------------------------------------------


def test_import_creates_crimes_people_links_officers_and_obligations(ctx, make_csv, crime_rows, db_query):
    path = make_csv([
        crime_rows(),
        crime_rows(victim_ref="V-2", victim_name="Wang Wei", victim_phone="", victim_email="",
                   enhanced_reasons="vulnerable"),
        crime_rows(crime_ref="CR-1002", reported_at="2026-11-17T08:30", offence="Criminal damage to a vehicle",
                   division="South", oic_id="P200", oic_name="PC Ray Khan", oic_email="ray.khan@police.example.uk",
                   victim_ref="V-3", victim_name="Bethan Hughes"),
    ])

    result = importing.import_crimes(ctx, path)

    assert result.rows == 3
    assert (result.crimes_created, result.people_created, result.links_created, result.officers_created) == (2, 3, 3, 2)
    assert not result.unchanged
    assert db_query("SELECT ref, offence, division FROM crime ORDER BY ref") == [
        ("CR-1001", "Theft of pedal cycle", "North"), ("CR-1002", "Criminal damage to a vehicle", "South")]
    assert db_query("SELECT ref, name FROM person ORDER BY ref") == [
        ("V-1", "Anna Nowak"), ("V-2", "Wang Wei"), ("V-3", "Bethan Hughes")]
    assert db_query("SELECT staff_no, name, email FROM officer ORDER BY staff_no") == [
        ("P100", "PC Jane Jones", "jane.jones@police.example.uk"),
        ("P200", "PC Ray Khan", "ray.khan@police.example.uk"),
    ]
    assert db_query("SELECT COUNT(*) FROM crime_person") == [(3,)]
    assert db_query("SELECT oic.staff_no FROM crime JOIN officer oic ON oic.id = crime.oic_id WHERE crime.ref = ?",
                    "CR-1002") == [("P200",)]

    # Every victim gets a support referral duty (2 working days) and a first monthly update.
    referral = one(duties(ctx, "CR-1001", "V-1", "vs_referral"))
    assert referral.due == date(2026, 11, 18) and referral.edition == "2021" and not referral.enhanced
    update = one(duties(ctx, "CR-1001", "V-1", "update"))
    assert update.due == date(2026, 12, 16)
    assert one(duties(ctx, "CR-1001", "V-2", "vs_referral")).enhanced is True
    assert {(v.crime_ref, v.victim_ref) for v in duties(ctx)} == {("CR-1001", "V-1"), ("CR-1001", "V-2"),
                                                                ("CR-1002", "V-3")}
    # The stored obligations are the same duties the as-of query derives.
    assert db_query("SELECT COUNT(*) FROM obligation") == [(len(duties(ctx)),)]


def test_import_writes_an_audit_record_naming_the_file(ctx, make_csv, crime_rows, db_query):
    path = make_csv([crime_rows()])
    importing.import_crimes(ctx, path)
    rows = db_query("SELECT actor, workstation, action, object_type, object_id, ts FROM audit "
                    "WHERE object_type = 'import'")
    assert rows == [("pc-test", "test-host", "collect", "import", str(path), "2026-11-26 09:00:00.000000")]


def test_vs_opt_out_waives_the_referral_with_the_opt_out_as_reason(ctx, make_csv, crime_rows):
    importing.import_crimes(ctx, make_csv([crime_rows(vs_opt_out="yes")]))
    referral = one(duties(ctx, "CR-1001", "V-1", "vs_referral"))
    assert referral.status.value == "waived"
    assert "opt" in (referral.waiver_reason or "").lower()


OPT_OUT_SPELLINGS = [("yes", True), ("no", False), ("true", True), ("false", False), ("1", True), ("0", False),
                     ("YES", True), (" No ", False), ("", False)]


def test_vs_opt_out_accepts_the_documented_spellings(ctx, make_csv, crime_rows, db_query):
    rows = [crime_rows(victim_ref=f"V-{i}", vs_opt_out=value) for i, (value, _) in enumerate(OPT_OUT_SPELLINGS)]
    importing.import_crimes(ctx, make_csv(rows))
    stored = dict(db_query("SELECT p.ref, l.vs_opt_out FROM crime_person l JOIN person p ON p.id = l.person_id"))
    assert stored == {f"V-{i}": int(opted_out) for i, (_, opted_out) in enumerate(OPT_OUT_SPELLINGS)}


def test_a_person_in_two_crimes_becomes_one_person_with_two_links(ctx, make_csv, crime_rows, db_query):
    path = make_csv([
        crime_rows(),
        crime_rows(crime_ref="CR-1002", reported_at="2026-11-20T12:00", offence="Harassment"),
    ])
    result = importing.import_crimes(ctx, path)
    assert (result.crimes_created, result.people_created, result.links_created) == (2, 1, 2)
    assert db_query("SELECT COUNT(*) FROM person") == [(1,)]
    assert db_query("SELECT c.ref FROM crime_person l JOIN crime c ON c.id = l.crime_id "
                    "JOIN person p ON p.id = l.person_id WHERE p.ref = 'V-1' ORDER BY c.ref") == [
        ("CR-1001",), ("CR-1002",)]
    hits = queries.search(ctx, "Nowak")
    assert [(h.person_ref, h.crime_refs) for h in hits] == [("V-1", ("CR-1001", "CR-1002"))]


# --- idempotence ------------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(ctx, make_csv, crime_rows, db_path, snapshot):
    path = make_csv([
        crime_rows(),
        crime_rows(victim_ref="V-2", victim_name="Wang Wei", enhanced_reasons="intimidated;vulnerable",
                   victim_dob="", vs_opt_out="true"),
        crime_rows(crime_ref="CR-1002", reported_at="17/11/2026 08:30", offence="Assault (domestic)",
                   victim_ref="V-3", victim_name="Siân Ŵyn"),
    ])
    importing.import_crimes(ctx, path)
    entries.record_event(ctx, "CR-1001", "arrest", ARREST_AT)
    before = snapshot(db_path)

    result = importing.import_crimes(ctx, path)

    assert result.unchanged
    assert (result.crimes_created, result.crimes_updated, result.people_created, result.people_updated,
            result.links_created, result.links_updated, result.officers_created) == (0, 0, 0, 0, 0, 0, 0)
    after = snapshot(db_path)
    assert set(after) == set(before)
    for table in before:
        if table == "audit":
            continue
        assert after[table] == before[table], f"table {table} changed on re-import"
    assert after["obligation"] == before["obligation"]
    new_audit = [row for row in after["audit"] if row not in before["audit"]]
    assert len(new_audit) <= 1
    assert set(before["audit"]) <= set(after["audit"])


def test_reimporting_a_multi_chunk_file_with_an_officer_in_two_divisions_changes_nothing(
        ctx, make_csv, crime_rows, db_path, snapshot, monkeypatch):
    # The chunk size is shrunk so that a small file spans two chunks (it is 2,000 rows in production).
    monkeypatch.setattr(importing, "CHUNK_ROWS", 100)
    rows = [crime_rows(crime_ref=f"X{i:05d}", victim_ref=f"W{i:05d}", victim_name=f"Victim {i}", victim_phone="",
                       victim_email="", division="North" if i < 100 else "South", reported_at="2026-10-01")
            for i in range(150)]
    path = make_csv(rows)
    importing.import_crimes(ctx, path)
    before = snapshot(db_path)

    result = importing.import_crimes(ctx, path)

    after = snapshot(db_path)
    assert result.unchanged
    assert after["detail_change"] == before["detail_change"]
    assert len(after["audit"]) - len(before["audit"]) <= 1


# --- re-import with changes -----------------------------------------------------------------------


def test_reimport_with_changes_updates_in_place_records_detail_changes_and_rederives(
        ctx, make_csv, crime_rows, db_query):
    importing.import_crimes(ctx, make_csv([crime_rows()], name="day1.csv"))
    entries.record_event(ctx, "CR-1001", "arrest", ARREST_AT)
    arrest = one(duties(ctx, "CR-1001", "V-1", "inform_arrest"))
    assert (arrest.due, arrest.enhanced, arrest.status.value) == (date(2026, 11, 25), False, "overdue")
    ids_before = db_query("SELECT (SELECT id FROM crime), (SELECT id FROM person), (SELECT id FROM crime_person)")

    changed = crime_rows(offence="Robbery of personal property", victim_phone="07700 900999",
                         enhanced_reasons="vulnerable")
    result = importing.import_crimes(ctx, make_csv([changed], name="day2.csv"))

    assert (result.crimes_created, result.people_created, result.links_created) == (0, 0, 0)
    assert (result.crimes_updated, result.people_updated, result.links_updated) == (1, 1, 1)
    # Updated in place: same rows, new values.
    assert db_query("SELECT (SELECT id FROM crime), (SELECT id FROM person), (SELECT id FROM crime_person)") == \
        ids_before
    assert db_query("SELECT offence FROM crime") == [("Robbery of personal property",)]
    assert db_query("SELECT phone FROM person") == [("07700 900999",)]
    assert db_query("SELECT enhanced_reasons FROM crime_person") == [("vulnerable",)]
    # Each change is recorded with before and after, who and when.
    changes = {(t, f): (b, a, by, at) for t, f, b, a, by, at in db_query(
        "SELECT object_type, field, before, after, by, at FROM detail_change")}
    assert changes[("crime", "offence")][:3] == ("Theft of pedal cycle", "Robbery of personal property", "pc-test")
    assert changes[("person", "phone")][:3] == ("07700 900123", "07700 900999", "pc-test")
    before_reasons, after_reasons, _, _ = changes[("link", "enhanced_reasons")]
    assert before_reasons in ("", None) and after_reasons == "vulnerable"
    # Re-derived: the victim is now vulnerable, so the open arrest duty is due in 1 working day, not 5.
    arrest = one(duties(ctx, "CR-1001", "V-1", "inform_arrest"))
    assert (arrest.due, arrest.enhanced) == (date(2026, 11, 19), True)
    stored = db_query("SELECT due, enhanced FROM obligation WHERE rule = 'inform_arrest'")
    assert stored == [("2026-11-19", 1)]


def test_reimport_removing_the_enhanced_reason_restores_the_five_day_deadline(ctx, make_csv, crime_rows):
    importing.import_crimes(ctx, make_csv([crime_rows(enhanced_reasons="vulnerable")], name="a.csv"))
    entries.record_event(ctx, "CR-1001", "arrest", ARREST_AT)
    assert one(duties(ctx, rule="inform_arrest")).due == date(2026, 11, 19)
    importing.import_crimes(ctx, make_csv([crime_rows(enhanced_reasons="")], name="b.csv"))
    assert one(duties(ctx, rule="inform_arrest")).due == date(2026, 11, 25)


def test_reimport_with_a_changed_report_date_moves_the_referral_deadline(ctx, make_csv, crime_rows, db_query):
    importing.import_crimes(ctx, make_csv([crime_rows()], name="a.csv"))
    importing.import_crimes(ctx, make_csv([crime_rows(reported_at="2026-11-19T10:00")], name="b.csv"))
    assert one(duties(ctx, rule="vs_referral")).due == date(2026, 11, 23)
    assert db_query("SELECT field FROM detail_change WHERE object_type = 'crime'") == [("reported_at",)]


# --- encodings, names and formats -----------------------------------------------------------------

NAMES = {
    "V-ZH": "王伟",
    "V-AR": "محمد العلي",
    "V-CY": "Siân Ŵyn ap Llŷr",
    "V-PL": "Łukasz Żółkiewski-Ślęzak",
    "V-EM": "Jo 🌈 Bloggs 👮‍♀️",
}


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
def test_unicode_names_are_stored_verbatim_with_or_without_bom(ctx, make_csv, crime_rows, db_query, bom):
    rows = [crime_rows(victim_ref=ref, victim_name=name, victim_address="Ffordd yr Ŵyl, Aberystwyth 🏠")
            for ref, name in NAMES.items()]
    path = make_csv(rows, bom=bom)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") is bom

    result = importing.import_crimes(ctx, path)

    assert result.people_created == len(NAMES)
    assert dict(db_query("SELECT ref, name FROM person")) == NAMES
    assert {a for (a,) in db_query("SELECT address FROM person")} == {"Ffordd yr Ŵyl, Aberystwyth 🏠"}
    # The BOM must not leak into the first column's name or value.
    assert db_query("SELECT DISTINCT ref FROM crime") == [("CR-1001",)]


REPORTED_AT_FORMS = [
    ("2026-11-16", datetime(2026, 11, 16, 0, 0, tzinfo=UTC)),
    ("2026-11-16T10:00", datetime(2026, 11, 16, 10, 0, tzinfo=UTC)),
    ("2026-11-16 10:00:15", datetime(2026, 11, 16, 10, 0, 15, tzinfo=UTC)),
    ("16/11/2026", datetime(2026, 11, 16, 0, 0, tzinfo=UTC)),
    ("16/11/2026 10:00", datetime(2026, 11, 16, 10, 0, tzinfo=UTC)),
    # Naive summer times are Europe/London (BST, UTC+1).
    ("2026-07-01T10:00", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),
    ("01/07/2026 10:00", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),
    ("2026-07-01", datetime(2026, 6, 30, 23, 0, tzinfo=UTC)),
    ("2026-07-01T10:00:00+00:00", datetime(2026, 7, 1, 10, 0, tzinfo=UTC)),
]


def test_reported_at_accepts_dates_and_datetimes_iso_or_uk(ctx, make_csv, crime_rows):
    rows = [crime_rows(crime_ref=f"CR-{i}", reported_at=text, victim_ref=f"V-{i}", victim_dob="17/05/1980")
            for i, (text, _) in enumerate(REPORTED_AT_FORMS)]
    importing.import_crimes(ctx, make_csv(rows))
    from sqlalchemy import select

    from vicman.store.tables import CrimeRow, PersonRow

    with ctx.db.read() as session:
        stored = dict(session.execute(select(CrimeRow.ref, CrimeRow.reported_at)).all())
        dobs = set(session.scalars(select(PersonRow.dob)))
    assert stored == {f"CR-{i}": expected for i, (_, expected) in enumerate(REPORTED_AT_FORMS)}
    assert dobs == {date(1980, 5, 17)}


def test_columns_in_any_order_with_extra_columns_ignored(ctx, make_csv, crime_rows, db_query):
    row = crime_rows() | {"force_system_id": "NICHE-77", "notes": "ignore me", "": "blank header"}
    header = ["notes", *reversed([k for k in crime_rows()]), "force_system_id", ""]
    result = importing.import_crimes(ctx, make_csv([row], header=header))
    assert (result.crimes_created, result.people_created) == (1, 1)
    assert db_query("SELECT c.ref, c.offence, p.ref, p.name, p.phone FROM crime c, person p") == [
        ("CR-1001", "Theft of pedal cycle", "V-1", "Anna Nowak", "07700 900123")]


def test_header_names_are_case_and_whitespace_tolerant(ctx, make_csv, crime_rows, db_query):
    row = crime_rows()
    header = [f"  {name.upper()} " if i % 2 else name.title() for i, name in enumerate(row)]
    path = make_csv([dict(zip(header, row.values(), strict=True))], header=header)
    result = importing.import_crimes(ctx, path)
    assert (result.crimes_created, result.people_created) == (1, 1)
    assert db_query("SELECT phone, email FROM person") == [("07700 900123", "anna@example.org")]


def test_only_the_required_columns_are_needed(ctx, make_csv, crime_rows, db_query):
    required = ["crime_ref", "reported_at", "offence", "division", "oic_id", "oic_name", "oic_email",
                "victim_ref", "victim_name"]
    result = importing.import_crimes(ctx, make_csv([crime_rows()], header=required))
    assert result.people_created == 1
    assert db_query("SELECT dob, phone, email FROM person") == [(None, None, None)]


@pytest.mark.parametrize("value", [
    "'); DROP TABLE crime;--",
    "=cmd|' /C calc'!A0",
    "Robert'); DELETE FROM person WHERE ('1'='1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
])
def test_injection_like_strings_are_stored_verbatim_and_never_executed(ctx, make_csv, crime_rows, db_query,
                                                                      value):
    path = make_csv([crime_rows(victim_name=value, offence=value, victim_address=value)])
    importing.import_crimes(ctx, path)
    assert db_query("SELECT name, address FROM person") == [(value, value)]
    assert db_query("SELECT offence FROM crime") == [(value,)]
    tables = set(table_counts(ctx.db.url))
    assert {"crime", "person", "crime_person", "officer", "obligation", "audit"} <= tables
    assert db_query("SELECT COUNT(*) FROM person") == [(1,)]


def test_fields_with_embedded_commas_quotes_and_newlines(ctx, make_csv, crime_rows, db_query):
    address = 'Flat 2, "The Old Mill",\nMill Lane, Hebden Bridge'
    importing.import_crimes(ctx, make_csv([crime_rows(victim_address=address)]))
    assert db_query("SELECT address FROM person") == [(address,)]


# --- scale ----------------------------------------------------------------------------------------

DIVISIONS = ("North", "South", "East", "West", "Central", "Rural")


def test_a_20000_row_file_imports_completely(ctx, tmp_path, db_query):
    path = tmp_path / "big.csv"
    victims = 20_000
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["crime_ref", "reported_at", "offence", "division", "oic_id", "oic_name", "oic_email",
                         "victim_ref", "victim_name", "victim_phone", "enhanced_reasons"])
        for i in range(victims):
            crime = i // 2  # two victims per crime
            division = crime % len(DIVISIONS)
            officer = f"P{division}{(crime // 6) % 40:03d}"  # an officer stays in one division
            writer.writerow([
                f"CR{crime:06d}", f"2026-10-{1 + crime % 28:02d}T{9 + crime % 8:02d}:15",
                ("Burglary - dwelling", "Theft from person", "Criminal damage")[crime % 3],
                DIVISIONS[division], officer, f"PC {officer}", f"{officer.lower()}@police.example.uk",
                f"V{i:06d}", f"Victim {i} Surname{i % 97}", f"07700 {i:06d}",
                "vulnerable" if i % 10 == 0 else "",
            ])

    result = importing.import_crimes(ctx, path)

    assert result.rows == victims
    assert (result.crimes_created, result.people_created, result.links_created) == (10_000, 20_000, 20_000)
    assert result.officers_created == 6 * 40
    assert db_query("SELECT COUNT(*) FROM crime") == [(10_000,)]
    assert db_query("SELECT COUNT(*) FROM person") == [(20_000,)]
    assert db_query("SELECT COUNT(*) FROM crime_person") == [(20_000,)]
    assert db_query("SELECT COUNT(*) FROM officer") == [(240,)]
    # Every victim: one referral and one first update.
    assert db_query("SELECT rule, COUNT(*) FROM obligation GROUP BY rule ORDER BY rule") == [
        ("update", 20_000), ("vs_referral", 20_000)]
    assert db_query("SELECT COUNT(*) FROM obligation WHERE enhanced = TRUE") == [(2 * 2_000,)]
    assert db_query("SELECT name, phone FROM person WHERE ref = 'V019999'") == [
        ("Victim 19999 Surname17", "07700 019999")]

