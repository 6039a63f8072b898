"""`vicman audit verify` and `vicman audit checkpoint`: exit 0 clean, 1 tampered with, 2 any other error."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import open_test_context, raw_connection
from vicman.services import entries, queries


@pytest.fixture
def recorded_db(seeded_db: Path) -> Path:
    """The seeded crimes with an event, three contacts and a referral recorded, then three searches (consultations)."""
    ctx = open_test_context(seeded_db)
    try:
        entries.record_event(ctx, "CR-1001", "arrest", datetime(2026, 11, 18, 14, 0, tzinfo=UTC))
        for victim, crime in (("V-1", "CR-1001"), ("V-2", "CR-1001"), ("V-3", "CR-1002")):
            entries.record_contact(ctx, crime, victim, datetime(2026, 11, 19, 10, 0, tzinfo=UTC), "phone", "informed")
        entries.record_referral(ctx, "CR-1001", "V-1", datetime(2026, 11, 19, 10, 30, tzinfo=UTC))
        for name in ("Nowak", "Wei", "Hughes"):
            queries.search(ctx, name)
    finally:
        ctx.close()
    return seeded_db


def tamper(path: Path, *statements: str) -> None:
    """Change the database as its owner could: append-only guards off, then write directly."""
    with raw_connection(path, guards=False) as connection:
        for statement in statements:
            connection.execute(statement)


def head(path: Path) -> tuple[int, str]:
    with raw_connection(path) as connection:
        seq, digest = connection.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return int(seq), str(digest)


def test_an_untouched_trail_verifies_with_a_one_line_summary(cli: Any, recorded_db: Path, snapshot: Any) -> None:
    before = snapshot(recorded_db)
    seq, digest = head(recorded_db)

    result = cli("audit", "verify", "--db", recorded_db)

    assert (result.status, result.err) == (0, "")
    assert result.out == f"audit trail verified: {seq} records, 5 entries, head seq {seq} hash {digest[:16]}…\n"
    assert snapshot(recorded_db) == before


def test_verify_as_json_when_clean(cli: Any, recorded_db: Path) -> None:
    result = cli("audit", "verify", "--db", recorded_db, "--json")
    report = json.loads(result.out)
    assert result.status == 0
    assert report["ok"] is True and report["problems"] == [] and report["problem_count"] == 0
    assert (report["head"]["seq"], report["head"]["hash"]) == head(recorded_db)
    assert report["entries_checked"] == 5 and report["checkpoint"] is None


def test_a_changed_contact_exits_1_naming_it_on_stderr(cli: Any, recorded_db: Path) -> None:
    tamper(recorded_db, "UPDATE contact_entry SET outcome = 'no_contact' WHERE id = 2")

    result = cli("audit", "verify", "--db", recorded_db)

    assert result.status == 1 and result.out == ""
    assert result.err_lines == [
        "vicman: audit trail FAILED verification: contact entry 2 has been changed since audit record seq "
        f"{_entry_seq(recorded_db, 'contact', 2)} recorded it (1 problem in all; --json lists them)"
    ]


def test_json_lists_every_problem_and_stderr_names_the_first(cli: Any, recorded_db: Path) -> None:
    tamper(
        recorded_db,
        "UPDATE audit SET actor = 'someone-else' WHERE seq = 3",
        "DELETE FROM referral WHERE id = 1",
        "UPDATE event SET note = 'never happened' WHERE id = 1",
    )

    result = cli("audit", "verify", "--db", recorded_db, "--json")

    assert result.status == 1
    report = json.loads(result.out)
    assert report["ok"] is False and report["problem_count"] == 3
    assert [(p["kind"], p["where"]) for p in report["problems"]] == [
        ("changed", "audit record seq 3"),
        ("changed", "event 1"),
        ("deleted", "referral 1"),
    ]
    assert report["problems"][0]["seq"] == 3
    assert result.err_lines == [
        "vicman: audit trail FAILED verification: audit record seq 3 has been altered: its contents no longer "
        "match its hash (3 problems in all)"
    ]


def test_checkpoint_saves_the_head_and_verify_checks_against_it(cli: Any, recorded_db: Path, tmp_path: Path) -> None:
    seq, digest = head(recorded_db)
    anchor = tmp_path / "anchor.json"

    saved = cli("audit", "checkpoint", "--db", recorded_db, anchor)

    assert saved.status == 0 and saved.err == ""
    assert saved.out == f"audit checkpoint saved to {anchor}: seq {seq} hash {digest} at 2026-11-26T09:00:00+00:00\n"
    document = json.loads(anchor.read_text(encoding="utf-8"))
    assert (document["seq"], document["hash"]) == (seq, digest)
    assert head(recorded_db)[0] == seq + 1  # taking the checkpoint was audited

    clean = cli("audit", "verify", "--db", recorded_db, "--checkpoint", anchor)
    assert clean.status == 0 and clean.out.endswith(f"; matches the checkpoint at seq {seq}\n")

    # Cut the trail short: nothing inside the database shows it, the checkpoint does.
    tamper(recorded_db, f"DELETE FROM audit WHERE seq >= {seq - 2}")
    assert cli("audit", "verify", "--db", recorded_db).status == 0
    cut = cli("audit", "verify", "--db", recorded_db, "--checkpoint", anchor, "--json")
    assert cut.status == 1
    assert [(p["kind"], p["where"]) for p in json.loads(cut.out)["problems"]] == [
        ("truncated", f"audit record seq {seq - 2}")
    ]
    assert f"audit record seq {seq - 2} onwards are missing" in cut.err


def test_a_malformed_checkpoint_is_a_usage_error_exit_2(cli: Any, recorded_db: Path, tmp_path: Path) -> None:
    anchor = tmp_path / "anchor.json"
    anchor.write_text("{ not json", encoding="utf-8")

    result = cli("audit", "verify", "--db", recorded_db, "--checkpoint", anchor)

    assert result.status == 2 and result.out == ""
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith(f"vicman: {anchor} is not a vicman audit")


def test_a_checkpoint_that_cannot_be_written_is_exit_2(cli: Any, recorded_db: Path, tmp_path: Path) -> None:
    result = cli("audit", "checkpoint", "--db", recorded_db, tmp_path / "no-such-folder" / "anchor.json")
    assert result.status == 2 and result.err_lines[0].startswith("vicman: cannot write the checkpoint file")


def test_audit_needs_an_action_and_help_documents_the_exit_statuses(cli: Any, recorded_db: Path) -> None:
    missing = cli("audit", "--db", recorded_db)
    assert missing.status == 2 and "ACTION" in missing.err

    helped = cli("audit", "verify", "--help")
    assert helped.status == 0
    text = " ".join(helped.out.split())
    assert "0 the trail verifies; 1 the trail or an entry has been tampered with" in text
    assert "2 a usage or other error" in text


def test_the_real_command_line_exits_1_on_a_tampered_database(vicman_subprocess: Any, recorded_db: Path) -> None:
    tamper(recorded_db, "DELETE FROM contact_entry WHERE id = 3")

    result = vicman_subprocess("audit", "verify", "--db", str(recorded_db))

    assert result.status == 1 and result.out == ""
    seq = _entry_seq(recorded_db, "contact", 3)
    assert result.err_lines == [
        f"vicman: audit trail FAILED verification: contact entry 3, recorded by audit record seq {seq}, has been "
        "deleted (1 problem in all; --json lists them)"
    ]


def _entry_seq(path: Path, object_type: str, object_id: int) -> int:
    with raw_connection(path) as connection:
        (seq,) = connection.execute(
            "SELECT seq FROM audit WHERE object_type = ? AND object_id = ? AND entry_hash IS NOT NULL",
            (object_type, str(object_id)),
        ).fetchone()
    return int(seq)
