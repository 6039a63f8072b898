"""Property tests of the parsers that read what people and crime systems type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vicman.rules.localtime import LONDON, local_date
from vicman.services.parsing import (
    ParseError,
    fold,
    name_key,
    parse_bool,
    parse_date,
    parse_datetime,
    phone_key,
    surname_key,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
local_times = st.times().map(lambda t: t.replace(microsecond=0))


@given(dates)
def test_iso_and_uk_dates_agree(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year:04d}") == day


@given(dates, local_times)
@settings(max_examples=300, deadline=None)
def test_a_naive_datetime_is_london_wall_clock_time(day: date, moment: time) -> None:
    naive = datetime.combine(day, moment)
    parsed = parse_datetime(naive.isoformat())
    assert parsed.tzinfo is UTC
    assert parse_datetime(naive.strftime("%d/%m/%Y %H:%M:%S")) == parsed
    # Every wall-clock time maps to the same London date, except in the hour the clocks skip.
    if parsed.astimezone(LONDON).replace(tzinfo=None) == naive:
        assert local_date(parsed) == day


@given(dates)
def test_a_bare_date_is_local_midnight(day: date) -> None:
    assert local_date(parse_datetime(day.isoformat())) == day


@given(st.text(max_size=40))
@settings(max_examples=500, deadline=None)
def test_any_text_either_parses_or_raises_parse_error(text: str) -> None:
    for parse in (parse_date, parse_datetime, parse_bool):
        try:
            parse(text)
        except ParseError:
            pass


@pytest.mark.parametrize("text", ["2024-02-30", "31/04/2024", "2023-02-29", "29/02/2023 10:00", "2024-13-01T00:00"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ParseError, match="no such"):
        parse_datetime(text)


@given(st.from_regex(r"0\d{4} ?\d{6}", fullmatch=True))
def test_phone_numbers_match_however_they_are_written(number: str) -> None:
    digits = number.replace(" ", "")
    international = "+44 (0)" + digits[1:]
    assert phone_key(number) == phone_key(international) == phone_key("+44" + digits[1:]) == digits
    assert phone_key(phone_key(number)) == phone_key(number)


@given(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_search_keys_are_stable_and_prefix_friendly(name: str) -> None:
    assert fold(fold(name)) == fold(name)
    assert name_key(name) == name_key(f"  {name}  ")
    assert name_key(name).endswith(surname_key(name))
