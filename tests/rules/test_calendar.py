"""Working days in England and Wales (DESIGN.md section 4, "Working day").

Every expected date below was worked out by hand from a printed calendar and the published list
of England and Wales bank holidays, not from the code under test.
"""

from __future__ import annotations

from datetime import date

import pytest

from vicman.rules import WorkingCalendar

D = date


# (start, n, expected, why)
CASES = [
    # --- ordinary weeks ------------------------------------------------------------------
    (D(2024, 1, 15), 1, D(2024, 1, 16), "Mon +1 -> Tue"),
    (D(2024, 1, 15), 5, D(2024, 1, 22), "Mon +5 -> next Mon"),
    (D(2024, 1, 19), 1, D(2024, 1, 22), "Fri +1 -> Mon"),
    (D(2024, 1, 18), 2, D(2024, 1, 22), "Thu +2 -> Mon"),
    (D(2024, 1, 15), 10, D(2024, 1, 29), "two weeks"),
    # --- start day never counts, working or not ------------------------------------------
    (D(2024, 1, 13), 1, D(2024, 1, 15), "start Saturday -> Mon"),
    (D(2024, 1, 14), 1, D(2024, 1, 15), "start Sunday -> Mon"),
    (D(2024, 1, 13), 5, D(2024, 1, 19), "start Saturday +5 -> Fri"),
    (D(2024, 1, 14), 2, D(2024, 1, 16), "start Sunday +2 -> Tue"),
    (D(2022, 1, 3), 1, D(2022, 1, 4), "start on New Year substitute (bank holiday) -> Tue"),
    (D(2024, 3, 29), 1, D(2024, 4, 2), "start on Good Friday -> skip Easter Monday -> Tue"),
    (D(2022, 9, 19), 1, D(2022, 9, 20), "start on state funeral day -> Tue"),
    # --- New Year's Day and its substitutes ----------------------------------------------
    (D(2021, 12, 31), 1, D(2022, 1, 4), "1 Jan 2022 Sat -> Mon 3 Jan substitute"),
    (D(2022, 12, 30), 1, D(2023, 1, 3), "1 Jan 2023 Sun -> Mon 2 Jan substitute"),
    (D(2023, 1, 2), 1, D(2023, 1, 3), "start on the 2023 New Year substitute"),
    (D(2024, 12, 31), 1, D(2025, 1, 2), "1 Jan 2025 (Wed) itself"),
    # --- Easter --------------------------------------------------------------------------
    (D(2024, 3, 28), 1, D(2024, 4, 2), "Thu before Easter 2024 -> Tue after"),
    (D(2024, 3, 28), 5, D(2024, 4, 8), "Easter 2024 +5"),
    (D(2023, 4, 6), 1, D(2023, 4, 11), "Easter 2023: GF 7 Apr, EM 10 Apr"),
    (D(2021, 4, 1), 1, D(2021, 4, 6), "Easter 2021: GF 2 Apr, EM 5 Apr"),
    # --- early May bank holiday ----------------------------------------------------------
    (D(2024, 5, 3), 1, D(2024, 5, 7), "early May 2024 (Mon 6)"),
    (D(2020, 5, 1), 1, D(2020, 5, 4), "2020-05-04 is a WORKING day (holiday moved to Fri 8)"),
    (D(2020, 5, 7), 1, D(2020, 5, 11), "2020-05-08 VE Day holiday"),
    (D(2020, 5, 1), 5, D(2020, 5, 11), "4,5,6,7,(8),11"),
    # --- spring bank holiday -------------------------------------------------------------
    (D(2024, 5, 24), 1, D(2024, 5, 28), "spring 2024 (Mon 27)"),
    (D(2022, 5, 27), 1, D(2022, 5, 30), "2022-05-30 is a WORKING day (spring BH moved to 2 Jun)"),
    (D(2022, 6, 1), 1, D(2022, 6, 6), "2022-06-02 moved spring BH + 2022-06-03 jubilee"),
    (D(2022, 5, 31), 5, D(2022, 6, 9), "1,(2,3),6,7,8,9 June 2022"),
    (D(2012, 6, 1), 1, D(2012, 6, 6), "2012-06-04 moved spring BH + 2012-06-05 jubilee"),
    (D(2012, 5, 25), 1, D(2012, 5, 28), "2012-05-28 is a WORKING day (spring BH moved to 4 Jun)"),
    # --- one-off days --------------------------------------------------------------------
    (D(2022, 9, 16), 1, D(2022, 9, 20), "2022-09-19 state funeral"),
    (D(2023, 5, 5), 1, D(2023, 5, 9), "2023-05-08 coronation"),
    (D(2023, 4, 28), 5, D(2023, 5, 9), "(1 May),2,3,4,5,(8 May),9"),
    # --- summer bank holiday -------------------------------------------------------------
    (D(2024, 8, 23), 1, D(2024, 8, 27), "summer 2024 (Mon 26 Aug)"),
    (D(2022, 8, 26), 1, D(2022, 8, 30), "summer 2022 (Mon 29 Aug)"),
    # --- Christmas and Boxing Day, with substitutes --------------------------------------
    (D(2021, 12, 24), 1, D(2021, 12, 29), "2021: Mon 27 (Christmas sub) + Tue 28 (Boxing sub)"),
    (D(2022, 12, 23), 1, D(2022, 12, 28), "2022: Mon 26 Boxing Day + Tue 27 (Christmas sub)"),
    (D(2020, 12, 24), 1, D(2020, 12, 29), "2020: Fri 25 + Mon 28 (Boxing sub)"),
    (D(2024, 12, 24), 1, D(2024, 12, 27), "2024: Wed 25, Thu 26"),
    (D(2024, 12, 23), 1, D(2024, 12, 24), "Christmas Eve is a working day"),
    (D(2015, 12, 24), 1, D(2015, 12, 29), "2015: Fri 25 + Mon 28 (Boxing sub)"),
    # --- long runs across Christmas and New Year -----------------------------------------
    (D(2021, 12, 24), 5, D(2022, 1, 5), "29,30,31,(3 Jan),4,5"),
    (D(2022, 12, 23), 5, D(2023, 1, 4), "28,29,30,(2 Jan),3,4"),
    (D(2020, 12, 24), 5, D(2021, 1, 5), "29,30,31,(1 Jan),4,5"),
    (D(2024, 12, 24), 5, D(2025, 1, 3), "27,30,31,(1 Jan),2,3"),
    (D(2021, 12, 20), 10, D(2022, 1, 6), "21,22,23,24,29,30,31,4,5,6"),
    (D(2021, 12, 25), 2, D(2021, 12, 30), "start Christmas Day (Sat) 2021 -> 29,30"),
]


@pytest.mark.parametrize(("start", "n", "expected", "why"), CASES, ids=[c[3] for c in CASES])
def test_add_working_days(calendar: WorkingCalendar, start: date, n: int, expected: date, why: str) -> None:
    assert calendar.add_working_days(start, n) == expected


# Every England and Wales bank holiday of 2020-2023 (gov.uk list), and days that look like one but are not.
BANK_HOLIDAYS = [
    D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25), D(2020, 8, 31),
    D(2020, 12, 25), D(2020, 12, 28),
    D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31), D(2021, 8, 30),
    D(2021, 12, 27), D(2021, 12, 28),
    D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2), D(2022, 6, 3),
    D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27),
    D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8), D(2023, 5, 29),
    D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26),
    D(2012, 6, 4), D(2012, 6, 5), D(2011, 4, 29),
    # substitutes in other years
    D(2009, 12, 28),                    # Boxing Day Sat 2009 -> Mon 28
    D(2010, 12, 27), D(2010, 12, 28),   # Christmas Sat, Boxing Sun
    D(2011, 1, 3),                      # New Year Sat -> Mon 3
    D(2011, 12, 26), D(2011, 12, 27),   # Boxing Mon; Christmas Sun -> Tue 27
    D(2016, 12, 26), D(2016, 12, 27),
    D(2017, 1, 2),                      # New Year Sun -> Mon 2
    D(2027, 12, 27), D(2027, 12, 28),
    D(2032, 12, 27), D(2032, 12, 28),
]

NOT_HOLIDAYS = [
    D(2020, 5, 4),    # early May BH moved away to Fri 8 May
    D(2022, 5, 30),   # spring BH moved away to Thu 2 June
    D(2012, 5, 28),   # spring BH moved away to Mon 4 June
    D(2024, 12, 24),  # Christmas Eve
    D(2024, 12, 31),  # New Year's Eve
    D(2021, 12, 29),  # first working day after the 2021 Christmas substitutes
    D(2022, 12, 28),
    D(2020, 12, 29),
    D(2023, 5, 9),
]


@pytest.mark.parametrize("day", BANK_HOLIDAYS, ids=str)
def test_bank_holidays_are_not_working_days(calendar: WorkingCalendar, day: date) -> None:
    assert day.weekday() < 5, "the table should only hold weekday holidays"
    assert not calendar.is_working_day(day)
    assert calendar.holiday_name(day)


@pytest.mark.parametrize("day", NOT_HOLIDAYS, ids=str)
def test_near_misses_are_working_days(calendar: WorkingCalendar, day: date) -> None:
    assert calendar.is_working_day(day)
    assert calendar.holiday_name(day) is None


@pytest.mark.parametrize("day", [D(2024, 1, 13), D(2024, 1, 14), D(2021, 12, 25), D(2021, 12, 26)], ids=str)
def test_weekends_are_not_working_days(calendar: WorkingCalendar, day: date) -> None:
    assert not calendar.is_working_day(day)


def test_zero_working_days_is_the_start_itself(calendar: WorkingCalendar) -> None:
    # A duty "at once" (0 working days) is due on its own date, whatever kind of day that is.
    assert calendar.add_working_days(D(2024, 1, 15), 0) == D(2024, 1, 15)
    assert calendar.add_working_days(D(2024, 1, 13), 0) == D(2024, 1, 13)


def test_negative_days_rejected(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2024, 1, 15), -1)


def test_next_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.next_working_day(D(2021, 12, 24)) == D(2021, 12, 29)
    assert calendar.next_working_day(D(2024, 1, 15)) == D(2024, 1, 16)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 1, 15), D(2024, 1, 15), 0),
        (D(2024, 1, 15), D(2024, 1, 22), 5),       # (15, 22]: 16,17,18,19,22
        (D(2024, 1, 13), D(2024, 1, 15), 1),       # Sat -> Mon
        (D(2021, 12, 24), D(2022, 1, 5), 5),       # across Christmas/New Year 2021
        (D(2022, 1, 5), D(2021, 12, 24), -5),      # reversed is negative
        (D(2022, 6, 1), D(2022, 6, 6), 1),         # 2,3 June 2022 holidays, 4,5 weekend
    ],
)
def test_working_days_between(calendar: WorkingCalendar, start: date, end: date, expected: int) -> None:
    assert calendar.working_days_between(start, end) == expected


# --- force closure days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closures", "start", "n", "expected"),
    [
        ([D(2024, 1, 16)], D(2024, 1, 15), 1, D(2024, 1, 17)),
        ([D(2024, 1, 16)], D(2024, 1, 15), 5, D(2024, 1, 23)),       # 17,18,19,22,23
        ([D(2024, 1, 16)], D(2024, 1, 16), 1, D(2024, 1, 17)),       # start on a closure day
        ([D(2024, 1, 16), D(2024, 1, 17)], D(2024, 1, 15), 1, D(2024, 1, 18)),
        ([D(2024, 1, 13)], D(2024, 1, 12), 1, D(2024, 1, 15)),       # closure on a Saturday changes nothing
        ([D(2021, 12, 29)], D(2021, 12, 24), 1, D(2021, 12, 30)),    # closure right after the Christmas run
        ([D(2021, 12, 29), D(2021, 12, 30), D(2021, 12, 31)], D(2021, 12, 24), 1, D(2022, 1, 4)),
        ([D(2024, 1, 22)], D(2024, 1, 15), 5, D(2024, 1, 23)),       # 16,17,18,19,(22),23
    ],
)
def test_force_closure_days(closures: list[date], start: date, n: int, expected: date) -> None:
    cal = WorkingCalendar(extra_closures=closures)
    assert cal.add_working_days(start, n) == expected


def test_force_closure_is_named_and_does_not_leak() -> None:
    closed = WorkingCalendar(extra_closures=[D(2024, 1, 16)])
    assert not closed.is_working_day(D(2024, 1, 16))
    assert closed.holiday_name(D(2024, 1, 16))
    assert closed.extra_closures == frozenset({D(2024, 1, 16)})
    # A separate calendar without the closure is unaffected (no shared state).
    plain = WorkingCalendar()
    assert plain.is_working_day(D(2024, 1, 16))
    assert plain.add_working_days(D(2024, 1, 15), 1) == D(2024, 1, 16)
