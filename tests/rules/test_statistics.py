"""Confidence intervals and the significance test against published values, and their properties.

Published values (Newcombe 1998):
- Wilson score interval (Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med
  17:857-872, Table I): 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605; 0/20 -> 0 to 0.1611;
  1/29 -> 0.0061 to 0.1718.
- Newcombe's hybrid score interval for a difference (method 10 of "Interval estimation for the difference
  between independent proportions", Stat Med 17:873-890, Table II): 56/70 - 48/80 -> +0.0524 to +0.3339;
  9/10 - 3/10 -> +0.1705 to +0.8090; 6/7 - 2/7 -> +0.0582 to +0.8062; 5/56 - 0/29 -> -0.0381 to +0.1926.
  (Example (a)'s difference is 0.8000 - 0.6000 = 0.2000.)

The z-test, worked by hand for 56/70 against 48/80: pooled p = 104/150 = 0.693333; SE = sqrt(0.693333 x
0.306667 x (1/70 + 1/80)) = sqrt(0.0056953) = 0.075467; z = 0.2 / 0.075467 = 2.6502; two-sided
p = erfc(2.6502 / sqrt 2) = 0.00805.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vicman.rules import statistics


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombe_table_i(x: int, n: int, low: float, high: float) -> None:
    found = statistics.wilson_interval(x, n)
    assert found is not None
    assert (round(found.low, 4), round(found.high, 4)) == (low, high)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_newcombe_hybrid_interval_matches_table_ii(x1: int, n1: int, x2: int, n2: int, low: float, high: float) -> None:
    found = statistics.newcombe_interval(x1, n1, x2, n2)
    assert found is not None
    assert (round(found.low, 4), round(found.high, 4)) == (low, high)


def test_z_test_worked_by_hand() -> None:
    result = statistics.two_proportion_z_test(56, 70, 48, 80)
    assert result is not None
    z, p = result
    assert round(z, 4) == 2.6502
    assert round(p, 5) == 0.00805
    compared = statistics.compare(56, 70, 48, 80)
    assert compared.significant is True and not compared.too_small
    assert compared.difference == pytest.approx(0.2)


def test_equal_proportions_are_not_significant() -> None:
    compared = statistics.compare(40, 80, 20, 40)
    assert compared.p_value == pytest.approx(1.0)
    assert compared.significant is False


def test_too_small_to_test() -> None:
    assert statistics.compare(9, 10, 3, 10).significant is None  # fewer than 30 answers
    assert statistics.too_small_to_test(29, 30, 30, 30)  # 59 of 60 satisfied: 0.5 dissatisfied expected per group
    assert not statistics.too_small_to_test(20, 40, 15, 40)
    empty = statistics.compare(0, 0, 5, 40)
    assert (empty.difference, empty.ci, empty.significant) == (None, None, None)
    assert statistics.two_proportion_z_test(30, 30, 40, 40) is None  # no variation at all


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        statistics.wilson_interval(5, 4)
    with pytest.raises(ValueError):
        statistics.wilson_interval(-1, 4)


counts = st.integers(min_value=1, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts)
def test_wilson_interval_contains_the_estimate_within_0_1(pair: tuple[int, int]) -> None:
    x, n = pair
    found = statistics.wilson_interval(x, n)
    assert found is not None
    assert 0.0 <= found.low <= x / n <= found.high <= 1.0


@given(st.integers(1, 200), st.floats(0.0, 1.0))
def test_wilson_interval_narrows_with_n(n: int, share: float) -> None:
    x = round(share * n)
    small = statistics.wilson_interval(x, n)
    large = statistics.wilson_interval(4 * x, 4 * n)
    assert small is not None and large is not None
    assert large.high - large.low < small.high - small.low


@given(counts, counts)
def test_newcombe_interval_contains_the_difference_within_minus_1_1(a: tuple[int, int], b: tuple[int, int]) -> None:
    (x1, n1), (x2, n2) = a, b
    found = statistics.newcombe_interval(x1, n1, x2, n2)
    assert found is not None
    assert -1.0 <= found.low <= x1 / n1 - x2 / n2 <= found.high <= 1.0


@given(counts, counts)
def test_p_value_is_a_probability(a: tuple[int, int], b: tuple[int, int]) -> None:
    result = statistics.two_proportion_z_test(*a, *b)
    if result is not None:
        assert 0.0 <= result[1] <= 1.0
