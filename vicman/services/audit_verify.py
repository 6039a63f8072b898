"""Verifying the tamper-evident audit trail, and anchoring its head in checkpoints.

`verify` streams the trail in `seq` order, a batch at a time (it never holds the trail in memory), and checks
that every record follows the one before it: `seq` counts on from 1 without gaps, `prev_hash` is the previous
record's `hash`, the `hash` recomputes from the record's fields, and the clock never runs backwards by more
than `CLOCK_SKEW`. Then it checks every entry (contact, event, referral, ...) against the audit record that
created it: each entry has exactly one record carrying its digest, the digest matches the entry as stored
now, and no record's digest points at an entry that is gone.

Someone who can write to the database file can rewrite the whole chain after a change; only a checkpoint
kept elsewhere (`checkpoint`, `write_checkpoint`) catches that, and a trail cut short after it. RELIABILITY.md
section 2.4.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Integer, Select, String, Table, func, select, type_coerce

from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.errors import ServiceError
from vicman.store import audit_chain
from vicman.store.hashing import CHAIN_FIELDS, GENESIS, HASH_VERSION, HASHED_COLUMNS, entry_digest, link_digest
from vicman.store.tables import AuditRow, core_table
from vicman.store.types import UTCDateTime

CHANGED = "changed"
INSERTED = "inserted"
DELETED = "deleted"
CHAIN_BROKEN = "chain-broken"
OUT_OF_ORDER = "out-of-order"
CHECKPOINT_MISMATCH = "checkpoint-mismatch"
TRUNCATED = "truncated"

CLOCK_SKEW = timedelta(minutes=5)
"""How far a record's time may fall behind an earlier record's: desktops' clocks differ a little."""
MAX_LISTED = 100
"""Problems kept in a report; all are counted."""
BATCH = 20_000

CHECKPOINT_FORMAT = "vicman-audit-checkpoint"
CHECKPOINT_VERSION = 1

ENTRY_NAMES = {
    "contact": "contact entry",
    "event": "event",
    "referral": "referral",
    "waiver": "waiver",
    "needs_assessment": "needs assessment",
    "contact_contract": "contact contract",
    "certification": "certification",
}

Progress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`: stage is "chain" (records) or an entry kind (entries of that kind)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: what (`kind`), where ("audit record seq 1234", "contact entry 56"), and a sentence."""

    kind: str
    where: str
    message: str
    seq: int | None = None
    object_type: str | None = None
    object_id: str | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The head of the trail at a moment: kept away from the database, it anchors everything before it."""

    seq: int
    hash: str
    at: datetime


@dataclass(frozen=True)
class VerifyReport:
    records: int
    entries_checked: int
    head: tuple[int, str]
    problems: tuple[Problem, ...]
    """The first `MAX_LISTED` problems, in the order found (the trail in seq order, then the entries)."""
    problem_count: int
    checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None


@dataclass
class _Problems:
    listed: list[Problem] = field(default_factory=list)
    count: int = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(problem)


def verify(ctx: ServiceContext, checkpoint: Checkpoint | None = None, progress: Progress | None = None) -> VerifyReport:
    """Check the whole audit trail, every entry against it, and the trail against `checkpoint` if given."""
    permissions.require(ctx, permissions.VERIFY_AUDIT, object_type="audit")
    problems = _Problems()
    with ctx.db.read() as session:
        connection = session.connection()
        records, head = _verify_chain(connection, checkpoint, problems, progress)
        entries = _verify_entries(connection, problems, progress)
    return VerifyReport(records, entries, head, tuple(problems.listed), problems.count, checkpoint)


# --- the chain ----------------------------------------------------------------------------------

_AUDIT = core_table(AuditRow)
_SELECT_CHAIN = select(
    *[
        type_coerce(_AUDIT.c.ts, String) if name == "ts" else _AUDIT.c[name]  # ts: the stored text on SQLite
        for name in CHAIN_FIELDS
    ],
    _AUDIT.c.prev_hash,
    _AUDIT.c.hash,
)
_FAST_CHAIN_FIELDS = (
    "seq", "ts", "actor", "role", "workstation", "action", "object_type", "object_id", "detail", "reason_code",
    "reason_text", "recipients", "entry_hash",
)  # fmt: skip
_FAST = HASH_VERSION == 1 and CHAIN_FIELDS == _FAST_CHAIN_FIELDS
"""The shortcuts below write hashing's canonical JSON by hand, for this version of it only."""


def _verify_chain(
    connection: Connection, checkpoint: Checkpoint | None, problems: _Problems, progress: Progress | None
) -> tuple[int, tuple[int, str]]:
    total = connection.execute(select(func.max(_AUDIT.c.seq))).scalar() or 0
    expected, previous, latest = 1, GENESIS, ""
    records, head = 0, (0, GENESIS)
    anchor_seen = False
    for batch in _chain_batches(connection):
        for row in batch:
            seq, ts_raw, prev_hash, stored = row[0], row[1], row[-2], row[-1]
            records += 1
            if type(ts_raw) is str and len(ts_raw) == 26 and ts_raw[10] == " ":
                ts = f"{ts_raw[:10]}T{ts_raw[11:]}Z"  # as UTCDateTime stores it on SQLite (see _ts_text)
            else:
                ts = _ts_text(ts_raw)
            in_sequence = seq == expected
            if seq > expected:
                missing = (
                    f"audit record seq {expected} is missing"
                    if seq == expected + 1
                    else f"audit record seq {expected} to seq {seq - 1} are missing"
                )
                problems.add(
                    Problem(DELETED, f"audit record seq {expected}", f"{missing}: deleted from the trail", seq=expected)
                )
            elif seq < expected:
                problems.add(
                    Problem(
                        CHAIN_BROKEN,
                        f"audit record seq {seq}",
                        f"audit record seq {seq} is out of sequence after seq {expected - 1}",
                        seq=seq,
                    )
                )
            if not _hash_matches(row, ts, stored):
                problems.add(
                    Problem(
                        CHANGED,
                        f"audit record seq {seq}",
                        f"audit record seq {seq} has been altered: its contents no longer match its hash",
                        seq=seq,
                    )
                )
            elif in_sequence and prev_hash != previous:
                problems.add(
                    Problem(
                        CHAIN_BROKEN,
                        f"audit record seq {seq}",
                        f"audit record seq {seq} does not follow seq {seq - 1}: the chain is broken there "
                        "(a record removed, inserted or reordered)",
                        seq=seq,
                    )
                )
            if ts < latest and _behind(ts, latest):
                problems.add(
                    Problem(
                        OUT_OF_ORDER,
                        f"audit record seq {seq}",
                        f"audit record seq {seq} is dated {ts}, more than {_minutes(CLOCK_SKEW)} before an earlier "
                        f"record ({latest})",
                        seq=seq,
                    )
                )
            if ts > latest:
                latest = ts
            if checkpoint is not None and seq == checkpoint.seq:
                anchor_seen = True
                if stored != checkpoint.hash:
                    problems.add(_anchor_mismatch(checkpoint, f"its hash is {stored[:12]}…"))
            expected, previous, head = seq + 1, stored, (seq, stored)
        if progress is not None:
            progress("chain", records, max(total, records))
    if checkpoint is not None and checkpoint.seq == 0 and checkpoint.hash != GENESIS:
        problems.add(_anchor_mismatch(checkpoint, "an empty trail has no other hash"))
    if checkpoint is not None and checkpoint.seq > 0 and not anchor_seen:
        if head[0] < checkpoint.seq:
            cut = checkpoint.seq - head[0]
            problems.add(
                Problem(
                    TRUNCATED,
                    f"audit record seq {head[0] + 1}",
                    f"audit record seq {head[0] + 1} onwards are missing: the trail ends at seq {head[0]} but the "
                    f"checkpoint of {_when(checkpoint)} anchors seq {checkpoint.seq} (the last {cut:,} "
                    f"record{'s' if cut != 1 else ''} or more have been cut off)",
                    seq=head[0] + 1,
                )
            )
        else:
            problems.add(_anchor_mismatch(checkpoint, "that record is missing"))
    return records, head


def _anchor_mismatch(checkpoint: Checkpoint, why: str) -> Problem:
    return Problem(
        CHECKPOINT_MISMATCH,
        f"audit record seq {checkpoint.seq}",
        f"audit record seq {checkpoint.seq} does not match the checkpoint of {_when(checkpoint)} "
        f"(hash {checkpoint.hash[:12]}…): {why}; the trail up to there has been rewritten",
        seq=checkpoint.seq,
    )


def _chain_batches(connection: Connection) -> Iterator[Sequence[Any]]:
    """The trail in seq order, `BATCH` records at a time (keyset pagination: no long-lived cursor)."""
    last: int | None = None
    while True:
        query = _SELECT_CHAIN.order_by(_AUDIT.c.seq).limit(BATCH)
        if last is not None:
            query = query.where(_AUDIT.c.seq > last)
        batch = connection.execute(query).all()
        if not batch:
            return
        yield batch
        last = batch[-1][0]
        if len(batch) < BATCH:
            return


def _ts_text(value: Any) -> str:
    """A stored instant in `hashing.canonical` form."""
    if isinstance(value, str) and len(value) == 26 and value[10] == " ":
        return f"{value[:10]}T{value[11:]}Z"  # SQLite, as UTCDateTime stores it: "2026-11-26 09:00:00.000000"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def _parse_ts(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)
    except ValueError:
        return None


def _behind(ts: str, latest: str) -> bool:
    moment, newest = _parse_ts(ts), _parse_ts(latest)
    return moment is None or newest is None or moment < newest - CLOCK_SKEW


def _fast_link_digest(row: Sequence[Any], ts: str) -> str:
    """`hashing.link_digest` of a record read as text, without building dicts or running the JSON encoder.

    The same bytes as the reference for every value a record stores; anything it gets wrong only sends the
    record to the reference (see `_hash_matches`), so it can never hide a change.
    """
    seq, _, actor, role, workstation, action, object_type, object_id, detail, code, why, to, entry, prev, _ = row
    q = encode_basestring  # JSON string literal, as json.dumps(ensure_ascii=False) writes it
    text = (
        f'{{"prev":{"null" if prev is None else q(prev)},"record":{{"action":{q(action)},"actor":{q(actor)},'
        f'"detail":{"null" if detail is None else q(detail)},"entry_hash":{"null" if entry is None else q(entry)},'
        f'"object_id":{q(object_id)},"object_type":{q(object_type)},'
        f'"reason_code":{"null" if code is None else q(code)},"reason_text":{"null" if why is None else q(why)},'
        f'"recipients":{"null" if to is None else q(to)},"role":{"null" if role is None else q(role)},'
        f'"seq":{int(seq)},"ts":"{ts}","workstation":{q(workstation)}}},"v":1}}'
    )
    return sha256(text.encode("utf-8")).hexdigest()


def _hash_matches(row: Sequence[Any], ts: str, stored: str) -> bool:
    if _FAST:
        try:
            if _fast_link_digest(row, ts) == stored:
                return True
        except (TypeError, ValueError):
            pass
    fields = dict(zip(CHAIN_FIELDS, row, strict=False))
    fields["ts"] = _parse_ts(ts) or ts
    try:
        return link_digest(row[-2], fields) == stored
    except (TypeError, ValueError):
        return False


# --- entries against their audit records --------------------------------------------------------


def _verify_entries(connection: Connection, problems: _Problems, progress: Progress | None) -> int:
    checked = 0
    for object_type, row_class in audit.ENTRY_TABLES.items():
        checked += _verify_entry_table(connection, object_type, row_class, problems, progress)
    return checked


def _verify_entry_table(
    connection: Connection, object_type: str, row_class: Any, problems: _Problems, progress: Progress | None
) -> int:
    """A merge join of the entries (by id) with the audit records carrying their digests (by object id)."""
    plan = _plan(core_table(row_class))
    name = ENTRY_NAMES.get(object_type, object_type.replace("_", " "))
    total = connection.execute(select(func.count()).select_from(plan.table)).scalar() or 0
    records = _entry_records(connection, object_type, name, problems)
    pending = next(records, None)
    checked = 0
    for batch in _entry_batches(connection, plan):
        for row in batch:
            entry_id = row[0]
            checked += 1
            while pending is not None and pending[0] < entry_id:
                _gone(problems, object_type, name, pending)
                pending = next(records, None)
            mine = []
            while pending is not None and pending[0] == entry_id:
                mine.append(pending)
                pending = next(records, None)
            where = f"{name} {entry_id}"
            if not mine:
                problems.add(
                    Problem(
                        INSERTED,
                        where,
                        f"{where} has no audit record: it was added outside vicman",
                        object_type=object_type,
                        object_id=str(entry_id),
                    )
                )
                continue
            first = mine[0]
            for extra in mine[1:]:
                problems.add(
                    Problem(
                        INSERTED,
                        f"audit record seq {extra[2]}",
                        f"audit record seq {extra[2]} is a second record of the creation of {where} "
                        f"(the first is seq {first[2]})",
                        seq=extra[2],
                        object_type=object_type,
                        object_id=str(entry_id),
                    )
                )
            if not _entry_matches(connection, plan, row, first[1]):
                problems.add(
                    Problem(
                        CHANGED,
                        where,
                        f"{where} has been changed since audit record seq {first[2]} recorded it",
                        seq=first[2],
                        object_type=object_type,
                        object_id=str(entry_id),
                    )
                )
        if progress is not None:
            progress(object_type, checked, max(total, checked))
    while pending is not None:
        _gone(problems, object_type, name, pending)
        pending = next(records, None)
    records.close()
    return checked


def _gone(problems: _Problems, object_type: str, name: str, record: tuple[int, str, int]) -> None:
    entry_id, _digest, seq = record
    where = f"{name} {entry_id}"
    problems.add(
        Problem(
            DELETED,
            where,
            f"{where}, recorded by audit record seq {seq}, has been deleted",
            seq=seq,
            object_type=object_type,
            object_id=str(entry_id),
        )
    )


def _entry_records(
    connection: Connection, object_type: str, name: str, problems: _Problems
) -> Generator[tuple[int, str, int], None, None]:
    """`(entry id, digest, seq)` of the records carrying digests of `object_type` entries, by entry id.

    Object ids are text: sorted by length, then text, they come in numeric order (ids have no leading zeros),
    on SQLite and PostgreSQL alike. A record naming no possible entry is reported here.
    """
    text_order: Any = _AUDIT.c.object_id
    if connection.dialect.name == "postgresql":
        text_order = text_order.collate("C")  # byte order, as SQLite's BINARY, whatever the database's locale
    query = (
        select(_AUDIT.c.object_id, _AUDIT.c.entry_hash, _AUDIT.c.seq)
        .where(_AUDIT.c.object_type == object_type, _AUDIT.c.entry_hash.is_not(None))
        .order_by(func.length(_AUDIT.c.object_id), text_order, _AUDIT.c.seq)
    )
    result = connection.execute(query, execution_options={"yield_per": BATCH})
    last = 0
    try:
        for object_id, digest, seq in result:
            if not (object_id.isascii() and object_id.isdigit()) or str(int(object_id)) != object_id:
                problems.add(
                    Problem(
                        DELETED,
                        f"audit record seq {seq}",
                        f"audit record seq {seq} carries the digest of {name} {object_id!r}, which cannot exist",
                        seq=seq,
                        object_type=object_type,
                        object_id=object_id,
                    )
                )
                continue
            entry_id = int(object_id)
            if entry_id < last:  # the merge join would report nonsense: a bug, not tampering
                raise RuntimeError(
                    f"audit records of {name} entries did not come in id order ({entry_id} after {last})"
                )
            last = entry_id
            yield entry_id, digest, seq
    finally:
        result.close()


TEXT, INTEGER, BOOLEAN, INSTANT, OTHER = "text", "integer", "boolean", "instant", "other"


@dataclass(frozen=True)
class _EntryPlan:
    """How to check one entry table quickly: its hashed columns read raw (instants as stored text, booleans as
    0/1 on SQLite), in the order the digest's canonical JSON sorts them, so that the JSON can be written
    directly. Anything the shortcut does not recognise goes to the reference: the row read again typed
    (booleans and instants as Python values) and digested by `hashing.entry_digest`."""

    table: Table
    raw: Select[Any]
    typed: Select[Any]
    prefixes: tuple[str, ...]
    kinds: tuple[str, ...]
    head: str
    tail: str


def _kind(column: Column[Any]) -> str:
    if isinstance(column.type, UTCDateTime):
        return INSTANT
    if isinstance(column.type, Boolean):
        return BOOLEAN
    if isinstance(column.type, Integer):
        return INTEGER
    if isinstance(column.type, String):  # Text too
        return TEXT
    return OTHER


def _plan(table: Table) -> _EntryPlan:
    names = sorted(HASHED_COLUMNS[table.name])
    kinds = tuple(_kind(table.c[name]) for name in names)
    coerced: dict[str, Any] = {INSTANT: String(), BOOLEAN: Integer()}
    raw = [
        type_coerce(table.c[name], coerced[kind]) if kind in coerced else table.c[name]
        for name, kind in zip(names, kinds, strict=True)
    ]
    return _EntryPlan(
        table=table,
        raw=select(table.c.id, *raw),
        typed=select(*[table.c[name] for name in HASHED_COLUMNS[table.name]]),
        prefixes=tuple(f'"{name}":' for name in names),
        kinds=kinds,
        head='{"row":{',
        tail=f'}},"table":"{table.name}","v":1}}',
    )


def _entry_batches(connection: Connection, plan: _EntryPlan) -> Iterator[Sequence[Any]]:
    """`(id, *raw values)` of an entry table's rows by id, a batch at a time (keyset pagination)."""
    table = plan.table
    last: int | None = None
    while True:
        query = plan.raw.order_by(table.c.id).limit(BATCH)
        if last is not None:
            query = query.where(table.c.id > last)
        batch = connection.execute(query).all()
        if not batch:
            return
        yield batch
        last = batch[-1][0]
        if len(batch) < BATCH:
            return


def _instant_json(value: Any) -> str:
    if type(value) is str and len(value) == 26 and value[10] == " ":
        return f'"{value[:10]}T{value[11:]}Z"'  # "2026-11-26 09:00:00.000000", as UTCDateTime stores it
    if type(value) is datetime and value.tzinfo is not None:
        return f'"{value.astimezone(UTC).isoformat(timespec="microseconds")[:-6]}Z"'  # canonical()'s form
    raise ValueError(value)


def _raw_entry_digest(plan: _EntryPlan, row: Sequence[Any]) -> str:
    """`hashing.entry_digest` of a row read by `plan.raw`; raises for a value it does not recognise."""
    q = encode_basestring  # a JSON string literal, as json.dumps(ensure_ascii=False) writes it
    parts = []
    for prefix, kind, value in zip(plan.prefixes, plan.kinds, row[1:], strict=True):
        if value is None:
            parts.append(prefix + "null")
        elif kind is TEXT:
            parts.append(prefix + q(value))
        elif kind is INSTANT:
            parts.append(prefix + _instant_json(value))
        elif kind is INTEGER and type(value) is int:
            parts.append(prefix + str(value))
        elif kind is BOOLEAN and (value is True or value is False or (type(value) is int and value in (0, 1))):
            parts.append(prefix + ("true" if value else "false"))
        else:
            raise ValueError(value)
    text = plan.head + ",".join(parts) + plan.tail
    return sha256(text.encode("utf-8")).hexdigest()


def _entry_matches(connection: Connection, plan: _EntryPlan, row: Sequence[Any], digest: str) -> bool:
    if _FAST:
        try:
            if _raw_entry_digest(plan, row) == digest:
                return True
        except (TypeError, ValueError):
            pass
    typed = connection.execute(plan.typed.where(plan.table.c.id == row[0])).first()
    if typed is None:
        return False
    values = dict(zip(HASHED_COLUMNS[plan.table.name], typed, strict=True))
    try:
        return entry_digest(plan.table, values) == digest
    except (TypeError, ValueError):
        return False


# --- checkpoints --------------------------------------------------------------------------------


def checkpoint(ctx: ServiceContext) -> Checkpoint:
    """The trail's head now, to keep somewhere the database's writers cannot reach. Taking it is audited."""
    permissions.require(ctx, permissions.VERIFY_AUDIT, object_type="audit")
    with ctx.db.transaction() as session:
        seq, digest = audit_chain.chain_head(session)
        taken = Checkpoint(seq, digest, ctx.now())
        audit.record(ctx, session, audit.REVIEW, "audit", seq, {"checkpoint": digest})
    return taken


def write_checkpoint(path: str | Path, cp: Checkpoint) -> Path:
    """Save `cp` as a small JSON file (replacing any file there in one step)."""
    target = Path(path)
    document = {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "seq": cp.seq,
        "hash": cp.hash,
        "at": cp.at.astimezone(UTC).isoformat(),
    }
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")
        os.replace(temporary, target)
    except OSError as exc:
        raise ServiceError(f"cannot write the checkpoint file {target}: {exc.strerror or exc}") from exc
    return target


def read_checkpoint(path: str | Path) -> Checkpoint:
    """A checkpoint saved by `write_checkpoint`; anything else is refused, naming the file."""
    source = Path(path)
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ServiceError(f"cannot read the checkpoint file {source}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServiceError(f"{source} is not a vicman audit checkpoint (not JSON: {exc})") from exc
    if not isinstance(document, Mapping) or document.get("format") != CHECKPOINT_FORMAT:
        raise ServiceError(f"{source} is not a vicman audit checkpoint")
    version = document.get("version")
    if version != CHECKPOINT_VERSION:
        raise ServiceError(
            f"{source} is an audit checkpoint of version {version!r}; this vicman reads version {CHECKPOINT_VERSION}"
        )
    seq, digest, at = document.get("seq"), document.get("hash"), document.get("at")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise ServiceError(f"{source}: the checkpoint's seq must be a whole number, not {seq!r}")
    if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ServiceError(f"{source}: the checkpoint's hash must be 64 hexadecimal digits, not {digest!r}")
    try:
        moment = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ServiceError(f"{source}: the checkpoint's time must be an ISO 8601 instant with its offset, not {at!r}")
    return Checkpoint(seq, digest, moment.astimezone(UTC))


def _when(cp: Checkpoint) -> str:
    return cp.at.astimezone(UTC).strftime("%d/%m/%Y %H:%M UTC")


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
