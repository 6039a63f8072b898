"""Turning exceptions into words a user can act on. Anything unexpected is logged in full."""

from __future__ import annotations

import logging

from vicman.rules.code import CodeDataError
from vicman.services.errors import InvalidInput, ServiceError
from vicman.store import StoreError

log = logging.getLogger(__name__)

FIELD_LABELS = {
    "at": "The date and time",
    "method": "The contact method",
    "outcome": "The outcome",
    "note": "What was said",
    "search": "The search",
}


def describe_error(exc: BaseException) -> str:
    """One or two plain sentences for `exc`. Bugs are logged with their traceback and named as such."""
    if isinstance(exc, InvalidInput):
        label = FIELD_LABELS.get(exc.field or "", "")
        if label:
            return f"{label} {exc.reason}."
        return _sentence(str(exc))
    if isinstance(exc, ServiceError | StoreError | CodeDataError):
        return _sentence(str(exc))
    log.error("unexpected error", exc_info=exc)
    return (
        "Something went wrong that vicman did not expect, so nothing more was done. "
        "Please try again; if it happens again, tell your system administrator."
    )


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "The request could not be carried out."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
