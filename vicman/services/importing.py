"""Importing a crime-system extract (CSV): idempotent, all-or-nothing, streaming.

The file is read once, row by row. Each row is checked on its own and, if valid, staged in a
temporary table; checks across rows (duplicates, a crime or person described two ways) run in
SQL over the stage. Only a file with no problems is merged, in chunks, so memory stays flat
however large the file. Everything happens in one transaction: a rejected file changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from vicman.domain.enums import ContactMethod, CrimeKind, ExplicitReason, Role
from vicman.rules.localtime import local_date
from vicman.services import audit, permissions
from vicman.services.context import ServiceContext
from vicman.services.derivation import rederive_links
from vicman.services.errors import ImportRejected, InvalidInput
from vicman.services.parsing import (
    ParseError,
    check_email,
    name_key,
    parse_bool,
    parse_date,
    parse_datetime,
    phone_key,
    ref_key,
    surname_key,
)
from vicman.store.bulk import bulk_insert
from vicman.store.facts import links_of_crimes
from vicman.store.tables import CrimePersonRow, CrimeRow, DetailChangeRow, OfficerRow, PersonRow, core_table
from vicman.store.types import UTCDateTime

REQUIRED = (
    "crime_ref",
    "reported_at",
    "offence",
    "division",
    "oic_id",
    "oic_name",
    "oic_email",
    "victim_ref",
    "victim_name",
)
OPTIONAL = (
    "victim_dob",
    "victim_phone",
    "victim_email",
    "victim_address",
    "enhanced_reasons",
    "vs_opt_out",
    # Beyond the contract in DESIGN.md section 5; recognised when a crime system supplies them.
    "kind",
    "oic_team",
    "victim_role",
    "victim_language",
    "victim_interpreter",
    "victim_ethnicity",
    "victim_preferred_contact",
    "victim_safe_channel",
)
LIMITS = {
    "crime_ref": 64,
    "victim_ref": 64,
    "oic_id": 32,
    "division": 64,
    "offence": 300,
    "oic_name": 200,
    "victim_name": 200,
    "oic_email": 254,
    "victim_email": 254,
    "victim_phone": 40,
    "oic_team": 64,
    "victim_language": 64,
    "victim_ethnicity": 64,
    "victim_address": 2000,
}
CHUNK_ROWS = 2000
FUTURE_TOLERANCE = timedelta(minutes=10)
"""Clocks on different machines disagree a little; a report dated later than this is refused."""
MAX_PROBLEMS_SHOWN = 10000


@dataclass(frozen=True)
class ImportResult:
    file: str
    rows: int
    crimes_created: int
    crimes_updated: int
    people_created: int
    people_updated: int
    links_created: int
    links_updated: int
    officers_created: int
    officers_updated: int
    obligations_rederived: int

    @property
    def unchanged(self) -> bool:
        return not any(
            (
                self.crimes_created,
                self.crimes_updated,
                self.people_created,
                self.people_updated,
                self.links_created,
                self.links_updated,
                self.officers_created,
                self.officers_updated,
            )
        )


def _stage_table() -> Table:
    metadata = MetaData()
    return Table(
        "vicman_import_stage",
        metadata,
        Column("row_no", Integer, primary_key=True),
        Column("crime_ref", String(64)),
        Column("reported_at", UTCDateTime),
        Column("offence", String(300)),
        Column("division", String(64)),
        Column("kind", String(8)),
        Column("oic_id", String(32)),
        Column("oic_name", String(200)),
        Column("oic_email", String(254)),
        Column("oic_team", String(64)),
        Column("victim_ref", String(64)),
        Column("victim_name", String(200)),
        Column("victim_dob", Date),
        Column("victim_phone", String(40)),
        Column("victim_email", String(254)),
        Column("victim_address", Text),
        Column("enhanced_reasons", String(200)),
        Column("vs_opt_out", Boolean),
        Column("victim_role", String(24)),
        Column("victim_language", String(64)),
        Column("victim_interpreter", Boolean),
        Column("victim_ethnicity", String(64)),
        Column("victim_preferred_contact", String(8)),
        Column("victim_safe_channel", String(8)),
        prefixes=["TEMPORARY"],
    )


def import_crimes(ctx: ServiceContext, path: str | Path) -> ImportResult:
    path = Path(path)
    name = str(path)
    permissions.require(ctx, permissions.IMPORT_CRIMES, object_type="import", object_id=path.name)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read the file ({exc.strerror})", file=name) from exc
    with handle, ctx.db.transaction() as session:
        stage = _stage_table()
        stage.drop(session.connection(), checkfirst=True)
        stage.create(session.connection())
        try:
            rows, problems, present = _stage_rows(ctx, session, stage, name, handle)
            problems += _cross_row_problems(session, stage, name)
            if problems:
                raise ImportRejected(name, sorted(problems, key=lambda p: (p.row or 0, p.field or "")))
            result = _merge(ctx, session, stage, name, rows, present)
        finally:
            # A rejection rolls the transaction back, which drops the stage with it.
            if session.is_active and session.in_transaction():
                stage.drop(session.connection(), checkfirst=True)
    return result


# --- reading and checking rows ------------------------------------------------------------------


def _text_rows(handle: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, values) for each CSV record; the header is row 1, and a value spanning lines
    is still one row. Bytes that are not UTF-8 survive as surrogates, so the row that holds them
    can be named."""
    head = handle.read(3)
    if head != codecs.BOM_UTF8:
        handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    row_no = 0
    try:
        for record in reader:
            row_no += 1
            yield row_no, record
    except csv.Error as exc:
        raise InvalidInput(f"malformed CSV: {exc}", file=name, row=row_no + 1) from exc


def _not_utf8(value: str) -> bool:
    if value.isascii():
        return False
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _stage_rows(
    ctx: ServiceContext, session: Session, stage: Table, name: str, handle: Any
) -> tuple[int, list[InvalidInput], frozenset[str]]:
    """Check each row on its own and stage the valid ones. Returns the row count, the problems
    found and the columns the file has."""
    records = _text_rows(handle, name)
    try:
        _, header = next(records)
    except StopIteration:
        raise InvalidInput("the file is empty; expected a header row", file=name) from None
    if any(_not_utf8(h) for h in header):
        raise InvalidInput("the header is not UTF-8 text; save the file as UTF-8 (CSV UTF-8)", file=name, row=1)
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(f"the header lacks required column(s) {', '.join(missing)}", file=name, row=1)
    duplicates = sorted({c for c in columns if columns.count(c) > 1 and c in (*REQUIRED, *OPTIONAL)})
    if duplicates:
        raise InvalidInput(f"the header names column(s) {', '.join(duplicates)} twice", file=name, row=1)
    index = {c: columns.index(c) for c in (*REQUIRED, *OPTIONAL) if c in columns}
    problems: list[InvalidInput] = []
    batch: list[dict[str, Any]] = []
    count = 0
    latest = ctx.now() + FUTURE_TOLERANCE
    for row_no, record in records:
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        if len(record) > len(columns):
            problems.append(
                InvalidInput(
                    f"has {len(record)} values but the header has {len(columns)} columns", file=name, row=row_no
                )
            )
            continue
        raw = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        values, row_problems = _check_row(raw, name, row_no, latest)
        if row_problems:
            if len(problems) < MAX_PROBLEMS_SHOWN:
                problems.extend(row_problems)
            continue
        # Valid rows are staged even when others are not, so that duplicates and conflicts
        # among them are reported in the same run.
        batch.append(values | {"row_no": row_no})
        if len(batch) >= CHUNK_ROWS:
            bulk_insert(session, stage, batch)
            batch.clear()
    if count == 0:
        raise InvalidInput("the file has a header but no rows", file=name)
    if batch:
        bulk_insert(session, stage, batch)
    return count, problems, frozenset(index)


_WHITESPACE = re.compile(r"\s")
_EXPLICIT_REASONS = frozenset(ExplicitReason)
_CHOICES = (
    ("kind", frozenset(CrimeKind), CrimeKind.CRIME.value),
    ("victim_role", frozenset(Role), Role.VICTIM.value),
    ("victim_preferred_contact", frozenset(ContactMethod), None),
    ("victim_safe_channel", frozenset(ContactMethod), None),
)


def _check_row(raw: dict[str, str], name: str, row: int, latest: datetime) -> tuple[dict[str, Any], list[InvalidInput]]:
    problems: list[InvalidInput] = []

    def problem(field: str, reason: str) -> None:
        problems.append(InvalidInput(reason, file=name, row=row, field=field))

    for field, value in raw.items():
        if _not_utf8(value):
            problem(field, "holds bytes that are not UTF-8 text; save the file as UTF-8 (CSV UTF-8)")
            raw[field] = ""
    for field in REQUIRED:
        if not raw.get(field) and not any(p.field == field for p in problems):
            problem(field, "is required but empty")
    for field, limit in LIMITS.items():
        if len(raw.get(field, "")) > limit:
            problem(field, f"is longer than {limit} characters")
    for field in ("crime_ref", "victim_ref", "oic_id"):
        value = raw.get(field, "")
        if value and (not value.isprintable() or _WHITESPACE.search(value)):
            problem(field, f"must not contain spaces or control characters: {value!r}")
    values: dict[str, Any] = {field: raw.get(field) or None for field in (*REQUIRED, *OPTIONAL)}
    if raw.get("reported_at"):
        try:
            reported = parse_datetime(raw["reported_at"])
            if reported > latest:
                problem("reported_at", f"is in the future: {raw['reported_at']!r}")
            values["reported_at"] = reported
        except ParseError as exc:
            problem("reported_at", str(exc))
    if raw.get("victim_dob"):
        try:
            dob = parse_date(raw["victim_dob"])
            if dob < date(1900, 1, 1) or dob > local_date(latest):
                problem("victim_dob", f"is not a plausible date of birth: {raw['victim_dob']!r}")
            elif isinstance(values.get("reported_at"), datetime) and dob > local_date(values["reported_at"]):
                problem("victim_dob", "is after the date the crime was reported")
            values["victim_dob"] = dob
        except ParseError as exc:
            problem("victim_dob", str(exc))
    for field in ("oic_email", "victim_email"):
        if raw.get(field):
            try:
                values[field] = check_email(raw[field])
            except ParseError as exc:
                problem(field, str(exc))
    reasons = [r.strip().lower() for r in raw.get("enhanced_reasons", "").split(";") if r.strip()]
    unknown = [r for r in reasons if r not in _EXPLICIT_REASONS]
    if unknown:
        problem(
            "enhanced_reasons", f"unknown reason(s) {', '.join(unknown)}; expected any of " + ", ".join(ExplicitReason)
        )
    values["enhanced_reasons"] = ";".join(sorted(set(reasons)))
    for field in ("vs_opt_out", "victim_interpreter"):
        try:
            values[field] = parse_bool(raw.get(field, ""))
        except ParseError as exc:
            problem(field, str(exc))
    for field, allowed, default in _CHOICES:
        value = raw.get(field, "").lower()
        if value and value not in allowed:
            problem(field, f"must be one of {', '.join(sorted(allowed))}, not {raw[field]!r}")
        values[field] = value or default
    return values, problems


def _cross_row_problems(session: Session, stage: Table, name: str) -> list[InvalidInput]:
    problems: list[InvalidInput] = []
    c = stage.c
    dupes = select(c.crime_ref, c.victim_ref).group_by(c.crime_ref, c.victim_ref).having(func.count() > 1)
    for crime_ref, victim_ref in session.execute(dupes):
        rows = list(
            session.scalars(
                select(c.row_no).where(c.crime_ref == crime_ref, c.victim_ref == victim_ref).order_by(c.row_no)
            )
        )
        for row in rows[1:]:
            problems.append(
                InvalidInput(
                    f"victim {victim_ref} appears twice in crime {crime_ref} (first at row {rows[0]})",
                    file=name,
                    row=row,
                    field="victim_ref",
                )
            )
    groups = (
        ("crime_ref", "crime", ("reported_at", "offence", "division", "oic_id", "kind")),
        ("victim_ref", "victim", ("victim_name", "victim_dob")),
        ("oic_id", "officer", ("oic_name", "oic_email", "oic_team")),
    )
    for key, noun, fields in groups:
        for field in fields:
            conflicting = select(c[key]).group_by(c[key]).having(func.count(func.distinct(c[field])) > 1)
            for (value,) in session.execute(conflicting):
                described = session.execute(
                    select(c.row_no, c[field]).where(c[key] == value, c[field].is_not(None)).order_by(c.row_no)
                ).all()
                first_row, first_value = described[0]
                for row, other in described[1:]:
                    if other != first_value:
                        problems.append(
                            InvalidInput(
                                f"{noun} {value} has {field} {other!s:.60} here "
                                f"but {first_value!s:.60} at row {first_row}",
                                file=name,
                                row=row,
                                field=field,
                            )
                        )
    return problems


# --- merging ------------------------------------------------------------------------------------


class _Counts:
    """What an import did, and what it has settled so far (officers already matched)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.officer_ids: dict[str, int] = {}

    def add(self, key: str, amount: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + amount


def _merge(
    ctx: ServiceContext, session: Session, stage: Table, name: str, rows: int, present: frozenset[str]
) -> ImportResult:
    counts = _Counts()
    last = 0
    while True:
        chunk = [
            dict(r._mapping)
            for r in session.execute(
                select(stage).where(stage.c.row_no > last).order_by(stage.c.row_no).limit(CHUNK_ROWS)
            )
        ]
        if not chunk:
            break
        last = chunk[-1]["row_no"]
        _merge_chunk(ctx, session, name, chunk, counts, present)
    audit.record(ctx, session, audit.COLLECT, "import", name, {"rows": rows, **counts.values})
    v = counts.values
    return ImportResult(
        file=name,
        rows=rows,
        crimes_created=v.get("crimes_created", 0),
        crimes_updated=v.get("crimes_updated", 0),
        people_created=v.get("people_created", 0),
        people_updated=v.get("people_updated", 0),
        links_created=v.get("links_created", 0),
        links_updated=v.get("links_updated", 0),
        officers_created=v.get("officers_created", 0),
        officers_updated=v.get("officers_updated", 0),
        obligations_rederived=v.get("obligations", 0),
    )


def _changes(existing: dict[str, Any], wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (existing[k], v) for k, v in wanted.items() if existing[k] != v}


def _merge_chunk(
    ctx: ServiceContext,
    session: Session,
    name: str,
    chunk: list[dict[str, Any]],
    counts: _Counts,
    present: frozenset[str],
) -> None:
    writer = _ChunkWriter(ctx, session, name, counts, present)
    officer_ids = writer.officers(chunk)
    crime_ids, changed_crimes = writer.crimes(chunk, officer_ids)
    person_ids, changed_people = writer.people(chunk)
    touched_links = writer.links(chunk, crime_ids, person_ids)
    if changed_crimes:
        touched_links.extend(links_of_crimes(session, changed_crimes))
    if changed_people:
        touched_links.extend(
            session.scalars(select(CrimePersonRow.id).where(CrimePersonRow.person_id.in_(changed_people)))
        )
    writer.flush()
    if touched_links:
        fresh = writer.fresh_links()
        counts.add("obligations", rederive_links(ctx, session, touched_links, without_entries=fresh))


class _ChunkWriter:
    """Upserts one chunk of staged rows, recording each change as a detail change and in the audit."""

    def __init__(
        self, ctx: ServiceContext, session: Session, name: str, counts: _Counts, present: frozenset[str]
    ) -> None:
        self.ctx = ctx
        self.present = present
        self.new_crime_ids: set[int] = set()
        self.new_links: list[tuple[int, int, int]] = []
        self.session = session
        self.counts = counts
        self.now = ctx.now()
        self.source = f"import {Path(name).name}"
        self.detail_rows: list[dict[str, Any]] = []
        self.collected: list[tuple[object, dict[str, Any] | None]] = []
        self.altered: list[tuple[object, dict[str, Any] | None]] = []

    def note_changes(self, object_type: str, object_id: int, ref: str, changes: dict[str, tuple[Any, Any]]) -> None:
        for field, (before, after) in changes.items():
            self.detail_rows.append(
                {
                    "object_type": object_type,
                    "object_id": object_id,
                    "field": field,
                    "before": _text(before),
                    "after": _text(after),
                    "at": self.now,
                    "by": self.ctx.actor.user,
                    "source": self.source,
                }
            )
        self.altered.append((f"{object_type}:{ref}", {"fields": sorted(changes), "source": self.source}))

    def flush(self) -> None:
        if self.detail_rows:
            bulk_insert(self.session, core_table(DetailChangeRow), self.detail_rows)
        audit.record_many(self.ctx, self.session, audit.COLLECT, "record", self.collected)
        audit.record_many(self.ctx, self.session, audit.ALTER, "record", self.altered)

    def _update_if_changed(
        self, table: Any, object_type: str, found: Any, ref: str, wanted: dict[str, Any], derived: tuple[str, ...] = ()
    ) -> bool:
        """Update a crime or person whose supplied fields differ, bumping its version and noting each
        change; `derived` fields (search keys) follow the others and are not changes of their own."""
        changes = {
            k: v for k, v in _changes({k: getattr(found, k) for k in wanted}, wanted).items() if k not in derived
        }
        if not changes:
            return False
        self.session.execute(
            update(table).where(table.id == found.id).values(**wanted, updated_at=self.now, version=found.version + 1)
        )
        self.note_changes(object_type, found.id, ref, changes)
        return True

    def fresh_links(self) -> set[int]:
        """Links created in this chunk with a crime also created in it: nothing is recorded on them yet."""
        return {link_id for link_id, crime_id, _ in self.new_links if crime_id in self.new_crime_ids}

    def officers(self, chunk: list[dict[str, Any]]) -> dict[str, int]:
        session = self.session
        settled = self.counts.officer_ids
        # An officer's details are the same on every row of a file (checked across rows), so each
        # is matched once per import, not once per chunk.
        wanted_by_no = {r["oic_id"]: r for r in chunk if r["oic_id"] not in settled}
        if not wanted_by_no:
            return settled
        existing = {
            o.staff_no: o for o in session.scalars(select(OfficerRow).where(OfficerRow.staff_no.in_(wanted_by_no)))
        }
        new_rows = []
        for staff_no, r in wanted_by_no.items():
            # A crime's division is the crime's: an officer may work crimes in several, so the
            # officer's own division is taken from the first crime seen and then left alone.
            wanted = {"name": r["oic_name"], "email": r["oic_email"]}
            if r["oic_team"]:
                wanted["team"] = r["oic_team"]
            found = existing.get(staff_no)
            if found is None:
                new_rows.append(
                    {
                        "staff_no": staff_no,
                        "team": r["oic_team"],
                        "division": r["division"],
                        **wanted,
                        "active": True,
                        "created_at": self.now,
                    }
                )
                continue
            changes = _changes({k: getattr(found, k) for k in wanted}, wanted)
            if changes:
                session.execute(update(OfficerRow).where(OfficerRow.id == found.id).values(wanted))
                self.note_changes("officer", found.id, staff_no, changes)
                self.counts.add("officers_updated")
        if new_rows:
            bulk_insert(session, core_table(OfficerRow), new_rows)
            self.counts.add("officers_created", len(new_rows))
        query = select(OfficerRow.staff_no, OfficerRow.id).where(OfficerRow.staff_no.in_(wanted_by_no))
        settled.update(dict(session.execute(query).all()))
        return settled

    def crimes(self, chunk: list[dict[str, Any]], officer_ids: dict[str, int]) -> tuple[dict[str, int], list[int]]:
        session = self.session
        wanted_by_ref = {r["crime_ref"]: r for r in chunk}
        existing = {c.ref: c for c in session.scalars(select(CrimeRow).where(CrimeRow.ref.in_(wanted_by_ref)))}
        new_rows, changed = [], []
        for ref, r in wanted_by_ref.items():
            wanted = {
                "offence": r["offence"],
                "reported_at": r["reported_at"],
                "division": r["division"],
                "oic_id": officer_ids[r["oic_id"]],
                "kind": r["kind"],
            }
            found = existing.get(ref)
            if found is not None and "kind" not in self.present:
                del wanted["kind"]
            if found is None:
                new_rows.append(
                    {
                        "ref": ref,
                        "ref_key": ref_key(ref),
                        **wanted,
                        "version": 1,
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
                self.collected.append((f"crime:{ref}", {"source": self.source}))
                continue
            if self._update_if_changed(CrimeRow, "crime", found, ref, wanted):
                changed.append(found.id)
        if new_rows:
            bulk_insert(session, core_table(CrimeRow), new_rows)
        self.counts.add("crimes_created", len(new_rows))
        self.counts.add("crimes_updated", len(changed))
        query = select(CrimeRow.ref, CrimeRow.id).where(CrimeRow.ref.in_(wanted_by_ref))
        ids: dict[str, int] = dict(session.execute(query).all())
        self.new_crime_ids = {ids[row["ref"]] for row in new_rows}
        return ids, changed

    def people(self, chunk: list[dict[str, Any]]) -> tuple[dict[str, int], list[int]]:
        session = self.session
        wanted_by_ref = {r["victim_ref"]: r for r in chunk}
        existing = {p.ref: p for p in session.scalars(select(PersonRow).where(PersonRow.ref.in_(wanted_by_ref)))}
        new_rows, changed = [], []
        for ref, r in wanted_by_ref.items():
            wanted = _person_values(r, self.present)
            found = existing.get(ref)
            if found is None:
                new_rows.append(
                    {
                        "ref": ref,
                        "ref_key": ref_key(ref),
                        **NEW_PERSON_DEFAULTS,
                        **wanted,
                        "version": 1,
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
                self.collected.append((f"person:{ref}", {"source": self.source}))
                continue
            if self._update_if_changed(PersonRow, "person", found, ref, wanted, derived=SEARCH_KEYS):
                changed.append(found.id)
        if new_rows:
            bulk_insert(session, core_table(PersonRow), new_rows)
        self.counts.add("people_created", len(new_rows))
        self.counts.add("people_updated", len(changed))
        query = select(PersonRow.ref, PersonRow.id).where(PersonRow.ref.in_(wanted_by_ref))
        return dict(session.execute(query).all()), changed

    def links(self, chunk: list[dict[str, Any]], crime_ids: dict[str, int], person_ids: dict[str, int]) -> list[int]:
        session = self.session
        wanted_by_pair = {(crime_ids[r["crime_ref"]], person_ids[r["victim_ref"]]): r for r in chunk}
        crimes_in_chunk = {c for c, _ in wanted_by_pair}
        existing = {
            (link.crime_id, link.person_id): link
            for link in session.scalars(select(CrimePersonRow).where(CrimePersonRow.crime_id.in_(crimes_in_chunk)))
        }
        new_rows, touched = [], []
        for (crime_id, person_id), r in wanted_by_pair.items():
            supplied = {
                "role": ("victim_role", r["victim_role"]),
                "enhanced_reasons": ("enhanced_reasons", r["enhanced_reasons"]),
                "vs_opt_out": ("vs_opt_out", r["vs_opt_out"]),
            }
            wanted = {field: value for field, (column, value) in supplied.items() if column in self.present}
            found = existing.get((crime_id, person_id))
            if found is None:
                new_rows.append(
                    {
                        "crime_id": crime_id,
                        "person_id": person_id,
                        **{field: value for field, (_, value) in supplied.items()},
                        "updates_opt_out": False,
                        "version": 1,
                        "created_at": self.now,
                    }
                )
                continue
            changes = _changes({k: getattr(found, k) for k in wanted}, wanted)
            if changes:
                session.execute(
                    update(CrimePersonRow)
                    .where(CrimePersonRow.id == found.id)
                    .values(**wanted, version=found.version + 1)
                )
                self.note_changes("link", found.id, f"{r['crime_ref']}/{r['victim_ref']}", changes)
                touched.append(found.id)
        if new_rows:
            bulk_insert(session, core_table(CrimePersonRow), new_rows)
            created = session.execute(
                select(CrimePersonRow.id, CrimePersonRow.crime_id, CrimePersonRow.person_id).where(
                    CrimePersonRow.crime_id.in_({n["crime_id"] for n in new_rows})
                )
            ).all()
            new_pairs = {(n["crime_id"], n["person_id"]) for n in new_rows}
            self.new_links = [(link_id, c, p) for link_id, c, p in created if (c, p) in new_pairs]
            touched.extend(link_id for link_id, _, _ in self.new_links)
        self.counts.add("links_created", len(new_rows))
        self.counts.add("links_updated", len(touched) - len(new_rows))
        return touched


SEARCH_KEYS = ("surname_key", "name_key", "phone_key")
PERSON_COLUMNS = {
    "dob": "victim_dob",
    "phone": "victim_phone",
    "email": "victim_email",
    "address": "victim_address",
    "language": "victim_language",
    "interpreter_needed": "victim_interpreter",
    "ethnicity": "victim_ethnicity",
    "preferred_method": "victim_preferred_contact",
    "safe_channel": "victim_safe_channel",
}
NEW_PERSON_DEFAULTS = {field: None for field in PERSON_COLUMNS} | {"interpreter_needed": False, "phone_key": None}


def _person_values(r: dict[str, Any], present: frozenset[str]) -> dict[str, Any]:
    """The person's fields this file supplies. A column the file lacks leaves what is stored alone;
    a column present but blank clears it."""
    name = r["victim_name"]
    wanted: dict[str, Any] = {"name": name, "surname_key": surname_key(name), "name_key": name_key(name)}
    for field, column in PERSON_COLUMNS.items():
        if column in present:
            wanted[field] = r[column]
    if "phone" in wanted:
        wanted["phone_key"] = phone_key(wanted["phone"]) if wanted["phone"] else None
    return wanted


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
