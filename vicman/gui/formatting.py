"""How values read on screen: UK dates, Europe/London times, plain words for codes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from vicman.rules.localtime import LONDON

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
QT_DATETIME_FORMAT = "dd/MM/yyyy HH:mm"

METHOD_LABELS = {
    "phone": "Phone",
    "visit": "Visit",
    "email": "Email",
    "letter": "Letter",
    "sms": "Text message",
}

OUTCOME_LABELS = {
    "informed": "Spoke to the victim (they were told)",
    "no_contact": "Tried, but could not reach them",
}


def uk_date(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def local_datetime(value: datetime) -> datetime:
    """An instant as Europe/London wall-clock time (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LONDON)


def uk_datetime(value: datetime | None) -> str:
    return local_datetime(value).strftime(DATETIME_FORMAT) if value else ""


def method_label(value: str | None) -> str:
    if not value:
        return ""
    return METHOD_LABELS.get(value, value.replace("_", " ").capitalize())


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
