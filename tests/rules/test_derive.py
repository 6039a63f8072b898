"""derive_obligations: deadlines, what meets what, statuses, referral, roles, waivers, point in time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from rules_builders import by_key, event, facts, informed, no_contact, referral, rules_of, utc, waiver

from vicman.domain import ObligationState, Role, Status
from vicman.rules import derive_obligations

D = date


def derive(codebook, calendar, f, as_of=None):
    return by_key(derive_obligations(f, codebook, calendar, as_of=as_of))


# --- deadlines -------------------------------------------------------------------------------

INFORM_EVENTS = [
    "no_investigation", "arrest", "interview", "release_nfa", "bail", "bail_varied", "rui", "charge",
    "out_of_court_disposal",
]


@pytest.mark.parametrize("event_type", INFORM_EVENTS)
@pytest.mark.parametrize(
    ("at", "trigger_date", "due_standard", "due_enhanced"),
    [
        (utc(2024, 1, 15), D(2024, 1, 15), D(2024, 1, 22), D(2024, 1, 16)),                 # Mon
        (utc(2024, 1, 15, 23, 30), D(2024, 1, 15), D(2024, 1, 22), D(2024, 1, 16)),         # GMT: still the 15th
        (utc(2024, 3, 31, 23, 30), D(2024, 4, 1), D(2024, 4, 8), D(2024, 4, 2)),            # BST: Easter Monday
        (utc(2024, 1, 13, 12), D(2024, 1, 13), D(2024, 1, 19), D(2024, 1, 15)),             # Saturday
        (utc(2024, 1, 14, 12), D(2024, 1, 14), D(2024, 1, 19), D(2024, 1, 15)),             # Sunday
        (utc(2023, 5, 8, 12), D(2023, 5, 8), D(2023, 5, 15), D(2023, 5, 9)),                # coronation
        (utc(2021, 12, 24, 12), D(2021, 12, 24), D(2022, 1, 5), D(2021, 12, 29)),           # Christmas run
        (utc(2022, 6, 1, 12), D(2022, 6, 1), D(2022, 6, 10), D(2022, 6, 6)),                # jubilee: 6,7,8,9,10
        (utc(2024, 10, 27, 0, 30), D(2024, 10, 27), D(2024, 11, 1), D(2024, 10, 28)),       # clocks go back (Sun)
    ],
)
def test_inform_deadlines(codebook, calendar, event_type, at, trigger_date, due_standard, due_enhanced) -> None:
    for reasons, due, enhanced in (((), due_standard, False), ({"vulnerable"}, due_enhanced, True)):
        f = facts(utc(2023, 1, 10), reasons=reasons, events=[event(7, event_type, at)])
        [duty] = [o for o in derive_obligations(f, codebook, calendar) if o.key == "event:7"]
        assert duty.rule.startswith("inform_")
        assert duty.trigger_at == at
        assert duty.trigger_date == trigger_date
        assert duty.enhanced is enhanced
        assert duty.due == due


@pytest.mark.parametrize(
    ("reported_at", "due"),
    [
        (utc(2024, 1, 15), D(2024, 1, 17)),               # Mon -> Wed
        (utc(2024, 1, 18), D(2024, 1, 22)),               # Thu -> Mon
        (utc(2024, 1, 13, 9), D(2024, 1, 16)),            # Sat -> Tue
        (utc(2024, 3, 31, 23, 30), D(2024, 4, 3)),        # 1 Apr local (Easter Monday) -> 2, 3
        (utc(2024, 3, 28), D(2024, 4, 3)),                # Thu -> (GF, EM) 2, 3
        (utc(2021, 12, 23), D(2021, 12, 29)),             # 24, (27, 28), 29
        (utc(2022, 12, 30), D(2023, 1, 4)),               # (2 Jan), 3, 4
        (utc(2010, 3, 10), D(2010, 3, 12)),               # 2006 Code
    ],
)
@pytest.mark.parametrize("reasons", [(), ("vulnerable",)])
def test_vs_referral_is_two_working_days_standard_or_enhanced(codebook, calendar, reported_at, due, reasons) -> None:
    duty = derive(codebook, calendar, facts(reported_at, reasons=reasons))["vs_referral@report"]
    assert duty.due == due
    assert duty.enhanced is bool(reasons)
    assert duty.state is ObligationState.PENDING


# --- what meets what --------------------------------------------------------------------------

ARREST = utc(2024, 1, 15, 10)          # Mon; 5 WD -> Mon 22 Jan


def arrest_case(**kw):
    return facts(utc(2024, 1, 15, 9), events=[event(7, "arrest", ARREST)], **kw)


def test_contact_at_the_same_instant_meets(codebook, calendar) -> None:
    duty = derive(codebook, calendar, arrest_case(contacts=[informed(1, ARREST)]))["inform_arrest@event:7"]
    assert duty.state is ObligationState.MET
    assert (duty.met_at, duty.met_by_kind, duty.met_by_id, duty.late) == (ARREST, "contact", 1, False)
    assert duty.status(D(2030, 1, 1)) is Status.MET


def test_contact_one_minute_before_the_event_does_not_meet(codebook, calendar) -> None:
    f = arrest_case(contacts=[informed(1, ARREST - timedelta(minutes=1))])
    duty = derive(codebook, calendar, f)["inform_arrest@event:7"]
    assert duty.state is ObligationState.PENDING
    assert duty.met_at is None


def test_first_contact_after_the_event_meets(codebook, calendar) -> None:
    f = arrest_case(contacts=[
        informed(1, ARREST - timedelta(minutes=1)),
        informed(3, utc(2024, 1, 19)),
        informed(2, utc(2024, 1, 17)),
    ])
    duty = derive(codebook, calendar, f)["inform_arrest@event:7"]
    assert (duty.met_by_id, duty.met_at) == (2, utc(2024, 1, 17))


def test_no_contact_meets_nothing(codebook, calendar) -> None:
    f = arrest_case(contacts=[no_contact(1, utc(2024, 1, 16)), no_contact(2, utc(2024, 2, 20))])
    found = derive(codebook, calendar, f)
    assert all(o.state is ObligationState.PENDING for o in found.values())


def test_one_informed_contact_meets_every_notification_and_update_at_or_before_it(codebook, calendar) -> None:
    f = facts(
        utc(2024, 1, 10),
        events=[
            event(1, "arrest", utc(2024, 1, 11)),
            event(2, "interview", utc(2024, 1, 11, 14)),
            event(3, "bail", utc(2024, 1, 12)),
            event(4, "charge", utc(2024, 1, 20)),            # after the contact
        ],
        contacts=[informed(9, utc(2024, 1, 12, 16))],
    )
    found = derive(codebook, calendar, f)
    for key in ("inform_arrest@event:1", "inform_interview@event:2", "inform_bail@event:3", "update@update:1"):
        assert found[key].state is ObligationState.MET, key
        assert found[key].met_by_id == 9
    assert found["inform_charge@event:4"].state is ObligationState.PENDING
    # A contact never meets the support referral.
    assert found["vs_referral@report"].state is ObligationState.PENDING


def test_referral_meets_vs_referral_only(codebook, calendar) -> None:
    f = arrest_case(referrals=[referral(5, utc(2024, 1, 16))])
    found = derive(codebook, calendar, f)
    ref = found["vs_referral@report"]
    assert (ref.state, ref.met_by_kind, ref.met_by_id, ref.met_at, ref.late) == (
        ObligationState.MET, "referral", 5, utc(2024, 1, 16), False
    )
    assert found["inform_arrest@event:7"].state is ObligationState.PENDING
    assert found["update@update:1"].state is ObligationState.PENDING


@pytest.mark.parametrize(
    ("met_at", "late"),
    [
        (utc(2024, 1, 22, 9), False),
        (utc(2024, 1, 22, 23, 59), False),         # GMT: still the due date locally
        (utc(2024, 1, 23, 0, 0), True),
        (utc(2024, 1, 30), True),
    ],
)
def test_late_is_met_on_a_local_date_after_due(codebook, calendar, met_at, late) -> None:
    duty = derive(codebook, calendar, arrest_case(contacts=[informed(1, met_at)]))["inform_arrest@event:7"]
    assert duty.due == D(2024, 1, 22)
    assert duty.state is ObligationState.MET
    assert duty.late is late


@pytest.mark.parametrize(
    ("met_at", "late"),
    [
        (utc(2024, 6, 10, 22, 59), False),         # 23:59 BST on the due date
        (utc(2024, 6, 10, 23, 30), True),          # 00:30 BST on 11 June
    ],
)
def test_late_uses_london_date_in_summer(codebook, calendar, met_at, late) -> None:
    f = facts(utc(2024, 6, 3, 8), events=[event(7, "arrest", utc(2024, 6, 3, 9))], contacts=[informed(1, met_at)])
    duty = derive(codebook, calendar, f)["inform_arrest@event:7"]
    assert duty.due == D(2024, 6, 10)             # Mon 3 June + 5 WD
    assert duty.late is late


@pytest.mark.parametrize(
    ("referred_at", "late"), [(utc(2024, 1, 17, 16), False), (utc(2024, 1, 18, 9), True)]
)
def test_late_referral(codebook, calendar, referred_at, late) -> None:
    duty = derive(codebook, calendar, facts(utc(2024, 1, 15), referrals=[referral(1, referred_at)]))[
        "vs_referral@report"
    ]
    assert duty.due == D(2024, 1, 17)
    assert duty.late is late


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (D(2024, 1, 15), Status.OPEN),
        (D(2024, 1, 21), Status.OPEN),
        (D(2024, 1, 22), Status.OPEN),       # due today
        (D(2024, 1, 23), Status.OVERDUE),    # overdue from the day after
        (D(2025, 1, 1), Status.OVERDUE),
    ],
)
def test_status_open_and_overdue(codebook, calendar, as_of, status) -> None:
    duty = derive(codebook, calendar, arrest_case())["inform_arrest@event:7"]
    assert duty.status(as_of) is status


def test_met_late_still_reports_met(codebook, calendar) -> None:
    duty = derive(codebook, calendar, arrest_case(contacts=[informed(1, utc(2024, 2, 1))]))["inform_arrest@event:7"]
    assert duty.status(D(2024, 2, 2)) is Status.MET and duty.late


# --- support referral ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("reported_at", "reason"),
    [
        (utc(2010, 3, 10), "Victim opted out of referral to Victim Support"),
        (utc(2014, 1, 15), "Victim opted out of referral to support services"),
        (utc(2017, 3, 6), "Victim opted out of referral to support services"),
        (utc(2022, 3, 7), "Victim opted out of referral to support services"),
    ],
)
def test_vs_opt_out_waives_referral_with_reason(codebook, calendar, reported_at, reason) -> None:
    found = derive(codebook, calendar, facts(reported_at, vs_opt_out=True))
    duty = found["vs_referral@report"]
    assert duty.state is ObligationState.WAIVED
    assert duty.status(D(2099, 1, 1)) is Status.WAIVED
    assert duty.waiver_reason == reason
    # Opting out of the referral does not touch updates.
    assert found["update@update:1"].state is ObligationState.PENDING


@pytest.mark.parametrize(
    ("reported_at", "offence", "reasons", "dob", "has_referral"),
    [
        (utc(2010, 3, 10), "Theft from motor vehicle", (), None, False),
        (utc(2010, 3, 10), "Theft of motor vehicle", (), None, False),
        (utc(2010, 3, 10), "Vehicle interference", (), None, False),
        (utc(2010, 3, 10), "Minor criminal damage", (), None, False),
        (utc(2010, 3, 10), "Criminal damage", (), None, True),                       # not known to be minor
        (utc(2010, 3, 10), "Theft of pedal cycle", (), None, True),
        (utc(2010, 3, 10), "Theft from motor vehicle", ("vulnerable",), None, True),  # enhanced
        (utc(2010, 3, 10), "Theft from motor vehicle", ("intimidated",), None, True),
        (utc(2010, 3, 10), "Theft from motor vehicle", (), D(1995, 1, 1), True),      # 15: a child
        (utc(2010, 3, 10), "Theft from motor vehicle", ("persistently_targeted",), None, False),  # not enhanced in 2006
        (utc(2010, 3, 10), "Racially aggravated criminal damage - minor", (), None, True),        # hate crime
        (utc(2014, 1, 15), "Theft from motor vehicle", (), None, True),              # exclusion was 2006 only
        (utc(2022, 3, 7), "Minor criminal damage", (), None, True),
    ],
)
def test_2006_vehicle_and_minor_damage_exclusion(
    codebook, calendar, reported_at, offence, reasons, dob, has_referral
) -> None:
    found = derive(codebook, calendar, facts(reported_at, offence=offence, reasons=reasons, dob=dob))
    assert ("vs_referral@report" in found) is has_referral
    assert "update@update:1" in found


@pytest.mark.parametrize(
    ("reported_at", "offence", "role", "consent"),
    [
        (utc(2014, 1, 15), "Rape", Role.VICTIM, "explicit"),
        (utc(2017, 3, 6), "Sexual assault on a female", Role.VICTIM, "explicit"),
        (utc(2022, 3, 7), "Assault occasioning actual bodily harm (domestic)", Role.VICTIM, "explicit"),
        (utc(2022, 3, 7), "Murder", Role.BEREAVED_RELATIVE, "explicit"),
        (utc(2022, 3, 7), "Burglary - dwelling", Role.VICTIM, "opt_out"),
        (utc(2022, 3, 7), "Racially or religiously aggravated harassment", Role.VICTIM, "opt_out"),
        (utc(2014, 1, 15), "Burglary - dwelling", Role.VICTIM, "opt_out"),
        (utc(2010, 3, 10), "Rape", Role.VICTIM, "opt_out"),                # 2006 data: no explicit-consent classes
        (utc(2010, 3, 10), "Murder", Role.BEREAVED_RELATIVE, "opt_out"),
    ],
)
def test_referral_consent(codebook, calendar, reported_at, offence, role, consent) -> None:
    duty = derive(codebook, calendar, facts(reported_at, offence=offence, role=role))["vs_referral@report"]
    assert duty.consent == consent


def test_notifications_need_no_consent(codebook, calendar) -> None:
    f = facts(utc(2022, 3, 7), offence="Rape", events=[event(1, "arrest", utc(2022, 3, 8))])
    found = derive(codebook, calendar, f)
    assert found["inform_arrest@event:1"].consent == "none"


# --- roles ------------------------------------------------------------------------------------

@pytest.mark.parametrize("reported_at", [utc(2010, 3, 10), utc(2014, 1, 15), utc(2017, 3, 6), utc(2022, 3, 7)])
def test_witness_gets_no_duties(codebook, calendar, reported_at) -> None:
    f = facts(
        reported_at, role=Role.WITNESS, events=[event(1, "arrest", reported_at + timedelta(days=1))],
        reasons={"vulnerable"},
    )
    assert derive_obligations(f, codebook, calendar) == []


@pytest.mark.parametrize(
    ("reported_at", "has_duties"),
    [(utc(2010, 3, 10), False), (utc(2014, 1, 15), True), (utc(2017, 3, 6), True), (utc(2022, 3, 7), True)],
)
def test_business_contact(codebook, calendar, reported_at, has_duties) -> None:
    f = facts(reported_at, role=Role.BUSINESS_CONTACT, events=[event(1, "arrest", reported_at + timedelta(days=1))])
    found = derive_obligations(f, codebook, calendar)
    if has_duties:
        assert {"vs_referral", "inform_arrest", "update"} <= rules_of(found)
    else:
        assert found == []


@pytest.mark.parametrize("role", [Role.VICTIM, Role.BEREAVED_RELATIVE, Role.PARENT_GUARDIAN])
@pytest.mark.parametrize("reported_at", [utc(2010, 3, 10), utc(2022, 3, 7)])
def test_victims_relatives_and_parents_get_duties(codebook, calendar, role, reported_at) -> None:
    found = derive_obligations(facts(reported_at, role=role), codebook, calendar)
    assert rules_of(found) == {"vs_referral", "update"}


def test_business_contact_whose_crime_spans_2013(codebook, calendar) -> None:
    # Reported under 2006 (no business duties); arrested under 2013 (business duties).
    f = facts(utc(2013, 12, 5), role=Role.BUSINESS_CONTACT, events=[event(1, "arrest", utc(2013, 12, 10))])
    assert set(derive(codebook, calendar, f)) == {"inform_arrest@event:1"}


# --- waivers ----------------------------------------------------------------------------------

def test_waiver_of_an_event_duty(codebook, calendar) -> None:
    w = waiver(3, "event:7", utc(2024, 1, 17), reason="Victim abroad, no contact details", by="Sgt 42")
    duty = derive(codebook, calendar, arrest_case(waivers=[w]))["inform_arrest@event:7"]
    assert duty.state is ObligationState.WAIVED
    assert duty.status(D(2024, 3, 1)) is Status.WAIVED
    assert (duty.waiver_reason, duty.waived_by, duty.waived_at, duty.waiver_id) == (
        "Victim abroad, no contact details", "Sgt 42", utc(2024, 1, 17), 3
    )
    assert duty.met_at is None


def test_waiver_targets_only_its_key(codebook, calendar) -> None:
    f = facts(
        utc(2024, 1, 15, 9),
        events=[event(7, "arrest", ARREST), event(8, "charge", ARREST + timedelta(hours=3))],
        waivers=[waiver(3, "event:7", utc(2024, 1, 17))],
    )
    found = derive(codebook, calendar, f)
    assert found["inform_arrest@event:7"].state is ObligationState.WAIVED
    assert found["inform_charge@event:8"].state is ObligationState.PENDING
    assert found["vs_referral@report"].state is ObligationState.PENDING


def test_contact_before_the_waiver_wins(codebook, calendar) -> None:
    f = arrest_case(contacts=[informed(1, utc(2024, 1, 16))], waivers=[waiver(3, "event:7", utc(2024, 1, 17))])
    duty = derive(codebook, calendar, f)["inform_arrest@event:7"]
    assert duty.state is ObligationState.MET and duty.met_by_id == 1
    assert duty.waiver_reason is None


def test_contact_after_the_waiver_does_not_undo_it(codebook, calendar) -> None:
    f = arrest_case(contacts=[informed(1, utc(2024, 1, 18))], waivers=[waiver(3, "event:7", utc(2024, 1, 17))])
    duty = derive(codebook, calendar, f)["inform_arrest@event:7"]
    assert duty.state is ObligationState.WAIVED


def test_first_waiver_counts(codebook, calendar) -> None:
    f = arrest_case(waivers=[
        waiver(4, "event:7", utc(2024, 1, 19), reason="second"),
        waiver(3, "event:7", utc(2024, 1, 17), reason="first"),
    ])
    assert derive(codebook, calendar, f)["inform_arrest@event:7"].waiver_reason == "first"


def test_waiver_of_the_report_duty(codebook, calendar) -> None:
    found = derive(codebook, calendar, facts(utc(2024, 1, 15), waivers=[waiver(3, "report", utc(2024, 1, 16))]))
    assert found["vs_referral@report"].state is ObligationState.WAIVED
    found = derive(codebook, calendar, facts(
        utc(2024, 1, 15), referrals=[referral(1, utc(2024, 1, 15, 12))], waivers=[waiver(3, "report", utc(2024, 1, 16))]
    ))
    assert found["vs_referral@report"].state is ObligationState.MET


# --- point in time ------------------------------------------------------------------------

def test_as_of_ignores_a_contact_on_the_next_day(codebook, calendar) -> None:
    f = arrest_case(contacts=[informed(1, utc(2024, 1, 23, 9))])
    on_due = derive(codebook, calendar, f, as_of=D(2024, 1, 22))["inform_arrest@event:7"]
    assert on_due.state is ObligationState.PENDING and on_due.status(D(2024, 1, 22)) is Status.OPEN
    f = arrest_case(contacts=[informed(1, utc(2024, 1, 24, 9))])
    after_due = derive(codebook, calendar, f, as_of=D(2024, 1, 23))["inform_arrest@event:7"]
    assert after_due.state is ObligationState.PENDING and after_due.status(D(2024, 1, 23)) is Status.OVERDUE
    later = derive(codebook, calendar, f, as_of=D(2024, 1, 24))["inform_arrest@event:7"]
    assert later.state is ObligationState.MET and later.late


@pytest.mark.parametrize(
    ("contact_at", "counted"),
    [
        (utc(2024, 6, 10, 22, 59, 59), True),     # 23:59:59 BST on 10 June
        (utc(2024, 6, 10, 23, 0, 0), False),      # 00:00 BST on 11 June
    ],
)
def test_as_of_cutoff_is_end_of_local_day(codebook, calendar, contact_at, counted) -> None:
    f = facts(utc(2024, 6, 3, 8), events=[event(7, "arrest", utc(2024, 6, 3, 9))], contacts=[informed(1, contact_at)])
    duty = derive(codebook, calendar, f, as_of=D(2024, 6, 10))["inform_arrest@event:7"]
    assert (duty.state is ObligationState.MET) is counted


def test_as_of_events_after_the_day_give_no_duty_yet(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 15), events=[event(7, "arrest", utc(2024, 1, 20))])
    assert "inform_arrest@event:7" not in derive(codebook, calendar, f, as_of=D(2024, 1, 19))
    assert "inform_arrest@event:7" in derive(codebook, calendar, f, as_of=D(2024, 1, 20))


@pytest.mark.parametrize(
    ("reported_at", "as_of", "any_duty"),
    [
        (utc(2024, 1, 15), D(2024, 1, 14), False),
        (utc(2024, 1, 15), D(2024, 1, 15), True),
        (utc(2024, 6, 14, 23, 30), D(2024, 6, 14), False),   # 00:30 BST on the 15th
        (utc(2024, 6, 14, 22, 30), D(2024, 6, 14), True),
    ],
)
def test_as_of_before_the_report(codebook, calendar, reported_at, as_of, any_duty) -> None:
    assert bool(derive_obligations(facts(reported_at), codebook, calendar, as_of=as_of)) is any_duty


def test_as_of_ignores_later_waivers_and_referrals(codebook, calendar) -> None:
    f = arrest_case(
        referrals=[referral(1, utc(2024, 1, 18))],
        waivers=[waiver(3, "event:7", utc(2024, 1, 25))],
    )
    found = derive(codebook, calendar, f, as_of=D(2024, 1, 17))
    assert found["vs_referral@report"].status(D(2024, 1, 17)) is Status.OPEN
    assert found["inform_arrest@event:7"].status(D(2024, 1, 17)) is Status.OPEN
    found = derive(codebook, calendar, f, as_of=D(2024, 1, 24))
    assert found["vs_referral@report"].status(D(2024, 1, 24)) is Status.MET
    assert found["inform_arrest@event:7"].status(D(2024, 1, 24)) is Status.OVERDUE
    found = derive(codebook, calendar, f, as_of=D(2024, 1, 25))
    assert found["inform_arrest@event:7"].status(D(2024, 1, 25)) is Status.WAIVED


def test_as_of_none_sees_everything(codebook, calendar) -> None:
    f = arrest_case(contacts=[informed(1, utc(2030, 1, 1))])
    assert derive(codebook, calendar, f)["inform_arrest@event:7"].state is ObligationState.MET


def test_derivation_is_deterministic_and_ignores_entry_order(codebook, calendar) -> None:
    evs = [
        event(1, "arrest", utc(2024, 1, 16)), event(2, "bail", utc(2024, 1, 17)), event(3, "charge", utc(2024, 2, 20))
    ]
    cts = [informed(1, utc(2024, 1, 18)), no_contact(2, utc(2024, 2, 1)), informed(3, utc(2024, 2, 25))]
    a = derive_obligations(facts(utc(2024, 1, 15), events=evs, contacts=cts), codebook, calendar)
    b = derive_obligations(facts(utc(2024, 1, 15), events=evs[::-1], contacts=cts[::-1]), codebook, calendar)
    assert sorted(a, key=lambda o: (o.rule, o.key)) == sorted(b, key=lambda o: (o.rule, o.key))


def test_identity_fields(codebook, calendar) -> None:
    duty = derive(codebook, calendar, arrest_case())["inform_arrest@event:7"]
    assert (duty.crime_ref, duty.person_ref, duty.key) == ("CR/1", "V1", "event:7")
    assert isinstance(duty.trigger_at, datetime)


@pytest.mark.parametrize("reported_at", [utc(2014, 1, 15), utc(2017, 3, 6), utc(2022, 3, 7)])
def test_referral_consent_for_bereaved_recorded_as_a_reason(codebook, calendar, reported_at) -> None:
    # 2013-15 Codes: "Explicit consent first ... for bereaved close relatives" (VICTIMS_CODE.md section 3).
    duty = derive(codebook, calendar, facts(reported_at, offence="Murder", reasons={"bereaved"}))["vs_referral@report"]
    assert duty.enhanced
    assert duty.consent == "explicit"
