"""`vicman dip-sample draw|show|list`: a reproducible sample printed as a table or JSON; errors on one line, exit 2,
database unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crime_row, open_test_context, write_csv
from vicman.services import entries, importing


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def contacts_db(seeded_db: Path, tmp_path: Path) -> Path:
    """The seeded crimes (CR-1001 North, P100: V-1, V-2; CR-1002 South, P200: V-3) plus CR-1003 (North, P300 in
    team "Response A": V-4), with five contacts in November 2026: V-1 twice, V-2, V-4 in North; V-3 in South."""
    ctx = open_test_context(seeded_db)
    try:
        extra = crime_row(
            crime_ref="CR-1003",
            victim_ref="V-4",
            victim_name="Omar Farouk",
            oic_id="P300",
            oic_name="PC Sam Lee",
            oic_team="Response A",
        )
        importing.import_crimes(ctx, write_csv(tmp_path / "extra.csv", [extra]))
        for crime, victim, day in (
            ("CR-1001", "V-1", 17),
            ("CR-1001", "V-1", 24),
            ("CR-1001", "V-2", 18),
            ("CR-1002", "V-3", 18),
            ("CR-1003", "V-4", 19),
        ):
            entries.record_contact(
                ctx, crime, victim, utc(2026, 11, day, 10), "phone", "informed", note=f"Rang {victim}."
            )
    finally:
        ctx.close()
    return seeded_db


DRAW = ("dip-sample", "draw", "--from", "2026-11-01", "--to", "30/11/2026")


def test_draw_json_prints_the_sample_and_its_items_and_the_seed_draws_them_again(cli: Any, contacts_db: Path) -> None:
    first = cli(
        *DRAW,
        "--db",
        contacts_db,
        "--scope",
        "division:North",
        "--size",
        "3",
        "--method",
        "random",
        "--seed",
        "7",
        "--json",
    )
    assert first.status == 0, first.err
    data = json.loads(first.out)
    sample, items = data["sample"], data["items"]
    assert (sample["seed"], sample["population"], sample["items"], sample["size"]) == (7, 4, 3, 3)
    assert sample["scope"] == {"kind": "division", "value": "North", "label": "Division North"}
    assert (sample["from"], sample["to"], sample["method"]) == ("2026-11-01", "2026-11-30", "random")
    assert len(sample["audit_hash"]) == 64 and sample["audit_seq"] > 0
    assert [i["position"] for i in items] == [1, 2, 3]
    assert {i["victim_ref"] for i in items} <= {"V-1", "V-2", "V-4"}
    first_item = items[0]
    assert first_item["note_excerpt"] == f"Rang {first_item['victim_ref']}."
    assert (first_item["method"], first_item["outcome"], first_item["verdict"]) == ("phone", "informed", None)
    assert first_item["changed_since_drawn"] is False and first_item["corrected_by"] is None

    again = cli(
        *DRAW,
        "--db",
        contacts_db,
        "--scope",
        "division:North",
        "--size",
        "3",
        "--method",
        "random",
        "--seed",
        "7",
        "--json",
    )
    assert [i["entry_id"] for i in json.loads(again.out)["items"]] == [i["entry_id"] for i in items]

    shown = cli("dip-sample", "show", str(sample["id"]), "--db", contacts_db, "--json")
    assert shown.status == 0, shown.err
    assert json.loads(shown.out) == data


def test_draw_prints_a_table_and_show_marks_corrected_entries(cli: Any, contacts_db: Path) -> None:
    result = cli(
        *DRAW, "--db", contacts_db, "--scope", "team:North/Response A", "--size", "5", "--method", "risk", "--seed", "1"
    )
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Dip sample 1: 1 of 1 contact entries, weighted towards risk, seed 1."
    assert lines[1].startswith(
        "Scope: Team Response A (North); contacts dated 01/11/2026 to 30/11/2026; drawn 26/11/2026 09:00"
    )
    assert "Omar Farouk (V-4)" in result.out and "CR-1003" in result.out and "P300" in result.out

    ctx = open_test_context(contacts_db, clock=lambda: utc(2026, 11, 26, 10))
    try:
        entry_id = json.loads(cli("dip-sample", "show", "1", "--db", contacts_db, "--json").out)["items"][0]["entry_id"]
        fixed = entries.correct_entry(ctx, "contact", entry_id, "Was a visit", method="visit")
    finally:
        ctx.close()
    shown = cli("dip-sample", "show", "1", "--db", contacts_db)
    assert f"corrected by entry {fixed.id}" in shown.out
    data = json.loads(cli("dip-sample", "show", "1", "--db", contacts_db, "--json").out)
    assert data["items"][0]["corrected_by"] == {"entry_id": fixed.id, "reason": "Was a visit", "retracted": False}


def test_without_a_seed_one_is_chosen_and_printed_and_list_shows_the_samples(cli: Any, contacts_db: Path) -> None:
    result = cli(
        *DRAW, "--db", contacts_db, "--scope", "officer:P100", "--size", "2", "--method", "stratified", "--json"
    )
    assert result.status == 0, result.err
    sample = json.loads(result.out)["sample"]
    assert isinstance(sample["seed"], int) and sample["population"] == 3
    again = cli(
        *DRAW,
        "--db",
        contacts_db,
        "--scope",
        "officer:P100",
        "--size",
        "2",
        "--method",
        "stratified",
        "--seed",
        str(sample["seed"]),
        "--json",
    )
    assert [i["entry_id"] for i in json.loads(again.out)["items"]] == [
        i["entry_id"] for i in json.loads(result.out)["items"]
    ]
    listing = cli("dip-sample", "list", "--db", contacts_db, "--json")
    assert [(s["id"], s["seed"]) for s in json.loads(listing.out)] == [(2, sample["seed"]), (1, sample["seed"])]
    table = cli("dip-sample", "list", "--db", contacts_db)
    assert "PC Jane Jones (P100)" in table.out and "2 of 3" in table.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scope", "North", "--size", "3", "--method", "random"), "--scope: expected division:NAME"),
        (("--scope", "county:North", "--size", "3", "--method", "random"), "--scope: expected division:NAME"),
        (
            ("--scope", "officer:P999", "--size", "3", "--method", "random"),
            "field scope_value: no officer with staff number",
        ),
        (
            ("--scope", "division:Atlantis", "--size", "3", "--method", "random"),
            "field scope_value: no crimes or officers",
        ),
        (
            ("--scope", "division:North", "--size", "0", "--method", "random"),
            "field size: must be a whole number of at least 1",
        ),
        (("--scope", "division:North", "--size", "three", "--method", "random"), "--size: not a whole number"),
        (("--scope", "division:North", "--size", "3", "--method", "cluster"), "--method: invalid choice"),
        (("--scope", "division:North", "--size", "3", "--method", "random", "--seed", "-5"), "field seed"),
    ],
)
def test_draw_errors_are_one_line_exit_2_and_change_nothing(
    cli: Any, contacts_db: Path, snapshot: Any, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(contacts_db)
    result = cli(*DRAW, "--db", contacts_db, *args)
    assert result.status == 2
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith("vicman: ")
    assert message in result.err_lines[0]
    assert result.out == ""
    assert snapshot(contacts_db) == before


def test_other_errors(cli: Any, contacts_db: Path, snapshot: Any) -> None:
    before = snapshot(contacts_db)
    backwards = cli(
        "dip-sample",
        "draw",
        "--db",
        contacts_db,
        "--scope",
        "division:North",
        "--from",
        "2026-11-30",
        "--to",
        "2026-11-01",
        "--size",
        "3",
        "--method",
        "random",
    )
    assert (backwards.status, backwards.err_lines) == (
        2,
        ["vicman: field period_from: 2026-11-30 is after the end of the period, 2026-11-01"],
    )
    bad_date = cli(
        *DRAW[:3],
        "31/02/2026",
        "--to",
        "2026-11-30",
        "--db",
        contacts_db,
        "--scope",
        "division:North",
        "--size",
        "3",
        "--method",
        "random",
    )
    assert bad_date.status == 2 and "--from: no such date" in bad_date.err_lines[0]
    missing = cli("dip-sample", "show", "99", "--db", contacts_db)
    assert (missing.status, missing.err_lines) == (2, ["vicman: no dip sample 99"])
    assert snapshot(contacts_db) == before


def test_dip_sample_draw_runs_as_a_program(vicman_subprocess: Any, contacts_db: Path) -> None:
    result = vicman_subprocess(
        *DRAW,
        "--db",
        contacts_db,
        "--scope",
        "division:South",
        "--size",
        "1",
        "--method",
        "risk",
        "--seed",
        "3",
        "--json",
    )
    assert result.status == 0, result.err
    (item,) = json.loads(result.out)["items"]
    assert (item["victim_ref"], item["victim_name"], item["crime_ref"]) == ("V-3", "Bethan Hughes", "CR-1002")
