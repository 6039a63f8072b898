"""The daily Victim Support referral file (issue 5, item 7): who is due, who is held and why, and the export.

Now is Thursday 26/11/2026 09:00. The crimes, all in North unless said:
    CR-1  Fri 20/11 theft of a pedal cycle    V-1 (standard; due Tue 24/11, so overdue)  V-OPT (opted out)
    CR-2  Wed 25/11 rape                      V-SX   the 2021 Code needs explicit consent
    CR-3  Wed 25/11 assault (domestic)        V-DA1  no safe channel;  V-DA2 safe channel: phone
    CR-4  Wed 25/11 burglary                  V-REF  already referred by hand
    CR-5  Wed 25/11 murder                    V-BR   bereaved relative: explicit consent needed
    CR-6  Wed 25/11 criminal damage, South    V-S
    CR-7  Mon 01/03/2010 harassment (domestic) V-OLD  2006 Code: opt-out for everyone; safe channel: email
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import FIXED_NOW, connect_database, crime_row, snapshot_database, write_csv
from vicman.services import auth, casework, entries, importing, queries, records, vs_referrals
from vicman.services.context import Actor
from vicman.services.errors import ImportRejected, InvalidInput, NotFound
from vicman.services.permissions import NotPermitted

AS_OF = date(2026, 11, 26)
BOM = b"\xef\xbb\xbf"

ROWS = [
    crime_row(crime_ref="CR-1", reported_at="2026-11-20T10:00"),
    crime_row(crime_ref="CR-1", reported_at="2026-11-20T10:00", victim_ref="V-OPT", victim_name="Olga Opie",
              vs_opt_out="yes"),
    crime_row(crime_ref="CR-2", reported_at="2026-11-25T10:00", offence="Rape of a woman aged 16 or over",
              victim_ref="V-SX", victim_name="Sara Sykes", victim_phone="07700 900201",
              victim_email="sara@example.org"),
    crime_row(crime_ref="CR-3", reported_at="2026-11-25T10:00",
              offence="Assault occasioning actual bodily harm (domestic)", victim_ref="V-DA1",
              victim_name="Dora Adams", victim_phone="07700 900301", victim_email="dora@example.org",
              victim_address="3 Mill Lane, Preston"),
    crime_row(crime_ref="CR-3", reported_at="2026-11-25T10:00",
              offence="Assault occasioning actual bodily harm (domestic)", victim_ref="V-DA2",
              victim_name="Dina Ahmed", victim_phone="07700 900302", victim_email="dina@example.org",
              victim_address="4 Mill Lane, Preston", victim_safe_channel="phone", victim_language="Urdu",
              victim_interpreter="yes"),
    crime_row(crime_ref="CR-4", reported_at="2026-11-25T10:00", offence="Burglary - dwelling", victim_ref="V-REF",
              victim_name="Rhys Reed"),
    crime_row(crime_ref="CR-5", reported_at="2026-11-25T10:00", offence="Murder", victim_ref="V-BR",
              victim_name="Bea Rowe", victim_role="bereaved_relative"),
    crime_row(crime_ref="CR-6", reported_at="2026-11-25T10:00", offence="Criminal damage to a dwelling",
              division="South", oic_id="P200", oic_name="PC Ray Khan", oic_email="ray.khan@police.example.uk",
              victim_ref="V-S", victim_name="Sian Stone"),
    crime_row(crime_ref="CR-7", reported_at="2010-03-01T10:00", offence="Harassment (domestic)", victim_ref="V-OLD",
              victim_name="Olive Dean", victim_dob="1970-01-02", victim_phone="01772 100200",
              victim_email="olive@example.org", victim_address="7 Old Road, Preston", victim_safe_channel="email"),
]  # fmt: skip
HEADER = [*ROWS[0].keys(), "victim_role", "victim_safe_channel", "victim_language", "victim_interpreter"]


@pytest.fixture
def rctx(ctx, tmp_path):
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", ROWS, HEADER))
    entries.record_referral(ctx, "CR-4", "V-REF", datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    return ctx


def by_victim(found):
    return {c.person_ref: c for c in found}


def read_file(path: Path) -> tuple[bytes, list[dict[str, str]]]:
    data = path.read_bytes()
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def consent_everyone(ctx) -> None:
    for crime, victim in (("CR-2", "V-SX"), ("CR-3", "V-DA1"), ("CR-3", "V-DA2"), ("CR-5", "V-BR")):
        vs_referrals.record_referral_consent(ctx, crime, victim, True, at=FIXED_NOW - timedelta(hours=1))


def audit_rows(path: Path) -> list[tuple]:
    connection = connect_database(path)
    try:
        return connection.execute(
            "SELECT action, object_type, object_id, detail, recipients FROM audit ORDER BY seq"
        ).fetchall()
    finally:
        connection.close()


# --- who is due ---------------------------------------------------------------------------------


def test_candidates_follow_opt_out_consent_safe_channel_and_earlier_referrals(rctx) -> None:
    found = vs_referrals.referral_candidates(rctx, AS_OF)
    assert [(c.crime_ref, c.person_ref) for c in found] == [
        ("CR-1", "V-1"), ("CR-2", "V-SX"), ("CR-3", "V-DA1"), ("CR-3", "V-DA2"), ("CR-5", "V-BR"), ("CR-6", "V-S"),
        ("CR-7", "V-OLD"),
    ]  # fmt: skip  (no V-OPT: opted out; no V-REF: already referred)
    c = by_victim(found)
    assert {ref: (x.included, x.reasons) for ref, x in c.items()} == {
        "V-1": (True, ("included: has not opted out",)),
        "V-SX": (False, ("held: needs explicit consent",)),
        "V-DA1": (False, ("held: needs explicit consent", "held: no safe contact channel")),
        "V-DA2": (False, ("held: needs explicit consent",)),
        "V-BR": (False, ("held: needs explicit consent",)),
        "V-S": (True, ("included: has not opted out",)),
        "V-OLD": (True, ("included: has not opted out", "only the safe channel (email) is sent (domestic abuse)")),
    }
    assert (c["V-1"].status, c["V-1"].due) == ("overdue", date(2026, 11, 24))
    assert (c["V-SX"].status, c["V-SX"].due, c["V-SX"].consent) == ("open", date(2026, 11, 27), "explicit")
    assert c["V-BR"].role == "bereaved_relative" and c["V-BR"].consent == "explicit"
    assert c["V-OLD"].consent == "opt_out" and c["V-OLD"].domestic_abuse  # the 2006 Code asked for no consent
    assert (c["V-DA2"].safe_channel, c["V-DA2"].domestic_abuse) == ("phone", True)


def test_candidates_of_one_division_and_before_the_report(rctx) -> None:
    assert [c.person_ref for c in vs_referrals.referral_candidates(rctx, AS_OF, division="South")] == ["V-S"]
    earlier = vs_referrals.referral_candidates(rctx, date(2026, 11, 24))
    assert [c.person_ref for c in earlier] == ["V-1", "V-OLD"]  # the others were reported on 25/11


def test_consent_given_or_refused_decides_whether_the_victim_is_held(rctx) -> None:
    asked = datetime(2026, 11, 25, 12, tzinfo=UTC)
    done = vs_referrals.record_referral_consent(rctx, "CR-2", "V-SX", False, at=asked)
    assert (done.consent, done.at) == ("refused", asked)
    refused = by_victim(vs_referrals.referral_candidates(rctx, AS_OF))["V-SX"]
    assert (refused.included, refused.reasons) == (False, ("held: explicit consent refused",))
    vs_referrals.record_referral_consent(rctx, "CR-2", "V-SX", True)  # asked again today: now agrees
    sx = by_victim(vs_referrals.referral_candidates(rctx, AS_OF))["V-SX"]
    assert (sx.included, sx.consent_recorded, sx.reasons) == (True, "given", ("included: explicit consent given",))
    # As of yesterday only the refusal was known.
    assert by_victim(vs_referrals.referral_candidates(rctx, date(2026, 11, 25)))["V-SX"].consent_recorded == "refused"
    # The answers are on the victim's timeline, as a dated change with before and after.
    changes = [e for e in records.open_victim_record(rctx, "V-SX").timeline if e.kind == "change"]
    assert [(e.summary, e.detail) for e in changes] == [
        ("Consent to referral changed (referral consent)", "Before: refused\nAfter: given"),
        ("Consent to referral changed (referral consent)", "Before: (blank)\nAfter: refused"),
    ]


def test_a_domestic_abuse_victim_with_consent_but_no_safe_channel_stays_held_until_one_is_recorded(rctx) -> None:
    consent_everyone(rctx)
    held = by_victim(vs_referrals.referral_candidates(rctx, AS_OF))
    assert (held["V-DA1"].included, held["V-DA1"].reasons) == (False, ("held: no safe contact channel",))
    assert held["V-DA2"].included and held["V-SX"].included and held["V-BR"].included
    version = records.open_victim_record(rctx, "V-DA1").version
    casework.update_person_details(rctx, "V-DA1", version, safe_channel="letter")
    da1 = by_victim(vs_referrals.referral_candidates(rctx, AS_OF))["V-DA1"]
    assert da1.included and da1.reasons[-1] == "only the safe channel (letter) is sent (domestic abuse)"


def test_a_safe_channel_without_its_detail_is_held(rctx) -> None:
    consent_everyone(rctx)
    casework.update_person_details(rctx, "V-DA2", records.open_victim_record(rctx, "V-DA2").version, phone="")
    da2 = by_victim(vs_referrals.referral_candidates(rctx, AS_OF))["V-DA2"]
    assert (da2.included, da2.reasons) == (False, ("held: no phone recorded for the safe channel (phone)",))


# --- the export ---------------------------------------------------------------------------------

EXPECTED_COMMON = {
    "referral_date": "2026-11-26",
    "dob": "1980-05-17",
    "language": "",
    "interpreter_needed": "no",
    "preferred_method": "",
    "safe_channel": "",
    "safe_times": "",
    "may_leave_messages": "",
    "enhanced_reasons": "",
    "consent": "opt_out",
    "oic_name": "PC Jane Jones",
    "oic_email": "jane.jones@police.example.uk",
    "division": "North",
    "role": "victim",
    "offence_class": "",
}


def expected_rows() -> list[dict[str, str]]:
    def row(**values: str) -> dict[str, str]:
        return {column: {**EXPECTED_COMMON, **values}[column] for column in vs_referrals.COLUMNS}

    return [
        row(crime_ref="CR-1", offence="Theft of pedal cycle", reported_at="2026-11-20T10:00:00+00:00",
            victim_ref="V-1", name="Anna Nowak", phone="07700 900123", email="anna@example.org",
            address="1 High Street, Preston"),
        row(crime_ref="CR-2", offence="Rape of a woman aged 16 or over", offence_class="sexual_offence",
            reported_at="2026-11-25T10:00:00+00:00", victim_ref="V-SX", name="Sara Sykes", phone="07700 900201",
            email="sara@example.org", address="1 High Street, Preston", consent="explicit",
            enhanced_reasons="offence:sexual_offence;intimidated:sexual_offence"),
        row(crime_ref="CR-3", offence="Assault occasioning actual bodily harm (domestic)",
            offence_class="domestic_abuse", reported_at="2026-11-25T10:00:00+00:00", victim_ref="V-DA2",
            name="Dina Ahmed", phone="07700 900302", email="", address="", language="Urdu", interpreter_needed="yes",
            preferred_method="phone", safe_channel="phone", consent="explicit",
            enhanced_reasons="offence:domestic_abuse"),
        row(crime_ref="CR-5", offence="Murder", reported_at="2026-11-25T10:00:00+00:00", victim_ref="V-BR",
            role="bereaved_relative", name="Bea Rowe", phone="07700 900123", email="anna@example.org",
            address="1 High Street, Preston", consent="explicit", enhanced_reasons="role:bereaved_relative"),
        row(crime_ref="CR-6", offence="Criminal damage to a dwelling", reported_at="2026-11-25T10:00:00+00:00",
            victim_ref="V-S", name="Sian Stone", phone="07700 900123", email="anna@example.org",
            address="1 High Street, Preston", oic_name="PC Ray Khan", oic_email="ray.khan@police.example.uk",
            division="South"),
        row(crime_ref="CR-7", offence="Harassment (domestic)", offence_class="domestic_abuse",
            reported_at="2010-03-01T10:00:00+00:00", victim_ref="V-OLD", name="Olive Dean", dob="1970-01-02",
            phone="", email="olive@example.org", address="", preferred_method="email", safe_channel="email"),
    ]  # fmt: skip


def test_the_file_holds_exactly_the_included_victims_with_only_a_safe_channel_for_domestic_abuse(rctx, tmp_path):
    consent_everyone(rctx)
    out = tmp_path / "vs-2026-11-26.csv"
    result = vs_referrals.export_referral_file(rctx, AS_OF, out)
    assert result.path == out
    assert [c.person_ref for c in result.exported] == ["V-1", "V-SX", "V-DA2", "V-BR", "V-S", "V-OLD"]
    assert [(c.person_ref, c.reasons) for c in result.held] == [("V-DA1", ("held: no safe contact channel",))]
    data, rows = read_file(out)
    assert data.startswith(BOM) and b"\r\n" in data
    assert list(rows[0]) == list(vs_referrals.COLUMNS)
    assert rows == expected_rows()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no temporary file left
    assert out.stat().st_mode & 0o077 == 0  # victims' details: readable by the file's owner only


def test_exporting_records_each_referral_meets_the_duty_and_audits_one_disclosure(rctx, db_path, tmp_path):
    consent_everyone(rctx)
    before = len(audit_rows(db_path))
    vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "vs.csv", division="North")
    duties = {
        (v.crime_ref, v.victim_ref): (v.status.value, v.met_at)
        for v in queries.obligations_as_of(rctx, AS_OF)
        if v.rule == "vs_referral"
    }
    for key in (("CR-1", "V-1"), ("CR-2", "V-SX"), ("CR-3", "V-DA2"), ("CR-5", "V-BR"), ("CR-7", "V-OLD")):
        assert duties[key] == ("met", FIXED_NOW), key
    assert duties[("CR-3", "V-DA1")][0] == "open" and duties[("CR-6", "V-S")][0] == "open"  # held; South
    connection = connect_database(db_path)
    try:
        referrals = connection.execute(
            "SELECT p.ref, r.service, r.consent, r.note, r.recorded_by FROM referral r "
            "JOIN crime_person l ON l.id = r.link_id JOIN person p ON p.id = l.person_id "
            "WHERE r.note LIKE 'Daily%' ORDER BY p.ref"
        ).fetchall()
    finally:
        connection.close()
    note = "Daily referral file vs.csv"
    assert referrals == [
        ("V-1", "Victim Support", "opt_out", note, "pc-test"),
        ("V-BR", "Victim Support", "explicit", note, "pc-test"),
        ("V-DA2", "Victim Support", "explicit", note, "pc-test"),
        ("V-OLD", "Victim Support", "opt_out", note, "pc-test"),
        ("V-SX", "Victim Support", "explicit", note, "pc-test"),
    ]
    added = audit_rows(db_path)[before:]
    disclosures = [r for r in added if r[0] == "disclose"]
    assert len(disclosures) == 1
    _, object_type, object_id, detail, recipients = disclosures[0]
    assert (object_type, object_id, recipients) == ("referral_file", "vs.csv", "Victim Support")
    detail = json.loads(detail)
    assert detail["people"] == ["V-1", "V-BR", "V-DA2", "V-OLD", "V-SX"]
    assert detail["referrals"] == ["CR-1/V-1", "CR-2/V-SX", "CR-3/V-DA2", "CR-5/V-BR", "CR-7/V-OLD"]
    assert (detail["file"], detail["as_of"], detail["division"]) == ("vs.csv", "2026-11-26", "North")
    assert [r[:2] for r in added if r[1] == "referral"] == [("collect", "referral")] * 5
    # Each referral is an entry the audit trail vouches for.
    from vicman.services import audit_verify

    assert audit_verify.verify(rctx).ok


def test_running_it_again_the_same_day_exports_nobody_twice(rctx, db_path, tmp_path):
    first = vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "one.csv")
    assert [c.person_ref for c in first.exported] == ["V-1", "V-S", "V-OLD"]
    rows_before = len(audit_rows(db_path))
    second = vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "two.csv")
    assert second.exported == () and [c.person_ref for c in second.held] == ["V-SX", "V-DA1", "V-DA2", "V-BR"]
    _, rows = read_file(tmp_path / "two.csv")
    assert rows == []
    assert (tmp_path / "two.csv").read_bytes() == BOM + (",".join(vs_referrals.COLUMNS) + "\r\n").encode()
    assert len(audit_rows(db_path)) == rows_before  # nothing disclosed, nothing recorded
    # Consent given later brings the held victims into the next file, still nobody twice.
    consent_everyone(rctx)
    third = vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "three.csv")
    assert [c.person_ref for c in third.exported] == ["V-SX", "V-DA2", "V-BR"]


def test_an_existing_file_is_never_overwritten(rctx, db_path, tmp_path):
    out = tmp_path / "vs.csv"
    out.write_text("yesterday's file, not yet collected\n")
    before = snapshot_database(db_path)
    with pytest.raises(InvalidInput, match="already exists"):
        vs_referrals.export_referral_file(rctx, AS_OF, out)
    assert out.read_text() == "yesterday's file, not yet collected\n"
    assert snapshot_database(db_path) == before


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda tmp: tmp / "no-such-folder" / "vs.csv", id="missing-folder"),
        pytest.param(
            lambda tmp: Path("/proc/vs.csv"),
            id="unwritable-folder",
            marks=pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc"),
        ),
    ],
)
def test_a_file_that_cannot_be_written_leaves_the_database_unchanged(rctx, db_path, tmp_path, where):
    out = where(tmp_path)
    before = snapshot_database(db_path)
    with pytest.raises(InvalidInput) as raised:
        vs_referrals.export_referral_file(rctx, AS_OF, out)
    assert raised.value.file == str(out)
    assert snapshot_database(db_path) == before
    assert not out.exists()


@pytest.mark.sqlite_only(reason="the failure is injected with an SQLite trigger; removing the written file does not "
                         "depend on the back end")
def test_if_recording_fails_the_written_file_is_removed(rctx, db_path, tmp_path):
    connection = connect_database(db_path)
    connection.execute(
        "CREATE TRIGGER refuse_referrals BEFORE INSERT ON referral BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    connection.commit()
    connection.close()
    before = snapshot_database(db_path)
    with pytest.raises(IntegrityError, match="disk trouble"):
        vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "vs.csv")
    assert snapshot_database(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("vicman.sqlite3")) == ["crimes.csv"]


def test_values_a_spreadsheet_would_run_are_quoted_and_phone_numbers_are_not(ctx, tmp_path):
    rows = [crime_row(victim_name="=HYPERLINK(\"http://x\")", victim_phone="+44 7700 900123")]
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", rows))
    vs_referrals.export_referral_file(ctx, AS_OF, tmp_path / "vs.csv")
    _, (row,) = read_file(tmp_path / "vs.csv")
    assert (row["name"], row["phone"]) == ("'=HYPERLINK(\"http://x\")", "+44 7700 900123")


def test_the_date_may_not_be_in_the_future(rctx, tmp_path):
    with pytest.raises(InvalidInput, match="in the future"):
        vs_referrals.export_referral_file(rctx, date(2026, 11, 27), tmp_path / "vs.csv")


# --- who may ----------------------------------------------------------------------------------------


def _as(ctx, role: str, division: str = "North") -> None:
    ctx.actor = Actor(f"{role}-1", "ws", roles=frozenset({role}), division=division, team="N1")


def test_the_bureau_exports_its_own_division_with_a_fresh_password_and_officers_may_not(rctx, db_path, tmp_path):
    _as(rctx, "officer")
    with pytest.raises(NotPermitted):
        vs_referrals.referral_candidates(rctx, AS_OF, division="North")
    _as(rctx, "bureau")
    assert [c.person_ref for c in vs_referrals.referral_candidates(rctx, AS_OF, division="North")][:1] == ["V-1"]
    with pytest.raises(NotPermitted):
        vs_referrals.referral_candidates(rctx, AS_OF)  # the whole force is beyond a division's grant
    with pytest.raises(NotPermitted):
        vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "s.csv", division="South")
    before = snapshot_database(db_path)
    rctx.authenticated_at = FIXED_NOW - timedelta(minutes=6)
    with pytest.raises(auth.ReauthenticationRequired):
        vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "n.csv", division="North")
    assert snapshot_database(db_path) == before and not (tmp_path / "n.csv").exists()
    rctx.authenticated_at = FIXED_NOW - timedelta(minutes=1)
    done = vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "n.csv", division="North")
    assert [c.person_ref for c in done.exported] == ["V-1", "V-OLD"]
    _as(rctx, "supervisor", division="South")
    rctx.authenticated_at = FIXED_NOW
    assert [c.person_ref for c in vs_referrals.export_referral_file(rctx, AS_OF, tmp_path / "f.csv").exported] == [
        "V-S"
    ]


def test_consent_is_recorded_only_where_the_user_may_write(rctx):
    _as(rctx, "officer", division="South")
    with pytest.raises(NotFound, match="no crime with reference CR-2"):
        vs_referrals.record_referral_consent(rctx, "CR-2", "V-SX", True)
    rctx.actor = replace(rctx.actor, unrestricted=True)
    with pytest.raises(NotFound, match="no victim V-1 in crime CR-2"):
        vs_referrals.record_referral_consent(rctx, "CR-2", "V-1", True)
    with pytest.raises(InvalidInput, match="in the future"):
        vs_referrals.record_referral_consent(rctx, "CR-2", "V-SX", True, at=FIXED_NOW + timedelta(hours=1))


# --- recording the safe channel -------------------------------------------------------------------------


def test_the_safe_channel_is_imported_and_edited_like_the_other_details(rctx, tmp_path):
    assert records.open_victim_record(rctx, "V-DA2").safe_channel == "phone"
    record = records.open_victim_record(rctx, "V-1")
    assert record.safe_channel is None
    version = casework.update_person_details(rctx, "V-1", record.version, safe_channel="sms")
    assert records.open_victim_record(rctx, "V-1").safe_channel == "sms"
    with pytest.raises(InvalidInput, match="must be one of") as raised:
        casework.update_person_details(rctx, "V-1", version, safe_channel="pigeon")
    assert raised.value.field == "safe_channel"
    casework.update_person_details(rctx, "V-1", version, safe_channel="")  # blank: not asked
    assert records.open_victim_record(rctx, "V-1").safe_channel is None
    bad = write_csv(tmp_path / "bad.csv", [crime_row(victim_safe_channel="carrier pigeon")])
    with pytest.raises(ImportRejected) as rejected:
        importing.import_crimes(rctx, bad)
    (problem,) = rejected.value.problems
    assert (problem.row, problem.field) == (2, "victim_safe_channel")
    assert problem.reason == "must be one of email, letter, phone, sms, visit, not 'carrier pigeon'"


def test_a_parent_or_guardian_is_held_to_be_referred_by_hand(ctx, tmp_path):
    rows = [crime_row(victim_ref="V-PG", victim_name="Paul Grant", victim_role="parent_guardian")]
    importing.import_crimes(ctx, write_csv(tmp_path / "crimes.csv", rows))
    (parent,) = vs_referrals.referral_candidates(ctx, AS_OF)
    assert (parent.person_ref, parent.included) == ("V-PG", False)
    assert parent.reasons == ("held: a parent or guardian is referred by hand, not by the daily file",)
