"""vicman's desktop benchmark: the waits an officer sees in the GUI, on a force-sized database.

    .venv/bin/python benchmarks/bench_gui.py                      # newest cached force (1.0, else 0.1)
    .venv/bin/python benchmarks/bench_gui.py --db benchmarks/.cache/force-0.1.sqlite3 --runs 5

Measures, offscreen (``QT_QPA_PLATFORM=offscreen``), against the desktop issue's targets:

1. start-up: from just before ``python -c`` is started to My work's model holding the rows of the
   officer with the most pending duties, in a fresh process each run (signed in through the sign-in
   dialog, that officer remembered in QSettings as the app does);             target <= 2 s
2. switching to the Bureau queue tab (the division with the largest queue) until its rows are painted:
   (a) with its first page already read (it is read at sign-in), and (b) reading the page afresh;
                                                                                target <= 300 ms
3. opening a victim's record (MainWindow.open_record, as Search and the worklists do) until its tabs
   are filled and painted, over varied victims;                                target <= 200 ms
4. loading the whole queue with Load more, then scrolling it top to bottom a screenful at a time
   (``verticalScrollBar().setValue`` + ``processEvents``): the worst step;     target <= 100 ms
5. the session process's peak resident memory (VmHWM) after 2-4;              target <= 400 MB

The database is never opened for writing: it is copied with SQLite's backup API into ``--workdir``
(the app writes consultation audit records), and the copy is deleted afterwards (``--keep-copy``).
The clock is fixed at the data's "now" (2026-07-01 09:00 UTC, as in bench_core.py); ``--clock real``
uses the wall clock, as the app itself does. Prints a table and writes
``benchmarks/results/gui-<database name>.json``. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine_info import cpu_and_ram

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gui_probe  # noqa: E402

CACHE = HERE / ".cache"
RESULTS = HERE / "results"
MAIN_TABLES = (
    "officer",
    "crime",
    "person",
    "crime_person",
    "event",
    "contact_entry",
    "referral",
    "work_assignment",
    "obligation",
    "audit",
)


def log(message: str) -> None:
    print(message, flush=True)


def default_db() -> Path:
    for name in ("force-1.0.sqlite3", "force-0.1.sqlite3"):
        if (CACHE / name).exists():
            return CACHE / name
    raise SystemExit(f"no force database in {CACHE}: build one with bench_core.py --build-only, or pass --db")


# --- the copy -------------------------------------------------------------------------------------


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def backup_copy(source: Path, target: Path) -> float:
    """Copy `source` into `target` with SQLite's backup API, without writing anything beside `source`.

    A closed, checkpointed file (no WAL beside it, as the cache's are) is opened as immutable, so
    SQLite creates no -wal or -shm file next to it. Returns seconds taken.
    """
    wal = Path(f"{source}-wal")
    if wal.exists() and wal.stat().st_size:
        raise SystemExit(f"{source} has a non-empty WAL ({wal}): it is open or was not checkpointed; not copying")
    remove_db(target)
    started = time.perf_counter()
    src = sqlite3.connect(f"{source.resolve().as_uri()}?immutable=1", uri=True)
    dst = sqlite3.connect(target)
    try:
        total = src.execute("PRAGMA page_count").fetchone()[0]

        def progress(_status: int, remaining: int, pages: int) -> None:
            done = pages - remaining
            if pages > 200_000 and done % 200_000 < 50_000:
                log(f"    {done / pages:5.0%} of {pages:,} pages")

        src.backup(dst, pages=50_000, progress=progress if total > 200_000 else None)
    finally:
        dst.close()
        src.close()
    return time.perf_counter() - started


# --- what to measure with ---------------------------------------------------------------------------


@dataclass
class Inputs:
    as_of: str
    soon_until: str
    rows: dict[str, int]
    pending: int
    staff_no: str
    officer_pending: int
    officer_label: str
    division: str
    division_queue: int
    queues: dict[str, int]
    victims: list[tuple[str, str]] = field(default_factory=list)


def choose_inputs(copy: Path, victims: int, seed: int, clock: str) -> Inputs:
    """Migrate the copy if it needs it (as the app would on open), then pick the officer, division and victims."""
    os.environ[gui_probe.CLOCK_ENV] = clock
    from vicman.services.context import open_context

    ctx = open_context(str(copy), clock=gui_probe._bench_clock())
    as_of = ctx.today()
    soon_until = ctx.calendar.next_working_day(as_of)
    ctx.close()
    # Migrating an older file makes a full backup of it beside the copy first: not wanted here.
    for backup in copy.parent.glob(f"{copy.name}.before-*.bak"):
        log(f"  (the copy was at an older schema and has been migrated; removing the app's backup {backup.name})")
        backup.unlink()
    conn = sqlite3.connect(copy)
    try:
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in MAIN_TABLES}
        pending = conn.execute("SELECT count(*) FROM obligation WHERE state = 'pending'").fetchone()[0]
        staff_no, name, officer_pending = conn.execute(
            "SELECT o.staff_no, o.name, count(*) FROM obligation b JOIN officer o ON o.id = b.oic_id "
            "WHERE b.state = 'pending' AND o.active = 1 GROUP BY b.oic_id ORDER BY 3 DESC, o.staff_no LIMIT 1"
        ).fetchone()
        queues = dict(
            conn.execute(
                "SELECT division, count(*) FROM obligation WHERE state = 'pending' AND due <= ? GROUP BY division",
                (soon_until.isoformat(),),
            ).fetchall()
        )
        division = max(sorted(queues), key=lambda d: queues[d])
        rng = random.Random(seed)
        top = conn.execute("SELECT max(id) FROM crime_person").fetchone()[0]
        chosen: list[tuple[str, str]] = []
        seen: set[str] = set()
        while len(chosen) < victims:
            row = conn.execute(
                "SELECT p.ref, c.ref FROM crime_person l JOIN person p ON p.id = l.person_id "
                "JOIN crime c ON c.id = l.crime_id WHERE l.id = ? AND l.role != 'witness'",
                (rng.randint(1, top),),
            ).fetchone()
            if row is not None and row[0] not in seen:
                seen.add(row[0])
                chosen.append((row[0], row[1]))
    finally:
        conn.close()
    return Inputs(
        as_of.isoformat(),
        soon_until.isoformat(),
        rows,
        pending,
        staff_no,
        officer_pending,
        f"{staff_no} {name}",
        division,
        queues[division],
        queues,
        chosen,
    )


def write_settings(config_home: Path, staff_no: str) -> None:
    """The app's own QSettings (organisation and application "vicman"), as a previous run leaves them."""
    from PySide6.QtCore import QSettings

    folder = config_home / "vicman"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    settings = QSettings(str(folder / "vicman.conf"), QSettings.Format.IniFormat)
    settings.setValue("sign_in/last_officer", staff_no)
    settings.sync()


def child_env(copy: Path, config_home: Path, clock: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(config_home),
            gui_probe.DB_ENV: str(copy),
            gui_probe.CLOCK_ENV: clock,
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop(gui_probe.SESSION_ENV, None)
    return env


# --- 1. start-up ------------------------------------------------------------------------------------

STARTUP_CODE = "import sys; sys.path.insert(0, {here!r}); import gui_probe; sys.exit(gui_probe.startup_main())"


def run_startup(copy: Path, config_home: Path, staff_no: str, clock: str) -> dict[str, Any]:
    write_settings(config_home, staff_no)
    env = child_env(copy, config_home, clock)
    code = STARTUP_CODE.format(here=str(HERE))
    env[gui_probe.T0_ENV] = repr(time.time())  # the last thing before the interpreter is started
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    for line in done.stdout.splitlines():
        if line.startswith(gui_probe.RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(gui_probe.RESULT_PREFIX) :])
            if "error" in result or result.get("signed_in_as") != staff_no:
                raise SystemExit(f"start-up run went wrong: {result}\n{done.stderr[-3000:]}")
            return result
    raise SystemExit(f"start-up run printed no result (exit {done.returncode}):\n{done.stderr[-3000:]}")


# --- 2-5. the session -------------------------------------------------------------------------------

SESSION_CODE = "import sys; sys.path.insert(0, {here!r}); import gui_probe; sys.exit(gui_probe.session_main())"


def run_session(copy: Path, config_home: Path, inputs: Inputs, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    write_settings(config_home, inputs.staff_no)
    env = child_env(copy, config_home, args.clock)
    env[gui_probe.SESSION_ENV] = json.dumps(
        {
            "db": str(copy),
            "staff_no": inputs.staff_no,
            "division": inputs.division,
            "victims": inputs.victims,
            "reps": args.reps,
            "warmup": args.warmup,
            "max_pages": args.max_pages,
            "out": str(out),
        }
    )
    out.unlink(missing_ok=True)
    code = SESSION_CODE.format(here=str(HERE))
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=args.session_timeout,
    )
    if not out.exists():
        raise SystemExit(f"the session failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    if done.returncode != 0:
        log(f"  (the session process exited with {done.returncode} after writing its results: {done.stderr[-300:]!r})")
    data: dict[str, Any] = json.loads(out.read_text())
    return data


# --- reporting --------------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    samples: list[float]  # ms (or MB for memory)
    target: str
    target_value: float | None
    judge_by: str = "median"  # median | worst
    unit: str = "ms"
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    @property
    def worst(self) -> float:
        return max(self.samples)

    @property
    def passed(self) -> bool | None:
        if self.target_value is None:
            return None
        value = self.worst if self.judge_by == "worst" else self.median
        return value <= self.target_value

    def as_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "unit": self.unit,
            "n": len(self.samples),
            "median": round(self.median, 2),
            "p90": round(self.p90, 2),
            "worst": round(self.worst, 2),
            "min": round(min(self.samples), 2),
            "target": self.target,
            "judged_by": self.judge_by,
            "passed": self.passed,
            "note": self.note,
            "samples": [round(s, 2) for s in self.samples] if len(self.samples) <= 100 else None,
        }


def print_table(rows: list[Row]) -> None:
    header = f"{'operation':<66} {'median':>10} {'p90':>10} {'worst':>10}  {'target':<18} result"
    log(header)
    log("-" * len(header))
    for r in rows:
        verdict = "-" if r.passed is None else "PASS" if r.passed else "FAIL"
        u = r.unit
        log(
            f"{r.operation:<66} {r.median:>7.1f} {u:<2} {r.p90:>7.1f} {u:<2} {r.worst:>7.1f} {u:<2}  "
            f"{r.target:<18} {verdict}"
        )


def machine() -> dict[str, Any]:
    import platform

    cpu, ram = cpu_and_ram()
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        qt = qVersion()
    except ImportError:
        pyside = qt = "unknown"
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": pyside,
        "qt": qt,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def scroll_gc_note(session: dict[str, Any]) -> str:
    g, c = session.get("scroll_gc"), session.get("scroll_cpu")
    if not g or not c:
        return ""
    return (
        f"GUI thread CPU per step: median {c['median_cpu_ms']:.0f} ms, max {c['max_cpu_ms']:.0f} ms, in the worst "
        f"step {c['worst_step_cpu_ms']:.0f} ms (the rest of that step: waiting for the CPU or the GIL); "
        f"Python GC during the scroll: {g['collections']} collections ({g['full_collections']} full), "
        f"{g['gc_ms_total']:.0f} ms in all; in the worst step {g['worst_step_gc_ms']:.0f} ms "
        f"(generation {g['worst_step_gc_generation']}); worst step less its GC {g['worst_step_without_gc_ms']:.0f} ms; "
        f"{g['tracked_objects']:,} objects tracked"
    )


def summarise(samples: list[float]) -> dict[str, Any] | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)], 2),
        "max": round(ordered[-1], 2),
    }


def median_marks(runs: list[dict[str, Any]]) -> dict[str, float]:
    names = list(runs[0]["marks"])
    return {n: round(statistics.median(r["marks"][n] for r in runs if n in r["marks"]) * 1000, 1) for n in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database to measure (default: benchmarks/.cache/force-1.0.sqlite3, else force-0.1)",
    )
    parser.add_argument("--runs", type=int, default=7, help="start-up runs, each a fresh process (default 7)")
    parser.add_argument("--reps", type=int, default=10, help="timed tab switches of each kind (default 10)")
    parser.add_argument("--victims", type=int, default=20, help="victim records opened, timed (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed warm-up runs of each operation (default 2)")
    parser.add_argument("--max-pages", type=int, default=0, help="stop Load more after this many pages (0: all)")
    parser.add_argument(
        "--clock",
        choices=("data", "real"),
        default="data",
        help="data: 2026-07-01 09:00 UTC, the data's now (default); real: the wall clock",
    )
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/vicman-bench-gui"),
        help="where the copy of the database and the QSettings go (default /tmp/vicman-bench-gui)",
    )
    parser.add_argument("--keep-copy", action="store_true", help="keep the copy of the database afterwards")
    parser.add_argument("--session-timeout", type=int, default=3600, help="seconds allowed for the session")
    parser.add_argument("--skip-startup", action="store_true", help="measure the session only (2-5)")
    args = parser.parse_args(argv)

    source = (args.db or default_db()).resolve()
    if not source.exists():
        raise SystemExit(f"no database at {source}")
    name = source.name.removesuffix(".sqlite3")
    info = machine()
    log(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; {info['platform']}; "
        f"Python {info['python']}, SQLite {info['sqlite']}, PySide6 {info['pyside6']} (Qt {info['qt']}); "
        f"load average {info['load_average_at_start']}"
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    copy = args.workdir / f"{name}.sqlite3"
    config_home = args.workdir / "config"
    log(f"Copying {source} ({source.stat().st_size / 1e9:.2f} GB) to {copy} with the backup API ...")
    copy_seconds = backup_copy(source, copy)
    log(f"  copied in {copy_seconds:.1f}s")
    try:
        inputs = choose_inputs(copy, args.victims + args.warmup, args.seed, args.clock)
        log(
            "Data: "
            + ", ".join(f"{t} {n:,}" for t, n in inputs.rows.items())
            + f"; pending duties {inputs.pending:,}; {source.stat().st_size / 1e9:.2f} GB"
        )
        log(
            f"As of {inputs.as_of} (due soon until {inputs.soon_until}); busiest officer {inputs.officer_label} "
            f"({inputs.officer_pending:,} pending duties); largest bureau queue {inputs.division} "
            f"({inputs.division_queue:,} due or overdue)"
        )

        startups: list[dict[str, Any]] = []
        if not args.skip_startup:
            log(f"1. Start-up to My work populated: {args.runs} fresh processes (+1 warm-up) ...")
            for i in range(args.runs + 1):
                result = run_startup(copy, config_home, inputs.staff_no, args.clock)
                m = result["marks"]
                log(
                    f"   run {i}{' (warm-up)' if i == 0 else ''}: rows at {m['my_work_rows']:.2f}s "
                    f"(imports {m['imports_done']:.2f}s, db open {m['database_open']:.2f}s, "
                    f"shown {m['window_shown']:.2f}s, officers read {m['officers_read']:.2f}s); "
                    f"{result['my_work_rows']} rows; CPU {result['cpu_s']:.2f}s; "
                    f"peak RSS {result['peak_rss_mb']:.0f} MB"
                )
                if i:
                    startups.append(result)

        log(f"2-5. Session: tab switches ({args.reps} of each), {args.victims} records, load all pages, scroll ...")
        session = run_session(copy, config_home, inputs, args, args.workdir / f"session-{name}.json")
    finally:
        if not args.keep_copy:
            remove_db(copy)

    rows: list[Row] = []
    if startups:
        rows.append(
            Row(
                "1. start-up (process start) to My work rows in the model",
                [r["marks"]["my_work_rows"] * 1000 for r in startups],
                "<= 2 s",
                2000,
                note=f"fresh process each run; officer {inputs.officer_label} with "
                f"{inputs.officer_pending:,} pending duties, {startups[0]['my_work_rows']} rows listed",
            )
        )
        rows.append(Row("   ... and painted", [r["marks"]["my_work_painted"] * 1000 for r in startups], "(info)", None))
        rows.append(
            Row(
                "   ... CPU time the process used by then (all threads)",
                [r["cpu_s"] * 1000 for r in startups],
                "(info)",
                None,
                note="wall time beyond this is waiting: for the disk, or for a CPU taken by other processes",
            )
        )
    rows.append(
        Row(
            "2a. switch to Bureau queue tab, first page already read",
            session["bureau_switch_loaded_ms"],
            "<= 300 ms",
            300,
            note="the queue is read at sign-in; this is the tab switch and paint",
        )
    )
    rows.append(
        Row(
            "2b. switch to Bureau queue tab, first page read afresh",
            session["bureau_switch_fresh_ms"],
            "<= 300 ms",
            300,
            note=f"{inputs.division}: {session['bureau_total']:,} duties due or overdue, first page "
            f"{session['bureau_first_page_rows']} rows; GUI thread's longest stall: median "
            f"{statistics.median(session['bureau_switch_fresh_stall_ms']):.0f} ms",
        )
    )
    rows.append(
        Row(
            "3. open a victim record until its tabs are filled and painted",
            session["record_open_ms"],
            "<= 200 ms",
            200,
            note=f"{len(session['record_open_ms'])} victims drawn at random; crimes per victim up to "
            f"{max(v['crimes'] for v in session['record_open_victims'])}, timeline entries up to "
            f"{max(v['timeline'] for v in session['record_open_victims'])}",
        )
    )
    if session["load_more_ms"]:
        rows.append(
            Row(
                "4a. Load more: one page of 500 rows read, added and painted",
                session["load_more_ms"],
                "(info)",
                None,
                note=f"{len(session['load_more_ms'])} pages, {session['loaded_rows']:,} rows in "
                f"{session['load_all_s']:.1f} s; all loaded: {session['all_loaded']}; GUI thread's "
                f"longest stall per page: worst {max(session['load_more_stall_ms']):.0f} ms",
            )
        )
    if session["scroll_step_ms"]:
        sc = session["scroll"]
        rows.append(
            Row(
                "4b. scroll the whole queue, a screenful a step (worst step)",
                session["scroll_step_ms"],
                "worst <= 100 ms",
                100,
                judge_by="worst",
                note=f"{sc['steps']} steps of {sc['page_step_rows']} rows over {sc['rows']:,} rows; "
                f"{sc['steps_without_paint']} steps without a paint; {scroll_gc_note(session)}",
            )
        )
    rows.append(
        Row(
            "5. peak RSS of the session process after 2-4",
            [session["peak_rss_mb"]],
            "<= 400 MB",
            400,
            unit="MB",
            note=f"VmHWM; resident at the end {session['rss_mb']:.0f} MB",
        )
    )
    if startups:
        rows.append(
            Row(
                "   peak RSS of a start-up process (info)",
                [r["peak_rss_mb"] for r in startups],
                "(info)",
                None,
                unit="MB",
            )
        )

    info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    log("")
    log(
        f"Database: {source} ({source.stat().st_size / 1e9:.2f} GB); "
        + ", ".join(f"{t} {n:,}" for t, n in inputs.rows.items())
    )
    log(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; load average at start "
        f"{info['load_average_at_start']}, at end {info['load_average_at_end']}"
    )
    log("")
    print_table(rows)
    for r in rows:
        if r.note:
            log(f"  {r.operation.strip(' .')}: {r.note}")
    if startups:
        log(
            "  start-up phases (median ms since the process was started): "
            + ", ".join(f"{k} {v:,.0f}" for k, v in median_marks(startups).items())
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"gui-{name}.json"
    report = {
        "benchmark": "bench_gui",
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {
            "path": str(source),
            "bytes": source.stat().st_size,
            "rows": inputs.rows,
            "pending_duties": inputs.pending,
            "bureau_queues": inputs.queues,
        },
        "clock": args.clock,
        "as_of": inputs.as_of,
        "machine": info,
        "inputs": {
            "officer": inputs.officer_label,
            "officer_pending": inputs.officer_pending,
            "division": inputs.division,
            "division_queue": inputs.division_queue,
            "victims": [p for p, _c in inputs.victims[args.warmup :]],
        },
        "results": [r.as_json() for r in rows],
        "startup_phases_median_ms": median_marks(startups) if startups else None,
        "session": {k: summarise(v) if k.endswith("_ms") else v for k, v in session.items()},
    }
    out.write_text(json.dumps(report, indent=2) + "\n")
    log(f"\nWrote {out}")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
