"""The Victims' Code engine: pure functions over plain data. No clock, no database, no Qt."""

from vicman.rules.calendar import WorkingCalendar
from vicman.rules.code import CodeBook, Edition, Rule, load_codebook
from vicman.rules.derive import derive_obligations
from vicman.rules.localtime import LONDON, local_date, to_utc

__all__ = [
    "LONDON",
    "CodeBook",
    "Edition",
    "Rule",
    "WorkingCalendar",
    "derive_obligations",
    "load_codebook",
    "local_date",
    "to_utc",
]
