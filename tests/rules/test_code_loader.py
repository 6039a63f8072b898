"""Loading the Code editions from TOML: malformed files fail loudly; a new edition is a new file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from rules_builders import by_key, event, facts, utc

from vicman.rules import WorkingCalendar, derive_obligations, load_codebook
from vicman.rules.code import CodeDataError, default_codes_dir

D = date


@pytest.fixture
def codes(tmp_path: Path) -> Path:
    target = tmp_path / "codes"
    shutil.copytree(default_codes_dir(), target)
    return target


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, "the edit did not apply"
    path.write_text(changed, encoding="utf-8")


def edit_rule(path: Path, rule_id: str, change: Callable[[str], str]) -> None:
    """Apply `change` to the [[rule]] block whose id is `rule_id`."""

    def apply(text: str) -> str:
        head, *blocks = text.split("[[rule]]")
        hits = [i for i, b in enumerate(blocks) if f'id = "{rule_id}"' in b]
        assert len(hits) == 1
        blocks[hits[0]] = change(blocks[hits[0]])
        return "[[rule]]".join([head, *blocks])

    edit(path, apply)


def load_error(directory: Path) -> str:
    with pytest.raises(CodeDataError) as caught:
        load_codebook(directory)
    return str(caught.value)


def test_shipped_files_load(codes: Path) -> None:
    book = load_codebook(codes)
    assert [e.id for e in book.editions] == ["2006", "2013", "2015", "2021"]
    assert book.rule_titles()["inform_rui"]


# --- malformed files: CodeDataError naming the file and the key ---------------------------

def test_unknown_rule_key(codes: Path) -> None:
    edit_rule(codes / "2021.toml", "inform_arrest", lambda b: b.replace('met_by = ', 'deadline_days = 5\nmet_by = ', 1))
    message = load_error(codes)
    assert "2021.toml" in message and "deadline_days" in message and "inform_arrest" in message


def test_unknown_top_level_key(codes: Path) -> None:
    edit(codes / "2013.toml", lambda t: "rules_version = 2\n" + t)
    message = load_error(codes)
    assert "2013.toml" in message and "rules_version" in message


@pytest.mark.parametrize("bad", ["evnt", "reported", ""])
def test_bad_trigger(codes: Path, bad: str) -> None:
    edit_rule(codes / "2015.toml", "inform_charge", lambda b: b.replace('trigger = "event"', f'trigger = "{bad}"', 1))
    message = load_error(codes)
    assert "2015.toml" in message and "trigger" in message and "inform_charge" in message


def test_missing_days(codes: Path) -> None:
    edit_rule(codes / "2006.toml", "inform_bail", lambda b: b.replace("days_standard = 5\n", "", 1))
    message = load_error(codes)
    assert "2006.toml" in message and "days_standard" in message and "inform_bail" in message


def test_missing_days_on_referral(codes: Path) -> None:
    edit_rule(
        codes / "2021.toml", "vs_referral",
        lambda b: b.replace("days_standard = 2\n", "", 1).replace("days_enhanced = 2\n", "", 1),
    )
    message = load_error(codes)
    assert "2021.toml" in message and "days_standard" in message


@pytest.mark.parametrize("bad", ["-1", '"five"', "5.0"])
def test_bad_days(codes: Path, bad: str) -> None:
    edit_rule(
        codes / "2021.toml", "inform_arrest", lambda b: b.replace("days_enhanced = 1", f"days_enhanced = {bad}", 1)
    )
    message = load_error(codes)
    assert "2021.toml" in message and "days_enhanced" in message


def test_boolean_days_rejected(codes: Path) -> None:
    edit_rule(codes / "2021.toml", "inform_arrest", lambda b: b.replace("days_standard = 5", "days_standard = true", 1))
    assert "days_standard" in load_error(codes)


def test_event_rule_without_events(codes: Path) -> None:
    edit_rule(codes / "2021.toml", "inform_arrest", lambda b: b.replace('events = ["arrest"]\n', "", 1))
    message = load_error(codes)
    assert "2021.toml" in message and "events" in message


def test_unknown_event_name(codes: Path) -> None:
    edit_rule(codes / "2021.toml", "inform_arrest", lambda b: b.replace('["arrest"]', '["arest"]', 1))
    message = load_error(codes)
    assert "2021.toml" in message and "arest" in message


def test_unknown_offence_class(codes: Path) -> None:
    edit(codes / "2013.toml", lambda t: t.replace('"kidnap", ', '"kidnapping", ', 1))
    message = load_error(codes)
    assert "2013.toml" in message and "kidnapping" in message


def test_bad_met_by(codes: Path) -> None:
    edit_rule(codes / "2021.toml", "vs_referral", lambda b: b.replace('met_by = "referral"', 'met_by = "referal"', 1))
    message = load_error(codes)
    assert "2021.toml" in message and "met_by" in message


def test_bad_in_force_from(codes: Path) -> None:
    edit(codes / "2021.toml", lambda t: t.replace("in_force_from = 2021-04-01", 'in_force_from = "2021-04-01"', 1))
    message = load_error(codes)
    assert "2021.toml" in message and "in_force_from" in message


def test_duplicate_rule_id(codes: Path) -> None:
    edit_rule(
        codes / "2021.toml", "inform_charge", lambda b: b.replace('id = "inform_charge"', 'id = "inform_arrest"', 1)
    )
    message = load_error(codes)
    assert "2021.toml" in message and "rule" in message


def test_invalid_toml_names_the_file(codes: Path) -> None:
    edit(codes / "2015.toml", lambda t: t + "\n[[[\n")
    assert "2015.toml" in load_error(codes)


# Unknown keys inside the edition's tables. A typo there (e.g. `child_undr`) silently drops the
# setting: with child_under gone, no child is ever enhanced.
NESTED_UNKNOWN = [
    ("edition", lambda t: t.replace('id = "2021"', 'id = "2021"\nin_forse_from = 2021-04-01', 1), "in_forse_from"),
    ("enhanced", lambda t: t.replace("child_under = 18", "child_undr = 18", 1), "child_undr"),
    ("updates", lambda t: t.replace("every_months = 1", "every_month = 1", 1), "every_month"),
    ("eligibility", lambda t: t.replace("[eligibility]", '[eligibility]\nrole = ["victim"]', 1), "role"),
    ("exempt", lambda t: t.replace('effect = "waive",', 'effect = "waive", efect = "omit",', 1), "efect"),
]


@pytest.mark.parametrize(("table", "change", "key"), NESTED_UNKNOWN, ids=[n[0] for n in NESTED_UNKNOWN])
def test_unknown_key_in_a_table(codes: Path, table: str, change, key: str) -> None:
    edit(codes / "2021.toml", change)
    message = load_error(codes)
    assert "2021.toml" in message and key in message


def test_in_force_from_as_datetime(codes: Path) -> None:
    edit(
        codes / "2021.toml",
        lambda t: t.replace("in_force_from = 2021-04-01", "in_force_from = 2021-04-01T00:00:00", 1),
    )
    assert "in_force_from" in load_error(codes)


def test_bad_update_period(codes: Path) -> None:
    edit(codes / "2021.toml", lambda t: t.replace("every_months = 1", 'every_months = "one"', 1))
    message = load_error(codes)
    assert "2021.toml" in message and "every_months" in message


def test_duplicate_edition_id(codes: Path) -> None:
    shutil.copy(codes / "2021.toml", codes / "2021-copy.toml")
    edit(codes / "2021-copy.toml", lambda t: t.replace("in_force_from = 2021-04-01", "in_force_from = 2024-01-01", 1))
    assert "2021" in load_error(codes)


# --- adding the next Code is adding a file -------------------------------------------------

def write_2027(codes: Path) -> None:
    text = (codes / "2021.toml").read_text(encoding="utf-8")
    text = text.replace('id = "2021"', 'id = "2027"', 1)
    text = text.replace("in_force_from = 2021-04-01", "in_force_from = 2027-01-01", 1)
    text = text.replace("days_standard = 5", "days_standard = 10").replace("days_enhanced = 1", "days_enhanced = 2")
    (codes / "2027.toml").write_text(text, encoding="utf-8")


def test_new_edition_file_is_used_from_its_date(codes: Path) -> None:
    write_2027(codes)
    book = load_codebook(codes)
    cal = WorkingCalendar()
    assert [e.id for e in book.editions] == ["2006", "2013", "2015", "2021", "2027"]
    assert book.edition_for(D(2026, 12, 31)).id == "2021"
    assert book.edition_for(D(2027, 1, 1)).id == "2027"
    f = facts(
        utc(2026, 12, 30),
        events=[
            event(1, "arrest", utc(2026, 12, 31, 12)),   # Thu: 2021 Code, 5 WD: (1 Jan),4,5,6,7,8
            event(2, "charge", utc(2027, 1, 1, 12)),     # Fri, New Year's Day: 2027 Code, 10 WD
            event(3, "bail", utc(2027, 1, 4, 12)),       # Mon: 2027 Code, 10 WD
        ],
    )
    found = by_key(derive_obligations(f, book, cal))
    assert (found["inform_arrest@event:1"].edition, found["inform_arrest@event:1"].due) == ("2021", D(2027, 1, 8))
    # 4,5,6,7,8,11,12,13,14,15
    assert (found["inform_charge@event:2"].edition, found["inform_charge@event:2"].due) == ("2027", D(2027, 1, 15))
    # 5,6,7,8,11,12,13,14,15,18
    assert (found["inform_bail@event:3"].edition, found["inform_bail@event:3"].due) == ("2027", D(2027, 1, 18))
    assert found["vs_referral@report"].edition == "2021"


def test_new_edition_enhanced_deadline(codes: Path) -> None:
    write_2027(codes)
    book = load_codebook(codes)
    f = facts(utc(2027, 1, 4), reasons={"vulnerable"}, events=[event(1, "arrest", utc(2027, 1, 4, 12))])
    duty = by_key(derive_obligations(f, book, WorkingCalendar()))["inform_arrest@event:1"]
    assert (duty.edition, duty.enhanced, duty.due) == ("2027", True, D(2027, 1, 6))   # 5, 6


def test_removing_a_file_removes_the_edition(codes: Path) -> None:
    (codes / "2021.toml").unlink()
    book = load_codebook(codes)
    assert book.edition_for(D(2024, 1, 1)).id == "2015"


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "codes").mkdir()
    shutil.copy(default_codes_dir() / "offences.toml", tmp_path / "codes" / "offences.toml")
    with pytest.raises(CodeDataError):
        load_codebook(tmp_path / "codes")
