"""Synthetic data for a large police force, bulk-loaded straight into a vicman SQLite file.

The schema is created by vicman itself (Alembic, through `open_context`); the rows are then written
with the standard-library `sqlite3` module and `executemany` in large batches, in the exact storage
format SQLAlchemy uses (datetimes as `YYYY-MM-DD HH:MM:SS.ffffff` UTC, dates as `YYYY-MM-DD`,
booleans as 0/1). Obligations are *not* written here: the benchmark derives them with the real
engine afterwards.

Rows go in the order a live system would have written them: crimes, people and links as they are
reported; events, contacts, referrals, corrections and audit records in time order across all
cases (a heap merges the per-case streams), so ids grow with time as they do in production.

Everything is drawn from one seeded `random.Random`: the same scale and seed give the same file.
"""

from __future__ import annotations

import heapq
import math
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, cast

from sqlalchemy import Boolean, Table

from vicman.services.parsing import name_key, phone_key, surname_key
from vicman.store.hashing import GENESIS, entry_digest, link_digest
from vicman.store.tables import Base
from vicman.store.types import UTCDateTime

GENERATOR_VERSION = 6  # 6: the audit trail is chained, with entry digests

# The force at scale 1.0 (DESIGN.md section 6). Contacts and audit records follow from the cases;
# the targets steer the generator towards them.
FULL = {
    "officers": 2000,
    "crimes": 400_000,
    "victims": 500_000,
    "contacts": 3_000_000,
    "obligations": 5_000_000,
    "audit": 10_000_000,
}

START = datetime(2021, 7, 1, tzinfo=UTC)
END = datetime(2026, 7, 1, tzinfo=UTC)  # the data's "now": as_of for the worklists is END's date
T_START = int(START.timestamp())
T_END = int(END.timestamp())
DAY = 86_400
MONTH = 30.44 * DAY

DIVISIONS = (  # name, crime-ref code, share of the force's crime
    ("Northern", "NO", 0.21),
    ("Southern", "SO", 0.19),
    ("Eastern", "EA", 0.17),
    ("Western", "WE", 0.16),
    ("Central", "CE", 0.15),
    ("Pennine", "PE", 0.12),
)
TEAMS = ("Response 1", "Response 2", "Response 3", "Response 4", "CID", "Neighbourhood", "Public Protection")

# Offence text as a crime system would send it, relative frequency, kind, victim is a business,
# share of crimes screened out at once ("no_investigation").
OFFENCES: tuple[tuple[str, float, str, bool, float], ...] = (
    ("Theft - other", 10, "crime", False, 0.6),
    ("Shoplifting", 7, "crime", True, 0.5),
    ("Theft from the person", 3, "crime", False, 0.55),
    ("Theft of pedal cycle", 2, "crime", False, 0.7),
    ("Burglary - residential", 6, "crime", False, 0.25),
    ("Burglary - business and community", 2.5, "crime", True, 0.35),
    ("Theft from a motor vehicle", 4, "crime", False, 0.65),
    ("Theft of a motor vehicle", 2.5, "crime", False, 0.4),
    ("Vehicle interference", 1, "crime", False, 0.8),
    ("Criminal damage to a dwelling", 4, "crime", False, 0.5),
    ("Criminal damage to a vehicle", 4, "crime", False, 0.6),
    ("Criminal damage - minor", 1.5, "crime", False, 0.8),
    ("Arson not endangering life", 0.6, "crime", False, 0.4),
    ("Arson endangering life", 0.15, "crime", False, 0.05),
    ("Common assault", 8, "crime", False, 0.35),
    ("Common assault (domestic)", 4, "crime", False, 0.1),
    ("Assault occasioning actual bodily harm", 5, "crime", False, 0.2),
    ("Assault occasioning actual bodily harm (domestic)", 3.5, "crime", False, 0.05),
    ("Inflicting GBH without intent (s.20)", 1, "crime", False, 0.1),
    ("Wounding or GBH with intent (s.18)", 0.4, "crime", False, 0.0),
    ("Controlling or coercive behaviour in an intimate or family relationship", 1.2, "crime", False, 0.05),
    ("Harassment", 3.5, "crime", False, 0.3),
    ("Stalking", 1, "crime", False, 0.1),
    ("Malicious communications", 3, "crime", False, 0.45),
    ("Threats to kill", 0.8, "crime", False, 0.1),
    ("Racially or religiously aggravated public fear, alarm or distress", 1.2, "crime", False, 0.2),
    ("Public fear, alarm or distress - hostility towards sexual orientation", 0.3, "crime", False, 0.2),
    ("Robbery of personal property", 1.5, "crime", False, 0.15),
    ("Robbery of business property", 0.3, "crime", True, 0.15),
    ("Fraud by false representation", 4, "crime", False, 0.7),
    ("Making off without payment", 1.5, "crime", True, 0.7),
    ("Sexual assault on a female aged 13 or over", 1, "crime", False, 0.0),
    ("Rape of a female aged 16 or over", 0.5, "crime", False, 0.0),
    ("Exposure", 0.3, "crime", False, 0.1),
    ("Kidnapping", 0.05, "crime", False, 0.0),
    ("False imprisonment", 0.05, "crime", False, 0.0),
    ("Attempted murder", 0.03, "crime", False, 0.0),
    ("Holding a person in slavery or servitude", 0.03, "crime", False, 0.0),
    ("Road traffic collision - injury", 2.5, "rtc", False, 0.0),
    ("Anti-social behaviour - personal", 3.5, "asb", False, 0.0),
    ("Anti-social behaviour - nuisance", 2, "asb", False, 0.0),
)
EXPLICIT_CONSENT = ("Sexual", "Rape", "Exposure", "(domestic)", "coercive")

FIRST_NAMES = (
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie Henry Joshua "
    "Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas Mohammed Logan Theo "
    "Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Jessica Sophie Grace Evie Sophia Ruby Chloe "
    "Daisy Freya Phoebe Florence Alice Charlotte Sienna Matilda Evelyn Scarlett Emma Sarah Karen Susan "
    "Margaret David Paul Mark Andrew Peter Stephen Michael John Robert Christopher Anthony Kevin Gary Lee "
    "Wayne Dean Carl Craig Shaun Julie Claire Lisa Nicola Joanne Michelle Helen Tracey Dawn Amanda Kelly "
    "Aisha Fatima Zainab Maryam Ayesha Hamza Bilal Imran Tomasz Piotr Katarzyna Agnieszka Andrei Elena"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy "
    "Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman "
    "Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed "
    "Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day "
    "Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth "
    "Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory "
    "Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson "
    "Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess "
    "Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton "
    "McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers "
    "Kowalski Nowak Wisniewski Popescu Ionescu Mahmood Iqbal Akhtar Rahman Chowdhury Okafor Mensah Nguyen"
).split()
SYLLABLES = (
    "ash ber by cal dar den el fen gar ham hol ing kin lam ley mar mer nor ock pen ram rid sel shaw sted "
    "thorn ton wal well win worth yar borough field ford hurst wick"
).split()
STREETS = (
    "High Street|Station Road|Church Lane|Victoria Road|Park Avenue|Mill Lane|Queen Street|Manor Road|"
    "Albert Road|King Street|Green Lane|Grange Road|Chapel Street|New Road|School Lane|Preston Road"
).split("|")
TOWNS = (
    "Lancaster|Preston|Blackpool|Blackburn|Burnley|Chorley|Accrington|Morecambe|Lytham|Fleetwood|"
    "Darwen|Nelson|Colne|Ormskirk|Skelmersdale|Clitheroe|Leyland|Garstang"
).split("|")
LANGUAGES = ("Polish", "Urdu", "Punjabi", "Romanian", "Arabic", "Bengali", "Gujarati", "Lithuanian", "Portuguese")
ETHNICITIES = (
    ("White - British", 0.78),
    ("White - Other", 0.06),
    ("Asian or Asian British - Pakistani", 0.05),
    ("Asian or Asian British - Indian", 0.03),
    ("Black or Black British - African", 0.02),
    ("Mixed - White and Black Caribbean", 0.01),
    ("Not stated", 0.05),
)
CONTACT_NOTES = (
    "Spoke to victim by phone and updated on progress. Victim content with the update.",
    "Updated victim: enquiries ongoing, CCTV requested. Agreed next contact in a month.",
    "Left voicemail as agreed in contact contract; will try again tomorrow.",
    "Home visit. Victim given care pack and explained the Victims' Code entitlements.",
    "Email update sent to the address the victim gave. No reply needed.",
    "Letter sent explaining the outcome and the Victims' Right to Review.",
    "Told victim about the arrest and the bail conditions that affect them.",
    "Told victim the suspect was interviewed; file with CPS for a charging decision.",
    "SMS reminder of the officer's contact details and the crime reference.",
    "Victim asked for updates by email only, not by phone at work.",
)
CORRECTION_REASONS = ("Wrong time recorded", "Recorded against the wrong victim", "Outcome recorded wrongly")

def _ts_formatter() -> Callable[[int], str]:
    days: dict[int, str] = {}

    def fmt(t: int) -> str:
        d, s = divmod(t, DAY)
        day = days.get(d)
        if day is None:
            day = days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        return f"{day} {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}.000000"

    return fmt


TS = _ts_formatter()


ENTRY_TABLES = {
    "contact": "contact_entry",
    "event": "event",
    "referral": "referral",
    "waiver": "waiver",
    "needs_assessment": "needs_assessment",
    "contact_contract": "contact_contract",
    "certification": "certification",
}
"""The entries whose creating audit record carries their digest (as `vicman.services.audit.ENTRY_TABLES`)."""


def _typed(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Stored text and 0/1 back to the values vicman's mappings read, so digests match the verifier's."""
    instants = {c.key for c in table.columns if isinstance(c.type, UTCDateTime)}
    flags = {c.key for c in table.columns if isinstance(c.type, Boolean)}

    def convert(values: dict[str, Any]) -> dict[str, Any]:
        for key in instants & values.keys():
            if isinstance(values[key], str):
                values[key] = datetime.fromisoformat(values[key]).replace(tzinfo=UTC)
        for key in flags & values.keys():
            if values[key] is not None:
                values[key] = bool(values[key])
        return values

    return convert


class AuditChain:
    """Audit rows chained as vicman chains them (seq, prev_hash, hash), with each creating record carrying
    the digest of the entry it describes (the row just written to that table)."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.prev = GENESIS
        self.latest = ""
        self.tables = {name: cast(Table, Base.metadata.tables[name]) for name in ENTRY_TABLES.values()}
        self.typed = {name: _typed(table) for name, table in self.tables.items()}

    def add(
        self, row_id: int, ts: str, actor: str, workstation: str, action: str, object_type: str, object_id: str,
        detail: str | None,
    ) -> None:
        # A real trail is written as things happen: never dated before the record ahead of it.
        ts = self.latest = max(ts, self.latest)
        entry_hash = None
        name = ENTRY_TABLES.get(object_type)
        if name is not None and action != "consult":
            row = self.writer.last[name]
            if str(row[0]) != object_id:
                raise RuntimeError(f"audit record for {object_type} {object_id} follows {name} row {row[0]}")
            values = self.typed[name](dict(zip(_Writer.COLUMNS[name].split(), row, strict=True)))
            entry_hash = entry_digest(self.tables[name], values)
        fields = {
            "seq": row_id, "ts": datetime.fromisoformat(ts).replace(tzinfo=UTC), "actor": actor, "role": None,
            "workstation": workstation, "action": action, "object_type": object_type, "object_id": object_id,
            "detail": detail, "reason_code": None, "reason_text": None, "recipients": None, "entry_hash": entry_hash,
        }
        digest = link_digest(self.prev, fields)
        self.writer.add(
            "audit",
            (row_id, row_id, ts, actor, None, workstation, action, object_type, object_id, detail, None, None, None,
             entry_hash, self.prev, digest),
        )
        self.prev = digest


def _date_of(t: int) -> str:
    return TS(t)[:10]


@dataclass
class BuildStats:
    rows: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


class _Writer:
    """Buffers rows per table and writes them with executemany, committing every so often."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "officer": "id staff_no name email division team active created_at",
        "crime": "id ref ref_key kind offence reported_at division oic_id closed_at version created_at updated_at",
        "person": "id ref ref_key name surname_key name_key dob phone phone_key email address preferred_method "
        "language interpreter_needed ethnicity safe_times may_leave_messages version created_at updated_at",
        "crime_person": "id crime_id person_id role enhanced_reasons vs_opt_out updates_opt_out update_every_months "
        "update_every_days version created_at",
        "event": "id crime_id type at note recorded_at recorded_by corrects_id retracted correction_reason",
        "contact_entry": "id link_id at method outcome note on_behalf_of_id recorded_at recorded_by corrects_id "
        "retracted correction_reason",
        "referral": "id link_id at service consent note recorded_at recorded_by corrects_id retracted "
        "correction_reason",
        "waiver": "id link_id obligation_key rule reason at recorded_at recorded_by corrects_id retracted "
        "correction_reason",
        "audit": "id seq ts actor role workstation action object_type object_id detail reason_code reason_text "
        "recipients entry_hash prev_hash hash",
        "needs_assessment": "id link_id at mental_disorder impaired_intelligence physical_disability fear_or_distress "
        "repeatedly_targeted needs recorded_at recorded_by corrects_id retracted correction_reason",
        "contact_contract": "id link_id at every_days every_months updates_opt_out method safe_times "
        "may_leave_messages vps_offered vps_answer notes recorded_at recorded_by corrects_id retracted "
        "correction_reason",
        "certification": "id link_id at by duties note",
        "work_assignment": "id link_id assignee at by",
    }

    def __init__(self, conn: sqlite3.Connection, stats: BuildStats, batch: int = 50_000) -> None:
        self.conn = conn
        self.stats = stats
        self.batch = batch
        self.buffers: dict[str, list[tuple[object, ...]]] = {t: [] for t in self.COLUMNS}
        self.sql = {
            t: f'INSERT INTO {t} ({", ".join(_quote(c) for c in cols.split())}) VALUES '
            f'({", ".join("?" for _ in cols.split())})'
            for t, cols in self.COLUMNS.items()
        }
        self.since_commit = 0
        self.last: dict[str, tuple[object, ...]] = {}
        self.conn.execute("BEGIN")

    def add(self, table: str, row: tuple[object, ...]) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        self.last[table] = row
        if len(buffer) >= self.batch:
            self.flush(table)

    def flush(self, table: str) -> None:
        buffer = self.buffers[table]
        if not buffer:
            return
        self.conn.executemany(self.sql[table], buffer)
        self.stats.add(table, len(buffer))
        self.since_commit += len(buffer)
        buffer.clear()
        if self.since_commit >= 1_000_000:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")
            self.since_commit = 0

    def close(self) -> None:
        for table in self.buffers:
            self.flush(table)
        self.conn.execute("COMMIT")


def _quote(column: str) -> str:
    return f'"{column}"' if column in ("key", "before", "after", "by") else column


class ForceGenerator:
    def __init__(self, scale: float, seed: int = 2008, log: Callable[[str], None] = print) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.log = log
        self.n_officers = max(12, round(FULL["officers"] * scale))
        self.n_crimes = max(50, round(FULL["crimes"] * scale))
        self.audit_target = round(FULL["audit"] * scale)
        self.stats = BuildStats()
        self.not_generated: list[str] = []

    # --- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _cum(weights: list[float]) -> list[float]:
        out, total = [], 0.0
        for w in weights:
            total += w
            out.append(total)
        return out

    def _office_time(self, t: float) -> int:
        """The same day as `t` at a plausible working hour (07:30-19:00 UTC), never before `t`'s day."""
        day = int(t) // DAY * DAY
        moment = day + self.rng.randint(27_000, 68_400)
        return max(moment, int(t) + 60) if moment < t else moment

    def _surname(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            # Zipf-like: common names much more common.
            index = min(int(rng.paretovariate(1.1)) - 1, len(SURNAMES) - 1)
            index = (index * 7 + rng.randrange(3)) % len(SURNAMES) if index > 20 else index
            return SURNAMES[index]
        parts = rng.randint(2, 3)
        word = "".join(rng.choice(SYLLABLES) for _ in range(parts))
        return word.capitalize()

    # --- build -------------------------------------------------------------------------------

    def build(self, path: str) -> BuildStats:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("PRAGMA temp_store=MEMORY")
        writer = _Writer(conn, self.stats)
        started = time.perf_counter()
        officers = self._officers(writer)
        writer.close()
        self.stats.phases["officers"] = time.perf_counter() - started
        self.log(f"  officers: {self.n_officers:,} in {self.stats.phases['officers']:.1f}s")
        self._check_schema(conn)
        # Secondary indexes of the loaded tables are dropped for the load and re-created from their
        # own DDL afterwards (one sort each instead of millions of random B-tree inserts).
        tables = ", ".join(f"'{t}'" for t in _Writer.COLUMNS)
        indexes = conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({tables})"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        writer = _Writer(conn, self.stats)
        started = time.perf_counter()
        self._cases(writer, officers)
        writer.close()
        self.stats.phases["cases"] = time.perf_counter() - started
        started = time.perf_counter()
        for _name, sql in indexes:
            conn.execute(sql)
        self.stats.phases["indexes"] = time.perf_counter() - started
        self.log(f"  re-created {len(indexes)} secondary indexes in {self.stats.phases['indexes']:.1f}s")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return self.stats

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        """Say which tables and columns of the schema (which keeps growing) this generator leaves empty."""
        skip = {"alembic_version", "obligation", "setting", "closure_day", "detail_change"}
        missing = []
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for (table,) in tables.fetchall():
            if table in skip:
                continue
            columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            generated = set(_Writer.COLUMNS.get(table, "").split())
            if not generated:
                missing.append(f"{table} (whole table)")
            else:
                missing.extend(f"{table}.{c}" for c in sorted(columns - generated))
        self.not_generated = missing
        if missing:
            self.log(f"  NOTE: left empty by the generator (NULL or default): {', '.join(missing)}")

    def _officers(self, writer: _Writer) -> dict[str, list[tuple[int, str, float]]]:
        rng = self.rng
        shares = self._cum([d[2] for d in DIVISIONS])
        by_division: dict[str, list[tuple[int, str, float]]] = {d[0]: [] for d in DIVISIONS}
        for officer_id in range(1, self.n_officers + 1):
            # Spread officers over divisions in proportion to their crime.
            division = DIVISIONS[min(len(DIVISIONS) - 1, _bisect(shares, (officer_id - 0.5) / self.n_officers))][0]
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            staff_no = f"{officer_id + 10000:05d}"
            active = rng.random() > 0.04
            created = T_START - rng.randint(0, 3650) * DAY
            writer.add(
                "officer",
                (
                    officer_id,
                    staff_no,
                    f"PC {first} {last}",
                    f"{first.lower()}.{last.lower().replace(chr(39), '')}.{staff_no}@police.example.uk",
                    division,
                    rng.choice(TEAMS),
                    int(active),
                    TS(created),
                ),
            )
            if active:
                # Workload varies: some officers carry three times the cases of others.
                by_division[division].append((officer_id, staff_no, rng.lognormvariate(0, 0.5)))
        return by_division

    def _cases(self, writer: _Writer, officers: dict[str, list[tuple[int, str, float]]]) -> None:
        rng = self.rng
        n = self.n_crimes
        division_cum = self._cum([d[2] for d in DIVISIONS])
        officer_cum = {name: self._cum([w for _, _, w in staff]) for name, staff in officers.items()}
        offence_cum = self._cum([o[1] for o in OFFENCES])
        ethnicity_cum = self._cum([e[1] for e in ETHNICITIES])
        # Report times over five years, in order, with recorded crime growing 30% over the period
        # (density proportional to 1 + g*x; inverse CDF below).
        span = T_END - T_START - DAY
        g = 0.3
        times = sorted(
            T_START + int(span * (math.sqrt(1 + 2 * g * u * (1 + g / 2)) - 1) / g)
            for u in (rng.random() for _ in range(n))
        )
        seq_by_div_year: dict[tuple[str, int], int] = {}
        heap: list[tuple[int, int, str, tuple]] = []  # type: ignore[type-arg]
        counter = 0
        ids = dict.fromkeys(
            ("crime", "person", "link", "event", "contact", "referral", "waiver", "audit", "assessment", "contract",
             "certification", "assignment"),
            0,
        )
        people: list[str] = []  # person refs, index = id - 1
        workstations = [f"WS-{d[1]}-{k:03d}" for d in DIVISIONS for k in range(1, 41)]
        bureau = [f"bureau.{d[1].lower()}{k}" for d in DIVISIONS for k in range(1, 9)]
        progress_every = max(1, n // 10)
        phase_started = time.perf_counter()

        chain = AuditChain(writer)

        def audit(t: int, actor: str, action: str, object_type: str, object_id: str, detail: str | None) -> None:
            ids["audit"] += 1
            chain.add(ids["audit"], TS(t), actor, rng.choice(workstations), action, object_type, object_id, detail)

        def push(t: int, kind: str, payload: tuple) -> None:  # type: ignore[type-arg]
            nonlocal counter
            counter += 1
            heapq.heappush(heap, (t, counter, kind, payload))

        def drain(until: int) -> None:
            while heap and heap[0][0] < until:
                t, _, kind, payload = heapq.heappop(heap)
                self._emit(writer, ids, kind, t, payload, push, audit)

        for index, reported in enumerate(times):
            drain(reported)
            # Keep the audit trail on course for its target: views of victims' records fill the gap.
            wanted = self.audit_target * (index + 1) // n - ids["audit"] - len(heap)
            for _ in range(max(0, wanted)):
                person = rng.randrange(len(people)) if people else None
                if person is None:
                    break
                ref = people[person]
                audit(
                    reported - rng.randint(0, 3600), rng.choice(bureau), "consult", "person", ref, '{"view": "victim"}'
                )
            division, code, _ = DIVISIONS[_bisect(division_cum, rng.random() * division_cum[-1])]
            staff = officers[division]
            oic_id, oic_staff, _w = staff[_bisect(officer_cum[division], rng.random() * officer_cum[division][-1])]
            offence, _f, kind, business, screened = OFFENCES[_bisect(offence_cum, rng.random() * offence_cum[-1])]
            year = datetime.fromtimestamp(reported, UTC).year % 100
            seq = seq_by_div_year.get((code, year), 0) + 1
            seq_by_div_year[(code, year)] = seq
            crime_ref = f"{code}-{year:02d}-{seq:06d}"
            ids["crime"] += 1
            crime_id = ids["crime"]
            imported = reported + rng.randint(1800, 20 * 3600)
            source = f"import extract-{_date_of(imported)}.csv"

            events, closed = self._lifecycle(reported, kind, screened)
            writer.add(
                "crime",
                (
                    crime_id,
                    crime_ref,
                    crime_ref.upper(),
                    kind,
                    offence,
                    TS(reported),
                    division,
                    oic_id,
                    TS(closed) if closed is not None else None,
                    1,
                    TS(imported),
                    TS(closed if closed is not None else imported),
                ),
            )
            audit(imported, "import", "collect", "record", f"crime:{crime_ref}", f'{{"source": "{source}"}}')
            for t_event, event_type in events:
                push(t_event, "E", (crime_id, crime_ref, event_type, oic_staff))

            r = rng.random()
            victims = 1 if r < 0.8 else 2 if r < 0.96 else 3 if r < 0.99 else 4
            explicit_consent = any(word in offence for word in EXPLICIT_CONSENT)
            in_this_crime: set[int] = set()
            for _v in range(victims):
                repeat = rng.randrange(len(people)) + 1 if people and rng.random() < 0.04 else None
                if repeat is not None and repeat not in in_this_crime:
                    person_id = repeat  # a repeat victim (never twice in one crime)
                    adult = True
                else:
                    person_id, adult = self._person(writer, ids, people, reported, imported, ethnicity_cum)
                    audit(imported, "import", "collect", "record", f"person:{people[person_id - 1]}",
                          f'{{"source": "{source}"}}')
                in_this_crime.add(person_id)
                ids["link"] += 1
                link_id = ids["link"]
                if business:
                    role = "business_contact"
                else:
                    x = rng.random()
                    role = (
                        "witness" if x < 0.03 else
                        "bereaved_relative" if x < 0.032 else
                        "parent_guardian" if x < 0.05 and adult else "victim"
                    )
                reasons = []
                if rng.random() < 0.06:
                    reasons.append("vulnerable")
                if rng.random() < 0.03:
                    reasons.append("intimidated")
                if rng.random() < 0.015:
                    reasons.append("persistently_targeted")
                if role == "bereaved_relative":
                    reasons.append("bereaved")
                vs_opt_out = rng.random() < 0.12
                updates_opt_out = rng.random() < 0.04
                x = rng.random()
                months = rng.choice((2, 3)) if x < 0.08 else None
                days = rng.choice((14, 28)) if 0.08 <= x < 0.12 else None
                writer.add(
                    "crime_person",
                    (
                        link_id, crime_id, person_id, role, ";".join(sorted(reasons)), int(vs_opt_out),
                        int(updates_opt_out), months, days, 1, TS(imported),
                    ),
                )
                person_ref = people[person_id - 1]
                if role != "witness":
                    self._link_stream(
                        push, link_id, crime_ref, person_ref, oic_id, oic_staff, code, reported, events, closed,
                        vs_opt_out, updates_opt_out, months, days, explicit_consent, reasons,
                    )
            if (index + 1) % progress_every == 0:
                elapsed = time.perf_counter() - phase_started
                self.log(
                    f"  cases: {index + 1:,}/{n:,} crimes, {ids['link']:,} links, {ids['contact']:,} contacts, "
                    f"{ids['event']:,} events, {ids['audit']:,} audit ({elapsed:.0f}s)"
                )
        drain(T_END + 1)

    def _person(
        self,
        writer: _Writer,
        ids: dict[str, int],
        people: list[str],
        reported: int,
        imported: int,
        ethnicity_cum: list[float],
    ) -> tuple[int, bool]:
        rng = self.rng
        ids["person"] += 1
        person_id = ids["person"]
        ref = f"V{person_id + 10_000_000:08d}"
        people.append(ref)
        name = f"{rng.choice(FIRST_NAMES)} {self._surname()}"
        report_day = datetime.fromtimestamp(reported, UTC).date()
        x = rng.random()
        if x < 0.12:
            age_days = rng.randint(5 * 365, 18 * 365 - 10)
        elif x < 0.93:
            age_days = int(rng.triangular(18, 90, 32) * 365.25)
        else:
            age_days = None
        dob = (report_day - timedelta(days=age_days)).isoformat() if age_days is not None else None
        adult = age_days is None or age_days >= 18 * 365.25
        phone = f"07{rng.randint(100_000_000, 999_999_999)}" if rng.random() < 0.9 else None
        email = f"{name.split()[0].lower()}{rng.randint(1, 9999)}@mail.example.com" if rng.random() < 0.6 else None
        address = (
            f"{rng.randint(1, 240)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}, "
            f"{rng.choice('BFLP')}{rng.choice('BLRY')}{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}"
            f"{rng.choice('HJLNPQ')}"
            if rng.random() < 0.95
            else None
        )
        x = rng.random()
        language = (
            "English" if x < 0.7 else None if x < 0.91 else rng.choice(LANGUAGES)
        )
        interpreter = language not in (None, "English") and rng.random() < 0.6
        ethnicity = (
            ETHNICITIES[_bisect(ethnicity_cum, rng.random() * ethnicity_cum[-1])][0] if rng.random() < 0.9 else None
        )
        method = rng.choice(("phone", "phone", "email", "visit", "letter", "sms")) if rng.random() < 0.4 else None
        safe_times = "Weekdays after 6pm" if rng.random() < 0.05 else None
        messages = None if rng.random() < 0.7 else int(rng.random() < 0.8)
        writer.add(
            "person",
            (
                person_id, ref, ref.upper(), name, surname_key(name), name_key(name), dob, phone,
                phone_key(phone) if phone else None, email, address, method, language, int(interpreter), ethnicity,
                safe_times, messages, 1, TS(imported), TS(imported),
            ),
        )
        return person_id, adult

    def _lifecycle(self, reported: int, kind: str, screened: float) -> tuple[list[tuple[int, str]], int | None]:
        """The investigation events of one crime and when it closed (None: still open at END)."""
        rng = self.rng
        events: list[tuple[float, str]] = []
        closed: float
        if kind != "crime":
            closed = reported + rng.uniform(7, 60) * DAY
            events.append((closed, "case_closed"))
        elif rng.random() < screened * 0.8:
            t = reported + rng.uniform(0.2, 7) * DAY
            events.append((t, "no_investigation"))
            closed = t + rng.uniform(0, 3) * DAY
            events.append((closed, "case_closed"))
        else:
            if rng.random() < 0.5:
                # One suspect, sometimes two or three, each arrested, interviewed and disposed of.
                suspects = 1 if rng.random() < 0.75 else rng.choice((2, 2, 3))
                closed = reported
                for _s in range(suspects):
                    end = self._suspect(events, reported + rng.expovariate(1 / 12) * DAY)
                    closed = max(closed, end)
            else:
                # Enquiries (CCTV, forensics, house-to-house) that identify nobody.
                closed = reported + (21 + rng.expovariate(1 / 75)) * DAY
            if rng.random() < 0.04:
                closed = math.inf  # never closed: a case that lapses
            if closed != math.inf:
                events.append((closed, "case_closed"))
        # Office hours, in order, and nothing after the data's "now".
        events.sort()
        kept: list[tuple[int, str]] = []
        last = reported
        for t, event_type in events:
            moment = max(self._office_time(t), last + 60)
            if moment >= T_END - 3600:
                break
            kept.append((moment, event_type))
            last = moment
        closed_at = kept[-1][0] if kept and kept[-1][1] == "case_closed" else None
        return kept, closed_at

    def _suspect(self, events: list[tuple[float, str]], t: float) -> float:
        """Arrest, interview and outcome for one suspect; returns when that strand of the case ends."""
        rng = self.rng
        events.append((t, "arrest"))
        if rng.random() < 0.92:
            t += rng.uniform(0.1, 1.5) * DAY
            events.append((t, "interview"))
        x = rng.random()
        if x < 0.35:
            events.append((t + 0.05 * DAY, "bail"))
            # Pre-charge bail is extended (or its conditions changed) until a decision.
            decision = t + rng.uniform(28, 180) * DAY
            step = t + rng.uniform(21, 35) * DAY
            while step < decision:
                events.append((step, "bail_varied"))
                step += rng.uniform(28, 90) * DAY
            t = decision
            outcome = "charge" if rng.random() < 0.45 else "release_nfa"
        elif x < 0.65:
            events.append((t + 0.05 * DAY, "rui"))
            t += rng.uniform(60, 300) * DAY
            outcome = "charge" if rng.random() < 0.3 else "release_nfa"
        elif x < 0.8:
            outcome = "charge"
        elif x < 0.9:
            t += rng.uniform(1, 30) * DAY
            outcome = "out_of_court_disposal"
        else:
            outcome = "release_nfa"
        t += 0.05 * DAY
        events.append((t, outcome))
        # A charge goes to court: the case stays open until the trial or plea.
        return t + (rng.uniform(60, 400) if outcome == "charge" else rng.uniform(1, 30)) * DAY

    def _link_stream(
        self,
        push: Callable[[int, str, tuple], None],  # type: ignore[type-arg]
        link_id: int,
        crime_ref: str,
        person_ref: str,
        oic_id: int,
        oic_staff: str,
        code: str,
        reported: int,
        events: list[tuple[int, str]],
        closed: int | None,
        vs_opt_out: bool,
        updates_opt_out: bool,
        months: int | None,
        days: int | None,
        explicit_consent: bool,
        reasons: list[str],
    ) -> None:
        """Contacts, the referral and any waiver for one victim, pushed onto the time-ordered heap."""
        rng = self.rng
        payload = (link_id, crime_ref, person_ref, oic_id, oic_staff, code)
        end = min(closed if closed is not None else T_END, T_END) - 1
        # A case nobody closed: the officer stops updating after a while, and the duties fall overdue.
        if closed is None:
            lapse = reported + int(rng.uniform(1, 14) * MONTH)
            if lapse < end and rng.random() < 0.5:
                end = lapse
        if not vs_opt_out:
            if rng.random() < 0.9:
                push(self._office_time(reported + rng.uniform(0.05, 2.5) * DAY), "R", (*payload, explicit_consent))
            elif rng.random() < 0.2:
                push(self._office_time(reported + rng.uniform(1, 10) * DAY), "W", payload)
        contacts: list[int] = []

        def contact(t: float) -> None:
            if t < T_END - 60:
                moment = self._office_time(t)
                if moment < T_END - 60:
                    contacts.append(moment)

        contact(reported + rng.uniform(0.05, 2.5) * DAY)
        for t_event, event_type in events:
            if event_type == "case_closed":
                if rng.random() < 0.4:
                    contact(t_event + rng.uniform(0, 3) * DAY)
            elif rng.random() < 0.8:
                contact(t_event + rng.expovariate(1 / 1.5) * DAY)
        if not updates_opt_out:
            period = days * DAY if days else (months or 1) * MONTH
            cursor = float(reported)
            while True:
                late = rng.random() < 0.1
                cursor += period * (rng.uniform(1.0, 1.6) if late else rng.uniform(0.8, 1.0))
                if cursor >= end:
                    break
                contact(cursor)
        contacts.sort()
        for t in contacts:
            outcome = "informed" if rng.random() < 0.88 else "no_contact"
            push(t, "C", (*payload, outcome))
            if outcome == "no_contact" and rng.random() < 0.6:
                push(self._office_time(t + rng.uniform(0.5, 2) * DAY), "C", (*payload, "informed"))
        if contacts:
            # At the first contact: a needs assessment (most victims, and every enhanced one) and, for
            # victims who agree something other than the default, a contact contract.
            first = contacts[0] + rng.randint(300, 3600)
            if reasons or rng.random() < 0.6:
                push(first, "A", (*payload, frozenset(reasons)))
            if months or days or updates_opt_out or rng.random() < 0.25:
                push(first + 60, "K", (*payload, months, days, updates_opt_out))
        if closed is not None and rng.random() < 0.4:
            push(self._office_time(closed + rng.uniform(0.5, 20) * DAY), "Z", (*payload, len(contacts) + len(events)))
        if rng.random() < 0.08:
            # Taken on by the bureau at some point (and, now and then, handed back).
            taken = self._office_time(reported + rng.uniform(3, 120) * DAY)
            push(taken, "G", (*payload, f"bureau.{code.lower()}{rng.randint(1, 8)}"))
            if rng.random() < 0.2:
                push(self._office_time(taken + rng.uniform(5, 60) * DAY), "G", (*payload, None))

    def _emit(self, writer: _Writer, ids: dict[str, int], kind: str, t: int, payload: tuple, push, audit) -> None:  # type: ignore[no-untyped-def,type-arg]
        rng = self.rng
        if t >= T_END:
            return
        if kind == "E":
            crime_id, crime_ref, event_type, oic_staff = payload
            ids["event"] += 1
            recorded = min(t + rng.randint(60, 6 * 3600), T_END - 1)
            row = (ids["event"], crime_id, event_type, TS(t), None, TS(recorded), oic_staff, None, 0, None)
            writer.add("event", row)
            audit(recorded, oic_staff, "collect", "event", str(ids["event"]),
                  f'{{"crime": "{crime_ref}", "type": "{event_type}"}}')
            return
        link_id, crime_ref, person_ref, oic_id, oic_staff, code = payload[:6]
        recorded = min(t + rng.randint(30, 4 * 3600), T_END - 1)
        if kind == "C":
            outcome = payload[6]
            ids["contact"] += 1
            contact_id = ids["contact"]
            by_bureau = rng.random() < 0.2
            actor = f"bureau.{code.lower()}{rng.randint(1, 8)}" if by_bureau else oic_staff
            method = rng.choices(("phone", "email", "visit", "letter", "sms"), cum_weights=(55, 70, 80, 92, 100))[0]
            note = rng.choice(CONTACT_NOTES) if rng.random() < 0.75 else None
            writer.add(
                "contact_entry",
                (contact_id, link_id, TS(t), method, outcome, note, oic_id if by_bureau else None, TS(recorded), actor,
                 None, 0, None),
            )
            audit(recorded, actor, "collect", "contact", str(contact_id),
                  f'{{"crime": "{crime_ref}", "outcome": "{outcome}", "person": "{person_ref}"}}')
            if rng.random() < 0.004:
                push(recorded + rng.randint(600, 3 * DAY), "X", (*payload[:6], contact_id, t, method, outcome, note))
        elif kind == "X":
            original, at, method, outcome, note = payload[6:]
            ids["contact"] += 1
            retract = rng.random() < 0.15
            writer.add(
                "contact_entry",
                (ids["contact"], link_id, TS(at), method, outcome, note, None, TS(recorded), oic_staff, original,
                 int(retract), rng.choice(CORRECTION_REASONS)),
            )
            audit(recorded, oic_staff, "alter", "contact", str(ids["contact"]),
                  f'{{"corrects": {original}, "fields": [], "retract": {"true" if retract else "false"}}}')
        elif kind == "R":
            explicit = payload[6]
            ids["referral"] += 1
            writer.add(
                "referral",
                (ids["referral"], link_id, TS(t), "Victim Support", "explicit" if explicit else "opt_out", None,
                 TS(recorded), oic_staff, None, 0, None),
            )
            audit(recorded, oic_staff, "disclose", "referral", str(ids["referral"]),
                  f'{{"crime": "{crime_ref}", "person": "{person_ref}", "recipient": "Victim Support"}}')
        elif kind == "A":
            found = payload[6]
            ids["assessment"] += 1
            # The answers agree with the reasons recorded on the link (an explicitly vulnerable victim
            # has at least one of the three vulnerability answers).
            vulnerable = "vulnerable" in found
            answers = [int(vulnerable and rng.random() < p) for p in (0.5, 0.2, 0.5)]
            if vulnerable and not any(answers):
                answers[0] = 1
            writer.add(
                "needs_assessment",
                (ids["assessment"], link_id, TS(t), *answers, int("intimidated" in found),
                 int("persistently_targeted" in found),
                 rng.choice((None, "Wants updates by phone after 6pm", "Needs help with a crime prevention survey",
                             "Referred to local mental health support", "Requested a home visit")),
                 TS(recorded), oic_staff, None, 0, None),
            )
            audit(recorded, oic_staff, "collect", "needs_assessment", str(ids["assessment"]),
                  f'{{"crime": "{crime_ref}", "person": "{person_ref}"}}')
        elif kind == "K":
            months, days, opt_out = payload[6:]
            ids["contract"] += 1
            months = months if (months or days) else 1
            offered = rng.random() < 0.7
            writer.add(
                "contact_contract",
                (ids["contract"], link_id, TS(t), days, None if days else months, int(opt_out),
                 rng.choice(("phone", "phone", "email", "sms", "letter", None)),
                 "Weekdays after 6pm" if rng.random() < 0.1 else None, int(rng.random() < 0.7), int(offered),
                 rng.choice(("accepted", "declined", "later")) if offered else None, None, TS(recorded), oic_staff,
                 None, 0, None),
            )
            audit(recorded, oic_staff, "collect", "contact_contract", str(ids["contract"]),
                  f'{{"crime": "{crime_ref}", "person": "{person_ref}"}}')
        elif kind == "Z":
            ids["certification"] += 1
            writer.add("certification", (ids["certification"], link_id, TS(t), oic_staff, payload[6], None))
            audit(t, oic_staff, "collect", "certification", str(ids["certification"]),
                  f'{{"crime": "{crime_ref}", "person": "{person_ref}"}}')
        elif kind == "G":
            assignee = payload[6]
            ids["assignment"] += 1
            actor = assignee or f"bureau.{code.lower()}1"
            writer.add("work_assignment", (ids["assignment"], link_id, assignee, TS(t), actor))
            audit(t, actor, "alter", "assignment", str(link_id),
                  f'{{"assignee": {json_str(assignee)}}}')
        elif kind == "W":
            ids["waiver"] += 1
            writer.add(
                "waiver",
                (ids["waiver"], link_id, "report", "vs_referral", "Victim could not be contacted to agree a referral",
                 TS(t), TS(recorded), oic_staff, None, 0, None),
            )
            audit(recorded, oic_staff, "collect", "waiver", str(ids["waiver"]),
                  f'{{"crime": "{crime_ref}", "duty": "report", "person": "{person_ref}"}}')


def json_str(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return min(lo, len(cum) - 1)
