"""Periodic updates: a chain of `update:<n>` duties, one agreed period apart (DESIGN.md section 4)."""

from __future__ import annotations

from datetime import date

import pytest
from rules_builders import by_key, event, facts, informed, no_contact, updates, utc, waiver

from vicman.domain import ObligationState, Status
from vicman.rules import derive_obligations

D = date


def chain(codebook, calendar, f, as_of=None):
    return updates(derive_obligations(f, codebook, calendar, as_of=as_of))


@pytest.mark.parametrize(
    ("reported_at", "due"),
    [
        (utc(2024, 1, 10), D(2024, 2, 10)),
        (utc(2024, 1, 31), D(2024, 2, 29)),            # leap year
        (utc(2023, 1, 31), D(2023, 2, 28)),
        (utc(2024, 1, 30), D(2024, 2, 29)),
        (utc(2024, 1, 29), D(2024, 2, 29)),
        (utc(2023, 1, 29), D(2023, 2, 28)),
        (utc(2024, 2, 29), D(2024, 3, 29)),
        (utc(2024, 3, 31), D(2024, 4, 30)),            # 31 -> 30-day month
        (utc(2024, 5, 31), D(2024, 6, 30)),            # a Sunday: calendar months, not working days
        (utc(2024, 8, 31), D(2024, 9, 30)),
        (utc(2024, 4, 30), D(2024, 5, 30)),            # 30 -> 31-day month stays on the 30th
        (utc(2024, 12, 31), D(2025, 1, 31)),           # across the year
        (utc(2024, 1, 31, 23, 30), D(2024, 2, 29)),    # GMT: still 31 Jan locally
        (utc(2024, 3, 31, 23, 30), D(2024, 5, 1)),     # BST: 1 April locally
        (utc(2010, 3, 10), D(2010, 4, 10)),            # 2006 Code
    ],
)
def test_first_update_one_calendar_month_after_the_report(codebook, calendar, reported_at, due) -> None:
    [first] = chain(codebook, calendar, facts(reported_at))
    assert first.key == "update:1"
    assert first.due == due
    assert first.trigger_at == reported_at
    assert first.state is ObligationState.PENDING


def test_each_meeting_contact_starts_the_next_period(codebook, calendar) -> None:
    f = facts(
        utc(2024, 1, 10),
        contacts=[informed(1, utc(2024, 2, 5)), informed(2, utc(2024, 3, 1)), informed(3, utc(2024, 3, 31, 23, 30))],
    )
    u = chain(codebook, calendar, f)
    assert [(o.key, o.due, o.state, o.met_by_id, o.late) for o in u] == [
        ("update:1", D(2024, 2, 10), ObligationState.MET, 1, False),
        ("update:2", D(2024, 3, 5), ObligationState.MET, 2, False),
        ("update:3", D(2024, 4, 1), ObligationState.MET, 3, False),   # 00:30 BST on 1 April: on time
        ("update:4", D(2024, 5, 1), ObligationState.PENDING, None, False),
    ]
    assert u[1].trigger_at == utc(2024, 2, 5)
    assert u[3].trigger_at == utc(2024, 3, 31, 23, 30)


def test_late_contact_still_meets_and_restarts_from_its_date(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), contacts=[informed(1, utc(2024, 2, 20))])
    u = chain(codebook, calendar, f)
    assert [(o.key, o.due, o.state, o.late) for o in u] == [
        ("update:1", D(2024, 2, 10), ObligationState.MET, True),
        ("update:2", D(2024, 3, 20), ObligationState.PENDING, False),
    ]


def test_failed_attempts_do_not_meet_or_restart(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), contacts=[no_contact(1, utc(2024, 2, 5)), no_contact(2, utc(2024, 2, 9))])
    [only] = chain(codebook, calendar, f)
    assert (only.key, only.due, only.state) == ("update:1", D(2024, 2, 10), ObligationState.PENDING)
    assert only.status(D(2024, 2, 11)) is Status.OVERDUE


def test_contact_for_an_event_also_meets_the_pending_update(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), events=[event(7, "arrest", utc(2024, 1, 20))], contacts=[informed(1, utc(2024, 1, 22))])
    found = by_key(derive_obligations(f, codebook, calendar))
    assert found["inform_arrest@event:7"].met_by_id == 1
    assert found["update@update:1"].met_by_id == 1
    assert found["update@update:2"].due == D(2024, 2, 22)
    assert found["update@update:2"].state is ObligationState.PENDING


@pytest.mark.parametrize(
    ("closed_at", "expected"),
    [
        # closure before the first update falls due: no update at all
        (utc(2024, 1, 20), []),
        # closure between update:1 (met 5 Feb) and update:2 (due 5 Mar): update:2 never falls due
        (utc(2024, 2, 20), [("update:1", D(2024, 2, 10))]),
        (utc(2024, 3, 4), [("update:1", D(2024, 2, 10))]),
    ],
)
def test_updates_stop_when_the_case_closes(codebook, calendar, closed_at, expected) -> None:
    f = facts(
        utc(2024, 1, 10),
        events=[event(9, "case_closed", closed_at)],
        contacts=[informed(1, utc(2024, 2, 5))],
    )
    u = chain(codebook, calendar, f)
    assert [(o.key, o.due) for o in u] == expected
    assert all(o.due <= closed_at.date() for o in u)


def test_no_update_falls_due_after_closure_even_with_later_contacts(codebook, calendar) -> None:
    f = facts(
        utc(2024, 1, 10),
        events=[event(9, "case_closed", utc(2024, 4, 15))],
        contacts=[informed(i, utc(2024, m, 1)) for i, m in enumerate(range(2, 9), start=1)],
    )
    u = chain(codebook, calendar, f)
    assert u, "updates before the closure remain"
    assert max(o.due for o in u) <= D(2024, 4, 15)
    assert [o.due for o in u] == [D(2024, 2, 10), D(2024, 3, 1), D(2024, 4, 1)]


def test_closure_after_as_of_is_not_known_yet(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), events=[event(9, "case_closed", utc(2024, 1, 20))])
    assert [o.key for o in chain(codebook, calendar, f, as_of=D(2024, 1, 19))] == ["update:1"]
    assert chain(codebook, calendar, f, as_of=D(2024, 1, 20)) == []


@pytest.mark.parametrize("reported_at", [utc(2010, 3, 10), utc(2014, 1, 15), utc(2017, 3, 6), utc(2022, 3, 7)])
def test_updates_opt_out_gives_no_update_duty(codebook, calendar, reported_at) -> None:
    f = facts(reported_at, updates_opt_out=True, events=[event(1, "arrest", reported_at)])
    found = derive_obligations(f, codebook, calendar)
    assert updates(found) == []
    assert {o.rule for o in found} == {"vs_referral", "inform_arrest"}


def test_custom_period_in_days(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), update_every_days=28, contacts=[informed(1, utc(2024, 2, 1))])
    assert [(o.key, o.due, o.state) for o in chain(codebook, calendar, f)] == [
        ("update:1", D(2024, 2, 7), ObligationState.MET),
        ("update:2", D(2024, 2, 29), ObligationState.PENDING),
    ]


def test_custom_period_in_months(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 31), update_every_months=2, contacts=[informed(1, utc(2024, 3, 31, 12))])
    assert [(o.key, o.due, o.state) for o in chain(codebook, calendar, f)] == [
        ("update:1", D(2024, 3, 31), ObligationState.MET),
        ("update:2", D(2024, 5, 31), ObligationState.PENDING),
    ]


def test_waived_update_restarts_the_period_from_the_waiver(codebook, calendar) -> None:
    w = waiver(4, "update:1", utc(2024, 2, 15), reason="Victim in hospital")
    u = chain(codebook, calendar, facts(utc(2024, 1, 10), waivers=[w]))
    assert [(o.key, o.due, o.state) for o in u] == [
        ("update:1", D(2024, 2, 10), ObligationState.WAIVED),
        ("update:2", D(2024, 3, 15), ObligationState.PENDING),
    ]
    assert (u[0].waiver_reason, u[0].waived_by, u[0].waiver_id) == ("Victim in hospital", "PC 1234", 4)
    assert u[0].status(D(2024, 3, 1)) is Status.WAIVED


def test_contact_before_the_update_waiver_wins(codebook, calendar) -> None:
    f = facts(
        utc(2024, 1, 10), contacts=[informed(1, utc(2024, 2, 1))], waivers=[waiver(4, "update:1", utc(2024, 2, 15))]
    )
    u = chain(codebook, calendar, f)
    assert [(o.key, o.state) for o in u] == [("update:1", ObligationState.MET), ("update:2", ObligationState.PENDING)]
    assert u[1].due == D(2024, 3, 1)


def test_update_chain_crosses_into_the_next_edition(codebook, calendar) -> None:
    f = facts(utc(2021, 3, 15), contacts=[informed(1, utc(2021, 4, 10))])
    u = chain(codebook, calendar, f)
    assert [(o.key, o.edition, o.due) for o in u] == [
        ("update:1", "2015", D(2021, 4, 15)),
        ("update:2", "2021", D(2021, 5, 10)),
    ]


def test_pending_update_is_open_until_its_due_date(codebook, calendar) -> None:
    [first] = chain(codebook, calendar, facts(utc(2024, 1, 31)))
    assert first.status(D(2024, 2, 29)) is Status.OPEN
    assert first.status(D(2024, 3, 1)) is Status.OVERDUE


def test_as_of_truncates_the_chain(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), contacts=[informed(1, utc(2024, 2, 5)), informed(2, utc(2024, 3, 1))])
    assert [(o.key, o.state) for o in chain(codebook, calendar, f, as_of=D(2024, 2, 4))] == [
        ("update:1", ObligationState.PENDING)
    ]
    assert [(o.key, o.state, o.due) for o in chain(codebook, calendar, f, as_of=D(2024, 2, 5))] == [
        ("update:1", ObligationState.MET, D(2024, 2, 10)),
        ("update:2", ObligationState.PENDING, D(2024, 3, 5)),
    ]


def test_long_running_case_makes_a_finite_chain(codebook, calendar) -> None:
    contacts = [informed(i, utc(2010 + i // 12, i % 12 + 1, 5)) for i in range(60)]
    u = chain(codebook, calendar, facts(utc(2009, 12, 20), contacts=contacts))
    assert len(u) == 61
    assert u[-1].state is ObligationState.PENDING
    assert all(o.state is ObligationState.MET and not o.late for o in u[:-1])


def test_contact_at_the_report_instant_meets_the_first_update(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10), contacts=[informed(1, utc(2024, 1, 10))])
    u = chain(codebook, calendar, f)
    assert [(o.key, o.state, o.due) for o in u] == [
        ("update:1", ObligationState.MET, D(2024, 2, 10)),
        ("update:2", ObligationState.PENDING, D(2024, 2, 10)),
    ]


def test_contact_before_the_report_does_not_meet_an_update(codebook, calendar) -> None:
    f = facts(utc(2024, 1, 10, 12), contacts=[informed(1, utc(2024, 1, 10, 11, 59))])
    [only] = chain(codebook, calendar, f)
    assert (only.key, only.state) == ("update:1", ObligationState.PENDING)


# --- contact contracts: dated, never re-timing updates already made ---------------------------

def contract(id_: int, at, every_days=None, every_months=None, opt_out=False):
    from vicman.domain import ContractFact

    return ContractFact(id=id_, at=at, every_days=every_days, every_months=every_months, updates_opt_out=opt_out)


def test_contract_restarts_the_outstanding_update_from_its_date(codebook, calendar) -> None:
    # Reported Mon 02/03/2026; fortnightly updates agreed Wed 04/03: the first update is due 18/03.
    f = facts(utc(2026, 3, 2), contracts=(contract(1, utc(2026, 3, 4), every_days=14),))
    (first,) = chain(codebook, calendar, f)
    assert (first.trigger_date, first.due) == (date(2026, 3, 4), date(2026, 3, 18))


def test_contract_leaves_updates_already_met_alone(codebook, calendar) -> None:
    # Update 1 met on 20/03 on the monthly default; fortnightly agreed on 25/03 restarts update 2.
    f = facts(
        utc(2026, 3, 2),
        contacts=(informed(1, utc(2026, 3, 20)),),
        contracts=(contract(1, utc(2026, 3, 25), every_days=14),),
    )
    first, second = chain(codebook, calendar, f)
    assert (first.due, first.state, first.late) == (date(2026, 4, 2), ObligationState.MET, False)
    assert (second.trigger_date, second.due) == (date(2026, 3, 25), date(2026, 4, 8))


def test_contract_period_carries_on_after_each_meeting_contact(codebook, calendar) -> None:
    f = facts(
        utc(2026, 3, 2),
        contacts=(informed(1, utc(2026, 3, 10)),),
        contracts=(contract(1, utc(2026, 3, 3), every_days=7),),
    )
    first, second = chain(codebook, calendar, f)
    assert first.due == date(2026, 3, 10) and first.state is ObligationState.MET
    assert (second.trigger_date, second.due) == (date(2026, 3, 10), date(2026, 3, 17))


def test_contract_opting_out_stops_updates_from_then(codebook, calendar) -> None:
    f = facts(
        utc(2026, 3, 2),
        contacts=(informed(1, utc(2026, 3, 20)),),
        contracts=(contract(1, utc(2026, 3, 25), opt_out=True),),
    )
    (first,) = chain(codebook, calendar, f)
    assert first.state is ObligationState.MET


def test_contract_agreed_after_as_of_is_not_known_yet(codebook, calendar) -> None:
    f = facts(utc(2026, 3, 2), contracts=(contract(1, utc(2026, 3, 20), every_days=7),))
    (first,) = chain(codebook, calendar, f, as_of=date(2026, 3, 10))
    assert first.due == date(2026, 4, 2) and first.status(date(2026, 3, 10)) is Status.OPEN
