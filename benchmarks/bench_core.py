"""vicman's core benchmark: a large force's data set, and the operations officers wait for.

    .venv/bin/python benchmarks/bench_core.py               # full size (DESIGN.md section 6)
    .venv/bin/python benchmarks/bench_core.py --scale 0.05  # a quick run

1. Builds the force's data set at `--scale` into `benchmarks/.cache/force-<scale>.sqlite3`, or reuses
   it (`--rebuild` to force): schema by vicman's own migrations, rows bulk-loaded (`forcegen.py`),
   then every obligation derived by the real engine (`derivation.rederive_all`), which is timed.
2. Times each operation N times (after warm-up runs, with inputs varied by a seeded generator) and
   reports the median and 90th percentile against its target. Writes go to a copy of the cache.
3. Prints a table and writes it as JSON to `benchmarks/results/core-<scale>.json`.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from machine_info import cpu_and_ram

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import forcegen  # noqa: E402
import sqlalchemy  # noqa: E402

from vicman.services import derivation, entries, importing, queries  # noqa: E402
from vicman.services.context import Actor, ServiceContext, open_context  # noqa: E402
from vicman.store.migrate import head_revision  # noqa: E402

CACHE = HERE / ".cache"
RESULTS = HERE / "results"
NOW = forcegen.END + timedelta(hours=9)  # the benchmark's clock: the morning after the data ends
AS_OF = forcegen.END.date()
ACTOR = Actor(user="bench", workstation="bench-host", unrestricted=True)
SMALL_SCALE = 0.01
ALL_OPS = frozenset({"overdue", "bureau", "officer", "search", "derive", "contact", "import"})


def log(message: str) -> None:
    print(message, flush=True)


def open_ctx(path: Path) -> ServiceContext:
    return open_context(str(path), actor=ACTOR, clock=lambda: NOW)


def scale_name(scale: float) -> str:
    return str(float(scale))


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> None:
    """A byte copy of a closed, checkpointed database (the cache is never opened for writing)."""
    remove_db(target)
    shutil.copyfile(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, Path(f"{target}-wal"))


# --- building the data set ------------------------------------------------------------------------


def build(scale: float, seed: int, rebuild: bool, quiet: bool = False) -> tuple[Path, dict[str, Any]]:
    """The cached data set at this scale, built first if missing or stale. Two runs at once wait
    for each other rather than both building the same file."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"force-{scale_name(scale)}.sqlite3"
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(path, scale, seed, rebuild, quiet)


def _build_locked(path: Path, scale: float, seed: int, rebuild: bool, quiet: bool) -> tuple[Path, dict[str, Any]]:
    meta_path = path.with_suffix(".json")
    say = (lambda _m: None) if quiet else log
    if path.exists() and meta_path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text())
        same = (meta.get("generator"), meta.get("seed"), _revision(path))
        if same == (forcegen.GENERATOR_VERSION, seed, head_revision()):
            say(f"Reusing {path} (built {meta['built_at']}; --rebuild to build again)")
            return path, meta
        if same[:2] == (forcegen.GENERATOR_VERSION, seed) and same[2] is not None:
            # Same generator, older schema: migrating a copy takes a minute where a build takes many
            # (the generator's version changes whenever it must fill what a migration adds).
            migrated = _migrated(path, meta, say)
            if migrated is not None:
                return path, migrated
        say(f"{path} was built by another generator version, seed or schema revision: rebuilding")
    building = path.with_name(path.name + ".building")
    remove_db(building)
    say(f"Building the force at scale {scale} into {path} (seed {seed})")
    phases: dict[str, float] = {}
    started = time.perf_counter()
    ctx = open_ctx(building)  # the schema, by vicman's own migrations
    ctx.close()
    phases["schema"] = time.perf_counter() - started
    say(f"  schema (Alembic): {phases['schema']:.1f}s")
    generator = forcegen.ForceGenerator(scale, seed, log=say)
    stats = generator.build(str(building))
    phases["officers"] = stats.phases["officers"]
    phases["cases_events_contacts_audit"] = stats.phases["cases"]
    phases["secondary_indexes"] = stats.phases["indexes"]
    say(f"  cases, events, contacts, referrals, audit: {stats.phases['cases']:.1f}s")
    for table, count in stats.rows.items():
        say(f"    {table:>14}: {count:>12,} rows")

    ctx = open_ctx(building)
    links = _scalar(building, "SELECT count(*) FROM crime_person")
    say(f"  deriving every obligation with the engine (rederive_all over {links:,} links) ...")
    t0 = time.perf_counter()
    obligations = derivation.rederive_all(ctx)
    phases["derive_all"] = time.perf_counter() - t0
    ctx.close()
    say(
        f"  derive_all: {obligations:,} obligations in {phases['derive_all']:.1f}s "
        f"({links / phases['derive_all']:,.0f} links/s, {obligations / phases['derive_all']:,.0f} obligations/s)"
    )
    with sqlite3.connect(building) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    phases["total"] = time.perf_counter() - started
    meta = {
        "scale": scale,
        "seed": seed,
        "generator": forcegen.GENERATOR_VERSION,
        "schema": head_revision(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": {k: round(v, 2) for k, v in phases.items()},
        "derivation": {
            "links": links,
            "obligations": obligations,
            "seconds": round(phases["derive_all"], 2),
            "links_per_second": round(links / phases["derive_all"]),
            "obligations_per_second": round(obligations / phases["derive_all"]),
        },
        "data": data_profile(building),
        "not_generated": generator.not_generated,
    }
    remove_db(path)
    os.replace(building, path)
    remove_db(building)
    meta["data"]["db_bytes"] = path.stat().st_size
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    say(f"  built in {phases['total']:.1f}s; {path.stat().st_size / 1e9:.2f} GB")
    return path, meta


def _migrated(path: Path, meta: dict[str, Any], say: Callable[[str], None]) -> dict[str, Any] | None:
    """The cache migrated to the head schema by `open_context`, on a copy that then replaces it; None if the
    migration fails (a cache from a newer vicman, say)."""
    copy = path.with_name(path.name + ".migrating")
    say(f"{path} is at schema {meta.get('schema')}: migrating a copy to {head_revision()}")
    copy_db(path, copy)
    try:
        open_ctx(copy).close()
    except Exception as exc:  # any failure means: build it again
        say(f"  migration failed ({exc}): rebuilding")
        remove_db(copy)
        return None
    finally:
        for backup in copy.parent.glob(copy.name + ".before-*.bak"):
            backup.unlink()  # migrate()'s safety copy of a throwaway copy
    with sqlite3.connect(copy) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    remove_db(path)
    os.replace(copy, path)
    remove_db(copy)
    meta = {**meta, "schema": head_revision(), "migrated_from": meta.get("schema")}
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def _revision(path: Path) -> str | None:
    try:
        return _scalar(path, "SELECT version_num FROM alembic_version")  # type: ignore[no-any-return]
    except sqlite3.Error:
        return None


def _scalar(path: Path, sql: str, params: Sequence[Any] = ()) -> Any:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchone()[0]


def data_profile(path: Path) -> dict[str, Any]:
    """Row counts and the shape of the obligations, for the report."""
    tables = ("officer", "crime", "person", "crime_person", "event", "contact_entry", "referral", "waiver",
              "needs_assessment", "contact_contract", "certification", "work_assignment", "obligation", "audit")
    with sqlite3.connect(path) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        states = dict(conn.execute("SELECT state, count(*) FROM obligation GROUP BY state").fetchall())
        overdue = conn.execute(
            "SELECT count(*) FROM obligation WHERE state = 'pending' AND due < ?", (AS_OF.isoformat(),)
        ).fetchone()[0]
        by_division = dict(
            conn.execute(
                "SELECT division, count(*) FROM obligation WHERE state = 'pending' AND due < ? GROUP BY division",
                (AS_OF.isoformat(),),
            ).fetchall()
        )
        rules = dict(conn.execute("SELECT rule, count(*) FROM obligation GROUP BY rule").fetchall())
        open_crimes = conn.execute("SELECT count(*) FROM crime WHERE closed_at IS NULL").fetchone()[0]
        stat1 = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0]
    return {
        "rows": counts,
        "obligations_by_state": states,
        "obligations_by_rule": rules,
        "overdue_as_of": AS_OF.isoformat(),
        "overdue": overdue,
        "overdue_by_division": by_division,
        "open_crimes": open_crimes,
        "analyzed": bool(stat1),
    }


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Result:
    operation: str
    target: str
    target_ms: float | None
    samples_ms: list[float]
    note: str = ""
    rate: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    passed: bool | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    def judge(self) -> None:
        if self.passed is None and self.target_ms is not None:
            self.passed = self.median <= self.target_ms

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("samples_ms")
        return {
            **data,
            "reps": len(self.samples_ms),
            "median_ms": round(self.median, 2),
            "p90_ms": round(self.p90, 2),
            "min_ms": round(min(self.samples_ms), 2),
            "max_ms": round(max(self.samples_ms), 2),
        }


def time_calls(calls: Sequence[Callable[[], Any]], warmup: Sequence[Callable[[], Any]]) -> tuple[list[float], list]:
    for call in warmup:
        call()
    samples, outputs = [], []
    for call in calls:
        t0 = time.perf_counter()
        out = call()
        samples.append((time.perf_counter() - t0) * 1000)
        outputs.append(out)
    return samples, outputs


class Inputs:
    """Varied, seeded inputs drawn from the data set itself."""

    def __init__(self, path: Path, seed: int) -> None:
        self.rng = random.Random(seed)
        self.conn = sqlite3.connect(path)

    def close(self) -> None:
        self.conn.close()

    def divisions(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT division FROM officer ORDER BY division")]

    def officers(self, k: int) -> list[str]:
        staff = [r[0] for r in self.conn.execute(
            "SELECT staff_no FROM officer WHERE id IN (SELECT DISTINCT oic_id FROM crime) ORDER BY id")]
        return [self.rng.choice(staff) for _ in range(k)]

    def _random_rows(self, table: str, columns: str, k: int, where: str = "1") -> list[tuple]:
        top = self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        rows: list[tuple] = []
        while len(rows) < k:
            row = self.conn.execute(
                f"SELECT {columns} FROM {table} WHERE id = ? AND {where}", (self.rng.randint(1, top),)
            ).fetchone()
            if row is not None:
                rows.append(row)
        return rows

    def surname_prefixes(self, k: int) -> list[str]:
        names = self._random_rows("person", "name", k)
        return [name.split()[-1][: self.rng.choice((2, 3, 3, 4, 5))] for (name,) in names]

    def crime_ref_prefixes(self, k: int) -> list[str]:
        refs = self._random_rows("crime", "ref", k)
        return [ref[: self.rng.choice((5, 7, 8, 9, 10))] for (ref,) in refs]

    def links(self, k: int) -> list[tuple[str, str]]:
        rows = self._random_rows("crime_person", "crime_id, person_id", k, "role != 'witness'")
        out = []
        for crime_id, person_id in rows:
            crime = self.conn.execute("SELECT ref FROM crime WHERE id = ?", (crime_id,)).fetchone()[0]
            person = self.conn.execute("SELECT ref FROM person WHERE id = ?", (person_id,)).fetchone()[0]
            out.append((crime, person))
        return out


def bench_reads(path: Path, pristine: Path, reps: int, seed: int, ops: set[str]) -> list[Result]:
    """Worklists and search. Run on the work copy: a search writes an audit record (a consultation)."""
    inputs = Inputs(pristine, seed)
    warm = 5
    results = []
    ctx = open_ctx(path)
    try:
        if "overdue" in ops:
            divisions = inputs.divisions()
            chosen = [inputs.rng.choice(divisions) for _ in range(reps + warm)]
            calls = [lambda d=d: queries.overdue_worklist(ctx, d, as_of=AS_OF, limit=200) for d in chosen]
            samples, outs = time_calls(calls[warm:], calls[:warm])
            results.append(Result(
                "overdue worklist: division, first 200 by due date", "<= 50 ms", 50, samples,
                note=f"{len(divisions)} divisions; rows returned: mean {statistics.mean(len(o) for o in outs):.0f}",
            ))
        if "bureau" in ops:
            divisions = inputs.divisions()
            chosen = [inputs.rng.choice(divisions) for _ in range(reps + warm)]
            calls = [
                lambda d=d: queries.bureau_queue(ctx, queries.DutyFilter(division=d), as_of=AS_OF, limit=200)
                for d in chosen
            ]
            samples, outs = time_calls(calls[warm:], calls[:warm])
            results.append(Result(
                "bureau queue: division, due+overdue, 200 + totals", "(no target)", None, samples,
                note=f"informational; matching duties per division: mean {statistics.mean(o.total for o in outs):,.0f}",
            ))
        if "officer" in ops:
            staff = inputs.officers(reps + warm)
            calls = [lambda s=s: queries.officer_worklist(ctx, s, as_of=AS_OF) for s in staff]
            samples, outs = time_calls(calls[warm:], calls[:warm])
            sizes = [len(o) for o in outs]
            results.append(Result(
                "officer worklist: one officer's due and overdue", "<= 20 ms", 20, samples,
                note=f"{reps} officers drawn at random; rows returned: mean {statistics.mean(sizes):.0f}, "
                f"max {max(sizes)}",
            ))
        if "search" in ops:
            for label, prefixes in (
                ("surname prefix", inputs.surname_prefixes(reps + warm)),
                ("crime reference prefix", inputs.crime_ref_prefixes(reps + warm)),
            ):
                calls = [lambda p=p: queries.search(ctx, p) for p in prefixes]
                samples, outs = time_calls(calls[warm:], calls[:warm])
                results.append(Result(
                    f"search: victim by {label}", "<= 50 ms", 50, samples,
                    note=f"e.g. {', '.join(repr(p) for p in prefixes[warm:warm + 3])}; "
                    f"hits: mean {statistics.mean(len(o) for o in outs):.0f}",
                ))
    finally:
        ctx.close()
        inputs.close()
    return results


def bench_rederive(work: Path, pristine: Path, batches: int, seed: int) -> Result:
    """Re-derive runs of 2,000 links (as rederive_all does, one transaction each) with the current engine."""
    rng = random.Random(seed + 3)
    top = _scalar(pristine, "SELECT max(id) FROM crime_person")
    size = min(2000, top)
    starts = [rng.randint(1, max(1, top - size + 1)) for _ in range(batches + 1)]
    ctx = open_ctx(work)
    counts: list[int] = []

    def run(start: int) -> None:
        with ctx.db.transaction() as session:
            counts.append(derivation.rederive_links(ctx, session, range(start, start + size)))

    try:
        samples, _ = time_calls([lambda s=s: run(s) for s in starts[1:]], [lambda: run(starts[0])])
    finally:
        ctx.close()
    per_second = size * len(samples) / (sum(samples) / 1000)
    obligations = sum(counts[1:])
    res = Result(
        f"re-derive {size:,} links (one rederive_all batch)", "(no target)", None, samples,
        rate=f"{per_second:,.0f} links/s, {obligations / (sum(samples) / 1000):,.0f} obl/s",
        note=f"informational: the engine as it is now, on {len(samples)} runs of {size:,} links at random offsets",
    )
    res.extra["links_per_second"] = round(per_second)
    return res


def bench_record_contact(work: Path, pristine: Path, reps: int, seed: int) -> Result:
    inputs = Inputs(pristine, seed + 1)
    warm = 5
    links = inputs.links(reps + warm)
    inputs.close()
    rng = random.Random(seed + 2)
    ctx = open_ctx(work)
    try:
        calls = []
        for i, (crime_ref, person_ref) in enumerate(links):
            at = NOW - timedelta(minutes=5 + i)
            method = rng.choice(("phone", "phone", "email", "visit", "letter", "sms"))
            outcome = "informed" if rng.random() < 0.85 else "no_contact"
            calls.append(
                lambda c=crime_ref, p=person_ref, a=at, m=method, o=outcome: entries.record_contact(
                    ctx, c, p, a, m, o, note="Benchmark: updated the victim on progress."
                )
            )
        samples, outs = time_calls(calls[warm:], calls[:warm])
    finally:
        ctx.close()
    return Result(
        "record contact (write, audit, re-derive)", "<= 30 ms", 30, samples,
        note=f"random victims; obligations re-derived per call: mean "
        f"{statistics.mean(o.obligations_rederived for o in outs):.1f}",
    )


def write_import_csv(path: Path, db: Path, rows: int, rep: int, seed: int) -> None:
    """`rows` new victims in new crimes, officers as the force's crime system knows them."""
    rng = random.Random(seed * 1000 + rep)
    with sqlite3.connect(db) as conn:
        officers = conn.execute("SELECT staff_no, name, email, division FROM officer WHERE active = 1").fetchall()
    codes = {name: code for name, code, _ in forcegen.DIVISIONS}
    offence_cum = forcegen.ForceGenerator._cum([o[1] for o in forcegen.OFFENCES])
    start = forcegen.END - timedelta(days=30)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["crime_ref", "reported_at", "offence", "kind", "division", "oic_id", "oic_name", "oic_email",
                      "victim_ref", "victim_name", "victim_dob", "victim_phone", "victim_email", "victim_address",
                      "enhanced_reasons", "vs_opt_out"])
        written, crime_no = 0, 0
        while written < rows:
            crime_no += 1
            staff_no, oic_name, oic_email, division = rng.choice(officers)
            ref = f"{codes.get(division, 'XX')}-26-{9_000_000 + rep * 100_000 + crime_no}"
            reported = start + timedelta(seconds=rng.randint(0, 29 * 86_400))
            offence, _w, kind, _b, _s = forcegen.OFFENCES[forcegen._bisect(offence_cum, rng.random() * offence_cum[-1])]
            local = reported.astimezone(forcegen_london()).strftime("%Y-%m-%d %H:%M")
            x = rng.random()
            victims = 1 if x < 0.8 else 2 if x < 0.96 else 3 if x < 0.99 else 4
            for v in range(min(victims, rows - written)):
                written += 1
                dob = date(1990, 1, 1) + timedelta(days=rng.randint(-25_000, 8_000))
                reasons = "vulnerable" if rng.random() < 0.06 else ""
                out.writerow([
                    ref, local, offence, kind, division, staff_no, oic_name, oic_email,
                    f"W{rep}{crime_no:06d}{v}", f"{rng.choice(forcegen.FIRST_NAMES)} {rng.choice(forcegen.SURNAMES)}",
                    dob.isoformat() if dob < reported.date() else "", f"07{rng.randint(100_000_000, 999_999_999)}",
                    "", f"{rng.randint(1, 200)} {rng.choice(forcegen.STREETS)}, {rng.choice(forcegen.TOWNS)}",
                    reasons, "yes" if rng.random() < 0.12 else "no",
                ])


def forcegen_london():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/London")


def bench_import(label: str, fresh: Callable[[int], Path], rows: int, reps: int, seed: int) -> Result:
    samples, results = [], []
    for rep in range(reps):
        target = fresh(rep)
        csv_path = CACHE / f"import-{rep}.csv"
        write_import_csv(csv_path, target, rows, rep, seed)
        ctx = open_ctx(target)
        try:
            t0 = time.perf_counter()
            result = importing.import_crimes(ctx, csv_path)
            samples.append((time.perf_counter() - t0) * 1000)
            results.append(result)
        finally:
            ctx.close()
            csv_path.unlink(missing_ok=True)
        log(f"    import {rep + 1}/{reps} into {label}: {samples[-1] / 1000:.1f}s "
            f"({rows / samples[-1] * 1000:,.0f} rows/s; {result.obligations_rederived:,} obligations derived)")
    rate = rows / statistics.median(samples) * 1000
    res = Result(
        f"import {rows:,} rows into {label}", ">= 5,000 rows/s", rows / 5000 * 1000, samples,
        rate=f"{rate:,.0f} rows/s",
        note=f"{results[0].crimes_created:,} crimes, {results[0].people_created:,} victims and "
        f"{results[0].obligations_rederived:,} obligations per import",
    )
    res.extra["rows_per_second_median"] = round(rate)
    return res


# --- reporting ------------------------------------------------------------------------------------


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


def print_table(results: list[Result]) -> None:
    header = f"{'operation':<58} {'median ms':>10} {'p90 ms':>9}  {'target':<17} {'result':<6} rate"
    log(header)
    log("-" * len(header))
    for r in results:
        verdict = "-" if r.passed is None else "PASS" if r.passed else "FAIL"
        log(f"{r.operation:<58} {r.median:>10.1f} {r.p90:>9.1f}  {r.target:<17} {verdict:<6} {r.rate}")


def kept_results(out: Path, meta: dict[str, Any], measured: set[str]) -> list[dict[str, Any]]:
    """A run of some operations keeps the other operations' results from earlier runs on the same data."""
    try:
        earlier = json.loads(out.read_text())
    except (OSError, ValueError):
        return []
    if earlier.get("data") != meta["data"]:
        return []
    return [
        {**r, "run_at": r.get("run_at", earlier.get("run_at"))}
        for r in earlier.get("results", [])
        if r["operation"] not in measured
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full force (default 1.0)")
    parser.add_argument("--seed", type=int, default=2008, help="random seed (default 2008)")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again even if cached")
    parser.add_argument("--reps", type=int, default=50, help="timed repetitions per read/contact operation")
    parser.add_argument("--import-reps", type=int, default=3, help="timed imports into each database")
    parser.add_argument("--import-rows", type=int, default=50_000, help="rows in each import file")
    parser.add_argument("--ops", default=",".join(sorted(ALL_OPS)),
                        help="comma-separated subset of: overdue, bureau, officer, search, derive, contact, import")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the data set and stop")
    parser.add_argument("--keep-work", action="store_true", help="keep the written-to copy of the database")
    args = parser.parse_args(argv)
    ops = {o.strip() for o in args.ops.split(",") if o.strip()}
    if ops - ALL_OPS:
        parser.error(f"unknown operation(s): {', '.join(sorted(ops - ALL_OPS))}")

    info = machine()
    log(f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; {info['platform']}; "
        f"Python {info['python']}, SQLite {info['sqlite']}, SQLAlchemy {info['sqlalchemy']}")
    path, meta = build(args.scale, args.seed, args.rebuild)
    rows = meta["data"]["rows"]
    log("Data: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()) + f"; {meta['data']['db_bytes'] / 1e9:.2f} GB")
    if args.build_only:
        return 0

    results: list[Result] = []
    derived = meta["derivation"]
    results.append(Result(
        "derive all obligations (rederive_all, at build)", "(measured)", None, [derived["seconds"] * 1000],
        rate=f"{derived['links_per_second']:,} links/s, {derived['obligations_per_second']:,} obl/s",
        note=f"{derived['links']:,} links -> {derived['obligations']:,} obligations; single run",
    ))
    # Everything runs on a copy, so the cache stays as built (a search writes an audit record too).
    work = CACHE / f"work-{scale_name(args.scale)}.sqlite3"
    log(f"Copying the database to {work} ...")
    copy_db(path, work)
    try:
        log(f"Timing worklists and search ({args.reps} reps each, 5 warm-up) ...")
        results.extend(bench_reads(work, path, args.reps, args.seed, ops))
        if "derive" in ops:
            log("Timing re-derivation of sample batches on the copy ...")
            results.append(bench_rederive(work, path, 10, args.seed))
        if "contact" in ops:
            log(f"Timing record_contact ({args.reps} reps, 5 warm-up) on the copy ...")
            results.append(bench_record_contact(work, path, args.reps, args.seed))
        if "import" in ops:
            small, _ = build(SMALL_SCALE, args.seed, False, quiet=True)
            small_work = CACHE / "work-small.sqlite3"

            def fresh_small(_rep: int) -> Path:
                copy_db(small, small_work)
                return small_work

            log(f"Timing imports ({args.import_reps} each) ...")
            results.append(bench_import(
                f"a fresh small DB (scale {SMALL_SCALE})", fresh_small, args.import_rows, args.import_reps, args.seed))
            remove_db(small_work)
            results.append(bench_import(
                f"the scale-{args.scale} DB (copy)", lambda _rep: work, args.import_rows, args.import_reps,
                args.seed))
    finally:
        if not args.keep_work:
            remove_db(work)
    for r in results:
        r.judge()
    log("")
    print_table(results)
    for r in results:
        if r.note:
            log(f"  {r.operation}: {r.note}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"core-{scale_name(args.scale)}.json"
    run_at = datetime.now(UTC).isoformat(timespec="seconds")
    measured = [{**r.as_json(), "run_at": run_at} for r in results]
    kept = kept_results(out, meta, {r.operation for r in results}) if ops != ALL_OPS else []
    report = {
        "benchmark": "bench_core",
        "run_at": run_at,
        "scale": args.scale,
        "seed": args.seed,
        "as_of": AS_OF.isoformat(),
        "machine": info,
        "loadavg_at_end": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else None,
        "data": meta["data"],
        "build_seconds": meta["build_seconds"],
        "derivation": meta["derivation"],
        "results": measured + kept,
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    log(f"\nWrote {out}" + (f" (kept {len(kept)} results of earlier runs on the same data)" if kept else ""))
    return 0 if all(r.passed is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
