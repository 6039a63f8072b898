"""Properties of WorkingCalendar.add_working_days over 2006-2035 (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from vicman.rules import WorkingCalendar

CAL = WorkingCalendar()
CLOSED = WorkingCalendar(extra_closures=[date(2024, 1, 16), date(2024, 12, 24), date(2030, 6, 3)])

days = st.dates(min_value=date(2006, 1, 1), max_value=date(2035, 10, 31))
small = st.integers(min_value=0, max_value=40)
positive = st.integers(min_value=1, max_value=40)
working_days = days.filter(CAL.is_working_day)

PROPS = settings(max_examples=150, deadline=None)


@PROPS
@given(days, positive)
def test_result_is_a_working_day(d: date, n: int) -> None:
    assert CAL.is_working_day(CAL.add_working_days(d, n))


@PROPS
@given(days, positive)
def test_result_is_strictly_after_start(d: date, n: int) -> None:
    assert CAL.add_working_days(d, n) > d


@PROPS
@given(days)
def test_zero_is_identity(d: date) -> None:
    assert CAL.add_working_days(d, 0) == d


@PROPS
@given(working_days, small, small)
def test_additive_from_a_working_day(d: date, n: int, m: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(d, n), m) == CAL.add_working_days(d, n + m)


@PROPS
@given(days, positive, small)
def test_additive_from_any_day_once_past_the_start(d: date, n: int, m: int) -> None:
    # add(d, n) with n >= 1 is a working day, so stepping on from it composes.
    assert CAL.add_working_days(CAL.add_working_days(d, n), m) == CAL.add_working_days(d, n + m)


@PROPS
@given(days, small)
def test_working_days_between_inverts_add(d: date, n: int) -> None:
    assert CAL.working_days_between(d, CAL.add_working_days(d, n)) == n


@PROPS
@given(days, positive)
def test_result_is_the_nth_working_day(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    # exactly n-1 working days strictly between d and the result
    between = [d + timedelta(k) for k in range(1, (result - d).days)]
    assert sum(CAL.is_working_day(x) for x in between) == n - 1


@PROPS
@given(days, small, small)
def test_strictly_monotonic_in_n(d: date, n: int, m: int) -> None:
    if n < m:
        assert CAL.add_working_days(d, n) < CAL.add_working_days(d, m)
    elif n == m:
        assert CAL.add_working_days(d, n) == CAL.add_working_days(d, m)


@PROPS
@given(days, days, small)
def test_monotonic_in_start(d1: date, d2: date, n: int) -> None:
    if d1 <= d2:
        assert CAL.add_working_days(d1, n) <= CAL.add_working_days(d2, n)


@PROPS
@given(days, positive)
def test_bounds(d: date, n: int) -> None:
    # Upper: weekends take 2 of every 7 days and E&W never has more than 6 weekday holidays in
    # 90 days (3 in any 12), so 2n + 10 calendar days always hold n working days.
    # Lower: n distinct weekdays span at least floor((n - 1) / 5) whole weekends.
    span = (CAL.add_working_days(d, n) - d).days
    assert n + 2 * ((n - 1) // 5) <= span <= 2 * n + 10


@PROPS
@given(days)
def test_weekends_never_work(d: date) -> None:
    if d.weekday() >= 5:
        assert not CAL.is_working_day(d)


@PROPS
@given(days, positive)
def test_closures_only_push_later_and_are_skipped(d: date, n: int) -> None:
    closed = CLOSED.add_working_days(d, n)
    assert closed >= CAL.add_working_days(d, n)
    assert closed not in CLOSED.extra_closures
    assert CLOSED.is_working_day(closed)
