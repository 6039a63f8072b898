"""Small helpers the generators share: weighted choice, plain ASCII, local times and UK dates."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TypeVar

from vicman.rules.localtime import local_date, to_utc

T = TypeVar("T")


def weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    return pairs[-1][0]


def ascii_lower(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def at_local(day: date, minutes: int) -> datetime:
    """The UTC instant of `minutes` past midnight, Europe/London, on `day`."""
    return to_utc(datetime.combine(day, time(minutes // 60, minutes % 60)))


def uk_date(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        moment = local_date(moment)
    return f"{moment:%d/%m/%Y}"


def lower_offence(offence: str) -> str:
    """The offence as it reads in a sentence: "Burglary - residential (dwelling)" becomes "burglary"."""
    text = re.sub(r"\s*\([^)]*\)", "", offence).split(" - ")[0].strip()
    return text[0].lower() + text[1:] if not text[:2].isupper() else text
