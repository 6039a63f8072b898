"""How long `vicman audit verify` takes on a large force's trail (DESIGN.md section 6: 10,000,000 records).

    .venv/bin/python benchmarks/bench_audit.py                      # 10,000,000 records, median of 3 runs
    .venv/bin/python benchmarks/bench_audit.py --records 1000000    # a tenth of it
    .venv/bin/python benchmarks/bench_audit.py --records 100000 --runs 5   # a quick run

1. Builds (or reuses) `benchmarks/.cache/audit-<records>.sqlite3`: the schema by vicman's own migrations,
   then, in one transaction with `sqlite3` `executemany`, a chained audit trail of `--records` records in
   time order with a realistic mix of actions (about 40% create an entry: contacts, corrections, events,
   referrals, waivers, needs assessments, contracts, certifications; the rest are consultations, searches,
   sign-ins, detail changes, refusals and dip-sample reviews), the entries themselves, and the crimes,
   victims and links they belong to. Every hash and digest is computed by `vicman.store.hashing` (the
   reference the verifier's shortcuts must agree with); clocks wander by up to a minute between desktops.
   The build runs in a child process, so the measurements below see only the verifier's memory.
2. Runs `audit_verify.verify` `--runs` times (each must find the trail clean) and reports the median,
   the records and entries per second, the time spent on the chain and on the entries, and the peak
   resident memory (VmHWM) of the measuring process against its size before the first run.
3. Writes `benchmarks/results/audit-<records>.json` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from machine_info import cpu_and_ram

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import sqlalchemy  # noqa: E402

from vicman.services import audit_verify  # noqa: E402
from vicman.services.context import Actor, ServiceContext, open_context  # noqa: E402
from vicman.store.hashing import GENESIS, HASHED_COLUMNS, entry_digest, link_digest  # noqa: E402
from vicman.store.migrate import head_revision  # noqa: E402
from vicman.store.tables import (  # noqa: E402
    CertificationRow,
    ContactContractRow,
    ContactEntryRow,
    EventRow,
    NeedsAssessmentRow,
    ReferralRow,
    WaiverRow,
    core_table,
)

CACHE = HERE / ".cache"
RESULTS = HERE / "results"
GENERATOR_VERSION = 1
START = datetime(2021, 7, 1, tzinfo=UTC)
SPAN = timedelta(days=5 * 365)  # five years of a force's work
NOW = START + SPAN + timedelta(days=1)
ACTOR = Actor(user="bench", workstation="bench-host", unrestricted=True)
BATCH = 50_000

MIX: tuple[tuple[float, str, str, str | None], ...] = (
    # (weight, action, object_type, entry made) - per 100 records
    (28.0, "collect", "contact", "contact_entry"),
    (1.0, "alter", "contact", "correction"),
    (5.0, "collect", "event", "event"),
    (1.5, "disclose", "referral", "referral"),
    (0.5, "collect", "waiver", "waiver"),
    (1.0, "collect", "needs_assessment", "needs_assessment"),
    (1.0, "collect", "contact_contract", "contact_contract"),
    (0.5, "collect", "certification", "certification"),
    (43.0, "consult", "person", None),
    (8.0, "consult", "search", None),
    (5.0, "login", "session", None),
    (3.0, "logout", "session", None),
    (1.2, "alter", "person", None),
    (0.3, "authz-deny", "record", None),
    (1.0, "review", "dip_sample", None),
)
TABLES = {
    "contact_entry": core_table(ContactEntryRow),
    "event": core_table(EventRow),
    "referral": core_table(ReferralRow),
    "waiver": core_table(WaiverRow),
    "needs_assessment": core_table(NeedsAssessmentRow),
    "contact_contract": core_table(ContactContractRow),
    "certification": core_table(CertificationRow),
}
AUDIT_COLUMNS = (
    "seq", "ts", "actor", "role", "workstation", "action", "object_type", "object_id", "detail", "reason_code",
    "reason_text", "recipients", "entry_hash", "prev_hash", "hash",
)  # fmt: skip
NOTES = (
    "Spoke to the victim; explained the next steps in the investigation.",
    "No answer; left a voicemail asking them to call back.",
    "Victim asked for updates by email only.",
    "Explained the Victims' Code and gave the leaflet.",
    "Told of the arrest; victim relieved. Safety advice given.",
    "Called back as agreed — victim not available, will try tomorrow.",
    None,
)
SURNAMES = ("Nowak", "Hughes", "Wei", "Okafor", "Zielinski", "Patel", "Murphy", "Kowalski", "Evans", "Ahmed")


def log(message: str) -> None:
    print(message, flush=True)


def stored(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite (UTCDateTime text, booleans as 0/1)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")[:-6]  # "+00:00" off
    if isinstance(value, bool):
        return int(value)
    return value


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- building the trail ---------------------------------------------------------------------------


class TrailBuilder:
    def __init__(self, records: int, seed: int) -> None:
        self.records = records
        self.rng = random.Random(seed)
        self.crimes = max(50, records // 40)
        self.officers = max(20, min(2000, records // 5000))
        self.ids = dict.fromkeys(TABLES, 0)
        self.corrected = 0
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in (*TABLES, "audit")}
        self.counts: dict[str, int] = dict.fromkeys((*TABLES, "audit"), 0)
        self.actions: dict[str, int] = {}

    def build(self, connection: sqlite3.Connection) -> None:
        rng = self.rng
        connection.execute("BEGIN")
        self._people_and_crimes(connection)
        weights = [w for w, *_ in MIX]
        step = SPAN / self.records
        prev, seq = GENESIS, 0
        started = time.perf_counter()
        while seq < self.records:
            for kind in rng.choices(MIX, weights=weights, k=min(BATCH, self.records - seq)):
                seq += 1
                jitter = timedelta(seconds=rng.uniform(-60.0, 0.0))  # desktops' clocks wander a little
                ts = START + step * seq + jitter
                prev = self._record(seq, ts, kind, prev)
            self._flush(connection)
            if seq % 1_000_000 == 0 or seq == self.records:
                rate = seq / (time.perf_counter() - started)
                log(f"    {seq:>12,} records ({rate:,.0f}/s)")
        connection.execute("COMMIT")

    def _people_and_crimes(self, connection: sqlite3.Connection) -> None:
        created = stored(START)
        connection.executemany(
            "INSERT INTO officer (id, staff_no, name, email, division, team, active, created_at) "
            "VALUES (?, ?, ?, NULL, ?, NULL, 1, ?)",
            [(i, f"P{1000 + i}", f"PC {SURNAMES[i % 10]} {i}", f"Division {i % 6}", created)
             for i in range(1, self.officers + 1)],
        )  # fmt: skip
        for start in range(1, self.crimes + 1, BATCH):
            ids = range(start, min(start + BATCH, self.crimes + 1))
            connection.executemany(
                "INSERT INTO crime (id, ref, ref_key, kind, offence, reported_at, division, oic_id, version, "
                "created_at, updated_at) VALUES (?, ?, ?, 'crime', 'Theft', ?, ?, ?, 1, ?, ?)",
                [(i, f"CR-{i}", f"CR{i}", created, f"Division {i % 6}", 1 + i % self.officers, created, created)
                 for i in ids],
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO person (id, ref, ref_key, name, surname_key, interpreter_needed, version, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?)",
                [(i, f"V-{i}", f"V{i}", f"Alex {SURNAMES[i % 10]}", SURNAMES[i % 10].lower(), created, created)
                 for i in ids],
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO crime_person (id, crime_id, person_id, role, enhanced_reasons, vs_opt_out, "
                "updates_opt_out, version, created_at) VALUES (?, ?, ?, 'victim', '', 0, 0, 1, ?)",
                [(i, i, i, created) for i in ids],
            )

    def _record(self, seq: int, ts: datetime, kind: tuple[float, str, str, str | None], prev: str) -> str:
        rng = self.rng
        _weight, action, object_type, made = kind
        self.actions[f"{action} {object_type}"] = self.actions.get(f"{action} {object_type}", 0) + 1
        officer = rng.randrange(1, self.officers + 1)
        actor = f"pc-{1000 + officer}"
        role = rng.choice(("officer", "officer", "officer", "bureau", "supervisor"))
        link = rng.randrange(1, self.crimes + 1)
        reason_code = reason_text = recipients = entry_hash = None
        if made is not None:
            object_id, detail, entry_hash = self._entry(made, ts, actor, link)
        elif object_type == "person":
            object_id = f"V-{link}"
            if action == "consult":
                detail = json.dumps({"crimes": [f"CR-{link}"]}, sort_keys=True)
                if rng.random() < 0.1:
                    reason_code, reason_text = "covering", "Covering for a colleague on leave"
            else:
                detail = json.dumps({"fields": ["phone"]}, sort_keys=True)
        elif object_type == "search":
            object_id = rng.choice(SURNAMES)
            detail = json.dumps({"hits": [f"V-{link}"]}, sort_keys=True)
        elif object_type == "session":
            object_id, detail = actor, None
        elif object_type == "dip_sample":
            object_id, detail = str(seq // 1000 + 1), json.dumps({"verdict": "meets"}, sort_keys=True)
        else:
            object_id, detail = f"crime:CR-{link}", json.dumps({"action": "record.read"}, sort_keys=True)
        if action == "disclose":
            recipients = "Victim Support"
        fields = {
            "seq": seq, "ts": ts, "actor": actor, "role": role, "workstation": f"WS-{officer % 400:04d}",
            "action": action, "object_type": object_type, "object_id": object_id, "detail": detail,
            "reason_code": reason_code, "reason_text": reason_text, "recipients": recipients, "entry_hash": entry_hash,
        }  # fmt: skip
        digest = link_digest(prev, fields)
        row = [fields[c] for c in AUDIT_COLUMNS[:-2]]
        row[1] = stored(ts)
        self.rows["audit"].append((*row, prev, digest))
        return digest

    def _entry(self, made: str, ts: datetime, actor: str, link: int) -> tuple[str, str, str]:
        """A new entry of kind `made`, as the services would write it: its id, the audit detail, its digest."""
        rng = self.rng
        at = ts - timedelta(minutes=rng.randrange(5, 4000))
        common = {"recorded_at": ts, "recorded_by": actor, "corrects_id": None, "retracted": False,
                  "correction_reason": None}  # fmt: skip
        table = "contact_entry" if made == "correction" else made
        if made in ("contact_entry", "correction"):
            values: dict[str, Any] = {
                "link_id": link, "at": at, "method": rng.choice(("phone", "visit", "email", "letter", "sms")),
                "outcome": rng.choice(("informed", "informed", "no_contact")), "note": rng.choice(NOTES),
                "on_behalf_of_id": None, "not_meeting": None, **common,
            }  # fmt: skip
            if made == "correction" and self.corrected < self.ids["contact_entry"]:
                self.corrected += 1  # each correction corrects a different, earlier contact
                values.update(corrects_id=self.corrected, correction_reason="Wrong time entered",
                              retracted=rng.random() < 0.2)  # fmt: skip
            detail = {"outcome": values["outcome"]}
        elif made == "event":
            values = {"crime_id": link, "type": rng.choice(("arrest", "interview", "charge", "rui", "bail")),
                      "at": at, "note": rng.choice(NOTES), **common}  # fmt: skip
            detail = {"type": values["type"]}
        elif made == "referral":
            values = {"link_id": link, "at": at, "service": "Victim Support", "consent": "opt_out",
                      "note": None, **common}  # fmt: skip
            detail = {"recipient": "Victim Support"}
        elif made == "waiver":
            values = {"link_id": link, "obligation_key": "update:1", "rule": "update", "at": at,
                      "reason": "Victim asked for no further updates", **common}  # fmt: skip
            detail = {"duty": "update:1"}
        elif made == "needs_assessment":
            values = {"link_id": link, "at": at, "mental_disorder": False, "impaired_intelligence": False,
                      "physical_disability": rng.random() < 0.1, "fear_or_distress": rng.random() < 0.3,
                      "repeatedly_targeted": False, "needs": rng.choice(NOTES), **common}  # fmt: skip
            detail = {}
        elif made == "contact_contract":
            values = {"link_id": link, "at": at, "every_days": None, "every_months": 1, "updates_opt_out": False,
                      "method": "phone", "safe_times": "Evenings", "may_leave_messages": True,
                      "vps_offered": True, "vps_answer": "later", "notes": None, **common}  # fmt: skip
            detail = {}
        else:
            values = {"link_id": link, "at": ts, "by": actor, "duties": rng.randrange(1, 9), "note": None}
            detail = {}
        self.ids[table] += 1
        values["id"] = self.ids[table]
        row = tuple(stored(values[c]) for c in HASHED_COLUMNS[table])
        self.rows[table].append(row)
        text = json.dumps({"crime": f"CR-{link}", **({} if made == "event" else {"person": f"V-{link}"}), **detail},
                          sort_keys=True, ensure_ascii=False)  # fmt: skip
        return str(values["id"]), text, entry_digest(TABLES[table], values)

    def _flush(self, connection: sqlite3.Connection) -> None:
        for name, rows in self.rows.items():
            if not rows:
                continue
            columns = AUDIT_COLUMNS if name == "audit" else HASHED_COLUMNS[name]
            connection.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
            )
            self.counts[name] += len(rows)
            rows.clear()


def cache_path(records: int) -> Path:
    return CACHE / f"audit-{records}.sqlite3"


def cached_meta(path: Path, records: int, seed: int) -> dict[str, Any] | None:
    meta_path = path.with_suffix(".json")
    if not (path.exists() and meta_path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    wanted = {"generator": GENERATOR_VERSION, "records": records, "seed": seed, "revision": head_revision()}
    return meta if all(meta.get(k) == v for k, v in wanted.items()) else None


def build(records: int, seed: int) -> dict[str, Any]:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = cache_path(records)
    building = path.with_name(path.name + ".building")
    remove_db(building)
    log(f"Building a trail of {records:,} records into {path} (seed {seed})")
    started = time.perf_counter()
    open_context(str(building), actor=ACTOR, clock=lambda: NOW).close()  # the schema, by vicman's migrations
    connection = sqlite3.connect(building, isolation_level=None)
    connection.execute("PRAGMA journal_mode=OFF")  # a cache, rebuilt if a build is cut short
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-1000000")
    builder = TrailBuilder(records, seed)
    builder.build(connection)
    connection.execute("PRAGMA journal_mode=WAL")  # as vicman keeps it
    connection.close()
    seconds = time.perf_counter() - started
    meta = {
        "generator": GENERATOR_VERSION, "records": records, "seed": seed, "revision": head_revision(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"), "build_seconds": round(seconds, 1),
        "rows": {**builder.counts, "crime": builder.crimes, "officer": builder.officers},
        "actions": dict(sorted(builder.actions.items())), "db_bytes": building.stat().st_size,
    }  # fmt: skip
    remove_db(path)
    building.rename(path)
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"  built in {seconds:.0f}s: {meta['db_bytes']:,} bytes")
    for table, count in meta["rows"].items():
        log(f"    {table:>17}: {count:>12,}")
    return meta


def ensure_built(records: int, seed: int, rebuild: bool) -> dict[str, Any]:
    """The cached trail, built first (in a child process, so that its memory is not counted) if needed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = cache_path(records)
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        meta = None if rebuild else cached_meta(path, records, seed)
        if meta is not None:
            log(f"Reusing {path} (built {meta['built_at']}; --rebuild to build again)")
            return meta
        command = [sys.executable, __file__, "--records", str(records), "--seed", str(seed), "--build-only"]
        subprocess.run(command, check=True)
        meta = cached_meta(path, records, seed)
        assert meta is not None
        return meta


# --- measuring ------------------------------------------------------------------------------------


def memory_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def measure(ctx: ServiceContext) -> dict[str, Any]:
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[stage] = time.perf_counter()

    started = time.perf_counter()
    report = audit_verify.verify(ctx, progress=progress)
    seconds = time.perf_counter() - started
    if not report.ok:
        first = report.first_problem
        raise SystemExit(f"the benchmark trail did not verify: {report.problem_count} problems; first {first}")
    chain_end = marks.get("chain", started)
    return {
        "seconds": round(seconds, 2),
        "chain_seconds": round(chain_end - started, 2),
        "entries_seconds": round(seconds - (chain_end - started), 2),
        "records": report.records,
        "entries_checked": report.entries_checked,
    }


def machine() -> dict[str, Any]:
    cpu, ram = cpu_and_ram()
    return {
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000_000, help="audit records (default 10,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of verify; the median is reported")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true", help="build the trail again even if cached")
    parser.add_argument("--build-only", action="store_true", help="build the cached trail and stop")
    parser.add_argument("--batch", type=int, help=f"rows per read (default audit_verify.BATCH, {audit_verify.BATCH})")
    args = parser.parse_args(argv)
    if args.build_only:
        build(args.records, args.seed)
        return 0

    info = machine()
    log(f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; {info['platform']}; "
        f"Python {info['python']}, SQLite {info['sqlite']}")  # fmt: skip
    meta = ensure_built(args.records, args.seed, args.rebuild)
    if args.batch:
        audit_verify.BATCH = args.batch
    path = cache_path(args.records)
    ctx = open_context(str(path), actor=ACTOR, clock=lambda: NOW)
    rss_before = memory_kb("VmRSS")
    runs = []
    try:
        for index in range(args.runs):
            run = measure(ctx)
            runs.append(run)
            log(f"  run {index + 1}/{args.runs}: {run['seconds']:.1f}s (chain {run['chain_seconds']:.1f}s, "
                f"entries {run['entries_seconds']:.1f}s); {run['records']:,} records, "
                f"{run['entries_checked']:,} entries")  # fmt: skip
    finally:
        ctx.close()
    peak = memory_kb("VmHWM")
    median = statistics.median(r["seconds"] for r in runs)
    records, entries = runs[0]["records"], runs[0]["entries_checked"]
    result = {
        "benchmark": "bench_audit",
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "records": records,
        "entries": entries,
        "runs": runs,
        "median_seconds": median,
        "records_per_second": round(records / median),
        "entries_per_second": round(entries / statistics.median(r["entries_seconds"] for r in runs)),
        "chain_records_per_second": round(records / statistics.median(r["chain_seconds"] for r in runs)),
        "rss_mb_before": round(rss_before / 1024, 1) if rss_before else None,
        "peak_rss_mb": round(peak / 1024, 1) if peak else None,
        "read_batch": audit_verify.BATCH,
        "machine": info,
        "loadavg_at_end": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
        "data": {k: meta[k] for k in ("records", "seed", "rows", "actions", "db_bytes", "build_seconds", "built_at")},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"audit-{args.records}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    log(f"verify: median {median:.1f}s over {len(runs)} runs = {result['records_per_second']:,} records/s "
        f"({entries:,} entries at {result['entries_per_second']:,}/s); peak RSS {result['peak_rss_mb']} MB "
        f"(before: {result['rss_mb_before']} MB)")  # fmt: skip
    log(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
