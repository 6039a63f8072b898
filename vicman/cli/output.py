"""Printing results: aligned tables for people, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from vicman.rules.localtime import LONDON


def local_iso(moment: datetime | None) -> str | None:
    """An instant as ISO 8601 in Europe/London time, with its offset."""
    return moment.astimezone(LONDON).isoformat() if moment else None


def uk_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def uk_datetime(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M") if moment else ""


def print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def stream_json_array(items: Iterable[Any], out: TextIO) -> None:
    """A JSON array written item by item, so a force-wide listing never sits in memory whole."""
    out.write("[")
    written = False
    for item in items:
        out.write(",\n  " if written else "\n  ")
        out.write(json.dumps(item, ensure_ascii=False))
        written = True
    out.write("\n]\n" if written else "]\n")


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO, empty: str = "Nothing to show."
) -> None:
    if not rows:
        out.write(empty + "\n")
        return
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        out.write("  ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip() + "\n")
        if index == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
