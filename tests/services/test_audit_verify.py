"""The audit trail's verifier (RELIABILITY.md 2.4 and U2): every kind of tampering is caught and named.

A database is populated once through the real services (an import, events, contacts, referrals, a needs
assessment, a contract, a correction, then a dozen searches, which are consultations). Each test tampers
with a copy directly in the database, as an attacker who owns it would (tests/conftest.py raw_connection:
on SQLite dropping the append-only triggers, on PostgreSQL a superuser session that skips them), then
changing, inserting or deleting rows, and for the hardest cases recomputing the hash chain with vicman's
own hashing code. Those (a rewritten chain, a trail cut short) are caught only against a checkpoint kept
elsewhere; the tests show both the unanchored pass and the anchored failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RawConnection, copy_database, crime_row, open_test_context, raw_connection, write_csv
from vicman.services import audit, audit_verify, casework, entries, importing, queries
from vicman.services.audit_verify import Checkpoint
from vicman.services.context import Actor
from vicman.services.demo import make_demo
from vicman.services.errors import ServiceError
from vicman.services.permissions import NotPermitted
from vicman.store.hashing import CHAIN_FIELDS, GENESIS, HASHED_COLUMNS, entry_digest, link_digest
from vicman.store.tables import ContactEntryRow, NeedsAssessmentRow, core_table

CRIMES = (
    {},
    {"victim_ref": "V-2", "victim_name": "Wang Wei", "victim_dob": "1990-02-03", "enhanced_reasons": "vulnerable"},
    {"crime_ref": "CR-1002", "offence": "Harassment", "division": "South", "oic_id": "P200",
     "oic_name": "PC Ray Khan", "oic_email": "ray.khan@police.example.uk", "victim_ref": "V-3",
     "victim_name": "Bethan Hughes", "victim_dob": "1975-09-09"},
    {"crime_ref": "CR-1003", "reported_at": "2026-11-17T15:30", "offence": "Burglary dwelling",
     "victim_ref": "V-4", "victim_name": "Tomasz Zielinski", "victim_dob": "1966-12-01"},
)  # fmt: skip
SEARCHES = 12
"""Consultations at the end of the trail: the last ten records carry no entry digest."""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def populate(ctx: Any, folder: Path) -> None:
    importing.import_crimes(ctx, write_csv(folder / "crimes.csv", [crime_row(**c) for c in CRIMES]))
    entries.record_event(ctx, "CR-1001", "arrest", at(18, 14), note="Suspect arrested at home")
    entries.record_event(ctx, "CR-1003", "interview", at(19, 11))
    entries.record_contact(ctx, "CR-1001", "V-1", at(16, 12), "phone", "informed", note="Crime number given")
    entries.record_contact(ctx, "CR-1001", "V-2", at(17, 9, 30), "visit", "informed", note="Home visit")
    entries.record_contact(ctx, "CR-1002", "V-3", at(17, 10), "phone", "no_contact")
    entries.record_contact(ctx, "CR-1003", "V-4", at(18, 16), "email", "informed", note="Émail sent – “quotes”")
    entries.record_referral(ctx, "CR-1001", "V-1", at(16, 12, 30))
    entries.record_referral(ctx, "CR-1002", "V-3", at(17, 10, 5), service="Local victims' hub")
    casework.record_needs_assessment(ctx, "CR-1001", "V-2", fear_or_distress=True, needs="Fears repeat", at=at(17, 10))
    casework.agree_contract(
        ctx, "CR-1001", "V-1", every_months=1, method="phone", may_leave_messages=True, at=at(16, 13)
    )
    entries.correct_entry(ctx, "contact", 3, "Wrong time entered", at=at(17, 10, 20))
    for index in range(SEARCHES):
        queries.search(ctx, ("Nowak", "Wei", "Hughes", "Zielinski")[index % 4])


@pytest.fixture(scope="module")
def populated_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit-populated")
    path = copy_database(template_db, folder / "populated.sqlite3")
    context = open_test_context(path)
    try:
        populate(context, folder)
    finally:
        context.close()
    return path


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 8: every test pages through the trail and the entries as a large database would."""
    monkeypatch.setattr(audit_verify, "BATCH", 8)


@pytest.fixture
def db(populated_template: Path, tmp_path: Path) -> Path:
    return copy_database(populated_template, tmp_path / "vicman.sqlite3")


@pytest.fixture
def vctx(db: Path) -> Iterator[Any]:
    context = open_test_context(db)
    try:
        yield context
    finally:
        context.close()


# --- the attacker ------------------------------------------------------------------------------


@contextmanager
def attacker(database: Any) -> Iterator[RawConnection]:
    """A plain driver connection to the database with the append-only guards off; committed on exit."""
    with raw_connection(database, guards=False) as connection:
        yield connection


def records(connection: RawConnection) -> list[dict[str, Any]]:
    return connection.execute("SELECT * FROM audit ORDER BY seq").mappings()


def rechain(connection: RawConnection, from_seq: int) -> None:
    """Recompute prev_hash and hash from `from_seq` to the end, as vicman would have written them."""
    previous = GENESIS
    for record in records(connection):
        if record["seq"] < from_seq:
            previous = record["hash"]
            continue
        fields = {name: record[name] for name in CHAIN_FIELDS}
        fields["ts"] = datetime.fromisoformat(record["ts"]).replace(tzinfo=UTC)
        digest = link_digest(previous, fields)
        connection.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (previous, digest, record["id"]))
        previous = digest


def entry_record(connection: RawConnection, object_type: str, object_id: int) -> int:
    (seq,) = connection.execute(
        "SELECT seq FROM audit WHERE object_type = ? AND object_id = ? AND entry_hash IS NOT NULL",
        (object_type, str(object_id)),
    ).fetchone()
    return int(seq)


def head_seq(connection: RawConnection) -> int:
    return int(connection.execute("SELECT max(seq) FROM audit").fetchone()[0])


def assert_fails_at(report: audit_verify.VerifyReport, kind: str, where: str) -> audit_verify.Problem:
    assert not report.ok
    first = report.first_problem
    assert first is not None, report
    assert (first.kind, first.where) == (kind, where), report.problems
    assert where in first.message
    return first


# --- an untouched database ---------------------------------------------------------------------


def test_an_untouched_populated_database_verifies(vctx: Any, db: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    report = audit_verify.verify(vctx, progress=lambda stage, done, total: seen.append((stage, done, total)))

    with raw_connection(db) as connection:
        count, last_seq, last_hash = connection.execute(
            "SELECT count(*), max(seq), (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1) FROM audit"
        ).fetchone()
        entry_rows = sum(
            connection.execute(f"SELECT count(*) FROM {core_table(row).name}").fetchone()[0]
            for row in audit.ENTRY_TABLES.values()
        )
        kinds = {
            r[0] for r in connection.execute("SELECT DISTINCT object_type FROM audit WHERE entry_hash IS NOT NULL")
        }
    assert report.ok and report.problems == () and report.problem_count == 0 and report.first_problem is None
    assert (report.records, report.head) == (count, (last_seq, last_hash)) and count > 25
    assert report.entries_checked == entry_rows
    assert {"contact", "event", "referral", "needs_assessment", "contact_contract"} <= kinds
    chain_progress = [done for stage, done, _ in seen if stage == "chain"]
    assert chain_progress == sorted(chain_progress) and chain_progress[-1] == count and len(chain_progress) > 2
    assert {"contact", "event", "referral"} <= {stage for stage, _, _ in seen}


def test_verifying_writes_nothing(vctx: Any, db: Path, snapshot: Any) -> None:
    before = snapshot(db)
    assert audit_verify.verify(vctx).ok
    assert snapshot(db) == before


def test_a_demo_database_verifies(db_path: Path) -> None:
    context = open_test_context(db_path)
    try:
        make_demo(context, crimes=60, seed=4242)
        report = audit_verify.verify(context)
    finally:
        context.close()
    assert report.ok, report.problems
    assert report.records > 100 and report.entries_checked > 100


# --- entries changed, inserted or deleted behind vicman's back --------------------------------


@pytest.mark.parametrize(
    ("table", "object_type", "name", "entry_id", "change"),
    [
        ("contact_entry", "contact", "contact entry", 2, "note = 'No one at home'"),
        ("contact_entry", "contact", "contact entry", 1, "at = '2026-11-16 11:00:00.000000'"),
        ("contact_entry", "contact", "contact entry", 3, "retracted = TRUE"),
        ("event", "event", "event", 1, "type = 'charge'"),
        ("referral", "referral", "referral", 2, "consent = 'declined'"),
        ("needs_assessment", "needs_assessment", "needs assessment", 1, "fear_or_distress = FALSE"),
    ],
)
def test_a_changed_entry_is_named(
    vctx: Any, db: Path, table: str, object_type: str, name: str, entry_id: int, change: str
) -> None:
    with attacker(db) as connection:
        connection.execute(f"UPDATE {table} SET {change} WHERE id = ?", (entry_id,))
        seq = entry_record(connection, object_type, entry_id)

    report = audit_verify.verify(vctx)

    first = assert_fails_at(report, "changed", f"{name} {entry_id}")
    assert (first.seq, first.object_type, first.object_id) == (seq, object_type, str(entry_id))
    assert report.problem_count == 1


def test_a_contact_entry_inserted_without_an_audit_record_is_named(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        cursor = connection.execute(
            "INSERT INTO contact_entry (link_id, at, method, outcome, note, recorded_at, recorded_by, retracted) "
            "VALUES (1, '2026-11-20 10:00:00.000000', 'phone', 'informed', 'Backdated call', "
            "'2026-11-20 10:05:00.000000', 'pc-test', FALSE) RETURNING id"
        )
        (new_id,) = cursor.fetchone()

    report = audit_verify.verify(vctx)

    first = assert_fails_at(report, "inserted", f"contact entry {new_id}")
    assert "no audit record" in first.message and report.problem_count == 1


@pytest.mark.parametrize(
    ("table", "object_type", "name", "entry_id"),
    [("contact_entry", "contact", "contact entry", 2), ("referral", "referral", "referral", 1),
     ("event", "event", "event", 2), ("contact_entry", "contact", "contact entry", 5)],
)  # fmt: skip
def test_a_deleted_entry_is_named(vctx: Any, db: Path, table: str, object_type: str, name: str, entry_id: int) -> None:
    with attacker(db) as connection:
        seq = entry_record(connection, object_type, entry_id)
        assert connection.execute(f"DELETE FROM {table} WHERE id = ?", (entry_id,)).rowcount == 1

    report = audit_verify.verify(vctx)

    first = assert_fails_at(report, "deleted", f"{name} {entry_id}")
    assert first.seq == seq and f"audit record seq {seq}" in first.message and report.problem_count == 1


def test_an_entry_whose_digest_is_dropped_from_its_record_is_caught_even_with_the_chain_recomputed(
    vctx: Any, db: Path
) -> None:
    with attacker(db) as connection:
        seq = entry_record(connection, "contact", 4)
        connection.execute("UPDATE audit SET entry_hash = NULL WHERE seq = ?", (seq,))
        rechain(connection, seq)

    assert_fails_at(audit_verify.verify(vctx), "inserted", "contact entry 4")


def test_a_second_record_claiming_an_entry_is_caught(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        original = next(r for r in records(connection) if (r["object_type"], r["object_id"]) == ("contact", "1"))
        last = head_seq(connection)
        forged = {**original, "seq": last + 1, "ts": "2026-11-26 09:00:00.000000"}
        del forged["id"]  # the database numbers it
        columns = ", ".join(forged)
        connection.execute(
            f"INSERT INTO audit ({columns}) VALUES ({', '.join('?' * len(forged))})", tuple(forged.values())
        )
        rechain(connection, last + 1)

    assert_fails_at(audit_verify.verify(vctx), "inserted", f"audit record seq {last + 1}")


# --- the audit trail itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor", "pc-innocent"), ("detail", None), ("object_id", "V-9"), ("ts", "2026-11-26 08:59:00.000000"),
     ("entry_hash", "0" * 64)],
)  # fmt: skip
def test_one_field_of_an_audit_record_edited_is_named(vctx: Any, db: Path, column: str, value: Any) -> None:
    with attacker(db) as connection:
        k = next(r["seq"] for r in records(connection) if r["entry_hash"] is not None and r["seq"] > 10)
        connection.execute(f"UPDATE audit SET {column} = ? WHERE seq = ?", (value, k))

    first = assert_fails_at(audit_verify.verify(vctx), "changed", f"audit record seq {k}")
    assert first.seq == k


def test_a_deleted_audit_record_is_named(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        k = head_seq(connection) - 5  # a consultation: no entry loses its record
        connection.execute("DELETE FROM audit WHERE seq = ?", (k,))

    report = audit_verify.verify(vctx)

    first = assert_fails_at(report, "deleted", f"audit record seq {k}")
    assert "missing" in first.message and report.problem_count == 1


def test_two_audit_records_swapped_are_caught_at_the_first(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        k = 12
        rows = {r["seq"]: r for r in records(connection)}
        for here, there in ((k, k + 1), (k + 1, k)):
            content = {name: value for name, value in rows[there].items() if name not in ("id", "seq")}
            assignments = ", ".join(f"{name} = ?" for name in content)
            connection.execute(f"UPDATE audit SET {assignments} WHERE seq = ?", (*content.values(), here))

    report = audit_verify.verify(vctx)

    assert_fails_at(report, "changed", f"audit record seq {k}")
    assert {k, k + 1} <= {p.seq for p in report.problems}


def test_a_record_whose_link_is_rewritten_is_a_broken_chain(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        k = 14
        record = next(r for r in records(connection) if r["seq"] == k)
        fields = {name: record[name] for name in CHAIN_FIELDS}
        fields["ts"] = datetime.fromisoformat(record["ts"]).replace(tzinfo=UTC)
        connection.execute(
            "UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", ("f" * 64, link_digest("f" * 64, fields), k)
        )

    report = audit_verify.verify(vctx)

    first = assert_fails_at(report, "chain-broken", f"audit record seq {k}")
    assert f"does not follow seq {k - 1}" in first.message


def test_a_record_backdated_with_the_chain_recomputed_is_out_of_order(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        k = head_seq(connection) - 3
        connection.execute("UPDATE audit SET ts = '2026-11-25 09:00:00.000000' WHERE seq = ?", (k,))
        rechain(connection, k)

    first = assert_fails_at(audit_verify.verify(vctx), "out-of-order", f"audit record seq {k}")
    assert "5 minutes" in first.message


def test_clock_skew_within_tolerance_is_accepted(vctx: Any, db: Path) -> None:
    with attacker(db) as connection:
        k = head_seq(connection) - 3
        connection.execute("UPDATE audit SET ts = '2026-11-26 08:56:00.000000' WHERE seq = ?", (k,))
        rechain(connection, k)

    assert audit_verify.verify(vctx).ok


def test_an_instant_stored_in_another_text_form_still_verifies(vctx: Any, db: Path) -> None:
    """The same instant written differently (as an older writer might) has the same canonical form and hash."""
    with attacker(db) as connection:
        connection.execute("UPDATE audit SET ts = '2026-11-26T09:00:00' WHERE seq = 5")

    assert audit_verify.verify(vctx).ok


def test_a_forged_record_with_the_chain_recomputed_passes_unanchored_and_fails_against_a_checkpoint(
    vctx: Any, db: Path
) -> None:
    anchor = audit_verify.checkpoint(vctx)
    with attacker(db) as connection:
        k = 25
        for record in reversed(records(connection)):
            if record["seq"] >= k:
                connection.execute("UPDATE audit SET seq = seq + 1 WHERE id = ?", (record["id"],))
        connection.execute(
            "INSERT INTO audit (seq, ts, actor, role, workstation, action, object_type, object_id, detail, "
            "prev_hash, hash) VALUES (?, '2026-11-26 09:00:00.000000', 'pc-innocent', 'officer', 'test-host', "
            "'consult', 'person', 'V-2', NULL, '', '')",
            (k,),
        )
        rechain(connection, k)

    unanchored = audit_verify.verify(vctx)
    assert unanchored.ok  # the chain is consistent again: nothing in the database can show the forgery

    anchored = audit_verify.verify(vctx, anchor)
    first = assert_fails_at(anchored, "checkpoint-mismatch", f"audit record seq {anchor.seq}")
    assert first.seq == anchor.seq and anchored.problem_count == 1


def test_the_last_ten_records_cut_off_pass_unanchored_and_fail_against_a_checkpoint(vctx: Any, db: Path) -> None:
    anchor = audit_verify.checkpoint(vctx)  # anchors seq n; taking it adds record n + 1
    with attacker(db) as connection:
        last = head_seq(connection)
        assert last == anchor.seq + 1
        connection.execute("DELETE FROM audit WHERE seq > ?", (last - 10,))

    unanchored = audit_verify.verify(vctx)
    assert unanchored.ok and unanchored.head[0] == last - 10

    anchored = audit_verify.verify(vctx, anchor)
    first = assert_fails_at(anchored, "truncated", f"audit record seq {last - 9}")
    assert f"ends at seq {last - 10}" in first.message and anchored.problem_count == 1


def test_a_matching_checkpoint_verifies_and_a_later_trail_still_matches_it(vctx: Any) -> None:
    anchor = audit_verify.checkpoint(vctx)
    entries.record_contact(vctx, "CR-1001", "V-1", at(25, 15), "phone", "informed")
    report = audit_verify.verify(vctx, anchor)
    assert report.ok and report.head[0] >= anchor.seq + 2  # the checkpoint's own record, the contact's
    assert report.checkpoint == anchor


def test_a_checkpoint_pointing_past_a_deleted_record_is_a_mismatch(vctx: Any, db: Path) -> None:
    anchor = audit_verify.checkpoint(vctx)
    with attacker(db) as connection:
        connection.execute("DELETE FROM audit WHERE seq = ?", (anchor.seq,))

    report = audit_verify.verify(vctx, anchor)
    assert_fails_at(report, "deleted", f"audit record seq {anchor.seq}")
    assert "checkpoint-mismatch" in {p.kind for p in report.problems}


def test_problems_are_counted_beyond_the_listed_ones(vctx: Any, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_verify, "MAX_LISTED", 5)
    with attacker(db) as connection:
        changed = connection.execute("UPDATE audit SET actor = 'someone-else' WHERE seq > 10").rowcount

    report = audit_verify.verify(vctx)
    assert report.problem_count == changed > 5 and len(report.problems) == 5
    assert [p.seq for p in report.problems] == [11, 12, 13, 14, 15]


# --- the fast digests agree with vicman.store.hashing ---------------------------------------------


def test_the_fast_link_digest_is_the_reference_digest() -> None:
    awkward = ("pc-1", 'Zoë "Q" O\'Neil\\\n\t\u2028', "", "😀 emoji", "<script>", "\x00\x1f")
    for index, text in enumerate(awkward):
        fields: dict[str, Any] = {name: None for name in CHAIN_FIELDS}
        fields.update(
            seq=index + 1,
            ts=at(26, 9, index),
            actor=text,
            workstation=text,
            action="consult",
            object_type="person",
            object_id=text,
            detail=json.dumps({"q": text}),
            reason_text=text or None,
            recipients=text,
            entry_hash="ab" * 32 if index % 2 else None,
            role=None if index else text,
        )
        row = (*[fields[name] for name in CHAIN_FIELDS], GENESIS, "")
        ts = audit_verify._ts_text(fields["ts"].strftime("%Y-%m-%d %H:%M:%S.%f"))
        assert audit_verify._fast_link_digest(row, ts) == link_digest(GENESIS, fields)


def stored_form(value: Any) -> Any:
    """A value as SQLite holds it (what the shortcut reads): instants as UTCDateTime's text, booleans as 0/1."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return int(value) if isinstance(value, bool) else value


@pytest.mark.parametrize("as_stored", [True, False], ids=["sqlite-text", "driver-typed"])
def test_the_fast_entry_digest_is_the_reference_digest(as_stored: bool) -> None:
    contact = {"id": 7, "link_id": 3, "at": at(20, 10), "method": "phone", "outcome": "informed",
               "note": 'Said "call back" – ok\n\u2028😀', "on_behalf_of_id": None, "not_meeting": "a;b",
               "recorded_at": datetime(2026, 11, 20, 10, 5, 1, 123456, tzinfo=UTC), "recorded_by": "pc-test",
               "corrects_id": 2, "retracted": True, "correction_reason": None}  # fmt: skip
    assessment = {"id": 1, "link_id": 2, "at": at(18, 14), "mental_disorder": False, "impaired_intelligence": True,
                  "physical_disability": False, "fear_or_distress": True, "repeatedly_targeted": False,
                  "needs": None, "recorded_at": at(18, 15), "recorded_by": "x", "corrects_id": None,
                  "retracted": False, "correction_reason": "Typo"}  # fmt: skip
    for row_class, values in ((ContactEntryRow, contact), (NeedsAssessmentRow, assessment)):
        table = core_table(row_class)
        plan = audit_verify._plan(table)
        names = sorted(HASHED_COLUMNS[table.name])
        read = (values["id"], *[stored_form(values[n]) if as_stored else values[n] for n in names])
        assert audit_verify._raw_entry_digest(plan, read) == entry_digest(table, values)


@pytest.mark.sqlite_only(reason="other text forms of an instant or a boolean exist only in SQLite's dynamically "
                         "typed columns; PostgreSQL's timestamptz and boolean columns hold one form")
def test_a_value_the_shortcut_does_not_know_goes_to_the_typed_reference(vctx: Any, db: Path) -> None:
    """An instant stored in another text form (as an older writer might) is the same instant: still verifies."""
    with attacker(db) as connection:
        connection.execute("UPDATE contact_entry SET at = '2026-11-16 12:00:00' WHERE id = 1")
        connection.execute("UPDATE contact_entry SET retracted = 'false' WHERE id = 2")  # not a boolean any more

    report = audit_verify.verify(vctx)
    assert [(p.kind, p.where) for p in report.problems] == [("changed", "contact entry 2")]


# --- checkpoints -------------------------------------------------------------------------------


def test_taking_a_checkpoint_returns_the_head_and_is_audited(vctx: Any, db: Path) -> None:
    with raw_connection(db) as connection:
        seq, digest = connection.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()

    taken = audit_verify.checkpoint(vctx)

    assert (taken.seq, taken.hash) == (seq, digest) and taken.at == vctx.now()
    with raw_connection(db) as connection:
        logged = connection.execute(
            "SELECT seq, action, object_type, object_id, detail, actor FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert logged[:4] == (seq + 1, "review", "audit", str(seq))
    assert json.loads(logged[4]) == {"checkpoint": digest} and logged[5] == "pc-test"


def test_a_checkpoint_file_round_trips(tmp_path: Path) -> None:
    taken = Checkpoint(1234, "ab" * 32, datetime(2026, 11, 26, 9, 0, 1, 5, tzinfo=UTC))
    path = audit_verify.write_checkpoint(tmp_path / "anchor.json", taken)
    assert audit_verify.read_checkpoint(path) == taken
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "vicman-audit-checkpoint" and document["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["anchor.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json {", "not JSON"),
        ("[1, 2]", "not a vicman audit checkpoint"),
        ('{"format": "something-else", "version": 1}', "not a vicman audit checkpoint"),
        (
            '{"format": "vicman-audit-checkpoint", "version": 2, "seq": 1, "hash": "' + "a" * 64 + '", '
            '"at": "2026-11-26T09:00:00+00:00"}',
            "version 2",
        ),
        (
            '{"format": "vicman-audit-checkpoint", "version": 1, "seq": "12", "hash": "' + "a" * 64 + '", '
            '"at": "2026-11-26T09:00:00+00:00"}',
            "seq must be a whole number",
        ),
        (
            '{"format": "vicman-audit-checkpoint", "version": 1, "seq": 12, "hash": "xyz", '
            '"at": "2026-11-26T09:00:00+00:00"}',
            "64 hexadecimal digits",
        ),
        (
            '{"format": "vicman-audit-checkpoint", "version": 1, "seq": 12, "hash": "' + "a" * 64 + '", '
            '"at": "yesterday"}',
            "ISO 8601",
        ),
    ],
)
def test_a_malformed_checkpoint_file_is_refused_naming_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "anchor.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ServiceError, match=expected) as raised:
        audit_verify.read_checkpoint(path)
    assert str(path) in str(raised.value)


def test_a_missing_checkpoint_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="cannot read the checkpoint file") as raised:
        audit_verify.read_checkpoint(tmp_path / "nowhere.json")
    assert "nowhere.json" in str(raised.value)


# --- who may verify ------------------------------------------------------------------------------


def test_an_officer_may_neither_verify_nor_checkpoint_and_the_refusals_are_audited(vctx: Any, db: Path) -> None:
    vctx.actor = Actor("pc-plain", "test-host", roles=frozenset({"officer"}))
    with pytest.raises(NotPermitted):
        audit_verify.verify(vctx)
    with pytest.raises(NotPermitted):
        audit_verify.checkpoint(vctx)
    with raw_connection(db) as connection:
        denials = connection.execute(
            "SELECT actor, object_type, detail FROM audit WHERE action = 'authz-deny' ORDER BY seq"
        ).fetchall()
    assert [(actor, kind) for actor, kind, _ in denials] == [("pc-plain", "audit")] * 2
    assert all(json.loads(detail)["action"] == "audit.verify" for _, _, detail in denials)


def test_a_supervisor_may_verify(vctx: Any) -> None:
    vctx.actor = Actor("ps-super", "test-host", roles=frozenset({"supervisor"}))
    assert audit_verify.verify(vctx).ok


def test_the_checkpoint_clock_is_the_services(vctx: Any) -> None:
    later = vctx.now() + timedelta(hours=1)
    vctx.clock = lambda: later
    assert audit_verify.checkpoint(vctx).at == later


def test_a_checkpoint_of_the_empty_trail_anchors_nothing_but_must_be_the_genesis(vctx: Any) -> None:
    assert audit_verify.verify(vctx, Checkpoint(0, GENESIS, at(1, 9))).ok
    forged = audit_verify.verify(vctx, Checkpoint(0, "ab" * 32, at(1, 9)))
    assert_fails_at(forged, "checkpoint-mismatch", "audit record seq 0")
