"""Which edition of the Code a duty takes: the one in force on its trigger's Europe/London date."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rules_builders import by_key, event, facts, rules_of, utc

from vicman.rules import derive_obligations
from vicman.rules.code import CodeBook

D = date

EXPECTED_RULES = {
    "vs_referral", "inform_no_investigation", "inform_arrest", "inform_interview", "inform_release_nfa",
    "inform_bail", "inform_charge", "inform_out_of_court_disposal", "update",
}


def test_shipped_editions(codebook: CodeBook) -> None:
    assert [(e.id, e.in_force_from) for e in codebook.editions] == [
        ("2006", D(2006, 4, 3)),
        ("2013", D(2013, 12, 10)),
        ("2015", D(2015, 11, 16)),
        ("2021", D(2021, 4, 1)),
    ]


@pytest.mark.parametrize(
    ("edition", "extra"), [("2006", set()), ("2013", set()), ("2015", {"inform_rui"}), ("2021", {"inform_rui"})]
)
def test_rules_of_each_edition(codebook: CodeBook, edition: str, extra: set[str]) -> None:
    assert {r.id for r in codebook.edition(edition).rules} == EXPECTED_RULES | extra


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2006, 4, 2), None),
        (D(2000, 1, 1), None),
        (D(2006, 4, 3), "2006"),
        (D(2013, 12, 9), "2006"),
        (D(2013, 12, 10), "2013"),
        (D(2015, 11, 15), "2013"),
        (D(2015, 11, 16), "2015"),
        (D(2021, 3, 31), "2015"),
        (D(2021, 4, 1), "2021"),
        (D(2035, 1, 1), "2021"),
    ],
)
def test_edition_for(codebook: CodeBook, day: date, expected: str | None) -> None:
    found = codebook.edition_for(day)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("reported_at", "expected"),
    [
        (utc(2006, 4, 2, 12), None),
        (utc(2006, 4, 3, 12), "2006"),
        (utc(2013, 12, 9, 12), "2006"),
        (utc(2013, 12, 9, 23, 59), "2006"),      # GMT: still 9 December locally
        (utc(2013, 12, 10, 0, 1), "2013"),
        (utc(2015, 11, 15, 12), "2013"),
        (utc(2015, 11, 16, 12), "2015"),
        (utc(2021, 3, 31, 12), "2015"),
        (utc(2021, 3, 31, 22, 59), "2015"),      # BST: 23:59 on 31 March locally
        (utc(2021, 3, 31, 23, 0), "2021"),       # BST: 00:00 on 1 April locally
        (utc(2021, 4, 1, 12), "2021"),
    ],
)
def test_report_duties_take_the_edition_of_the_report_date(
    codebook, calendar, reported_at: datetime, expected: str | None
) -> None:
    obligations = derive_obligations(facts(reported_at), codebook, calendar)
    if expected is None:
        assert obligations == []
    else:
        assert {o.edition for o in obligations if o.key == "report"} == {expected}
        assert by_key(obligations)["vs_referral@report"].edition == expected


def test_triggers_before_the_first_code_give_no_duty(codebook, calendar) -> None:
    f = facts(
        utc(2006, 3, 20),
        events=[event(1, "arrest", utc(2006, 3, 31)), event(2, "charge", utc(2006, 4, 3))],
    )
    found = by_key(derive_obligations(f, codebook, calendar))
    # The report and the arrest came before 3 April 2006: nothing; the charge came on it.
    assert "vs_referral@report" not in found
    assert "inform_arrest@event:1" not in found
    assert found["inform_charge@event:2"].edition == "2006"
    assert not any(k.startswith("update@") for k in found)


@pytest.mark.parametrize(
    ("report", "arrest", "report_edition", "arrest_edition"),
    [
        (utc(2013, 12, 5), utc(2013, 12, 12), "2006", "2013"),
        (utc(2015, 11, 10), utc(2015, 11, 16), "2013", "2015"),
        (utc(2021, 3, 29), utc(2021, 4, 1), "2015", "2021"),
        (utc(2021, 3, 29), utc(2021, 3, 31, 23, 30), "2015", "2021"),   # 00:30 BST on 1 April
    ],
)
def test_each_duty_takes_its_own_edition(codebook, calendar, report, arrest, report_edition, arrest_edition) -> None:
    found = by_key(derive_obligations(facts(report, events=[event(1, "arrest", arrest)]), codebook, calendar))
    assert found["vs_referral@report"].edition == report_edition
    assert found["update@update:1"].edition == report_edition
    assert found["inform_arrest@event:1"].edition == arrest_edition


def test_persistently_targeted_across_the_2013_boundary(codebook, calendar) -> None:
    """Persistently targeted is not enhanced under 2006 but is from 10 Dec 2013."""
    f = facts(
        utc(2013, 12, 5),                                    # Thu, 2006 Code
        reasons={"persistently_targeted"},
        events=[
            event(1, "arrest", utc(2013, 12, 6)),            # Fri, 2006 Code: 5 WD
            event(2, "arrest", utc(2013, 12, 9)),            # Mon, still 2006 Code: 5 WD
            event(3, "charge", utc(2013, 12, 10)),           # Tue, 2013 Code: 1 WD
        ],
    )
    found = by_key(derive_obligations(f, codebook, calendar))
    assert found["vs_referral@report"].due == D(2013, 12, 9)           # Fri 6, Mon 9
    assert not found["vs_referral@report"].enhanced
    a1, a2, c3 = found["inform_arrest@event:1"], found["inform_arrest@event:2"], found["inform_charge@event:3"]
    assert (a1.edition, a1.enhanced, a1.due) == ("2006", False, D(2013, 12, 13))   # 9,10,11,12,13
    assert (a2.edition, a2.enhanced, a2.due) == ("2006", False, D(2013, 12, 16))   # 10,11,12,13,16
    assert (c3.edition, c3.enhanced, c3.due) == ("2013", True, D(2013, 12, 11))
    assert [r.code for r in c3.enhanced_reasons] == ["persistently_targeted"]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2010, 6, 1), set()),
        (utc(2014, 6, 2), set()),
        (utc(2016, 6, 1), {"inform_rui"}),
        (utc(2022, 6, 1), {"inform_rui"}),
    ],
)
def test_inform_rui_only_in_2015_and_2021(codebook, calendar, at, expected) -> None:
    f = facts(utc(2006, 5, 1), events=[event(1, "rui", at)])
    found = derive_obligations(f, codebook, calendar)
    assert rules_of(o for o in found if o.key == "event:1") == expected


@pytest.mark.parametrize(
    ("event_type", "rule"),
    [
        ("no_investigation", "inform_no_investigation"),
        ("arrest", "inform_arrest"),
        ("interview", "inform_interview"),
        ("release_nfa", "inform_release_nfa"),
        ("bail", "inform_bail"),
        ("bail_varied", "inform_bail"),
        ("rui", "inform_rui"),
        ("charge", "inform_charge"),
        ("out_of_court_disposal", "inform_out_of_court_disposal"),
    ],
)
def test_event_to_rule(codebook, calendar, event_type: str, rule: str) -> None:
    f = facts(utc(2024, 1, 15), events=[event(7, event_type, utc(2024, 1, 15, 11))])
    found = [o for o in derive_obligations(f, codebook, calendar) if o.key == "event:7"]
    assert [o.rule for o in found] == [rule]
    assert found[0].due == D(2024, 1, 22)


def test_case_closed_is_not_a_notification(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 15), events=[event(7, "case_closed", utc(2024, 1, 16))])
    assert [o for o in derive_obligations(f, codebook, calendar) if o.key == "event:7"] == []


# Each edition's notice rules: 5 WD standard, 1 WD enhanced.
# 2010-03-10 Wed -> 11 / 17 Mar; 2014-01-15 Wed -> 16 / 22 Jan; 2017-03-06 Mon -> 7 / 13 Mar.
ERA_DUES = [
    ("2006", utc(2010, 3, 10), D(2010, 3, 11), D(2010, 3, 17)),
    ("2013", utc(2014, 1, 15), D(2014, 1, 16), D(2014, 1, 22)),
    ("2015", utc(2017, 3, 6), D(2017, 3, 7), D(2017, 3, 13)),
    ("2021", utc(2022, 3, 7), D(2022, 3, 8), D(2022, 3, 14)),
]
NOTICES = [
    ("no_investigation", "inform_no_investigation"), ("arrest", "inform_arrest"), ("interview", "inform_interview"),
    ("release_nfa", "inform_release_nfa"), ("bail", "inform_bail"), ("bail_varied", "inform_bail"),
    ("rui", "inform_rui"), ("charge", "inform_charge"), ("out_of_court_disposal", "inform_out_of_court_disposal"),
]


NOTICE_CASES = [
    (event_type, rule, *era)
    for era in ERA_DUES
    for event_type, rule in NOTICES
    if not (rule == "inform_rui" and era[0] in ("2006", "2013"))   # no RUI notice before the 2015 Code
]


@pytest.mark.parametrize(("event_type", "rule", "edition", "at", "due_enhanced", "due_standard"), NOTICE_CASES)
def test_notice_deadlines_in_every_edition(
    codebook, calendar, event_type, rule, edition, at, due_enhanced, due_standard
) -> None:
    for reasons, due in (((), due_standard), (("intimidated",), due_enhanced)):
        f = facts(utc(2009, 1, 5), reasons=reasons, events=[event(3, event_type, at)])
        [duty] = [o for o in derive_obligations(f, codebook, calendar) if o.key == "event:3"]
        assert (duty.rule, duty.edition, duty.due, duty.enhanced) == (rule, edition, due, bool(reasons))
