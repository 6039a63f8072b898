"""Parsing what people and crime systems type: dates, date-times, yes/no, references.

Naive date-times are Europe/London wall-clock time. Accepted forms: ISO 8601
(`2024-03-01`, `2024-03-01T14:30`, `2024-03-01 14:30:15`, with or without an offset) and the
UK forms crime systems export (`01/03/2024`, `01/03/2024 14:30`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from vicman.rules.localtime import to_utc

_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0", ""}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ParseError(ValueError):
    """The text is not a valid value; the message says what was expected."""


def parse_date(text: str) -> date:
    value = text.strip()
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ParseError(f"no such date: {value!r}") from None
    match = _UK_DATE.match(value)
    if match and match.group(4) is None:
        day, month, year = (int(g) for g in match.group(1, 2, 3))
        try:
            return date(year, month, day)
        except ValueError:
            raise ParseError(f"no such date: {value!r}") from None
    raise ParseError(f"not a date (expected YYYY-MM-DD or DD/MM/YYYY): {value!r}")


def parse_datetime(text: str) -> datetime:
    """An aware UTC instant from a date or date-time; a bare date means local midnight."""
    value = text.strip()
    if not value:
        raise ParseError("empty; expected a date or date-time")
    match = _UK_DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.group(1, 2, 3))
        hour, minute, second = (int(g) if g else 0 for g in match.group(4, 5, 6))
        try:
            local = datetime(year, month, day, hour, minute, second)
        except ValueError:
            raise ParseError(f"no such date or time: {value!r}") from None
        return to_utc(local)
    if _ISO_DATE.match(value):
        return to_utc(datetime.combine(parse_date(value), time()))
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", value):
        raise ParseError(f"not a date-time (expected YYYY-MM-DDTHH:MM or DD/MM/YYYY HH:MM): {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"no such date or time: {value!r}") from None
    return to_utc(moment)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ParseError(f"expected yes/no, true/false or 1/0, not {text.strip()!r}")


def check_email(text: str) -> str:
    value = text.strip()
    if not _EMAIL.match(value):
        raise ParseError(f"not an email address: {value!r}")
    return value


def phone_key(text: str) -> str:
    """Digits only, with a leading +44 turned into 0, so searches match however it was typed."""
    cleaned = text.replace("(0)", "")  # "+44 (0)7700 …": the bracketed trunk 0 is not dialled
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.strip().startswith("+44") and digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def fold(text: str) -> str:
    """Casefolded and NFC-normalised, so "Ŵ" typed as one character or as W + a combining
    circumflex compares equal."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def surname_key(name: str) -> str:
    """The casefolded surname (last word) of a name, for prefix search."""
    words = name.split()
    return fold(words[-1]) if words else ""


def name_key(name: str) -> str:
    """The whole name casefolded with single spaces, for prefix search from the first name."""
    return fold(" ".join(name.split()))


def ref_key(ref: str) -> str:
    return ref.strip().upper()
