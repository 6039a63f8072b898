"""Enhanced entitlement: 1 working day instead of 5, judged per edition on the trigger date, with reasons."""

from __future__ import annotations

from datetime import date

import pytest
from rules_builders import by_key, event, facts, reason_codes, utc

from vicman.domain import Role
from vicman.rules import derive_obligations
from vicman.rules.enhanced import enhanced_reasons

D = date

# 2010 (2006 Code): arrest Wed 2010-03-10 -> 1 WD Thu 11 Mar, 5 WD Wed 17 Mar (11,12,15,16,17).
ARREST_2010 = utc(2010, 3, 10)
DUE_2010 = {True: D(2010, 3, 11), False: D(2010, 3, 17)}
# 2014 (2013 Code): arrest Wed 2014-01-15 -> 1 WD Thu 16 Jan, 5 WD Wed 22 Jan.
ARREST_2014 = utc(2014, 1, 15)
DUE_2014 = {True: D(2014, 1, 16), False: D(2014, 1, 22)}
# 2022 (2021 Code): arrest Mon 2022-03-07 -> 1 WD Tue 8 Mar, 5 WD Mon 14 Mar.
ARREST_2022 = utc(2022, 3, 7)
DUE_2022 = {True: D(2022, 3, 8), False: D(2022, 3, 14)}
# 2017 (2015 Code): arrest Mon 2017-03-06 -> 1 WD Tue 7 Mar, 5 WD Mon 13 Mar.
ARREST_2017 = utc(2017, 3, 6)
DUE_2017 = {True: D(2017, 3, 7), False: D(2017, 3, 13)}

ERAS = {
    "2006": (ARREST_2010, DUE_2010),
    "2013": (ARREST_2014, DUE_2014),
    "2015": (ARREST_2017, DUE_2017),
    "2021": (ARREST_2022, DUE_2022),
}


def arrest_duty(codebook, calendar, at, **kw):
    f = facts(at, events=[event(1, "arrest", at)], **kw)
    return by_key(derive_obligations(f, codebook, calendar))["inform_arrest@event:1"]


# --- explicit reasons, per edition -----------------------------------------------------------

EXPLICIT = [
    # (reason, enhanced in 2006?, category)
    ("vulnerable", True, "vulnerable"),
    ("intimidated", True, "intimidated"),
    ("persistently_targeted", False, "persistently_targeted"),
    ("most_serious_crime", False, "most_serious_crime"),
    ("bereaved", False, "most_serious_crime"),
]


@pytest.mark.parametrize("era", list(ERAS))
@pytest.mark.parametrize(("reason", "in_2006", "category"), EXPLICIT)
def test_explicit_reasons(codebook, calendar, era, reason, in_2006, category) -> None:
    at, dues = ERAS[era]
    duty = arrest_duty(codebook, calendar, at, reasons={reason})
    expected = in_2006 if era == "2006" else True
    assert duty.edition == era
    assert duty.enhanced is expected
    assert duty.due == dues[expected]
    if expected:
        assert [(r.code, r.category) for r in duty.enhanced_reasons] == [(reason, category)]
        assert duty.enhanced_reasons[0].text
    else:
        assert duty.enhanced_reasons == ()


@pytest.mark.parametrize("era", list(ERAS))
def test_no_reason_is_standard(codebook, calendar, era) -> None:
    at, dues = ERAS[era]
    duty = arrest_duty(codebook, calendar, at)
    assert (duty.enhanced, duty.due, duty.enhanced_reasons) == (False, dues[False], ())


def test_several_reasons_are_all_kept(codebook, calendar) -> None:
    duty = arrest_duty(
        codebook, calendar, ARREST_2022, offence="Rape", reasons={"vulnerable", "persistently_targeted"},
        dob=D(2010, 1, 1),
    )
    assert reason_codes(duty) == {
        "vulnerable", "persistently_targeted", "child", "offence:sexual_offence", "intimidated:sexual_offence"
    }
    assert duty.due == DUE_2022[True]


def test_2006_keeps_only_the_reasons_it_recognises(codebook, calendar) -> None:
    duty = arrest_duty(codebook, calendar, ARREST_2010, reasons={"vulnerable", "persistently_targeted", "bereaved"})
    assert reason_codes(duty) == {"vulnerable"}


# --- age on the trigger date ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("era", "dob", "enhanced"),
    [
        # 2006 Code: a child is under 17.
        ("2006", D(1993, 6, 1), True),      # 16 on 2010-03-10
        ("2006", D(1992, 6, 1), False),     # 17 on 2010-03-10: not a child in 2006
        ("2006", D(1993, 3, 10), False),    # 17th birthday on the trigger date itself
        ("2006", D(1993, 3, 11), True),     # turns 17 the day after
        # 2013+: a child is under 18.
        ("2013", D(1996, 6, 1), True),      # 17 on 2014-01-15
        ("2013", D(1996, 1, 15), False),    # 18th birthday on the trigger date
        ("2013", D(1996, 1, 16), True),     # 18 the day after
        ("2015", D(1999, 3, 6), False),     # 18th birthday on 2017-03-06
        ("2015", D(1999, 3, 7), True),
        ("2021", D(2004, 3, 7), False),     # 18th birthday on 2022-03-07
        ("2021", D(2004, 3, 8), True),
        ("2021", D(1980, 1, 1), False),     # adult
        ("2021", D(2022, 1, 1), True),      # a baby
    ],
)
def test_child_by_age_on_the_trigger_date(codebook, calendar, era, dob, enhanced) -> None:
    at, dues = ERAS[era]
    duty = arrest_duty(codebook, calendar, at, dob=dob)
    assert duty.enhanced is enhanced
    assert duty.due == dues[enhanced]
    if enhanced:
        assert [(r.code, r.category) for r in duty.enhanced_reasons] == [("child", "vulnerable")]


def test_17_year_old_is_standard_in_2010_and_enhanced_in_2014(codebook, calendar) -> None:
    # Same age (17) on each trigger date; only the edition's age limit differs.
    assert not arrest_duty(codebook, calendar, ARREST_2010, dob=D(1992, 6, 1)).enhanced
    assert arrest_duty(codebook, calendar, ARREST_2014, dob=D(1996, 6, 1)).enhanced


def test_age_is_taken_on_the_local_date(codebook, calendar) -> None:
    # 18th birthday 2022-06-15. An arrest at 23:30 UTC on 14 June is 00:30 BST on the 15th: an adult.
    dob = D(2004, 6, 15)
    duty = arrest_duty(codebook, calendar, utc(2022, 6, 14, 23, 30), dob=dob)
    assert duty.trigger_date == D(2022, 6, 15)
    assert not duty.enhanced
    assert duty.due == D(2022, 6, 22)                       # 16,17,20,21,22
    duty = arrest_duty(codebook, calendar, utc(2022, 6, 14, 22, 30), dob=dob)
    assert duty.trigger_date == D(2022, 6, 14)
    assert duty.enhanced and duty.due == D(2022, 6, 15)


def test_victim_who_turns_18_between_report_and_later_arrest(codebook, calendar) -> None:
    f = facts(
        utc(2022, 6, 6),                                     # Mon; 17 years old
        dob=D(2004, 6, 15),                                  # 18 on Wed 15 June 2022
        events=[
            event(1, "arrest", utc(2022, 6, 8)),             # Wed; still 17
            event(2, "arrest", utc(2022, 6, 20)),            # Mon; now 18
        ],
    )
    found = by_key(derive_obligations(f, codebook, calendar))
    referral = found["vs_referral@report"]
    assert referral.enhanced and reason_codes(referral) == {"child"}
    assert referral.due == D(2022, 6, 8)                     # 2 WD either way: 7, 8
    early = found["inform_arrest@event:1"]
    assert early.enhanced and early.due == D(2022, 6, 9)     # 1 WD
    late = found["inform_arrest@event:2"]
    assert not late.enhanced and late.enhanced_reasons == ()
    assert late.due == D(2022, 6, 27)                        # 5 WD: 21,22,23,24,27
    assert found["update@update:1"].enhanced                 # triggered by the report, at 17


# --- offences --------------------------------------------------------------------------------

OFFENCES = [
    # (offence text, reason codes from 2013 onwards)
    ("Assault occasioning actual bodily harm (domestic)", {"offence:domestic_abuse"}),
    ("Controlling or coercive behaviour", {"offence:domestic_abuse"}),
    ("Rape of a female aged 16 or over", {"offence:sexual_offence", "intimidated:sexual_offence"}),
    ("Sexual assault on a female", {"offence:sexual_offence", "intimidated:sexual_offence"}),
    ("Racially or religiously aggravated harassment", {"offence:hate_crime"}),
    ("Human trafficking for labour exploitation", {"offence:human_trafficking", "intimidated:human_trafficking"}),
    ("Holding a person in slavery or servitude", {"offence:human_trafficking", "intimidated:human_trafficking"}),
    ("S18 wounding with intent", {"offence:wounding_gbh_with_intent"}),
    ("GBH with intent", {"offence:wounding_gbh_with_intent"}),
    ("S20 wounding", set()),
    ("Inflicting GBH without intent", set()),
    ("Attempted murder", {"offence:attempted_murder"}),
    ("Murder", set()),
    ("Arson with intent to endanger life", {"offence:arson_endangering_life"}),
    ("Arson reckless as to whether life endangered", {"offence:arson_endangering_life"}),
    ("Arson", set()),
    ("Arson not endangering life", set()),
    ("Kidnapping", {"offence:kidnap"}),
    ("False imprisonment", {"offence:false_imprisonment"}),
    ("Preparation of terrorist acts", {"offence:terrorism"}),
    ("Burglary - dwelling", set()),
    ("Domestic burglary", set()),
    ("Theft from motor vehicle", set()),
]


@pytest.mark.parametrize(("offence", "codes"), OFFENCES, ids=[o[0] for o in OFFENCES])
@pytest.mark.parametrize("era", ["2013", "2015", "2021"])
def test_offence_reasons_2013_onwards(codebook, calendar, era, offence, codes) -> None:
    at, dues = ERAS[era]
    duty = arrest_duty(codebook, calendar, at, offence=offence)
    assert reason_codes(duty) == codes
    assert duty.enhanced is bool(codes)
    assert duty.due == dues[bool(codes)]
    for r in duty.enhanced_reasons:
        expected_category = "intimidated" if r.code.startswith("intimidated:") else "most_serious_crime"
        assert r.category == expected_category
        assert r.text


@pytest.mark.parametrize(("offence", "codes"), OFFENCES, ids=[o[0] for o in OFFENCES])
def test_offence_alone_never_enhanced_in_2006(codebook, calendar, offence, codes) -> None:
    duty = arrest_duty(codebook, calendar, ARREST_2010, offence=offence)
    assert (duty.enhanced, duty.enhanced_reasons, duty.due) == (False, (), DUE_2010[False])


def test_sexual_offence_victim_is_also_intimidated(codebook, calendar) -> None:
    duty = arrest_duty(codebook, calendar, ARREST_2022, offence="Rape")
    assert {r.category for r in duty.enhanced_reasons} == {"most_serious_crime", "intimidated"}


# --- role ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("era", "enhanced"), [("2006", False), ("2013", True), ("2015", True), ("2021", True)])
def test_bereaved_relative_role(codebook, calendar, era, enhanced) -> None:
    at, dues = ERAS[era]
    duty = arrest_duty(codebook, calendar, at, offence="Murder", role=Role.BEREAVED_RELATIVE)
    assert duty.enhanced is enhanced
    assert duty.due == dues[enhanced]
    if enhanced:
        assert [(r.code, r.category) for r in duty.enhanced_reasons] == [
            ("role:bereaved_relative", "most_serious_crime")
        ]


# --- the function itself ----------------------------------------------------------------------

def test_enhanced_reasons_function_matches_edition(codebook) -> None:
    f = facts(utc(2022, 3, 7), offence="Rape", reasons={"intimidated"})
    got = enhanced_reasons(codebook.edition("2021"), f, D(2022, 3, 7), codebook.offences)
    assert {r.code for r in got} == {"intimidated", "offence:sexual_offence", "intimidated:sexual_offence"}
    assert enhanced_reasons(codebook.edition("2006"), f, D(2010, 3, 10), codebook.offences)[0].code == "intimidated"


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2022, 2, 28), 17),  # common year: the birthday has not come yet
        (date(2022, 3, 1), 18),  # English law reads it as 1 March
        (date(2024, 2, 28), 19),
        (date(2024, 2, 29), 20),
    ],
)
def test_age_of_someone_born_on_29_february(day: date, age: int) -> None:
    from vicman.rules.enhanced import age_on

    assert age_on(date(2004, 2, 29), day) == age
