"""Digests for the tamper-evident audit trail: of an entry's stored values, and of one link of the chain.

The canonical form is part of the file format: a database written today must verify in ten years.
Change it only with a new `HASH_VERSION` and a migration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table

HASH_VERSION = 1
GENESIS = "0" * 64
"""The `prev_hash` of the first audit record."""

CHAIN_FIELDS = (
    "seq",
    "ts",
    "actor",
    "role",
    "workstation",
    "action",
    "object_type",
    "object_id",
    "detail",
    "reason_code",
    "reason_text",
    "recipients",
    "entry_hash",
)
"""The audit record's fields its hash covers (with `prev_hash`); `id` is the database's, not the chain's."""

HASHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "contact_entry": (
        "id", "link_id", "at", "method", "outcome", "note", "on_behalf_of_id", "not_meeting",
        "recorded_at", "recorded_by", "corrects_id", "retracted", "correction_reason",
    ),
    "event": ("id", "crime_id", "type", "at", "note", "recorded_at", "recorded_by", "corrects_id", "retracted",
              "correction_reason"),
    "referral": ("id", "link_id", "at", "service", "consent", "note", "recorded_at", "recorded_by", "corrects_id",
                 "retracted", "correction_reason"),
    "waiver": ("id", "link_id", "obligation_key", "rule", "reason", "at", "recorded_at", "recorded_by",
               "corrects_id", "retracted", "correction_reason"),
    "needs_assessment": (
        "id", "link_id", "at", "mental_disorder", "impaired_intelligence", "physical_disability",
        "fear_or_distress", "repeatedly_targeted", "needs", "recorded_at", "recorded_by", "corrects_id",
        "retracted", "correction_reason",
    ),
    "contact_contract": (
        "id", "link_id", "at", "every_days", "every_months", "updates_opt_out", "method", "safe_times",
        "may_leave_messages", "vps_offered", "vps_answer", "notes", "recorded_at", "recorded_by", "corrects_id",
        "retracted", "correction_reason",
    ),
    "certification": ("id", "link_id", "at", "by", "duties", "note"),
    "satisfaction_survey": (
        "id", "link_id", "at", "method", "overall", "kept_informed", "treatment", "ease_of_contact", "comments",
        "recorded_at", "recorded_by", "corrects_id", "retracted", "correction_reason",
    ),
}  # fmt: skip
"""The columns each entry's digest covers, fixed here so that adding a column later does not change
every stored digest: a new column joins its table's tuple only with a new HASH_VERSION."""

_MISSING = object()


def canonical(value: Any) -> Any:
    """A stored value in a form that survives SQLite and PostgreSQL alike."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a hashed value")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_digest(table: Table, values: Mapping[str, Any]) -> str:
    """The digest of one row of `table` from its column values (absent ones take the column default).

    Naive datetimes are read as UTC: every instant vicman stores is UTC.
    """
    row: dict[str, Any] = {}
    for name in HASHED_COLUMNS[table.name]:
        value = values.get(name, _MISSING)
        if value is _MISSING:
            default = table.columns[name].default
            value = getattr(default, "arg", None) if default is not None and default.is_scalar else None
        elif isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # SQLite hands back naive UTC through reflected tables
        row[name] = canonical(value)
    return _digest({"v": HASH_VERSION, "table": table.name, "row": row})


def link_digest(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash of one audit record: covers the previous record's hash and every chained field."""
    payload = {name: canonical(fields.get(name)) for name in CHAIN_FIELDS}
    return _digest({"v": HASH_VERSION, "prev": prev_hash, "record": payload})
